"""The iOS derived credential profile's constructs (generated from its spec), and files and stacks
that hold settings and profiles with references between them by key."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import cdktf
import pytest

from constructs_lib import (
    AssignmentTarget,
    DataIntuneIosDerivedCredentialProfile,
    DataIntuneIosDerivedCredentialProfiles,
    DerivedCredentialSettings,
    IntuneProvider,
    IosDerivedCredentialProfile,
    SettingsFileError,
    SettingsInvalid,
    load_settings_file,
)
from constructs_lib.entries import EntriesInvalid, add_entries, construct_for
from stacks.config import ConfigError, parse_config
from stacks.tenant_stack import TenantStack

PROFILE = "intune_ios_derived_credential_profile"
GROUP_A = "5f1c1e0e-8d4b-4c55-9a36-1d7b0c3b9a01"
GROUP_B = "6a2d2f1f-9e5c-4d66-8b47-2e8c1d4caa12"
FILTER = "9a3b6c2d-1e4f-4a5b-8c7d-6e5f4a3b2c1d"


def new_stack() -> cdktf.TerraformStack:
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "profile")
    IntuneProvider(stack, "intune")
    return stack


def synth(stack: cdktf.TerraformStack) -> dict[str, Any]:
    return dict(json.loads(cdktf.Testing.synth(stack)))


def test_profile_takes_the_settings_id_as_a_token_and_its_assignments() -> None:
    stack = new_stack()
    setting = DerivedCredentialSettings(stack, "purebred", display_name="P", issuer="purebred")
    profile = IosDerivedCredentialProfile(
        stack,
        "ios",
        display_name="iOS",
        derived_credential_id=setting.id,
        assignment=[
            {"target": "exclusion_group", "group_id": GROUP_B},
            {
                "target": AssignmentTarget.GROUP,
                "group_id": GROUP_A,
                "filter_id": FILTER,
                "filter_type": "include",
            },
        ],
    )
    body = synth(stack)["resource"][PROFILE]["ios"]
    assert body["derived_credential_id"] == "${intune_derived_credential.purebred.id}"
    assert body["assignment"] == [  # a set: written in one order whatever the order given
        {"target": "group", "group_id": GROUP_A, "filter_id": FILTER, "filter_type": "include"},
        {"target": "exclusion_group", "group_id": GROUP_B},
    ]
    for name in ("version", "created_date_time", "last_modified_date_time", "supports_scope_tags", "id"):
        assert cdktf.Token.is_unresolved(getattr(profile, name)), name
    with pytest.raises(AttributeError):
        profile.version = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="put_assignment"):
        profile.assignment = []  # type: ignore[misc]
    profile.put_assignment([{"target": "all_devices"}])
    assert synth(stack)["resource"][PROFILE]["ios"]["assignment"] == [{"target": "all_devices"}]
    profile.reset_assignment()
    assert "assignment" not in synth(stack)["resource"][PROFILE]["ios"]
    assert profile.assignment_input is None


def test_every_problem_at_once_before_synthesis() -> None:
    stack = new_stack()
    with pytest.raises(SettingsInvalid) as info:
        IosDerivedCredentialProfile(
            stack,
            "bad",
            display_name=" ",
            derived_credential_id="deviceManagement/derivedCredentials/x",
            assignment=[{"target": "group"}],
        )
    assert [f for f, _ in info.value.problems] == ["display_name", "derived_credential_id", "assignment"]
    text = str(info.value)
    assert "IosDerivedCredentialProfile 'bad'" in text
    assert "group_id is required for target 'group'" in text
    with pytest.raises(SettingsInvalid, match="all_devices may be assigned once only"):
        IosDerivedCredentialProfile(
            stack,
            "twice",
            display_name="x",
            derived_credential_id="4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a",
            assignment=[
                {"target": "all_devices"},
                {"target": "all_devices", "filter_id": FILTER, "filter_type": "exclude"},
            ],
        )
    with pytest.raises(SettingsInvalid, match="'nope' is not a group id"):
        IosDerivedCredentialProfile(
            stack,
            "g",
            display_name="x",
            derived_credential_id="x",
            assignment=[{"target": "group", "group_id": "nope"}],
        )
    assert [c.node.id for c in stack.node.children] == ["intune"], "nothing half-added"


def test_for_each_and_count_with_tokens_inside_assignments() -> None:
    stack = new_stack()
    setting = DerivedCredentialSettings(stack, "purebred", display_name="P", issuer="purebred")
    teams = cdktf.TerraformIterator.from_map({"sales": GROUP_A, "field": GROUP_B})
    IosDerivedCredentialProfile(
        stack,
        "per_team",
        for_each=teams,
        display_name=cdktf.Fn.format("iOS %s", [teams.key]),
        derived_credential_id=setting.id,
        assignment=[{"target": "group", "group_id": teams.value}],
    )
    IosDerivedCredentialProfile(
        stack,
        "copies",
        count=cdktf.TerraformCount.of(2),
        display_name="iOS copy",
        derived_credential_id=setting.id,
    )
    resources = synth(stack)["resource"][PROFILE]
    assert resources["per_team"]["assignment"] == [{"target": "group", "group_id": "${each.value}"}]
    assert resources["per_team"]["display_name"] == '${format("iOS %s", each.key)}'
    assert resources["copies"]["count"] == 2


def test_profile_data_sources() -> None:
    stack = new_stack()
    one = DataIntuneIosDerivedCredentialProfile(stack, "one", display_name="iOS")
    every = DataIntuneIosDerivedCredentialProfiles(stack, "all")
    cdktf.TerraformOutput(stack, "setting", value=one.derived_credential_id)
    cdktf.TerraformOutput(stack, "ids", value=every.ids)
    out = synth(stack)
    assert out["data"][PROFILE]["one"] == {"display_name": "iOS"}
    assert out["data"]["intune_ios_derived_credential_profiles"]["all"] == {}
    assert out["output"]["setting"]["value"] == f"${{data.{PROFILE}.one.derived_credential_id}}"
    with pytest.raises(SettingsInvalid, match="give exactly one of id"):
        DataIntuneIosDerivedCredentialProfile(stack, "neither")


FILE = {
    "resources": {
        PROFILE: [
            {
                "key": "ios",
                "display_name": "iOS",
                "derived_credential_id": {"ref": "purebred"},
                "assignment": [{"target": "group", "group_id": GROUP_A}],
            }
        ],
        "intune_derived_credential": [{"key": "purebred", "display_name": "P", "issuer": "purebred"}],
    }
}


def test_a_file_of_settings_and_profiles_with_a_reference_by_key(tmp_path: Path) -> None:
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(FILE))
    entries = load_settings_file(path)
    assert [(e.key, e.resource_type) for e in entries] == [
        ("ios", PROFILE),
        ("purebred", "intune_derived_credential"),
    ]
    assert entries[0].references == {"derived_credential_id": "purebred"}
    stack = new_stack()
    made = add_entries(stack, entries)
    assert list(made) == ["ios", "purebred"]  # file order; the setting was added first
    body = synth(stack)["resource"][PROFILE]["ios"]
    assert body["derived_credential_id"] == "${intune_derived_credential.purebred.id}"
    assert body["assignment"] == [{"target": "group", "group_id": GROUP_A}]
    # one class reads its own entries; a reference needs the whole file
    assert list(DerivedCredentialSettings.from_file(new_stack(), path)) == ["purebred"]
    with pytest.raises(SettingsFileError, match="need the whole file"):
        IosDerivedCredentialProfile.from_file(new_stack(), path)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            {"derived_credential_id": {"ref": "nobody"}},
            "ios: derived_credential_id: no entry with key 'nobody'",
        ),
        ({"derived_credential_id": {"ref": "other"}}, "'other' is a intune_ios_derived_credential_profile"),
        ({"tenant_id": "fabrikam.onmicrosoft.com"}, "a reference stays in one tenant"),
    ],
)
def test_references_that_cannot_be_resolved(change: dict[str, Any], says: str) -> None:
    data = json.loads(json.dumps(FILE))
    data["resources"][PROFILE][0].update(change)
    data["resources"][PROFILE].append({"key": "other", "display_name": "O", "derived_credential_id": "x"})
    entries = load_settings_file_from(data)
    with pytest.raises(EntriesInvalid, match=says):
        add_entries(new_stack(), entries)


def load_settings_file_from(data: Any) -> list[Any]:
    from constructs_lib.settings_file import parse_settings

    return parse_settings(data)


def test_file_errors_name_the_line_type_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        textwrap.dedent(f"""\
        {{"resources": {{
          "intune_derived_credential": [
            {{"key": "p", "display_name": "P", "issuer": "purebred", "help_url": {{"ref": "q"}}}}
          ],
          "{PROFILE}": [
            {{"key": "q", "display_name": "Q", "derived_credential_id": {{"ref": "p"}},
              "assignment": [{{"target": "group"}}], "version": 3}}
          ],
          "intune_nothing": []
        }}}}
        """)
    )
    with pytest.raises(SettingsFileError) as err:
        load_settings_file(path)
    text = str(err.value)
    assert (
        f"{path}:3: resources['intune_derived_credential'][0] (key 'p'): help_url: takes no reference" in text
    )
    assert f"{path}:6: resources['{PROFILE}'][0] (key 'q'): assignment: group_id is required" in text, text
    assert f"{path}:6: resources['{PROFILE}'][0] (key 'q'): version: is read-only: Graph sets it" in text
    assert "resources['intune_nothing']: unknown resource type; allowed: intune_derived_credential, " in text


def test_a_stack_of_settings_and_profiles() -> None:
    config = parse_config(
        {
            "stacks": [
                {
                    "name": "estate",
                    "settings": [{"key": "legacy", "display_name": "L", "issuer": "xTec"}],
                    "resources": FILE["resources"],
                }
            ]
        }
    )
    (stack_config,) = config.stacks
    assert [(e.key, e.resource_type) for e in stack_config.settings] == [
        ("legacy", "intune_derived_credential"),
        ("ios", PROFILE),
        ("purebred", "intune_derived_credential"),
    ]
    stack = TenantStack(cdktf.Testing.app(), "estate", settings=stack_config.settings)
    out = synth(stack)
    assert (
        out["resource"][PROFILE]["ios"]["derived_credential_id"] == "${intune_derived_credential.purebred.id}"
    )
    assert set(out["output"]) == {"legacy_id", "ios_id", "purebred_id"}
    assert set(stack.derived_credentials) == {"legacy", "purebred"}
    assert set(stack.resources) == {"legacy", "ios", "purebred"}


def test_a_stack_with_a_dangling_reference_is_refused_when_read() -> None:
    data = json.loads(json.dumps(FILE))
    data["resources"]["intune_derived_credential"] = []
    with pytest.raises(ConfigError, match="ios: derived_credential_id: no entry with key 'purebred'"):
        parse_config({"stacks": [{"name": "s", **data}]})


def test_a_type_without_a_construct_is_named() -> None:
    assert construct_for(PROFILE) is IosDerivedCredentialProfile
    with pytest.raises(EntriesInvalid, match=r"no construct for intune_nothing .*--spec <module> --out"):
        construct_for("intune_nothing")
