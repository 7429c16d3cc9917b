"""One line of the table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """`ours` and `reference` in `unit` (s or MiB); `target` is a ratio bound (None: report only);
    `limit` an absolute bound on `ours` in the same unit."""

    what: str
    ours: float | None
    reference: float | None = None
    reference_name: str = ""
    unit: str = "s"
    target: float | None = None
    limit: float | None = None
    note: str = ""
    pending: bool = False

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.reference:
            return None
        return self.ours / self.reference

    @property
    def verdict(self) -> str:
        if self.pending:
            return "pending"
        ok = True
        checked = False
        if self.target is not None and self.ratio is not None:
            checked = True
            ok = ok and self.ratio <= self.target
        if self.limit is not None and self.ours is not None:
            checked = True
            ok = ok and self.ours <= self.limit
        if not checked:
            return "report"
        return "met" if ok else "MISSED"

    def target_text(self) -> str:
        parts = []
        if self.target is not None:
            parts.append(f"≤ {self.target:g}x")
        if self.limit is not None:
            parts.append(f"≤ {self.limit:g} {self.unit}")
        return " and ".join(parts) or "report"
