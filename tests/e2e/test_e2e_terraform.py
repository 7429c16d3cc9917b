"""The whole lifecycle with the real `terraform` binary, the real provider plugin and the emulator
over TLS: create captures the id, a second plan is clean, drift is repaired, deletion re-created,
import plans clean, destroy empties the server. Configuration is plain Terraform JSON, as a user
without CDKTF would write it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from intune_model.resources.derived_credential import SPEC
from tests.terraform_support import Workdir, config

pytestmark = pytest.mark.e2e

PUREBRED = {
    "display_name": "Purebred derived credentials",
    "issuer": "purebred",
    "help_url": "https://example.com/help",
    "notification_types": ["email", "companyPortal"],
    "renewal_threshold_percentage": 20,
}
ENTRUST = {"display_name": "Entrust", "issuer": "entrustDatacard"}


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator") as emulator:
        yield emulator


@pytest.fixture
def tf(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> Workdir:
    work = Workdir(tmp_path / "work", cli_config, emu.env())
    work.write(config({"purebred": PUREBRED, "entrust": ENTRUST}))
    work.init()
    return work


def by_id(emu: GraphEmulator) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in emu.objects()}


def test_lifecycle(tf: Workdir, emu: GraphEmulator) -> None:
    # create: POST with @odata.type and Graph names; the output holds the server's id
    tf.apply()
    posts = [r for r in emu.requests if r.method == "POST"]
    assert len(posts) == 2
    post = next(r.body for r in posts if r.body["displayName"] == PUREBRED["display_name"])
    assert post == {
        "@odata.type": SPEC.odata_type,
        "displayName": "Purebred derived credentials",
        "issuer": "purebred",
        "helpUrl": "https://example.com/help",
        "notificationType": "companyPortal,email",
        "renewalThresholdPercentage": 20,
    }
    assert posts[0].path.endswith("/beta/deviceManagement/derivedCredentials")
    ids = [r.client_request_id for r in emu.requests]
    assert None not in ids and len(set(ids)) == len(ids), "a fresh client-request-id per request"
    outputs = tf.outputs()
    server = by_id(emu)
    assert set(server) == {outputs["purebred_id"], outputs["entrust_id"]}
    assert server[outputs["entrust_id"]]["notificationType"] == "none"  # a server default

    # no change: server defaults on unset fields and flags order never diff
    assert tf.plan_exit_code()[0] == 0

    # out-of-band change on a managed field is seen and repaired in place (PATCH, same id)
    emu.patch_object(
        outputs["purebred_id"], {"displayName": "changed in the portal", "notificationType": "email"}
    )
    code, plan = tf.plan_exit_code()
    assert code == 2 and "display_name" in plan and "notification_types" in plan and "update in-place" in plan
    emu.requests.clear()
    tf.apply()
    patches = [r for r in emu.requests if r.method == "PATCH"]
    assert len(patches) == 1 and patches[0].body["@odata.type"] == SPEC.odata_type
    assert set(patches[0].body) == {"@odata.type", "displayName", "notificationType"}
    assert by_id(emu)[outputs["purebred_id"]]["displayName"] == PUREBRED["display_name"]
    assert tf.outputs()["purebred_id"] == outputs["purebred_id"]
    assert tf.plan_exit_code()[0] == 0

    # out-of-band change on a field the configuration leaves unset is not drift
    emu.patch_object(
        outputs["entrust_id"], {"helpUrl": "https://set.in.portal/", "renewalThresholdPercentage": 5}
    )
    assert tf.plan_exit_code()[0] == 0

    # out-of-band delete: the next plan creates it again, with a new id
    emu.delete_object(outputs["purebred_id"])
    code, plan = tf.plan_exit_code()
    assert code == 2 and "will be created" in plan
    tf.apply()
    recreated = tf.outputs()["purebred_id"]
    assert recreated != outputs["purebred_id"] and recreated in by_id(emu)
    assert tf.plan_exit_code()[0] == 0

    # import by id, then plan clean
    tf.run("state", "rm", f"{RESOURCE_TYPE}.purebred", f"{RESOURCE_TYPE}.entrust")
    tf.run("import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.purebred", recreated)
    tf.run("import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.entrust", outputs["entrust_id"])
    assert tf.resource_attrs("purebred")["notification_types"] == ["companyPortal", "email"]
    # entrust holds portal-set values the configuration leaves out: import keeps them, so the plan
    # proposes to stop managing them; once they are back at Graph's defaults the import plans clean
    code, plan = tf.plan_exit_code()
    assert code == 2 and "help_url" in plan and "Plan: 0 to add, 1 to change, 0 to destroy." in plan
    assert f"{RESOURCE_TYPE}.entrust will be updated in-place" in plan
    emu.patch_object(outputs["entrust_id"], {"helpUrl": None, "renewalThresholdPercentage": 0})
    tf.run("state", "rm", f"{RESOURCE_TYPE}.entrust")
    tf.run("import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.entrust", outputs["entrust_id"])
    assert tf.plan_exit_code()[0] == 0

    # the secret is nowhere in state
    assert emu.client_secret not in (tf.path / "terraform.tfstate").read_text()

    # destroy empties the server
    tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
    assert emu.objects() == []


def test_update_of_configuration_patches_in_place(tf: Workdir, emu: GraphEmulator) -> None:
    tf.apply()
    first = tf.outputs()["purebred_id"]
    changed = {**PUREBRED, "renewal_threshold_percentage": 35, "notification_types": ["none"]}
    del changed["help_url"]  # removing a field stops managing it; Graph's value is cleared
    tf.write(config({"purebred": changed, "entrust": ENTRUST}))
    code, plan = tf.plan_exit_code()
    assert code == 2 and "update in-place" in plan
    emu.requests.clear()
    tf.apply()
    assert tf.outputs()["purebred_id"] == first
    obj = by_id(emu)[first]
    assert (obj["renewalThresholdPercentage"], obj["notificationType"], obj["helpUrl"]) == (35, "none", None)
    assert [r.method for r in emu.requests if r.method != "GET"] == ["PATCH"]
    assert tf.plan_exit_code()[0] == 0


def test_import_of_unknown_id_says_so(tf: Workdir) -> None:
    proc = tf.run(
        "import", "-input=false", "-no-color", f"{RESOURCE_TYPE}.purebred", "does-not-exist", check=False
    )
    assert proc.returncode != 0
    assert "no derived credential settings with id 'does-not-exist'" in proc.stderr


def test_wrong_secret_fails_with_the_identity_platform_code(tf: Workdir) -> None:
    proc = tf.run(
        "apply", "-auto-approve", "-no-color", check=False, extra_env={"AZURE_CLIENT_SECRET": "wrong"}
    )
    assert proc.returncode != 0
    assert "Could not get a token for Microsoft Graph" in proc.stderr
    assert "AADSTS7000215" in proc.stderr


def test_missing_credentials_name_the_variables(tf: Workdir) -> None:
    proc = tf.run("apply", "-auto-approve", "-no-color", check=False, extra_env={"AZURE_TENANT_ID": ""})
    assert proc.returncode != 0
    assert "AZURE_TENANT_ID" in proc.stderr


def test_validate_refuses_bad_values_naming_the_attribute(tf: Workdir, emu: GraphEmulator) -> None:
    bad = {
        "display_name": " ",
        "issuer": "String",
        "notification_types": ["none", "email"],
        "renewal_threshold_percentage": 150,
        "help_url": "ftp://example.com",
    }
    tf.write(config({"bad": bad}))
    proc = tf.run("validate", "-no-color", check=False)
    assert proc.returncode != 0
    for attribute in (
        "display_name",
        "issuer",
        "notification_types",
        "renewal_threshold_percentage",
        "help_url",
    ):
        assert f"Invalid value for {attribute}" in proc.stderr
    assert "allowed values: intercede, entrustDatacard, purebred, xTec" in proc.stderr.replace("\n", " ")
    assert len(emu.requests) == 0, "nothing is sent when validation fails"


def test_plain_http_endpoint_is_refused_before_any_call(tf: Workdir, emu: GraphEmulator) -> None:
    tf.write(config({"purebred": PUREBRED}, provider={"graph_endpoint": "http://graph.example.com"}))
    proc = tf.run("validate", "-no-color", check=False)
    assert proc.returncode != 0 and "graph_endpoint" in proc.stderr and "plain http" in proc.stderr
