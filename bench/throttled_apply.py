"""Benchmark: a 100-setting `terraform apply` against the emulator enforcing Graph-like write
throttling (a token bucket of 5 writes/s, burst 10), compared with the same apply unthrottled.

Throttling makes 100 writes take at least (100 - 10) / 5 = 18 s (the throttle floor). The goal
(issue 4): the throttled apply fails nothing and costs at most 1.15 x that floor more than the
unthrottled one, i.e. the provider's pacer runs near the allowed rate instead of bursting into
429s and sleeping in lock-step.

    python bench/throttled_apply.py      # prints a table
    from bench.throttled_apply import measure; measure()   # the figures as a dict

Real parts only: the installed provider plugin run by the real `terraform`, the emulator over TLS.
The provider runs with its defaults (100 writes per 20 s, i.e. 5/s).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from graph_emulator import FaultPlan, start_emulator
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCE_TYPE
from terraform_provider_intune.mirror import install

SETTINGS = 100
WRITE_RATE = 5.0
WRITE_BURST = 10
FLOOR_S = (SETTINGS - WRITE_BURST) / WRITE_RATE
GOAL_RATIO = 1.15
ISSUERS = ("intercede", "entrustDatacard", "purebred", "xTec")


def _config(count: int, provider: dict[str, Any]) -> dict[str, Any]:
    resources = {
        f"s{i:03d}": {
            "display_name": f"bench setting {i:03d}",
            "issuer": ISSUERS[i % len(ISSUERS)],
            "notification_types": ["email"],
            "renewal_threshold_percentage": 20,
        }
        for i in range(count)
    }
    return {
        "terraform": {
            "required_providers": {"intune": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}}
        },
        "provider": {"intune": [provider]},
        "resource": {RESOURCE_TYPE: resources},
    }


def _terraform(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("terraform")
    if exe is None:
        raise RuntimeError("terraform must be on PATH")
    proc = subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"terraform {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _timed_apply(
    root: Path, rc: Path, faults: FaultPlan, count: int, provider: dict[str, Any]
) -> dict[str, Any]:
    """Init (untimed), then time one `terraform apply` of `count` settings."""
    with start_emulator(root / "emulator", faults=faults) as emu:
        work = root / "work"
        work.mkdir()
        (work / "main.tf.json").write_text(json.dumps(_config(count, provider)))
        env = {
            **os.environ,
            **emu.env(),
            "TF_CLI_CONFIG_FILE": str(rc),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
        }
        _terraform(["init", "-input=false", "-no-color"], work, env)
        started = time.monotonic()
        _terraform(["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"], work, env)
        seconds = time.monotonic() - started
        state = json.loads((work / "terraform.tfstate").read_text())
        in_state = sum(len(r["instances"]) for r in state["resources"] if r["type"] == RESOURCE_TYPE)
        return {
            "seconds": seconds,
            "objects": len(emu.objects()),
            "in_state": in_state,
            "throttled": faults.throttled,
        }


UNPACED_WRITE_LIMIT = 1000.0  # writes per 20 s: 10x what the emulator allows


def measure(count: int = SETTINGS) -> dict[str, Any]:
    """Both scenarios. Top level: the provider told it may write 10x faster than the emulator
    allows (`write_limit = 1000`), so the unthrottled apply is unpaced and the throttled one must
    adapt to the emulator's 429s: the strict reading of the goal. `default_pacing`: the provider's
    defaults (100 writes per 20 s = the emulator's 5/s), where both applies are paced."""
    strict = measure_one(count, UNPACED_WRITE_LIMIT)
    default = measure_one(count, None)
    return {**strict, "default_pacing": default, "ok": strict["ok"] and default["ok"]}


def measure_one(count: int = SETTINGS, write_limit: float | None = None) -> dict[str, Any]:
    """Run the unthrottled and the throttled apply; return their times, the overhead over the
    floor and whether the goal holds. `write_limit` (writes per 20 s) goes to the provider; None
    keeps its default."""
    provider: dict[str, Any] = {} if write_limit is None else {"write_limit": write_limit}
    with tempfile.TemporaryDirectory(prefix="bench-throttled-") as tmp:
        root = Path(tmp)
        rc = install(root / "provider", python=sys.executable)
        free = _timed_apply(root / "free", rc, FaultPlan(), count, provider)
        throttled = _timed_apply(
            root / "throttled", rc, FaultPlan(write_rate=WRITE_RATE, write_burst=WRITE_BURST), count, provider
        )
    floor = max(0.0, (count - WRITE_BURST) / WRITE_RATE)
    extra = throttled["seconds"] - free["seconds"]
    ratio = extra / floor if floor else float("nan")
    failed = count * 2 - free["in_state"] - throttled["in_state"]
    return {
        "settings": count,
        "provider_write_limit_per_20s": write_limit or 100,
        "write_rate": WRITE_RATE,
        "write_burst": WRITE_BURST,
        "unthrottled_s": round(free["seconds"], 2),
        "throttled_s": round(throttled["seconds"], 2),
        "floor_s": floor,
        "extra_s": round(extra, 2),
        "ratio": round(ratio, 3),
        "goal_ratio": GOAL_RATIO,
        "http_429": throttled["throttled"],
        "failed": failed,
        "duplicates": free["objects"] - free["in_state"] + throttled["objects"] - throttled["in_state"],
        "ok": failed == 0 and ratio <= GOAL_RATIO,
        "cpus": os.cpu_count(),
        "load_1m": round(os.getloadavg()[0], 2),
    }


def _rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("provider write_limit", f"{result['provider_write_limit_per_20s']:g} per 20 s"),
        ("apply, no throttle", f"{result['unthrottled_s']:.1f} s"),
        ("apply, throttled", f"{result['throttled_s']:.1f} s"),
        ("extra / floor", f"{result['ratio']:.3f} (goal <= {result['goal_ratio']})"),
        ("429 answers", str(result["http_429"])),
        ("failed, duplicates", f"{result['failed']}, {result['duplicates']}"),
        ("load (1 min) after", str(result["load_1m"])),
    ]


def main() -> int:
    result = measure()
    print(
        f"{result['settings']} settings; emulator throttle {result['write_rate']:g} writes/s, bucket "
        f"{result['write_burst']}; floor {result['floor_s']:.1f} s; {result['cpus']} cpus"
    )
    strict, default = _rows(result), _rows(result["default_pacing"])
    width = max(len(k) for k, _ in strict)
    print(f"{'':{width}}  {'unpaced provider':>18}  {'default pacing':>18}")
    for (key, a), (_, b) in zip(strict, default, strict=True):
        print(f"{key:{width}}  {a:>18}  {b:>18}")
    print("PASS" if result["ok"] else "FAIL")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
