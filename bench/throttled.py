"""Apply 100 settings with the emulator at 5 writes/s (bucket 10) against the throttle floor.

The measurement itself belongs to the reliability work (issue 4), which adds emulator throttling and
`bench/throttled_apply.py` with `measure() -> dict`. This row wires it in when that module exists and
shows "pending" until then. Expected keys (seconds): `ours` (throttled apply) and `reference` (the
floor: 90 writes / 5 per s = 18 s beyond the same apply unthrottled); any other keys are shown as a
note. If the module names them differently, map them in `_pick` below: that is the only edit.
"""

from __future__ import annotations

import importlib
from typing import Any

from bench.context import Context
from bench.result import Row

WHAT = "apply 100 settings, emulator at 5 writes/s (bucket 10)"
REFERENCE = "throttle floor (90 / 5 = 18 s) beyond the same apply unthrottled"


def _pick(figures: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = figures.get(name)
        if isinstance(value, int | float):
            return float(value)
    return None


def throttled_row(ctx: Context) -> Row:
    try:
        module = importlib.import_module("bench.throttled_apply")
    except ImportError:
        return Row(WHAT, None, None, REFERENCE, target=1.15, pending=True, note="pending issue 4")
    figures: dict[str, Any] = module.measure()
    ours = _pick(figures, "ours", "throttled_s", "throttled")
    reference = _pick(figures, "reference", "floor_s", "floor")
    rest = {k: v for k, v in figures.items() if k not in ("ours", "reference")}
    note = ", ".join(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}" for k, v in rest.items())
    return Row(WHAT, ours, reference, REFERENCE, target=1.15, note=note)
