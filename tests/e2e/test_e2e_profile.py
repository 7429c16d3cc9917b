"""From setting to device, in HCL, with the real `terraform` against the emulator: a derived
credential setting and the iOS derived credential profile that uses it, assigned to two groups with
one exclusion and an assignment filter (`tests/hcl/profile/`).

Apply, plan clean; drift made in the portal (the profile renamed, an assignment removed) shown and
repaired; the setting replaced, or deleted in the portal, and the profile re-bound to the new one; the data
sources (one, all);
destroy in dependency order. Then a profile made in the portal, with its assignments, adopted with
import blocks and planned clean (`profile_import/`); a setting and a profile per tenant with
resource-level `tenant_id` (`profile_tenants/`); and assignments Intune refuses, caught by
`terraform validate` (`profile_invalid/`).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model.registry import spec_named
from tests.e2e.test_e2e_hcl_idioms import Hcl
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

PROFILE = spec_named("ios_derived_credential_profile")
SETTING = spec_named("derived_credential")
PROFILES = PROFILE.collection_path
SETTINGS = SETTING.collection_path
PILOT, SALES, VIP = (
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
)
FILTER = "44444444-4444-4444-8444-444444444444"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def profiles(emu: GraphEmulator, tenant: str | None = None) -> list[dict[str, Any]]:
    return emu.objects(tenant, collection=PROFILES)


def targets(profile: dict[str, Any]) -> list[tuple[str, str | None, str | None, str]]:
    """(target type, group, filter, filter type) of each stored assignment, sorted."""
    out = []
    for a in profile["assignments"]:
        t = a["target"]
        out.append(
            (
                t["@odata.type"].rsplit(".", 1)[-1],
                t.get("groupId"),
                t.get("deviceAndAppManagementAssignmentFilterId"),
                t.get("deviceAndAppManagementAssignmentFilterType"),
            )
        )
    return sorted(out, key=repr)


ASSIGNED = sorted(
    [
        ("groupAssignmentTarget", PILOT, None, "none"),
        ("groupAssignmentTarget", SALES, FILTER, "include"),
        ("exclusionGroupAssignmentTarget", VIP, None, "none"),
    ],
    key=repr,
)


def test_from_setting_to_an_assigned_profile(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    emu.clear()
    tf = Hcl(tmp_path / "profile", cli_config, emu.env(), "profile")
    tf.init()
    tf.converge()  # apply, plan clean, apply again with nothing to do
    [setting] = emu.objects(collection=SETTINGS)
    [profile] = profiles(emu)
    assert profile["@odata.type"] == PROFILE.odata_type
    assert profile["derivedCredentialSettings"] == setting["id"]
    assert targets(profile) == ASSIGNED
    post = next(r for r in emu.requests if r.method == "POST" and r.path.endswith(PROFILES))
    bind = post.body["derivedCredentialSettings@odata.bind"]
    assert bind.endswith(f"/beta{SETTINGS}/{setting['id']}") and bind.startswith("https://")
    assert any(r.method == "POST" and r.path.endswith(f"{profile['id']}/assign") for r in emu.requests)
    out = tf.outputs()
    assert out["profile_id"] == profile["id"] and out["read_back_setting"] == setting["id"]
    assert out["read_back_assignments"] == 3 and out["all_ids"] == [profile["id"]]
    attrs = tf.instances()["intune_ios_derived_credential_profile.ios"]
    assert attrs["version"] == profile["version"] and attrs["created_date_time"] == profile["createdDateTime"]
    assert attrs["supports_scope_tags"] is True and attrs["role_scope_tag_ids"] is None

    # Drift made in the portal: the profile renamed and the exclusion removed. Shown, then repaired.
    kept = [a for a in profile["assignments"] if "exclusion" not in a["target"]["@odata.type"]]
    emu.patch_object(profile["id"], {"displayName": "Renamed in the portal", "assignments": kept})
    code, plan = tf.plan_exit_code()
    assert code == 2 and "1 to change" in plan, plan
    assert "Renamed in the portal" in plan and VIP in plan, plan
    tf.apply()
    [repaired] = profiles(emu)
    assert repaired["displayName"] == "iOS derived credential" and targets(repaired) == ASSIGNED
    assert repaired["version"] > profile["version"]
    assert tf.plan_exit_code()[0] == 0

    # The setting replaced: the profile follows (re-bound in place, same id).
    tf.apply("-replace=intune_derived_credential.purebred")
    [new_setting] = emu.objects(collection=SETTINGS)
    [rebound] = profiles(emu)
    assert new_setting["id"] != setting["id"] and rebound["id"] == profile["id"]
    assert rebound["derivedCredentialSettings"] == new_setting["id"]
    patch = [r for r in emu.requests if r.method == "PATCH" and r.path.endswith(profile["id"])][-1]
    assert patch.body["derivedCredentialSettings@odata.bind"].endswith(new_setting["id"])
    assert tf.plan_exit_code()[0] == 0

    # The setting deleted in the portal: planned again, and the profile re-bound to the new one.
    emu.delete_object(new_setting["id"])
    code, plan = tf.plan_exit_code()
    assert code == 2 and "1 to add, 1 to change, 0 to destroy" in plan, plan
    tf.apply()
    [third] = emu.objects(collection=SETTINGS)
    assert profiles(emu)[0]["derivedCredentialSettings"] == third["id"] != new_setting["id"]
    assert tf.plan_exit_code()[0] == 0

    # Destroy: the profile goes before the setting it uses.
    before = len(emu.requests)
    tf.destroy()
    deletes = [r.path for r in emu.requests[before:] if r.method == "DELETE"]
    assert [PROFILES in p for p in deletes] == [True, False], deletes
    assert profiles(emu) == [] and emu.objects(collection=SETTINGS) == []


def test_a_portal_profile_with_its_assignments_is_imported_and_plans_clean(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    emu.clear()
    setting = emu.put_object(
        {"id": str(uuid.uuid4()), "displayName": "Made in the portal", "issuer": "xTec"}, collection=SETTINGS
    )
    profile_id = str(uuid.uuid4())
    portal_target = {
        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterId": "55555555-5555-4555-8555-555555555555",
        "deviceAndAppManagementAssignmentFilterType": "exclude",
    }
    excluded = {
        "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
        "groupId": "66666666-6666-4666-8666-666666666666",
    }
    emu.put_object(
        {
            "id": profile_id,
            "@odata.type": PROFILE.odata_type,
            "displayName": "Portal iOS profile",
            "description": None,
            "derivedCredentialSettings": setting["id"],
            "roleScopeTagIds": ["0"],
            "assignments": [
                {"id": f"{profile_id}_a", "target": portal_target},
                {"id": f"{profile_id}_b", "target": excluded},
            ],
            "version": 3,
            "createdDateTime": "2026-01-05T10:00:00Z",
            "lastModifiedDateTime": "2026-01-06T10:00:00Z",
            "supportsScopeTags": True,
        },
        collection=PROFILES,
    )
    tf = Hcl(tmp_path / "import", cli_config, emu.env(), "profile_import")
    (tf.path / "terraform.tfvars.json").write_text(
        json.dumps({"setting_id": setting["id"], "profile_id": profile_id})
    )
    tf.init()
    code, plan = tf.plan_exit_code()
    assert code == 2 and "2 to import, 0 to add, 0 to change, 0 to destroy" in plan, plan
    tf.apply()
    assert tf.plan_exit_code()[0] == 0
    attrs = tf.instances()["intune_ios_derived_credential_profile.portal"]
    assert attrs["version"] == 3 and len(attrs["assignment"]) == 2
    assert attrs["derived_credential_id"] == setting["id"]

    # `terraform import` of the profile alone, into a fresh state, reads the same.
    (tf.path / "terraform.tfstate").unlink()
    (tf.path / "main.tf").write_text((tf.path / "main.tf").read_text().split("import {")[0] + _resources(tf))
    tf.run("import", "-no-color", "-input=false", "intune_derived_credential.portal", setting["id"])
    tf.run("import", "-no-color", "-input=false", "intune_ios_derived_credential_profile.portal", profile_id)
    assert tf.plan_exit_code()[0] == 0
    tf.destroy()
    assert profiles(emu) == []


def _resources(tf: Hcl) -> str:
    text = (tf.path / "main.tf").read_text()
    return text[text.index('resource "intune_derived_credential"') :]


def test_a_setting_and_a_profile_per_tenant(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    emu.clear()
    tenants = {"home": emu.tenant_id}
    for name in ("alpha", "beta"):
        tenants[name] = str(uuid.uuid4())
        emu.add_client(tenants[name], emu.client_id, emu.client_secret)
    tf = Hcl(tmp_path / "tenants", cli_config, emu.env(), "profile_tenants")
    (tf.path / "terraform.tfvars.json").write_text(json.dumps({"tenants": tenants}))
    tf.init()
    tf.converge()
    ids = tf.outputs()["profile_ids"]
    for name, tenant in tenants.items():
        [profile] = profiles(emu, tenant)
        [setting] = emu.objects(tenant, collection=SETTINGS)
        assert profile["derivedCredentialSettings"] == setting["id"] and ids[name] == [profile["id"]]
        assert targets(profile) == [("allLicensedUsersAssignmentTarget", None, None, "none")]
    tf.destroy()
    assert all(profiles(emu, t) == [] for t in tenants.values())


def test_assignments_intune_refuses_fail_validate(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    tf = Hcl(tmp_path / "invalid", cli_config, emu.env(), "profile_invalid")
    tf.init()
    before = len(emu.requests)
    bad = tf.run("validate", "-no-color", check=False)
    assert bad.returncode != 0
    text = " ".join(bad.stderr.split())
    assert "'pilot-group' is not a group id" in text, text
    assert "an exclusion_group takes no filter" in text, text
    assert "group_id is not allowed for target 'all_devices'" in text, text
    assert "is not the id of a derived credential settings object" in text, text
    assert len(emu.requests) == before, "nothing is sent to Graph"


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terraform" / "profile"


def test_the_profile_example_applies_as_it_is(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    """examples/terraform/profile: `terraform test` (apply, assert, destroy) with no variable given."""
    emu.clear()
    module = tmp_path / "example"
    shutil.copytree(EXAMPLE, module, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    tf = Workdir(module, cli_config, emu.env())
    tf.init()
    proc = tf.run("test", "-no-color")
    assert "1 passed, 0 failed" in proc.stdout, proc.stdout
    assert any(r.method == "POST" and r.path.endswith("/assign") for r in emu.requests)
    assert profiles(emu) == [] and emu.objects(collection=SETTINGS) == []
