"""One provider configuration, many tenants: the resource-level `tenant_id`, through `tf`'s own gRPC
servicer with hand-built msgpack payloads (as `test_plugin_values` does), and against one emulator
holding three tenants and one multi-tenant app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.provider import ProviderServicer
from tf.utils import read_dynamic_value

from graph_emulator import GraphEmulator, start_emulator
from intune_model.arguments import tenant_problem
from intune_model.registry import usable_specs
from terraform_provider_intune.adoption import LEDGER
from terraform_provider_intune.plugin.data_sources import all_data_source_schema, one_data_source_schema
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.resources import resource_schema
from terraform_provider_intune.plugin.values import install_value_codec
from terraform_provider_intune.tenants import ImportIdError, split_import_id
from tests import example_spec
from tests.unit.test_plugin_values import UNKNOWN, apply, dynamic, plan, refined
from tests.unit.test_plugin_values import diagnostics as errors
from tests.unit.test_plugin_values import resource_config as base_config

RESOURCE = "intune_derived_credential"
ONE = "intune_derived_credential"
ALL = "intune_derived_credentials"
GUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def resource_config(**values: Any) -> dict[str, Any]:
    """A resource's configuration as Terraform sends it, `tenant_id` included (null unless given)."""
    return {**base_config(), "tenant_id": None, **values}


@pytest.fixture(scope="module", autouse=True)
def codec() -> None:
    install_value_codec()


@pytest.fixture
def servicer() -> ProviderServicer:
    return ProviderServicer(IntuneProvider())


# ----------------------------------------------------------------------------- the rule and the schema


def test_the_tenant_rule_takes_a_guid_or_a_domain() -> None:
    for good in (GUID, GUID.upper(), "contoso.onmicrosoft.com", "fabrikam-eu.onmicrosoft.us", "a.b"):
        assert tenant_problem(good) is None, good
    for bad in ("contoso", "", "https://contoso.com", "contoso..com", "-x.com", "a b.com", 5, None):
        problem = tenant_problem(bad)
        assert (
            problem
            and "00000000-0000-0000-0000-000000000000" in problem
            and "contoso.onmicrosoft.com" in problem
        )


def test_every_spec_gets_tenant_id_from_the_plugin_layer() -> None:
    specs = [*usable_specs()[0], example_spec.SPEC]
    assert example_spec.SPEC.name == "test_note"
    for spec in specs:
        tenant = next(a for a in resource_schema(spec).attributes if a.name == "tenant_id")
        assert (tenant.optional, tenant.computed, tenant.requires_replace, tenant.required) == (
            True,
            True,
            True,
            False,
        )
        assert "tenant_id" not in spec.by_name, "not a Graph field"
        for schema in (one_data_source_schema(spec), all_data_source_schema(spec)):
            looked_in = next(a for a in schema.attributes if a.name == "tenant_id")
            assert looked_in.optional and looked_in.computed and not looked_in.requires_replace


# ----------------------------------------------------------------------------- validate


def validate(servicer: ProviderServicer, tenant: Any) -> list[tuple[str, str, list[str]]]:
    request = pb.ValidateResourceConfig.Request(
        type_name=RESOURCE, config=dynamic(resource_config(tenant_id=tenant))
    )
    return errors(servicer.ValidateResourceConfig(request, None))


@pytest.mark.parametrize(
    "tenant",
    [None, GUID, "contoso.onmicrosoft.com", UNKNOWN, refined(null=False), refined(prefix="contoso")],
    ids=["null", "guid", "domain", "unknown", "not null", "a prefix a tenant can start with"],
)
def test_validate_accepts_tenants_and_never_judges_unknowns_as_known(
    servicer: ProviderServicer, tenant: Any
) -> None:
    assert validate(servicer, tenant) == []


def test_validate_names_the_attribute_and_the_forms(servicer: ProviderServicer) -> None:
    for bad in ("contoso", "https://login.microsoftonline.com/contoso"):
        [(summary, detail, path)] = validate(servicer, bad)
        assert summary == "Invalid value for tenant_id" and path == ["tenant_id"]
        assert "directory id" in detail and "domain" in detail
    [(_, detail, path)] = validate(servicer, refined(prefix="https://"))
    assert path == ["tenant_id"] and "not known yet" in detail
    for type_name, config in (
        (ONE, {"id": "x", "tenant_id": "nope", "display_name": None}),
        (ALL, {"issuer": None, "tenant_id": "nope", "id": None, "ids": None, "derived_credentials": None}),
    ):
        request = pb.ValidateDataResourceConfig.Request(type_name=type_name, config=dynamic(config))
        assert [e[2] for e in errors(servicer.ValidateDataResourceConfig(request, None))] == [["tenant_id"]]
        unknown = pb.ValidateDataResourceConfig.Request(
            type_name=type_name, config=dynamic({**config, "tenant_id": UNKNOWN})
        )
        assert errors(servicer.ValidateDataResourceConfig(unknown, None)) == []


# ----------------------------------------------------------------------------- plan


def test_a_create_leaves_an_unset_tenant_to_apply(servicer: ProviderServicer) -> None:
    proposed = resource_config(id=UNKNOWN, tenant_id=UNKNOWN)  # Terraform: computed, no config, no prior
    response = plan(servicer, None, proposed)
    assert errors(response) == []
    assert msgpack.unpackb(response.planned_state.msgpack, ext_hook=msgpack.ExtType) == proposed


def test_a_changed_tenant_plans_a_replacement_and_the_same_tenant_none(servicer: ProviderServicer) -> None:
    prior = resource_config(id="abc", tenant_id=GUID)
    for proposed_tenant in ("contoso.onmicrosoft.com", UNKNOWN):
        response = plan(servicer, prior, {**prior, "tenant_id": proposed_tenant})
        assert errors(response) == []
        assert [[s.attribute_name for s in p.steps] for p in response.requires_replace] == [["tenant_id"]]
    unchanged = plan(servicer, prior, {**prior, "display_name": "Renamed"})
    assert errors(unchanged) == [] and list(unchanged.requires_replace) == []


# ----------------------------------------------------------------------------- import ids


def test_import_ids_in_both_forms_and_bad_ones_name_the_forms() -> None:
    assert split_import_id(" abc ") == (None, "abc")
    assert split_import_id(f"{GUID}/abc") == (GUID, "abc")
    assert split_import_id("contoso.onmicrosoft.com/abc") == ("contoso.onmicrosoft.com", "abc")
    for bad in ("", "/abc", f"{GUID}/", f"{GUID}/a/b", "contoso/abc"):
        with pytest.raises(ImportIdError) as info:
            split_import_id(bad)
        [(summary, detail, _)] = info.value.diagnostics()
        assert summary.startswith("Invalid import id") and "`<id>`" in detail and "`<tenant>/<id>`" in detail


def test_a_bad_import_id_is_refused_before_any_call(servicer: ProviderServicer) -> None:
    response = servicer.ImportResourceState(
        pb.ImportResourceState.Request(type_name=RESOURCE, id="not a tenant/abc"), None
    )
    [(summary, detail, _)] = errors(response)
    assert "Invalid import id" in summary and "<tenant>/<id>" in detail
    assert servicer.app._client is None and servicer.app._tenant_clients == {}


# ----------------------------------------------------------------------------- against three tenants


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphEmulator, list[str]]]:
    """One emulator: the app consented in its own tenant and two more, and a tenant without it."""
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emu:
        others = [str(uuid.uuid4()) for _ in range(2)]
        for tenant in others:
            emu.add_client(tenant, emu.client_id, emu.client_secret)
        unconsented = str(uuid.uuid4())
        emu.add_tenant(unconsented)
        yield emu, [*others, unconsented]


@pytest.fixture
def live(estate: tuple[GraphEmulator, list[str]], monkeypatch: pytest.MonkeyPatch) -> ProviderServicer:
    emu, _ = estate
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    emu.clear()
    return ProviderServicer(IntuneProvider())


def test_one_provider_serves_each_tenant_and_state_records_it(
    live: ProviderServicer, estate: tuple[GraphEmulator, list[str]]
) -> None:
    emu, (second, third, _) = estate
    own = read_dynamic_value(apply(live, None, resource_config(id=UNKNOWN, tenant_id=UNKNOWN)).new_state)
    assert own["tenant_id"] == emu.tenant_id, "the provider's tenant, recorded"
    theirs = {}
    for tenant in (second, third.upper()):  # a tenant is the same whatever its case
        response = apply(live, None, resource_config(id=UNKNOWN, tenant_id=tenant, display_name=tenant))
        assert errors(response) == []
        theirs[tenant] = read_dynamic_value(response.new_state)
        assert theirs[tenant]["tenant_id"] == tenant, "exactly as configured, so plans stay clean"
    assert [o["id"] for o in emu.objects()] == [own["id"]]
    assert [o["displayName"] for o in emu.objects(second)] == [second]
    assert [o["displayName"] for o in emu.objects(third)] == [third.upper()]

    # read, update and import in that tenant; the other tenants never see its object
    state = theirs[second]
    emu.patch_object(state["id"], {"displayName": "Drifted"})  # drift in that tenant only
    read = read_dynamic_value(
        live.ReadResource(
            pb.ReadResource.Request(type_name=RESOURCE, current_state=dynamic(state)), None
        ).new_state
    )
    assert (read["tenant_id"], read["id"], read["display_name"]) == (second, state["id"], "Drifted")
    renamed = {**read, "display_name": "Renamed"}
    assert errors(apply(live, read, renamed)) == [] and emu.objects(second)[0]["displayName"] == "Renamed"
    imported = live.ImportResourceState(
        pb.ImportResourceState.Request(type_name=RESOURCE, id=f"{second}/{state['id']}"), None
    )
    assert errors(imported) == []
    got = read_dynamic_value(imported.imported_resources[0].state)
    assert (got["tenant_id"], got["display_name"]) == (second, "Renamed")
    plain = live.ImportResourceState(pb.ImportResourceState.Request(type_name=RESOURCE, id=state["id"]), None)
    [(summary, _, _)] = errors(plain)
    assert "no derived credential" in summary.lower() and "in tenant" not in summary, "the provider's own"

    # the data sources look in the tenant they name
    one = {"id": state["id"], "tenant_id": second, "display_name": None}
    found = live.ReadDataSource(pb.ReadDataSource.Request(type_name=ONE, config=dynamic(one)), None)
    assert errors(found) == [] and read_dynamic_value(found.state)["tenant_id"] == second
    listing = {"issuer": None, "tenant_id": None, "id": None, "ids": None, "derived_credentials": None}
    found = live.ReadDataSource(pb.ReadDataSource.Request(type_name=ALL, config=dynamic(listing)), None)
    assert read_dynamic_value(found.state)["ids"] == [own["id"]]
    assert read_dynamic_value(found.state)["tenant_id"] == emu.tenant_id

    # one client per tenant, one connection pool, pacing and create ledgers per tenant
    provider = live.app
    assert provider.client(emu.tenant_id.upper()) is provider.client() is provider._client
    clients = [provider.client(t) for t in (second, third)]
    assert len({id(c) for c in [provider._client, *clients]}) == 3
    assert all(c.http is provider._client.http for c in clients)
    assert len({id(c.pacer) for c in [provider._client, *clients]}) == 3
    assert provider.ledger(None) is LEDGER and provider.ledger(second) is provider.ledger(second.upper())
    assert provider.ledger(second) is not LEDGER

    for current in (renamed, theirs[third.upper()], own):
        assert errors(apply(live, current, None)) == []
    assert emu.objects() == emu.objects(second) == emu.objects(third) == []


def test_a_tenant_without_consent_fails_naming_it_with_the_fix(
    live: ProviderServicer, estate: tuple[GraphEmulator, list[str]]
) -> None:
    emu, (_, _, unconsented) = estate
    response = apply(live, None, resource_config(id=UNKNOWN, tenant_id=unconsented))
    [(summary, detail, _)] = errors(response)
    assert summary == f"Could not get a token for Microsoft Graph in tenant {unconsented}"
    assert "AADSTS7000229" in detail and "admin consent" in detail
    assert f"{unconsented}/adminconsent?client_id={emu.client_id}" in detail
    assert emu.client_secret not in summary + detail
    # the provider's own tenant is untouched by the failure
    assert errors(apply(live, None, resource_config(id=UNKNOWN, tenant_id=UNKNOWN))) == []
    emu.clear()


# ----------------------------------------------------------------------------- the emulator's answers


def test_the_emulator_refuses_an_app_where_it_is_not_consented(
    estate: tuple[GraphEmulator, list[str]],
) -> None:
    emu, (second, _, unconsented) = estate

    def token(tenant: str, client_id: str) -> httpx.Response:
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": emu.client_secret,
            "scope": f"{emu.graph_endpoint}/.default",
        }
        with httpx.Client(verify=emu.ssl_context()) as http:
            return http.post(f"{emu.authority_host}/{tenant}/oauth2/v2.0/token", data=form)

    assert token(second, emu.client_id).status_code == 200  # one app, one secret, many tenants
    refused = token(unconsented, emu.client_id)
    assert refused.status_code == 400 and refused.json()["error_codes"] == [7000229]
    single = str(uuid.uuid4())  # an app registered in one tenant only: "not found in the directory"
    emu.add_client(emu.tenant_id, single, emu.client_secret)
    assert token(unconsented, single).json()["error_codes"] == [700016]
    assert unconsented in emu.identity.tenants()


def test_a_managed_identity_never_serves_another_tenant() -> None:
    """Its token is for its own tenant: Graph would act there while state said another tenant."""
    from intune_graph.credentials import AZURE_CLI, CredentialConfigError, plan_methods
    from intune_graph.settings import Connection

    msi = Connection(GUID, None, use_msi=True)
    assert [m.name for m in plan_methods(msi, ca_bundle=None, public_authority=True)] == ["managed identity"]
    with pytest.raises(CredentialConfigError, match=f"cannot serve tenant {GUID}"):
        plan_methods(msi, ca_bundle=None, public_authority=True, other_tenant=True)
    fallback = Connection(GUID, None)  # nothing configured: Azure CLI (which takes --tenant), then MSI
    methods = plan_methods(fallback, ca_bundle=None, public_authority=True, other_tenant=True)
    assert [m.name for m in methods] == [AZURE_CLI]


def test_a_state_from_before_tenant_id_updates_without_inventing_one(
    live: ProviderServicer, estate: tuple[GraphEmulator, list[str]]
) -> None:
    """`terraform apply -refresh=false` on a state written before `tenant_id`: Terraform plans the
    null it had (computed, no config); apply must answer null too, else Terraform reports an
    inconsistent result. The next read records the provider's tenant."""
    emu, _ = estate
    created = read_dynamic_value(apply(live, None, resource_config(id=UNKNOWN, tenant_id=UNKNOWN)).new_state)
    old = {**created, "tenant_id": None}
    updated = apply(live, old, {**old, "display_name": "Renamed"})
    assert errors(updated) == []
    assert read_dynamic_value(updated.new_state)["tenant_id"] is None
    assert emu.objects()[0]["displayName"] == "Renamed"
    read = live.ReadResource(pb.ReadResource.Request(type_name=RESOURCE, current_state=dynamic(old)), None)
    assert read_dynamic_value(read.new_state)["tenant_id"] == emu.tenant_id
    assert errors(apply(live, created, None)) == []
