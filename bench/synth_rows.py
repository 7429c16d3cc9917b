"""Synthesis as a user runs it: a whole `python app.py` process per measurement, wall clock and CPU
(user + system of the app's Python and its Node child, which is steadier than wall time when other
work shares the machine). Ours also runs on CDK Terrain when `.venv-cdktn` exists."""

from __future__ import annotations

import resource
import subprocess
import sys
from functools import partial
from pathlib import Path

from bench.context import Context
from bench.env import HERE, ROOT, base_env
from bench.result import Row
from bench.timing import Samples, interleaved, timed

APPS = {"ours": "ours.py", "null": "null_binding.py", "json": "json_dump.py", "ours-cdktn": "ours.py"}
CDKTN_PYTHON = ROOT / ".venv-cdktn" / "bin" / "python"
CPU = Samples()
"""CPU seconds per run, by side, next to the wall-clock samples `synth` returns."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_app(ctx: Context, side: str, count: int) -> float:
    outdir = ctx.dir(f"synth-{side}")
    python = CDKTN_PYTHON if side == "ours-cdktn" else Path(sys.executable)
    cmd = [str(python), str(HERE / "apps" / APPS[side]), str(count), str(outdir)]
    env = base_env({"PYTHONPATH": str(HERE / "apps")})
    before = _children_cpu()
    seconds = timed(lambda: subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL))
    CPU.add(side, _children_cpu() - before)
    return seconds


def synth(ctx: Context, count: int, sides: tuple[str, ...], repeats: int) -> Samples:
    return interleaved(
        {side: partial(run_app, ctx, side, count) for side in sides},
        repeats=ctx.repeats(repeats),
    )


def synth_rows(ctx: Context) -> list[Row]:
    sides = ("ours", "null", "json", *(("ours-cdktn",) if CDKTN_PYTHON.exists() else ()))
    CPU.values.clear()
    s = synth(ctx, 1000, sides, repeats=7)
    ours = s.median("ours")
    binding = "generated binding (`cdktf-cdktf-provider-null`), 1000 `null_resource`"
    rows = [
        Row("synth 1000 settings (whole `python app.py`)", ours, s.median("null"), binding, target=1.10),
        Row(
            "synth 1000 settings, CPU (user + system, Python and Node)",
            CPU.median("ours"),
            CPU.median("null"),
            binding,
        ),
        Row(
            "synth 1000 settings",
            ours,
            s.median("json"),
            "`json.dump` of the same `cdk.tf.json` (no CDKTF)",
        ),
    ]
    if "ours-cdktn" in sides:
        rows.append(
            Row(
                "synth 1000 settings on CDK Terrain (`cdktn` 0.24.0)",
                s.median("ours-cdktn"),
                s.median("null"),
                binding + ", on CDKTF",
            )
        )
    return rows


def synth_growth(ctx: Context) -> dict[int, dict[str, float]]:
    """Median seconds per count for ours and the generated binding (1000 comes from the main row)."""
    out: dict[int, dict[str, float]] = {}
    for count in (10, 100):
        s = synth(ctx, count, ("ours", "null"), repeats=3)
        out[count] = {"ours": s.median("ours"), "ref": s.median("null")}
    return out
