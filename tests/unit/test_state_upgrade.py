"""The state upgrade path: a spec's `schema_version` is the resource schema's version, and
`state_upgrades` carry an old state forward one version at a time, through `tf`'s
UpgradeResourceState. The built-in spec is still at version 0 (nothing was renamed or retyped);
the path is proved with a made-up version 1 that renames an attribute."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from tf import provider as tf_provider
from tf.gen import tfplugin_pb2 as pb
from tf.utils import read_dynamic_value

from intune_model.errors import IntuneError
from intune_model.resources.derived_credential import SPEC
from intune_model.schema import ResourceSpec
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.resources import resource_class, resource_schema

V0 = {
    "id": "1",
    "display_name": "A",
    "issuer": "purebred",
    "help_url": None,
    "notification_types": ["email"],
    "renewal_threshold_percentage": 20,
}


def rename_to_renewal_percent(state: dict[str, Any]) -> dict[str, Any]:
    """Version 0 -> 1 of the made-up spec: `renewal_threshold_percentage` became `renewal_percent`."""
    state = dict(state)
    state["renewal_percent"] = state.pop("renewal_threshold_percentage", None)
    return state


def v1_spec() -> ResourceSpec:
    fields = tuple(
        dataclasses.replace(f, name="renewal_percent") if f.name == "renewal_threshold_percentage" else f
        for f in SPEC.fields
    )
    return dataclasses.replace(
        SPEC, fields=fields, schema_version=1, state_upgrades={0: rename_to_renewal_percent}
    )


class V1Provider(IntuneProvider):
    def get_resources(self) -> list[Any]:
        return [resource_class(v1_spec())]


def upgrade_via_tf(
    provider: IntuneProvider, version: int, old: dict[str, Any]
) -> pb.UpgradeResourceState.Response:
    """What Terraform sends: UpgradeResourceState with the stored JSON and its schema version."""
    servicer = tf_provider.ProviderServicer(provider)
    request = pb.UpgradeResourceState.Request(
        type_name=f"intune_{SPEC.name}", version=version, raw_state=pb.RawState(json=json.dumps(old).encode())
    )
    return servicer.UpgradeResourceState(request, None)


def test_the_built_in_schema_is_still_version_0() -> None:
    assert SPEC.schema_version == 0 and resource_schema(SPEC).version == 0
    answer = upgrade_via_tf(IntuneProvider(), 0, V0)
    assert read_dynamic_value(answer.upgraded_state) == V0 and not answer.diagnostics


def test_a_version_0_state_is_carried_to_version_1() -> None:
    spec = v1_spec()
    assert resource_schema(spec).version == 1
    upgraded = spec.upgrade_state(0, V0)
    assert upgraded == {
        **{k: v for k, v in V0.items() if k != "renewal_threshold_percentage"},
        "renewal_percent": 20,
    }
    answer = upgrade_via_tf(V1Provider(), 0, V0)
    assert not answer.diagnostics
    assert read_dynamic_value(answer.upgraded_state) == {**upgraded, "tenant_id": None}
    # the plugin's own `tenant_id` is carried through a spec's upgrade
    answer = upgrade_via_tf(V1Provider(), 0, {**V0, "tenant_id": "contoso.onmicrosoft.com"})
    assert read_dynamic_value(answer.upgraded_state)["tenant_id"] == "contoso.onmicrosoft.com"


def test_a_current_version_state_gets_the_attributes_the_plugin_added() -> None:
    """A state written before `tenant_id` existed has the current version (it was added without a
    spec change): the serving servicer shapes it to the schema, as Terraform requires."""
    from terraform_provider_intune.plugin.server import replace_aware_servicer_class
    from terraform_provider_intune.plugin.values import install_value_codec

    install_value_codec()
    servicer = replace_aware_servicer_class()(IntuneProvider())
    request = pb.UpgradeResourceState.Request(
        type_name=f"intune_{SPEC.name}", version=0, raw_state=pb.RawState(json=json.dumps(V0).encode())
    )
    answer = servicer.UpgradeResourceState(request, None)
    assert not answer.diagnostics
    assert read_dynamic_value(answer.upgraded_state) == {**V0, "tenant_id": None}
    names = [a.name for a in resource_schema(SPEC).attributes]
    assert list(read_dynamic_value(answer.upgraded_state)) == names


def test_attributes_gone_from_the_schema_are_dropped_and_new_ones_are_null() -> None:
    upgraded = SPEC.upgrade_state(0, {"id": "1", "display_name": "A", "issuer": "purebred", "gone": 1})
    assert "gone" not in upgraded and upgraded["help_url"] is None and set(upgraded) == set(V0)


def test_a_state_from_a_newer_provider_is_refused_by_name() -> None:
    with pytest.raises(IntuneError, match="schema version 2"):
        v1_spec().upgrade_state(2, V0)


def test_a_version_without_its_upgrade_is_refused_when_the_spec_is_made() -> None:
    with pytest.raises(ValueError, match=r"no state upgrade from schema version\(s\) \[0\]"):
        dataclasses.replace(SPEC, schema_version=1)


def test_a_failing_upgrade_is_a_diagnostic_not_a_crash() -> None:
    def broken(state: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("renewal")

    spec = dataclasses.replace(v1_spec(), state_upgrades={0: broken})

    class Broken(IntuneProvider):
        def get_resources(self) -> list[Any]:
            return [resource_class(spec)]

    answer = upgrade_via_tf(Broken(), 0, V0)
    [diagnostic] = answer.diagnostics
    assert "Unexpected provider error: KeyError" in diagnostic.summary
