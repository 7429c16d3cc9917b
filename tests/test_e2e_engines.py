"""The documented example (examples/cdktf) deployed by each engine's own CLI against the emulator:
`cdktf deploy` with this venv (CDKTF), and `cdktn deploy` with `.venv-cdktn` (CDK Terrain, made by
`make test`, holding the package with the `[cdktn]` extra and without cdktf)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cdktf"
STACK = "intune-example"

# engine -> (CLI, the Python the app runs with, engine version the synthesized manifest records)
ENGINES = {
    "cdktf": (ROOT / "node_modules" / ".bin" / "cdktf", Path(sys.executable), "0.21.0"),
    "cdktn": (ROOT / "node_modules" / ".bin" / "cdktn", ROOT / ".venv-cdktn" / "bin" / "python", "0.24.0"),
}

pytestmark = [pytest.mark.e2e, pytest.mark.cdktf_cli]


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator") as emulator:
        yield emulator


@pytest.mark.parametrize("engine", list(ENGINES))
def test_example_deploys_with_each_engines_cli(
    engine: str, tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    cli, python, version = ENGINES[engine]
    if not cli.exists() or not python.exists():
        pytest.skip(f"run `make test` (installs the {engine} CLI with npm and the {engine} venv)")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(EXAMPLE / "main.py", project / "main.py")
    cfg = json.loads((EXAMPLE / "cdktf.json").read_text())
    cfg["app"] = f"{python} main.py"
    (project / "cdktf.json").write_text(json.dumps(cfg))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))},
        **emu.env(),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
        "NO_COLOR": "1",
        "CI": "1",
    }
    if engine == "cdktn":  # cdktn-cli needs Node >= 22.19: the one package.json pins comes first
        env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    out = project / "outputs.json"
    proc = subprocess.run(
        [str(cli), "deploy", STACK, "--auto-approve", "--skip-provider-lock", "--outputs-file", str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{engine} deploy exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    manifest = json.loads((project / "cdktf.out" / "manifest.json").read_text())
    assert manifest["version"] == version, f"the app ran on {engine}"
    outputs = json.loads(out.read_text())[STACK]
    (created,) = emu.objects()
    assert outputs["purebred_id"] == created["id"]
    assert outputs["read_back_issuer"] == "purebred"
    assert created["displayName"] == "Purebred derived credentials"
    assert created["notificationType"] == "companyPortal,email"
