"""Where and with what the figures were taken."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata

from bench.env import CDKTF, TERRAFORM, base_env


def _first(path: str, key: str) -> str:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _run(cmd: list[str]) -> str:
    """The last line of output that looks like a version (the cdktf CLI mixes in Terraform's warnings)."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=base_env(), timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    versions = [
        line.strip() for line in out.splitlines() if line.strip()[:1].isdigit() or line.startswith("v")
    ]
    return versions[-1] if versions else "?"


def machine() -> dict[str, str]:
    mem_kib = _first("/proc/meminfo", "MemTotal").split()[0]
    mem = f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "?"
    return {
        "cores": str(os.cpu_count()),
        "cpu": _first("/proc/cpuinfo", "model name"),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
    }


def versions() -> dict[str, str]:
    try:
        out = subprocess.run([TERRAFORM, "version", "-json"], capture_output=True, text=True, timeout=60)
        terraform = str(json.loads(out.stdout)["terraform_version"])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        terraform = "?"
    return {
        "python": platform.python_version(),
        "terraform": terraform,
        "cdktf (PyPI)": metadata.version("cdktf"),
        "cdktf-cli": _run([str(CDKTF), "--version"]) if CDKTF.exists() else "not installed",
        "tf (PyPI)": metadata.version("tf"),
        "cdktf-cdktf-provider-null": metadata.version("cdktf-cdktf-provider-null"),
        "node": _run(["node", "--version"]),
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
