"""`python -m bench`: run every row, print the table, write `docs/benchmarks.md`.

python -m bench              # everything but the heavy groups (about 10 minutes on 2 cores)
python -m bench synth plan   # only the named groups (the growth table needs "apply")
python -m bench packaged     # the release zip: build time, size, packaged start vs the venv launcher
BENCH_SCALE=0.5 python -m bench   # half the repetitions
BENCH_HEAVY=1 python -m bench     # also the heavy groups (`tenant-growth`, `cdktf-tenants`) and
                                  # the 500-tenant `estate` rows: minutes each
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable

from bench import apply_rows, cdktf_rows, machine, report, synth_rows
from bench.context import Context
from bench.env import ROOT
from bench.result import Row
from bench.rows import GROUPS, HEAVY

DOC = ROOT / "docs" / "benchmarks.md"


def _guarded(name: str, group: Callable[[Context], list[Row]], ctx: Context) -> list[Row]:
    """A failing group becomes one row saying so; the other rows are still measured and written."""
    try:
        return group(ctx)
    except Exception as exc:
        traceback.print_exc()
        return [Row(name, None, note=f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")]


def main(argv: list[str]) -> int:
    wanted = set(argv)
    started = time.monotonic()
    load_before = machine.load()
    ctx = Context.create()
    rows: list[Row] = []
    synth_growth: dict[int, dict[str, float]] = {}
    apply_growth: dict[int, dict[str, float]] = {}

    heavy = os.environ.get("BENCH_HEAVY", "") not in ("", "0")

    def want(name: str) -> bool:
        if name in HEAVY and not heavy:
            return name in wanted
        return not wanted or any(name.startswith(w) for w in wanted)

    def progress(name: str) -> None:
        print(f"bench: {name} ({time.monotonic() - started:.0f} s, load {machine.load()})", flush=True)

    try:
        for name, group in GROUPS:
            if want(name):
                progress(name)
                rows += _guarded(name, group, ctx)
        if want("apply"):
            progress("apply 1000")
            figures = apply_rows.apply_1000(ctx)
            rows += apply_rows.apply_rows(ctx, figures)
            progress("apply growth")
            apply_growth = apply_rows.apply_growth(ctx)
            apply_growth[1000] = {
                "ours": figures.samples.median("ours"),
                "ref": figures.samples.median("minimal"),
            }
        if want("growth"):
            progress("synth growth")
            synth_growth = synth_rows.synth_growth(ctx)
            synth_1000 = next((r for r in rows if r.reference_name.startswith("generated")), None)
            if synth_1000 is not None and synth_1000.ours is not None and synth_1000.reference is not None:
                synth_growth[1000] = {"ours": synth_1000.ours, "ref": synth_1000.reference}
        if want("cdktf"):
            progress("cdktf deploy")
            rows += _guarded("cdktf deploy", cdktf_rows.cdktf_rows, ctx)
    finally:
        ctx.close()
    minutes = (time.monotonic() - started) / 60
    block = report.document(
        rows,
        report.growth_table(synth_growth, apply_growth),
        machine.machine(),
        machine.versions(),
        load_before,
        machine.load(),
        minutes,
    )
    print()
    print(block)
    if not wanted:
        report.write(DOC, block)
        print(f"\nwritten to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
