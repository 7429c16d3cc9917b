"""`tenant_id` on the constructs: one `IntuneProvider` for an estate of tenants, the tenant of each
literal checked when the stack is written (the provider's rule), tokens passed through."""

from __future__ import annotations

import json
from typing import Any

import cdktf
import pytest

from constructs_lib import (
    DataIntuneDerivedCredential,
    DataIntuneDerivedCredentials,
    DerivedCredentialSettings,
    IntuneProvider,
    SettingsInvalid,
)
from intune_model.address import RESOURCE_TYPE

TENANTS = {"contoso": "contoso.onmicrosoft.com", "fabrikam": "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}


def new_stack() -> cdktf.TerraformStack:
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "tenants")
    IntuneProvider(stack, "intune")
    return stack


def synth(stack: cdktf.TerraformStack) -> dict[str, Any]:
    return dict(json.loads(cdktf.Testing.synth(stack)))


def test_one_provider_many_tenants_with_for_each() -> None:
    stack = new_stack()
    tenants = cdktf.TerraformVariable(stack, "tenants", type="map(string)", default=TENANTS)
    it = cdktf.TerraformIterator.from_map(cdktf.Token.as_any_map(tenants.value))
    DerivedCredentialSettings(
        stack, "baseline", for_each=it, tenant_id=it.value, display_name="Baseline", issuer="purebred"
    )
    literal = DerivedCredentialSettings(
        stack, "fixed", tenant_id="contoso.onmicrosoft.com", display_name="Fixed", issuer="xTec"
    )
    DataIntuneDerivedCredentials(stack, "listed", tenant_id=TENANTS["fabrikam"])
    DataIntuneDerivedCredential(stack, "found", display_name="Fixed", tenant_id=literal.tenant_id)
    out = synth(stack)
    resources = out["resource"][RESOURCE_TYPE]
    assert resources["baseline"]["tenant_id"] == "${each.value}"
    assert resources["fixed"]["tenant_id"] == "contoso.onmicrosoft.com"
    assert out["data"]["intune_derived_credentials"]["listed"]["tenant_id"] == TENANTS["fabrikam"]
    assert out["data"]["intune_derived_credential"]["found"]["tenant_id"] == (
        "${intune_derived_credential.fixed.tenant_id}"
    )
    assert len(out["provider"]["intune"]) == 1, "one provider configuration"
    assert literal.tenant_id_input == "contoso.onmicrosoft.com"


def test_a_literal_that_names_no_tenant_is_refused_with_the_other_problems() -> None:
    stack = new_stack()
    with pytest.raises(SettingsInvalid) as info:
        DerivedCredentialSettings(stack, "bad", tenant_id="contoso", display_name=" ", issuer="acme")
    assert {name for name, _ in info.value.problems} == {"tenant_id", "display_name", "issuer"}
    with pytest.raises(SettingsInvalid, match=r"tenant_id.*contoso\.onmicrosoft\.com"):
        DerivedCredentialSettings(stack, "bad2", tenant_id="https://x", display_name="Ok", issuer="xTec")
    for cls, kwargs in (
        (DataIntuneDerivedCredential, {"id": "x"}),
        (DataIntuneDerivedCredentials, {}),
    ):
        with pytest.raises(SettingsInvalid, match="tenant_id"):
            cls(stack, f"bad-{cls.__name__}", tenant_id="not a tenant", **kwargs)
    assert [c.node.id for c in stack.node.children] == ["intune"], "nothing half-added"


def test_setting_and_resetting_the_tenant() -> None:
    stack = new_stack()
    settings = DerivedCredentialSettings(stack, "s", display_name="S", issuer="purebred")
    assert "tenant_id" not in synth(stack)["resource"][RESOURCE_TYPE]["s"]
    settings.tenant_id = TENANTS["fabrikam"]
    assert synth(stack)["resource"][RESOURCE_TYPE]["s"]["tenant_id"] == TENANTS["fabrikam"]
    with pytest.raises(SettingsInvalid, match="tenant_id"):
        settings.tenant_id = "fabrikam"
    settings.reset_tenant_id()
    assert settings.tenant_id_input is None
    assert "tenant_id" not in synth(stack)["resource"][RESOURCE_TYPE]["s"]
    listed = DataIntuneDerivedCredentials(stack, "l")
    listed.tenant_id = TENANTS["contoso"]
    assert synth(stack)["data"]["intune_derived_credentials"]["l"]["tenant_id"] == TENANTS["contoso"]
    assert (
        DerivedCredentialSettings.from_config(
            stack, "c", {"display_name": "C", "issuer": "xTec", "tenant_id": TENANTS["contoso"]}
        ).tenant_id_input
        == TENANTS["contoso"]
    )
