"""The background emulator as a process (`graph-emulator start/stop`), with real processes: `stop`
never signals a process it cannot prove is this emulator, `start` cleans up after a killed one, and
no stream of requests grows its memory for good (issue 17, item 11)."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph_emulator import start_emulator
from graph_emulator._types import RecordedRequest, RequestLog
from graph_emulator.cli import main as cli_main
from graph_emulator.cli import read_env_file
from graph_emulator.pidfile import PID_FILE, read_record

COLLECTION = "/beta/deviceManagement/derivedCredentials"


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """Somebody else's process, standing in for one that reused a dead emulator's pid."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc
    proc.kill()
    proc.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_stop_never_signals_a_process_that_is_not_the_emulator(
    tmp_path: Path, bystander: subprocess.Popen[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / PID_FILE).write_text(f"{bystander.pid}\n")  # a pid file left by a crashed emulator
    assert cli_main(["stop", "--data-dir", str(tmp_path)]) == 0
    time.sleep(0.3)
    assert bystander.poll() is None, "stop killed a process that was not the emulator"
    assert not (tmp_path / PID_FILE).exists()
    assert "not this emulator" in capsys.readouterr().err


def test_start_after_kill_9_cleans_up_the_stale_pid_file(
    tmp_path: Path, bystander: subprocess.Popen[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "emu"
    assert cli_main(["start", "--data-dir", str(data_dir)]) == 0
    first = read_record(data_dir)
    assert first is not None
    os.kill(first.pid, signal.SIGKILL)  # a zombie until reaped: the pid still "exists"
    try:
        assert cli_main(["start", "--data-dir", str(data_dir)]) == 0, capsys.readouterr().err
        second = read_record(data_dir)
        assert second is not None and second.pid != first.pid and second.instance
        assert cli_main(["status", "--data-dir", str(data_dir)]) == 0
    finally:
        assert cli_main(["stop", "--data-dir", str(data_dir)]) == 0
    assert not _alive(second.pid)

    # The pid of a dead emulator now names somebody else's process: start ignores it, stop spares it.
    (data_dir / PID_FILE).write_text(f"{bystander.pid} {second.instance}\n")
    assert cli_main(["start", "--data-dir", str(data_dir)]) == 0
    try:
        third = read_record(data_dir)
        assert third is not None and third.pid != bystander.pid
    finally:
        assert cli_main(["stop", "--data-dir", str(data_dir)]) == 0
    assert bystander.poll() is None


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_sixty_unauthenticated_megabyte_posts_do_not_grow_memory_for_good(tmp_path: Path) -> None:
    data_dir = tmp_path / "emu"
    assert cli_main(["start", "--data-dir", str(data_dir)]) == 0
    try:
        record = read_record(data_dir)
        assert record is not None
        env = read_env_file(data_dir / "env.sh")
        body = b'{"displayName": "' + b"x" * 1_000_000 + b'", "issuer": "purebred"}'
        trust = ssl.create_default_context(cafile=env["SSL_CERT_FILE"])
        with httpx.Client(base_url=env["INTUNE_GRAPH_ENDPOINT"], verify=trust) as http:
            assert http.get(COLLECTION).status_code == 401  # warm up the request path
            before = _rss_kib(record.pid)
            for _ in range(60):
                r = http.post(COLLECTION, content=body, headers={"Content-Type": "application/json"})
                assert r.status_code == 401
        grown_mib = (_rss_kib(record.pid) - before) / 1024
        print(f"emulator RSS grew {grown_mib:.1f} MiB over sixty 1 MB POSTs")
        assert grown_mib < 25, f"the emulator grew by {grown_mib:.0f} MiB and kept it"
    finally:
        assert cli_main(["stop", "--data-dir", str(data_dir)]) == 0


def test_an_over_large_body_is_refused_413_in_graphs_error_shape(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as emu, httpx.Client(verify=emu.ssl_context(), timeout=10) as http:
        r = http.post(
            emu.graph_endpoint + COLLECTION,
            content=b"x" * (2 << 20),
            headers={"Authorization": f"Bearer {emu.issue_token()}", "client-request-id": "c-1"},
        )
        assert r.status_code == 413
        error = r.json()["error"]
        assert error["code"] == "RequestEntityTooLarge"
        assert "exceeds the maximum limit" in error["message"]
        assert error["innerError"]["client-request-id"] == "c-1" and error["innerError"]["request-id"]
        assert len(emu.requests) == 0


def test_the_request_log_is_a_ring_buffer_that_keeps_small_bodies_only() -> None:
    log = RequestLog(max_entries=3, max_body_bytes=10)
    for n in range(5):
        log.append(RecordedRequest("GET", f"/{n}", {}, None, None, None, 200))
    assert [r.path for r in log] == ["/2", "/3", "/4"] and log[-1].path == "/4"
    assert log.keeps_body(10) and not log.keeps_body(11)
