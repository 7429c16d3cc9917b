"""Least privilege with the real `terraform` (issue 17, item 12): the pipeline layout of a read-only
identity planning pull requests and a read-write one applying. The emulator grants each app only
the application permissions it is given; the read-only app refreshes and plans, and its apply fails
naming the permission the write needs and the app, with Intune's message (not its JSON wrapper)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import address as a
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

READ = "DeviceManagementServiceConfig.Read.All"
WRITE = "DeviceManagementServiceConfig.ReadWrite.All"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def identity(emu: GraphEmulator, roles: list[str]) -> dict[str, str]:
    client_id, secret = str(uuid.uuid4()), f"s-{uuid.uuid4()}"
    emu.add_client(emu.tenant_id, client_id, secret, roles=roles)
    return {**emu.env(), a.ENV_CLIENT_ID: client_id, a.ENV_CLIENT_SECRET: secret}


def test_a_read_only_identity_plans_and_a_read_write_one_applies(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    planner, deployer = identity(emu, [READ]), identity(emu, [WRITE])
    first = {"one": {"display_name": "Least privilege one", "issuer": "purebred"}}
    tf = Workdir(tmp_path / "tf", cli_config, deployer)
    tf.write(config(first))
    tf.init()
    tf.apply()
    (one,) = [o for o in emu.objects() if o["displayName"] == "Least privilege one"]

    # A pull request: one setting changed, one added. The read-only identity refreshes and plans.
    second = {
        "one": {"display_name": "Least privilege one", "issuer": "xTec"},
        "two": {"display_name": "Least privilege two", "issuer": "intercede"},
    }
    tf.write(config(second))
    plan = tf.run("plan", "-detailed-exitcode", "-input=false", "-no-color", check=False, extra_env=planner)
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "1 to add, 1 to change, 0 to destroy" in plan.stdout

    # Its apply fails naming the permission the write needs and the app; nothing is written.
    refused = tf.run("apply", "-auto-approve", "-input=false", "-no-color", check=False, extra_env=planner)
    said = " ".join((refused.stdout + refused.stderr).split())  # Terraform wraps long lines
    assert refused.returncode == 1, said
    assert "Application is not authorized to perform this operation." in said
    assert f"lacks {WRITE}" in said and planner[a.ENV_CLIENT_ID] in said
    assert f"Its token holds: {READ}." in said
    assert "_version" not in said and "CustomApiErrorPhrase" not in said and "Traceback" not in said
    assert "update_strategy" not in said  # a missing permission is not a PATCH the tenant refuses
    assert emu.get_object(one["id"])["issuer"] == "purebred"
    assert not [o for o in emu.objects() if o["displayName"] == "Least privilege two"]

    # The read-write identity applies the same change.
    tf.run("apply", "-auto-approve", "-input=false", "-no-color", extra_env=deployer)
    assert emu.get_object(one["id"])["issuer"] == "xTec"
    code, text = tf.plan_exit_code()
    assert code == 0, text
    tf.run("destroy", "-auto-approve", "-input=false", "-no-color", extra_env=deployer)
    assert not [o for o in emu.objects() if o["displayName"].startswith("Least privilege")]
