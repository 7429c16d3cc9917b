"""Output that is not watched in a terminal (`make deploy > log`, `intune-provider export 2> log`, a
CI job) has no redraws and no escape codes, with or without `CI`. The progress bar is run in a fresh
process whose stderr is a real pipe, or a real pseudo-terminal; the deploy wrapper's cdktf command is
checked here and run for real, piped, in tests/e2e/test_e2e_deploy_output.py."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stacks.deploy import cdktf_deploy, plain_output

BAR = textwrap.dedent(
    """
    from terraform_provider_intune.progress import Progress
    bar = Progress("reading", total=1200)
    for _ in range(12):
        bar.advance(100)
    bar.done("read 1200")
    """
)


def bar_output(env: dict[str, str], *, terminal: bool) -> str:
    """What the bar writes to stderr when stderr is a pipe, or a pseudo-terminal."""
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM", "NO_COLOR")}
    if not terminal:
        proc = subprocess.run(
            [sys.executable, "-c", BAR], env={**base, **env}, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stderr
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", BAR], env={**base, **env}, stderr=follower, timeout=60, check=True
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO once the terminal's last writer is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.returncode == 0
        return b"".join(chunks).decode()
    finally:
        os.close(leader)


@pytest.mark.parametrize("env", [{}, {"CI": "1"}], ids=["plain", "CI"])
def test_the_bar_into_a_pipe_writes_plain_lines(env: dict[str, str]) -> None:
    out = bar_output(env, terminal=False)
    assert "\x1b" not in out and "\r" not in out
    assert out.splitlines() == [
        "reading [" + "#" * 12 + "-" * 18 + "]  500/1200",
        "reading [" + "#" * 25 + "-" * 5 + "] 1000/1200",
        "read 1200",
    ]


def test_the_bar_redraws_only_in_a_terminal_without_ci() -> None:
    watched = bar_output({"TERM": "xterm"}, terminal=True)
    assert "\x1b[2K" in watched  # the check can fail: a person's terminal gets the redrawn bar
    for env in ({"CI": "true", "TERM": "xterm"}, {"TERM": "dumb"}):
        out = bar_output(env, terminal=True)
        assert "\x1b" not in out, env
        assert out.replace("\r\n", "\n").splitlines()[-1] == "read 1200"


def test_the_deploy_wrapper_makes_cdktf_plain_unless_a_person_watches(tmp_path: Path) -> None:
    watched, env = cdktf_deploy(["*"], {"PATH": "/bin"}, interactive=True, root=tmp_path)
    assert "--no-color" not in watched and "CI" not in env
    assert watched[:2] == [str(tmp_path / "node_modules" / ".bin" / "cdktf"), "deploy"]
    assert str(tmp_path / "outputs.json") in watched
    for base, interactive in (({}, False), ({"CI": "true"}, True), ({"NO_COLOR": "1"}, True)):
        cmd, env = cdktf_deploy(["*"], base, interactive=interactive, root=tmp_path)
        assert "--no-color" in cmd
        # cdktf draws its spinner into a pipe unless CI is set
        assert env["CI"] == base.get("CI", "1") and env["NO_COLOR"] == "1" and env["FORCE_COLOR"] == "0"
    assert plain_output({"TERM": "dumb"}, interactive=True)
    assert not plain_output({"TERM": "xterm-256color"}, interactive=True)
