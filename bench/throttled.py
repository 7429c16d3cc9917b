"""Apply 100 settings with the emulator at 5 writes/s (bucket 10) against the throttle floor.

The measurement belongs to the reliability work (issue 4): `bench/throttled_apply.py` with
`measure() -> dict`. This row wires it in when that module is importable and shows "pending issue 4"
until then. As landed on main, `measure()` returns seconds `throttled_s`, `unthrottled_s`,
`extra_s` (their difference) and `floor_s` ((100 - 10) / 5 = 18 s), the check `ratio`
(= extra / floor), counts `http_429`, `failed`, `duplicates`, and `default_pacing` (the same figures
with the provider's default pacing). The row's "ours" is `extra_s`, its reference `floor_s`.
"""

from __future__ import annotations

import importlib
from typing import Any

from bench.context import Context
from bench.result import Row

WHAT = "apply 100 settings, emulator at 5 writes/s (bucket 10): time beyond the unthrottled apply"
REFERENCE = "throttle floor, 90 writes / 5 per s"
NOTE_KEYS = ("unthrottled_s", "throttled_s", "http_429", "failed", "duplicates")


def _number(figures: dict[str, Any], name: str) -> float | None:
    value = figures.get(name)
    return float(value) if isinstance(value, int | float) else None


def row_from(figures: dict[str, Any]) -> Row:
    """The table row for what `measure()` returned."""
    note = ", ".join(f"{k} {figures[k]}" for k in NOTE_KEYS if k in figures)
    default = figures.get("default_pacing")
    if isinstance(default, dict) and "ratio" in default:
        note += f"; with the provider's default pacing: ratio {default['ratio']}"
    return Row(
        WHAT, _number(figures, "extra_s"), _number(figures, "floor_s"), REFERENCE, target=1.15, note=note
    )


def throttled_row(ctx: Context) -> Row:
    try:
        module = importlib.import_module("bench.throttled_apply")
    except ImportError:
        return Row(WHAT, None, None, REFERENCE, target=1.15, pending=True, note="pending issue 4")
    return row_from(module.measure())
