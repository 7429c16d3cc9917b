"""Export's pure parts: keys from display names, entries as import keeps them (keyed by resource
type, references by key), the progress bar."""

from __future__ import annotations

import io
import json
from typing import Any

from intune_model.resources.derived_credential import SPEC
from intune_model.resources.ios_derived_credential_profile import SPEC as PROFILE
from stacks import parse_config
from terraform_provider_intune.export import export_config, settings_key
from terraform_provider_intune.progress import Progress


def test_keys_are_valid_unique_and_readable() -> None:
    taken: set[str] = set()
    assert settings_key("Purebred (EU)", taken) == "purebred_eu"
    assert settings_key("Purebred  EU!", taken) == "purebred_eu_2"
    assert settings_key("2024 rollout", taken) == "settings_2024_rollout"
    assert settings_key("***", taken) == "settings"
    assert settings_key("Ünïcode only", taken) == "unicode_only"
    assert len(settings_key("x" * 500, taken)) == 60


def test_entries_leave_out_server_defaults_and_carry_the_id() -> None:
    objects = [
        {
            "@odata.type": SPEC.odata_type,
            "id": "a",
            "displayName": "A",
            "issuer": "purebred",
            "notificationType": "none",
            "renewalThresholdPercentage": 0,
            "helpUrl": None,
        },
        {
            "id": "b",
            "displayName": "B",
            "issuer": "xTec",
            "notificationType": "email,companyPortal",
            "renewalThresholdPercentage": 30,
            "helpUrl": "https://example.com/h",
        },
        {"id": "c", "displayName": " ", "issuer": "xTec"},  # Graph holds what the schema refuses
    ]
    config, skipped = export_config([(SPEC, objects)], stack_name="t", provider={"tenant_id": "contoso"})
    entries = config["stacks"][0]["resources"]["intune_derived_credential"]
    assert entries == [
        {"key": "a", "import_id": "a", "display_name": "A", "issuer": "purebred"},
        {
            "key": "b",
            "import_id": "b",
            "display_name": "B",
            "issuer": "xTec",
            "help_url": "https://example.com/h",
            "notification_types": ["companyPortal", "email"],
            "renewal_threshold_percentage": 30,
        },
    ]
    assert len(skipped) == 1 and "display_name" in skipped[0]
    assert config["stacks"][0]["provider"] == {"tenant_id": "contoso"}
    (stack,) = parse_config(config).stacks
    assert [e.import_id for e in stack.settings] == ["a", "b"]


GROUP = "11111111-1111-4111-8111-111111111111"
FILTER = "44444444-4444-4444-8444-444444444444"


def _profile(pid: str, name: str, setting_id: str) -> dict[str, Any]:
    """A profile as Graph lists it, cast and expanded."""
    return {
        "@odata.type": PROFILE.odata_type,
        "id": pid,
        "displayName": name,
        "description": None,
        "roleScopeTagIds": ["0"],
        "supportsScopeTags": True,
        "version": 2,
        "derivedCredentialSettings": {"id": setting_id},
        "assignments": [
            {
                "id": "a1",
                "target": {
                    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                    "groupId": GROUP,
                    "deviceAndAppManagementAssignmentFilterId": FILTER,
                    "deviceAndAppManagementAssignmentFilterType": "include",
                },
            },
            {"id": "a2", "target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}},
        ],
    }


def test_every_resource_keyed_by_type_with_references_by_key() -> None:
    settings = [{"id": "s1", "displayName": "Purebred", "issuer": "purebred"}]
    profiles = [_profile("p1", "iOS", "s1"), _profile("p2", "Purebred", "elsewhere")]
    config, skipped = export_config([(SPEC, settings), (PROFILE, profiles)], stack_name="t")
    assert skipped == []
    resources = config["stacks"][0]["resources"]
    assert resources["intune_derived_credential"] == [
        {"key": "purebred", "import_id": "s1", "display_name": "Purebred", "issuer": "purebred"}
    ]
    ios, other = resources["intune_ios_derived_credential_profile"]
    assert ios == {
        "key": "ios",
        "import_id": "p1",
        "display_name": "iOS",
        "derived_credential_id": {"ref": "purebred"},  # exported too: by key
        "assignment": [
            {"target": "group", "group_id": GROUP, "filter_id": FILTER, "filter_type": "include"},
            {"target": "all_devices"},
        ],
    }
    # a setting not in the export stays its id; keys are unique in the stack, across types
    assert other["key"] == "purebred_2" and other["derived_credential_id"] == "elsewhere"
    (stack,) = parse_config(json.loads(json.dumps(config))).stacks
    by_key = {e.key: e for e in stack.settings}
    assert by_key["ios"].references == {"derived_credential_id": "purebred"}
    assert by_key["ios"].import_id == "p1" and by_key["purebred"].import_id == "s1"
    assert by_key["purebred_2"].references == {}


def test_a_refused_setting_leaves_its_profile_pointing_at_the_id() -> None:
    settings = [{"id": "s1", "displayName": " ", "issuer": "purebred"}]  # blank: the schema refuses it
    config, skipped = export_config(
        [(SPEC, settings), (PROFILE, [_profile("p1", "iOS", "s1")])], stack_name="t"
    )
    assert len(skipped) == 1 and "s1" in skipped[0]
    resources = config["stacks"][0]["resources"]
    assert resources["intune_derived_credential"] == []
    assert resources["intune_ios_derived_credential_profile"][0]["derived_credential_id"] == "s1"
    parse_config(config)


def test_progress_bar_with_and_without_total() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    bar = Progress("reading", total=50, stream=stream, width=10, env={})
    bar.advance(25)
    assert bar.render() == "reading [#####-----] 25/50"
    bar.advance(25)
    bar.done("read 50")
    assert "\r" in stream.getvalue() and stream.getvalue().endswith("read 50\n")
    log = io.StringIO()  # not a terminal: no redraws, a line per 500 items at most
    counter = Progress("reading", stream=log)
    for _ in range(12):
        counter.advance(100)
    assert counter.render() == "reading 1200" and log.getvalue().count("\n") == 2
