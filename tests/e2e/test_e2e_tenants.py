"""One provider block, many tenants: the real `terraform` against one emulator holding three tenants
where one multi-tenant app (one client id, one secret) is consented, and a fourth where it is not.

The estate's settings come from a `for_each` over a map of tenants with a resource-level
`tenant_id`: apply, plan clean, drift in one tenant repaired, a changed tenant planned as a
replacement, adoption with an `import` block with `for_each` (`<tenant>/<id>`) and with
`terraform import`, a tenant without consent failing by name while the others apply, and destroy
leaving every tenant empty.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from tests.e2e.test_e2e_hcl_idioms import SETTINGS, Hcl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphEmulator, dict[str, str], str]]:
    """The emulator, the consented tenants by customer name (its own tenant among them), and a
    tenant where the app is not consented."""
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emu:
        tenants = {"home": emu.tenant_id}
        for name in ("alpha", "beta"):
            tenants[name] = str(uuid.uuid4())
            emu.add_client(tenants[name], emu.client_id, emu.client_secret)  # the same app, consented
        unconsented = str(uuid.uuid4())
        emu.add_tenant(unconsented)
        yield emu, tenants, unconsented


def variables(tf: Hcl, tenants: dict[str, str], existing: dict[str, Any] | None = None) -> None:
    payload = {"tenants": tenants, "existing": existing or {}}
    (tf.path / "terraform.tfvars.json").write_text(json.dumps(payload))


def portal_object(name: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "displayName": name, "issuer": "xTec"}


def names_in(emu: GraphEmulator, tenant: str) -> list[str]:
    return sorted(o["displayName"] for o in emu.objects(tenant))


def test_one_provider_block_serves_an_estate_of_tenants(
    tmp_path: Path, cli_config: Path, estate: tuple[GraphEmulator, dict[str, str], str]
) -> None:
    emu, tenants, unconsented = estate
    emu.clear()
    tf = Hcl(tmp_path / "tenants", cli_config, emu.env(), "tenants")
    variables(tf, tenants)
    tf.init()
    tf.apply()
    code, plan = tf.plan_exit_code()
    assert code == 0, plan
    home, alpha, beta = tenants["home"], tenants["alpha"], tenants["beta"]
    assert names_in(emu, home) == ["MSP baseline (home)", "Provider tenant setting"]
    assert names_in(emu, alpha) == ["MSP baseline (alpha)"]
    assert names_in(emu, beta) == ["MSP baseline (beta)"]
    state = tf.instances()
    assert state[f'{RESOURCE_TYPE}.baseline["alpha"]']["tenant_id"] == alpha
    assert tf.outputs()["own_tenant"] == home, "state records the provider's tenant"
    ids = tf.outputs()["ids_per_tenant"]
    assert ids["alpha"] == [emu.objects(alpha)[0]["id"]] and len(ids["home"]) == 2

    # drift in one tenant is seen there, and repaired there only
    drifted = tf.id_of(f'{RESOURCE_TYPE}.baseline["beta"]')
    emu.patch_object(drifted, {"displayName": "Edited by the customer"})
    code, plan = tf.plan_exit_code()
    assert code == 2 and "1 to change" in plan and "Edited by the customer" in plan, plan
    tf.apply()
    assert names_in(emu, beta) == ["MSP baseline (beta)"]
    code, plan = tf.plan_exit_code()
    assert code == 0, plan

    # a resource's tenant changing is a replacement: the object lives in another tenant
    moved = {**tenants, "beta": alpha}
    variables(tf, moved)
    code, plan = tf.plan_exit_code()
    assert code == 2 and "# forces replacement" in plan and "1 to add, 0 to change, 1 to destroy" in plan, (
        plan
    )
    tf.apply()
    assert names_in(emu, beta) == [] and names_in(emu, alpha) == [
        "MSP baseline (alpha)",
        "MSP baseline (beta)",
    ]
    variables(tf, tenants)
    tf.apply()

    # adoption: objects made in the portal of two tenants, by import blocks with for_each and
    # `<tenant>/<id>`; then one more with `terraform import`
    made = {
        key: emu.put_object(
            portal_object(f"Made in the portal ({key})"), tenant_id=tenant, collection=SETTINGS
        )
        for key, tenant in (("alpha", alpha), ("beta", beta))
    }
    existing = {key: {"tenant": tenants[key], "id": obj["id"]} for key, obj in made.items()}
    variables(tf, tenants, existing)
    applied = tf.apply().stdout
    assert "2 imported, 0 added, 0 changed, 0 destroyed" in applied, applied
    code, plan = tf.plan_exit_code()
    assert code == 0, plan
    assert tf.instances()[f'{RESOURCE_TYPE}.adopted["beta"]']["tenant_id"] == beta

    late = emu.put_object(portal_object("Made in the portal (gamma)"), tenant_id=alpha, collection=SETTINGS)
    existing["gamma"] = {"tenant": alpha, "id": late["id"]}
    variables(tf, tenants, existing)
    address = f'{RESOURCE_TYPE}.adopted["gamma"]'
    tf.run("import", "-input=false", "-no-color", address, f"{alpha}/{late['id']}")
    assert tf.instances()[address]["tenant_id"] == alpha
    bad = tf.run("import", "-input=false", "-no-color", address, "not-a-tenant/x", check=False)
    said = " ".join(bad.stderr.split())
    assert bad.returncode == 1 and "Invalid import id" in said and "<tenant>/<id>" in said
    code, plan = tf.plan_exit_code()
    assert code == 0, plan

    # a tenant where the app is not consented fails by name; the other tenants' changes apply
    variables(tf, {**tenants, "delta": unconsented, "epsilon": beta}, existing)
    failed = tf.run("apply", "-auto-approve", "-input=false", "-no-color", check=False)
    said = " ".join(failed.stderr.split())
    assert failed.returncode == 1, failed.stdout
    assert f"Could not get a token for Microsoft Graph in tenant {unconsented}" in said, said
    assert "AADSTS7000229" in said and "admin consent" in said
    assert emu.client_secret not in failed.stdout + failed.stderr
    assert "MSP baseline (epsilon)" in names_in(emu, beta)
    assert emu.objects(unconsented) == []

    variables(tf, tenants, existing)
    tf.destroy()
    for tenant in (home, alpha, beta, unconsented):
        assert emu.objects(tenant) == [], tenant
