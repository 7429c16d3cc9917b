"""`graph-emulator` (also `python -m graph_emulator`): run the emulator outside a test.

    graph-emulator serve  --data-dir DIR [--port N] [--verbose]   # foreground until SIGTERM/SIGINT
    graph-emulator start  --data-dir DIR [--port N]               # background; writes DIR/env.sh
    graph-emulator status --data-dir DIR
    graph-emulator stop   --data-dir DIR

`serve` and `start` print `export VAR='value'` lines (tenant, client id and secret, authority,
Graph endpoint, CA bundle), so a shell can do `eval "$(graph-emulator start --data-dir .emulator)"`.
The CA bundle (`DIR/ca-bundle.pem`) holds the system's roots (or the bundle the shell trusted
before) and the emulator's CA, so pip and other HTTPS clients in that shell keep working.
Fault injection (see `graph_emulator.faults`) is switched on with flags of `serve` and `start`:
`--throttle-every N`, `--write-rate R --write-burst B`, `--retry-after S`, `--retry-after-date`,
`--error-rate F --error-status 503,504`, `--latency S`, `--read-lag S`, `--drop-after-post-every N`,
`--fault-seed N`, `--refuse-patch 400|405`, `--ignore-patch`, `--revoke-tokens N`, `--wrap-get-body`,
`--drop-field PROP`, `--unknown-enum-member PROP`, `--subtype-answers`, and `--patch-status 200|204`
(200, the documented answer, by default). `--token-lifetime S` sets how long issued access tokens live
(default 3599 s). `--strict-rules` judges request bodies by the project's stricter rules too, not only
by the ones Graph documents. `--page-size N` sets how many
objects a list page holds before `@odata.nextLink` (default 100).

`start` is idempotent: when DIR/emulator.pid names a live emulator that answers, it only prints the
environment again. Data (credentials, objects), the CA and the server certificate persist in DIR
across restarts (a client trusting DIR/ca.pem keeps working); the port is new at each start unless
`--port` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

from graph_emulator.faults import FaultPlan
from graph_emulator.identity import write_private
from graph_emulator.pidfile import (
    PID_FILE,
    describe,
    is_this_emulator,
    new_instance,
    process_state,
    read_record,
    remove_record,
    write_record,
)
from graph_emulator.server import GraphEmulator
from intune_model.address import ENV_AUTHORITY_HOST, ENV_TENANT_ID
from intune_model.display import safe_text
from intune_model.errors import IntuneError
from intune_model.unexpected import report_unexpected

ENV_FILE = "env.sh"
LOG_FILE = "emulator.log"
START_TIMEOUT = 15.0


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def export_lines(env: Mapping[str, str]) -> str:
    return "".join(f"export {key}={_quote(value)}\n" for key, value in env.items())


def read_env_file(path: Path) -> dict[str, str]:
    """Read back what `export_lines` wrote (`DIR/env.sh` of a started emulator)."""
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.startswith("export ") or "=" not in line:
            continue
        key, _, quoted = line[len("export ") :].partition("=")
        if len(quoted) >= 2 and quoted[0] == quoted[-1] == "'":
            env[key] = quoted[1:-1].replace("'\\''", "'")
    return env


def _answers(env: Mapping[str, str], ca_file: Path, timeout: float = 2.0) -> bool:
    """True when the emulator described by `env` serves its OIDC discovery document over TLS."""
    try:
        url = f"{env[ENV_AUTHORITY_HOST]}/{env[ENV_TENANT_ID]}/v2.0/.well-known/openid-configuration"
        context = ssl.create_default_context(cafile=str(ca_file))
        with urllib.request.urlopen(url, timeout=timeout, context=context) as resp:
            return bool(resp.status == 200 and "token_endpoint" in json.loads(resp.read()))
    except (KeyError, OSError, ValueError, ssl.SSLError, urllib.error.URLError):
        return False


def _running_env(data_dir: Path) -> dict[str, str] | None:
    """The environment of the emulator running from `data_dir`, or None when none answers."""
    record = read_record(data_dir)
    env_file = data_dir / ENV_FILE
    if record is None or not env_file.exists() or not is_this_emulator(record, data_dir):
        return None
    env = read_env_file(env_file)
    return env if _answers(env, Path(env.get("SSL_CERT_FILE", data_dir / "ca.pem"))) else None


def cmd_serve(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator = GraphEmulator(
        data_dir,
        port=args.port,
        verbose=args.verbose,
        faults=fault_plan(args),
        patch_status=args.patch_status,
        token_lifetime=args.token_lifetime,
        strict_rules=args.strict_rules,
        page_size=args.page_size,
    )
    emulator.start()
    try:
        lines = export_lines(emulator.shell_env())
        write_private(data_dir / ENV_FILE, lines)
        if not args.no_print_env:
            sys.stdout.write(lines)
            sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _running_env(data_dir)
    if env is not None:
        sys.stdout.write(export_lines(env))
        return 0
    old = read_record(data_dir)
    if old is not None and is_this_emulator(old, data_dir):
        print(
            f"graph-emulator: the emulator (process {old.pid}) from {data_dir / PID_FILE} does not answer; "
            f"stop it with: graph-emulator stop --data-dir {data_dir}",
            file=sys.stderr,
        )
        return 1
    if old is not None:  # stale: the emulator died (kill -9, crash) and the pid may be reused
        print(f"graph-emulator: removing the stale {data_dir / PID_FILE} ({describe(old)})", file=sys.stderr)
        remove_record(data_dir)
    (data_dir / ENV_FILE).unlink(missing_ok=True)
    instance = new_instance()
    command = [sys.executable, "-m", "graph_emulator", "serve", "--data-dir", str(data_dir)]
    command += ["--instance", instance]
    # The secret goes to env.sh (0600) only, never to the log.
    command += ["--port", str(args.port), "--no-print-env", *fault_flags(args)]
    log_fd = os.open(data_dir / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(log_fd, "ab") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            cwd=data_dir,
        )
    write_record(data_dir, proc.pid, instance)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            remove_record(data_dir)
            print(
                f"graph-emulator: exited with {proc.returncode}; see {data_dir / LOG_FILE}", file=sys.stderr
            )
            return 1
        env = _running_env(data_dir)
        if env is not None:
            sys.stdout.write(export_lines(env))
            return 0
        time.sleep(0.1)
    proc.terminate()
    remove_record(data_dir)
    print(
        f"graph-emulator: no answer within {START_TIMEOUT:.0f} s; see {data_dir / LOG_FILE}", file=sys.stderr
    )
    return 1


def cmd_stop(args: argparse.Namespace) -> int:
    """Signal the recorded pid only once its command line proves it is this data directory's
    emulator: a pid file left by a killed emulator may name a process that reused the pid."""
    data_dir = Path(args.data_dir).resolve()
    record = read_record(data_dir)
    if record is None:
        print("graph-emulator: not running", file=sys.stderr)
        return 0
    if not is_this_emulator(record, data_dir):
        print(
            f"graph-emulator: not running; {describe(record)}, not this emulator: removed the stale "
            f"{data_dir / PID_FILE} and signalled nothing",
            file=sys.stderr,
        )
        remove_record(data_dir)
        return 0
    pid = record.pid
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while process_state(pid) == "running" and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if process_state(pid) == "running" and is_this_emulator(record, data_dir):
        os.kill(pid, signal.SIGKILL)
    remove_record(data_dir)
    return 0


def _reap(pid: int) -> None:
    """Collect the exit status if `pid` is our own child (a `start` in this same process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def cmd_status(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    env = _running_env(data_dir)
    if env is None:
        print(f"graph-emulator: not running in {data_dir}")
        return 3
    record = read_record(data_dir)
    print(f"graph-emulator: running (pid {record.pid if record else '?'}) at {env[ENV_AUTHORITY_HOST]}")
    return 0


# (flag, FaultPlan field, type, help)
_FAULT_FLAGS: tuple[tuple[str, str, type, str], ...] = (
    ("--throttle-every", "throttle_every", int, "answer every Nth write with 429"),
    ("--write-rate", "write_rate", float, "token bucket: writes per second per tenant (0 = off)"),
    ("--write-burst", "write_burst", float, "token bucket size (default 10)"),
    ("--retry-after", "retry_after_s", float, "Retry-After seconds of --throttle-every 429s"),
    ("--error-rate", "error_rate", float, "fraction of Graph calls that fail (see --error-status)"),
    ("--latency", "latency_s", float, "seconds added to every Graph call"),
    ("--read-lag", "read_lag_s", float, "seconds a new object 404s and is missing from lists"),
    ("--drop-after-post-every", "drop_after_post_every", int, "store every Nth POST, then drop it"),
    ("--fault-seed", "seed", int, "seed for --error-rate draws"),
    ("--refuse-patch", "refuse_patch_status", int, "refuse every PATCH with this status (400 or 405)"),
    ("--revoke-tokens", "revoke_tokens", int, "refuse the next N access tokens seen (401), though valid"),
    ("--drop-field", "drop_field", str, "leave this Graph property out of every object answered"),
    (
        "--unknown-enum-member",
        "unknown_enum_member",
        str,
        "answer this Graph property with a member the model does not know (unknownFutureValue)",
    ),
)


def fault_plan(args: argparse.Namespace) -> FaultPlan:
    values = {name: getattr(args, name) for _, name, _, _ in _FAULT_FLAGS if getattr(args, name) is not None}
    statuses = tuple(int(s) for s in str(args.error_status).split(",") if s.strip())
    return FaultPlan(
        **values,
        error_statuses=statuses,
        retry_after_as_date=args.retry_after_date,
        ignore_patch=args.ignore_patch,
        wrap_get_body=args.wrap_get_body,
        subtype_answers=args.subtype_answers,
    )


def fault_flags(args: argparse.Namespace) -> list[str]:
    """The fault flags of `args` again, for the background `serve` that `start` launches."""
    flags: list[str] = []
    for flag, name, _, _ in _FAULT_FLAGS:
        if getattr(args, name) is not None:
            flags += [flag, str(getattr(args, name))]
    flags += ["--error-status", str(args.error_status), "--patch-status", str(args.patch_status)]
    flags += ["--token-lifetime", str(args.token_lifetime)]
    flags += ["--ignore-patch"] if args.ignore_patch else []
    flags += ["--wrap-get-body"] if args.wrap_get_body else []
    flags += ["--subtype-answers"] if args.subtype_answers else []
    flags += ["--strict-rules"] if args.strict_rules else []
    flags += ["--page-size", str(args.page_size)]
    return flags + (["--retry-after-date"] if args.retry_after_date else [])


def _add_fault_flags(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("fault injection (all off by default)")
    for flag, name, kind, help_text in _FAULT_FLAGS:
        group.add_argument(flag, dest=name, type=kind, default=None, help=help_text)
    group.add_argument("--error-status", default="503", help="statuses for --error-rate, e.g. 503,504")
    group.add_argument("--retry-after-date", action="store_true", help="send Retry-After as an HTTP date")
    group.add_argument(
        "--patch-status", type=int, choices=(200, 204), default=200, help="PATCH answer (204: no body)"
    )
    group.add_argument(
        "--ignore-patch", action="store_true", help="answer PATCH 200 as if applied, but store nothing"
    )
    group.add_argument(
        "--token-lifetime", type=int, default=3599, help="seconds an issued access token is valid"
    )
    group.add_argument(
        "--wrap-get-body", action="store_true", help='answer GET by id as {"value": {...}}, as the docs show'
    )
    group.add_argument(
        "--subtype-answers",
        action="store_true",
        help="answer objects with a derived @odata.type and an extra property",
    )
    group.add_argument(
        "--strict-rules",
        action="store_true",
        help="refuse bodies by the project's stricter rules too, not only by Graph's documented ones",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graph-emulator", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("serve", "run in the foreground until SIGTERM/SIGINT"),
        ("start", "run in the background and print the environment"),
        ("stop", "stop the background emulator"),
        ("status", "exit 0 when the background emulator answers, 3 when not"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--data-dir", required=True, help="directory for credentials, data, CA and logs")
        if name in ("serve", "start"):
            p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
            p.add_argument(
                "--page-size", type=_positive, default=100, help="objects per list page (default 100)"
            )
            _add_fault_flags(p)
        if name == "serve":
            p.add_argument("--verbose", action="store_true", help="log each request to stderr")
            p.add_argument("--no-print-env", action="store_true", help="write DIR/env.sh but print nothing")
            # `start` names each background emulator, so `stop` can tell it from a reused pid.
            p.add_argument("--instance", default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"serve": cmd_serve, "start": cmd_start, "stop": cmd_stop, "status": cmd_status}
    try:
        return commands[args.command](args)
    except IntuneError as exc:
        for line in exc.lines():
            print(f"error: {safe_text(line)}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a data directory or file that cannot be read or written
        where = f": {exc.filename}" if exc.filename else ""
        print(safe_text(f"error: {exc.strerror or exc}{where}"), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one line, the traceback only when asked for (INTUNE_DEBUG)
        return report_unexpected(exc)
