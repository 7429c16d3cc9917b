"""Where a client secret given as a Terraform variable ends up (issue 17, item 10), with the real
`terraform`: a `sensitive` variable is only redacted from output; its value is saved in the plan
file (Terraform's behaviour, which no provider can change), while an `ephemeral` one (Terraform
1.10+) is not saved at all. README, "Secrets and plan files", says the same."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from intune_model.address import ENV_CLIENT_SECRET
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

VERSIONS = Path(__file__).parents[1] / "hcl" / "versions.tf"
CONFIG = """
variable "client_secret" {{
  type      = string
  sensitive = true
  ephemeral = {ephemeral}
}}

provider "intune" {{
  client_secret = var.client_secret
}}

resource "{resource}" "x" {{
  display_name = "Plan file secret"
  issuer       = "purebred"
}}
"""


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def plan_file_texts(tf: Workdir) -> tuple[str, bytes]:
    """`terraform show -json tfplan`, and the bytes of every file inside the plan (a zip)."""
    shown = tf.run("show", "-json", "tfplan").stdout
    json.loads(shown)
    with zipfile.ZipFile(tf.path / "tfplan") as plan:
        inside = b"".join(plan.read(name) for name in plan.namelist())
    return shown, inside


@pytest.mark.parametrize("ephemeral", [False, True], ids=["sensitive", "ephemeral"])
def test_only_an_ephemeral_variable_keeps_the_secret_out_of_the_plan_file(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator, ephemeral: bool
) -> None:
    env = {k: v for k, v in emu.env().items() if k != ENV_CLIENT_SECRET}
    tf = Workdir(tmp_path / "tf", cli_config, {**env, "TF_VAR_client_secret": emu.client_secret})
    shutil.copy(VERSIONS, tf.path / "versions.tf")
    (tf.path / "main.tf").write_text(CONFIG.format(ephemeral=str(ephemeral).lower(), resource=RESOURCE_TYPE))
    tf.init()
    planned = tf.run("plan", "-input=false", "-no-color", "-out=tfplan")
    assert emu.client_secret not in planned.stdout + planned.stderr  # redacted from output either way
    shown, inside = plan_file_texts(tf)
    secret = emu.client_secret
    if ephemeral:
        assert secret not in shown and secret.encode() not in inside
    else:  # Terraform's behaviour: the value of a non-ephemeral variable is saved in the plan
        assert secret in shown and secret.encode() in inside
        assert json.loads(shown)["variables"]["client_secret"]["value"] == secret


def test_the_readme_says_what_the_plan_file_keeps() -> None:
    """The README promised that a sensitive variable kept the secret out of plan files; it must say
    what the test above shows."""
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "or from a sensitive, ephemeral Terraform variable): they never reach" not in readme
    assert (
        "A variable that is only `sensitive` is hidden from output but saved in clear in plan files" in readme
    )
    assert "### Secrets and plan files" in readme
