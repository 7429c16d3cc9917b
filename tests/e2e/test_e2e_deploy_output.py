"""`make deploy > log`: the deploy wrapper (stacks/deploy.py) run with its output in a pipe and no
`CI` set writes a log with no spinner frames and no escape codes (the real cdktf CLI draws its
spinner into a pipe unless told otherwise); and without `TF_CLI_CONFIG_FILE` it stops before
starting anything, naming the fix instead of Terraform's `failed to request discovery document`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cdktf_cli,
    pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)"),
]

DEPLOY = (
    "import sys; from pathlib import Path; from stacks.deploy import main; "
    "sys.exit(main([], Path(sys.argv[1])))"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} -m stacks"
    (tmp_path / "cdktf.json").write_text(json.dumps(cfg))
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    settings = {
        "stacks": [{"name": "piped", "settings": [{"key": "one", "display_name": "Piped", "issuer": "xTec"}]}]
    }
    (tmp_path / "settings.json").write_text(json.dumps(settings))
    return tmp_path


def plain_env(project: Path, **extra: str) -> dict[str, str]:
    """A developer's shell: no CI, no colour switches, no credentials."""
    drop = (
        "AZURE_",
        "INTUNE_",
        "TF_",
        "CI",
        "NO_COLOR",
        "FORCE_COLOR",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "PYTHONPATH": str(ROOT), "INTUNE_STACKS_CONFIG": str(project / "settings.json"), **extra}


def deploy(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DEPLOY, str(project)],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,  # both into pipes, as `make deploy > log 2>&1`
        text=True,
        timeout=600,
    )


def test_without_the_cli_config_it_names_the_fix_before_starting_anything(project: Path) -> None:
    proc = deploy(project, plain_env(project))
    assert proc.returncode == 1
    assert "TF_CLI_CONFIG_FILE is not set" in proc.stderr
    assert "intune-provider install --dir DIR" in proc.stderr and "make deploy" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (project / ".emulator").exists(), "nothing was started"


def test_a_piped_deploy_has_no_spinner_and_no_escape_codes(project: Path, cli_config: Path) -> None:
    env = plain_env(project, TF_CLI_CONFIG_FILE=str(cli_config), CHECKPOINT_DISABLE="1")
    try:
        proc = deploy(project, env)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log
        assert "Captured ids:" in log and "piped.one_id = " in log
        assert "\x1b" not in log, "an escape code in the log"
        assert "\r" not in log
        assert not any("\u2800" <= ch <= "\u28ff" for ch in log), "spinner frames"
    finally:
        subprocess.run(
            [
                str(Path(sys.executable).with_name("graph-emulator")),
                "stop",
                "--data-dir",
                str(project / ".emulator"),
            ],
            check=False,
            capture_output=True,
        )
