"""The real cdktf CLI (`cdktf-cli@0.21.0` from node_modules) on the example app: synth, deploy,
a no-change second deploy, HCL synthesis that plain Terraform accepts against the same state, and
destroy — all against the emulator over TLS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.resources.derived_credential import SPEC
from tests.terraform_support import Workdir

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
STACK = "tenant-a"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cdktf_cli,
    pytest.mark.skipif(not CDKTF.exists(), reason="run `make test` (installs the cdktf CLI with npm)"),
]

SETTINGS = {
    "stacks": [
        {
            "name": STACK,
            "settings": [
                {
                    "key": "purebred",
                    "display_name": "Purebred derived credentials",
                    "issuer": "purebred",
                    "help_url": "https://example.com/help",
                    "notification_types": ["email", "companyPortal"],
                    "renewal_threshold_percentage": 20,
                },
                {"key": "xtec", "display_name": "X-Tec", "issuer": "xTec"},
            ],
        }
    ]
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cdktf project directory using this checkout's app, with its own state and settings."""
    path = tmp_path_factory.mktemp("cdktf-project")
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} -m stacks"
    (path / "cdktf.json").write_text(json.dumps(cfg))
    (path / "settings.json").write_text(json.dumps(SETTINGS))
    return path


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def cli_env(cli_config: Path, emu: GraphEmulator, project: Path) -> dict[str, str]:
    return {
        **os.environ,
        **emu.env(),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "PYTHONPATH": str(ROOT),
        "INTUNE_STACKS_CONFIG": str(project / "settings.json"),
        "NO_COLOR": "1",
        "CI": "1",
    }


def cdktf(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(CDKTF), *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    command = " ".join(args)
    assert proc.returncode == 0, f"cdktf {command} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


DEPLOY = ("deploy", STACK, "--auto-approve", "--skip-provider-lock")


def test_cdktf_cli_lifecycle(project: Path, cli_env: dict[str, str], emu: GraphEmulator) -> None:
    # synth writes the stack; the secret is not in it
    cdktf(project, cli_env, "synth")
    synthesized = (project / "cdktf.out" / "stacks" / STACK / "cdk.tf.json").read_text()
    body = json.loads(synthesized)
    assert set(body["resource"]["intune_derived_credential"]) == {"purebred", "xtec"}
    assert emu.client_secret not in synthesized

    # deploy creates both and writes the server's ids as outputs
    cdktf(project, cli_env, *DEPLOY, "--outputs-file", str(project / "out.json"))
    outputs = json.loads((project / "out.json").read_text())[STACK]
    assert {outputs["purebred_id"], outputs["xtec_id"]} == {o["id"] for o in emu.objects()}
    state = project / f"terraform.{STACK}.tfstate"
    assert state.exists(), "state lives next to cdktf.json, outside cdktf.out"
    assert emu.client_secret not in state.read_text()

    # a second deploy changes nothing
    emu.requests.clear()
    again = cdktf(project, cli_env, *DEPLOY)
    assert "No changes" in again.stdout
    assert {r.method for r in emu.requests} <= {"GET"}

    # HCL synthesis is complete: plain terraform plans no change against the same state
    # (synth --hcl leaves the earlier cdk.tf.json beside cdk.tf; a user leaving CDKTF takes cdk.tf alone)
    cdktf(project, cli_env, "synth", "--hcl")
    stack_dir = project / "cdktf.out" / "stacks" / STACK
    hcl = (stack_dir / "cdk.tf").read_text()
    for spec in SPEC.fields:
        assert spec.name in hcl
    hcl_dir = project / "hcl" / STACK
    hcl_dir.mkdir(parents=True)
    (hcl_dir / "main.tf").write_text(hcl.replace("../../../terraform.", "../../terraform."))
    tf = Workdir(hcl_dir, Path(cli_env["TF_CLI_CONFIG_FILE"]), emu.env())
    tf.init()
    code, plan = tf.plan_exit_code()
    assert code == 0, plan
    (stack_dir / "cdk.tf").unlink()

    # destroy empties the server
    cdktf(project, cli_env, "synth")
    cdktf(project, cli_env, "destroy", STACK, "--auto-approve", "--skip-provider-lock")
    assert emu.objects() == []
