"""The background emulator's pid file, and proof that a pid still names that emulator.

A pid file outlives its process (a `kill -9`, a reboot, a crash) and the kernel reuses pids, so a
pid alone may name somebody else's process. `graph-emulator start` gives each background emulator a
random instance token on its command line (`serve --instance TOKEN`) and records `PID TOKEN` here;
`stop` signals a pid only when its command line is `graph_emulator serve` for this data directory
with that token. A zombie (a killed emulator its parent has not reaped yet) counts as gone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

PID_FILE = "emulator.pid"
INSTANCE_FLAG = "--instance"


@dataclass(frozen=True)
class PidRecord:
    """What `start` wrote: the pid, and the instance token on that process's command line (None in
    a pid file written by an older version, which recorded the pid only)."""

    pid: int
    instance: str | None


def new_instance() -> str:
    return secrets.token_hex(16)


def write_record(data_dir: Path, pid: int, instance: str) -> None:
    from graph_emulator.identity import write_private

    write_private(data_dir / PID_FILE, f"{pid} {instance}\n")


def read_record(data_dir: Path) -> PidRecord | None:
    """The recorded pid and token, or None when there is no readable pid file."""
    try:
        parts = (data_dir / PID_FILE).read_text().split()
        pid = int(parts[0])
    except (OSError, ValueError, IndexError):
        return None
    return PidRecord(pid, parts[1] if len(parts) > 1 else None) if pid > 0 else None


def remove_record(data_dir: Path) -> None:
    (data_dir / PID_FILE).unlink(missing_ok=True)


def process_state(pid: int) -> str:
    """ "running", "zombie" (exited, not yet reaped) or "gone"."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    except PermissionError:
        return "running"  # someone else's process: alive, and surely not ours
    with contextlib.suppress(ChildProcessError, OSError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that has exited: reaped now
            return "gone"
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return "zombie" if stat.rsplit(")", 1)[1].split()[0] == "Z" else "running"
    except (OSError, IndexError):
        pass
    state = _ps(pid, "stat=")
    if state is None:
        return "gone"
    return "zombie" if state.startswith("Z") else "running"


def command_line(pid: int) -> list[str] | None:
    """The process's arguments (/proc, else `ps`), or None when they cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [a.decode(errors="replace") for a in raw.split(b"\0") if a]
    except OSError:
        pass
    text = _ps(pid, "command=")
    return text.split() if text else None


def _ps(pid: int, field: str) -> str | None:
    try:
        out = subprocess.run(
            ["ps", "-o", field, "-p", str(pid)], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.strip()
    return text or None


def is_this_emulator(record: PidRecord, data_dir: Path) -> bool:
    """True when `record.pid` runs (not a zombie) and is `graph_emulator serve` for `data_dir`,
    with the recorded instance token when the pid file has one."""
    if process_state(record.pid) != "running":
        return False
    args = command_line(record.pid)
    if not args:
        return False
    try:
        at = args.index("--data-dir")
        same_dir = Path(args[at + 1]).resolve() == data_dir.resolve()
    except (ValueError, IndexError, OSError):
        return False
    launcher = " ".join(args[:3])
    ours = ("graph_emulator" in launcher or "graph-emulator" in launcher) and "serve" in args and same_dir
    if record.instance is None:
        return ours
    return ours and INSTANCE_FLAG in args and args[args.index(INSTANCE_FLAG) + 1 :][:1] == [record.instance]


def describe(record: PidRecord) -> str:
    """What the pid names, for a message: its command line, or why there is none."""
    state = process_state(record.pid)
    if state != "running":
        return f"process {record.pid} has exited" if state == "gone" else f"process {record.pid} is a zombie"
    args = command_line(record.pid)
    shown = " ".join(args)[:120] if args else "(command line unreadable)"
    return f"process {record.pid} is `{shown}`"
