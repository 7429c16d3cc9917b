"""`cdktf deploy '*' --parallelism 10` of 50 tenant stacks (two settings each, every stack its own
tenant in one emulator) against the same 50 stacks with the minimal `tf` provider (the floor a
Python plugin sets: target 1.3x, issue 19), and 50 stacks of `terraform_data` beside them (Terraform
alone): wall time and the peak memory of the whole process tree (cdktf, Node, every `terraform` and
provider process). Heavy: run it with `python -m bench cdktf-tenants` or `BENCH_HEAVY=1 make bench`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.cdktf_rows import _plain_rc
from bench.context import Context
from bench.env import CDKTF, HERE, ROOT, base_env
from bench.result import Row
from bench.tenant_rows import tenant_ids

STACKS = int(os.environ.get("BENCH_CDKTF_STACKS", "50"))  # fewer for a quick look
PARALLELISM = 10


def _project(ctx: Context, kind: str) -> Path:
    path = ctx.dir(f"cdktf-tenants-{kind}")
    app = [sys.executable, str(HERE / "apps" / "tenant_stacks.py"), kind, str(STACKS), *tenant_ids(STACKS)]
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = shlex.join(app)
    (path / "cdktf.json").write_text(json.dumps(cfg))
    return path


def _tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total = 0
    for pid in rss:
        p = pid
        while p and p != root:
            p = parents.get(p, 0)
        if p == root:
            total += rss[pid]
    return total


def _deploy(project: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MiB of one `cdktf deploy '*'`."""
    cmd = [
        str(CDKTF),
        "deploy",
        "*",
        "--auto-approve",
        "--skip-provider-lock",
        f"--parallelism={PARALLELISM}",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate(timeout=1800)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"cdktf deploy exited {proc.returncode}\n{out[-3000:]}")
    return seconds, peak / 1024


def _plain_mirror_with_minimal(ctx: Context) -> Path:
    """The product's own mirror (no RSS wrapper, see `cdktf_rows._plain_rc`) plus the minimal
    provider, also launched plainly."""
    rc = _plain_rc(ctx)
    plat = ctx.mirror.minimal.name
    target = rc.parent / "mirror" / "terraform.local" / "bench" / "minimal" / "0.1.0" / plat
    target.mkdir(parents=True, exist_ok=True)
    exe = target / "terraform-provider-minimal_v0.1.0"
    script = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'minimal_provider.py'))}"
    exe.write_text(f'#!/bin/sh\nexec {script} "$@"\n')
    exe.chmod(0o755)
    return rc


def rows(ctx: Context) -> list[Row]:
    env = base_env(
        {
            **ctx.provider_env(),
            "TF_CLI_CONFIG_FILE": str(_plain_mirror_with_minimal(ctx)),
            "PYTHONPATH": str(ROOT),
            "CI": "1",
        }
    )
    kinds = ("terraform_data", "minimal", "ours")
    figures = {kind: _deploy(_project(ctx, kind), env) for kind in kinds}
    (ours_s, ours_mib), (min_s, min_mib) = figures["ours"], figures["minimal"]
    data_s, data_mib = figures["terraform_data"]
    what = f"`cdktf deploy '*' --parallelism {PARALLELISM}`, {STACKS} tenant stacks x 2 settings"
    minimal = f"the same {STACKS} stacks with the minimal `tf` provider"
    return [
        Row(
            what + ", time",
            ours_s,
            min_s,
            minimal,
            target=1.3,
            note=f"{STACKS} stacks of `terraform_data`: {data_s:.1f} s",
        ),
        Row(
            what + ", peak memory of the process tree",
            ours_mib,
            min_mib,
            minimal,
            unit="MiB",
            target=1.3,
            note=f"{STACKS} stacks of `terraform_data`: {data_mib:.0f} MiB",
        ),
    ]
