"""Synthesis as a user runs it: a whole `python app.py` process per measurement."""

from __future__ import annotations

import subprocess
import sys
from functools import partial

from bench.context import Context
from bench.env import HERE, base_env
from bench.result import Row
from bench.timing import Samples, interleaved, timed

APPS = {"ours": "ours.py", "null": "null_binding.py", "json": "json_dump.py"}


def run_app(ctx: Context, side: str, count: int) -> float:
    outdir = ctx.dir(f"synth-{side}")
    cmd = [sys.executable, str(HERE / "apps" / APPS[side]), str(count), str(outdir)]
    env = base_env({"PYTHONPATH": str(HERE / "apps")})
    return timed(lambda: subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL))


def synth(ctx: Context, count: int, sides: tuple[str, ...], repeats: int) -> Samples:
    return interleaved(
        {side: partial(run_app, ctx, side, count) for side in sides},
        repeats=ctx.repeats(repeats),
    )


def synth_rows(ctx: Context) -> list[Row]:
    s = synth(ctx, 1000, ("ours", "null", "json"), repeats=5)
    ours = s.median("ours")
    return [
        Row(
            "synth 1000 settings (whole `python app.py`)",
            ours,
            s.median("null"),
            "generated binding (`cdktf-cdktf-provider-null`), 1000 `null_resource`",
            target=1.10,
        ),
        Row(
            "synth 1000 settings",
            ours,
            s.median("json"),
            "`json.dump` of the same `cdk.tf.json` (no CDKTF)",
        ),
    ]


def synth_growth(ctx: Context) -> dict[int, dict[str, float]]:
    """Median seconds per count for ours and the generated binding (1000 comes from the main row)."""
    out: dict[int, dict[str, float]] = {}
    for count in (10, 100):
        s = synth(ctx, count, ("ours", "null"), repeats=3)
        out[count] = {"ours": s.median("ours"), "ref": s.median("null")}
    return out
