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

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cdktf"
STACK = "intune-example"

# engine -> (CLI, the Python the app runs with, engine version the synthesized manifest records)
ENGINES = {
    "cdktf": (ROOT / "node_modules" / ".bin" / "cdktf", Path(sys.executable), "0.21.0"),
    "cdktn": (ROOT / "node_modules" / ".bin" / "cdktn", ROOT / ".venv-cdktn" / "bin" / "python", "0.24.0"),
}

pytestmark = [pytest.mark.e2e, pytest.mark.cdktf_cli]


class Deployer:
    """One emulator and one project per engine, kept for the module (the move test reuses the
    project CDKTF deployed)."""

    def __init__(self, root: Path, cli_config: Path, emulators: dict[str, GraphEmulator]) -> None:
        self.root = root
        self.cli_config = cli_config
        self.emulators = emulators
        self.projects: dict[str, Path] = {}

    def project(self, engine: str) -> Path:
        if engine not in self.projects:
            project = self.root / engine
            project.mkdir()
            shutil.copy(EXAMPLE / "main.py", project / "main.py")
            self.projects[engine] = project
        return self.projects[engine]

    def deploy(self, engine: str, project: Path, emu: GraphEmulator) -> subprocess.CompletedProcess[str]:
        """`<engine> deploy` of the example in `project`, its app run by that engine's Python."""
        cli, python, _ = ENGINES[engine]
        if not cli.exists() or not python.exists():
            pytest.skip(f"run `make test` (installs the {engine} CLI with npm and the {engine} venv)")
        cfg = json.loads((EXAMPLE / "cdktf.json").read_text())
        cfg["app"] = f"{python} main.py"
        (project / "cdktf.json").write_text(json.dumps(cfg))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))},
            **emu.env(),
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "CHECKPOINT_DISABLE": "1",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
            "NO_COLOR": "1",
            "CI": "1",
        }
        if engine == "cdktn":  # cdktn-cli needs Node >= 22.19: the one package.json pins comes first
            env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
        out = project / "outputs.json"
        cmd = [
            str(cli),
            "deploy",
            STACK,
            "--auto-approve",
            "--skip-provider-lock",
            "--outputs-file",
            str(out),
        ]
        proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{engine} deploy exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc


@pytest.fixture(scope="module")
def deployer(tmp_path_factory: pytest.TempPathFactory, cli_config: Path) -> Iterator[Deployer]:
    root = tmp_path_factory.mktemp("engines")
    with (
        start_emulator(root / "emulator-cdktf") as for_cdktf,
        start_emulator(root / "emulator-cdktn") as for_cdktn,
    ):
        yield Deployer(root, cli_config, {"cdktf": for_cdktf, "cdktn": for_cdktn})


@pytest.mark.parametrize("engine", list(ENGINES))
def test_example_deploys_with_each_engines_cli(engine: str, deployer: Deployer) -> None:
    emu = deployer.emulators[engine]
    project = deployer.project(engine)
    deployer.deploy(engine, project, emu)
    manifest = json.loads((project / "cdktf.out" / "manifest.json").read_text())
    assert manifest["version"] == ENGINES[engine][2], f"the app ran on {engine}"
    outputs = json.loads((project / "outputs.json").read_text())[STACK]
    (created,) = emu.objects()
    assert outputs["purebred_id"] == created["id"]
    assert outputs["read_back_issuer"] == "purebred"
    assert created["displayName"] == "Purebred derived credentials"
    assert created["notificationType"] == "companyPortal,email"


def test_a_cdktf_project_moves_to_cdk_terrain_with_no_change(deployer: Deployer) -> None:
    """The README's steps: the same project (cdktf.json, state) deployed by cdktn on cdktn."""
    if "cdktf" not in deployer.projects:
        pytest.skip("needs the CDKTF deployment of the test above")
    emu = deployer.emulators["cdktf"]
    before = emu.objects()
    emu.requests.clear()
    proc = deployer.deploy("cdktn", deployer.projects["cdktf"], emu)
    assert "No changes" in proc.stdout, proc.stdout
    assert {r.method for r in emu.requests} <= {"GET"}
    assert emu.objects() == before
