"""Provider start to handshake: from spawning the plugin executable (as Terraform does) to the
go-plugin handshake line on its stdout."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping
from pathlib import Path


def start_to_handshake(executable: Path, env: Mapping[str, str]) -> float:
    """Seconds until the handshake line (`1|6|unix|...|grpc|...`) is printed; the process is then
    stopped."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(executable)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=dict(env),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        if not line.startswith(b"1|6|"):
            raise RuntimeError(f"{executable}: no handshake, got {line!r}")
        return elapsed
    finally:
        proc.kill()
        proc.wait()
