"""Data sources and import blocks with the real `terraform` binary, plain HCL, against the emulator:
the look-ups find by id and by exact name, say clearly when none or several match, list and filter
by issuer; `import` blocks with `-generate-config-out` adopt existing objects without creating any;
and `terraform providers schema -json` is the schema the docs are generated from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import RESOURCE_TYPE
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.config import resolve
from tests.terraform_support import Workdir

pytestmark = pytest.mark.e2e

PROVIDER = """
terraform {
  required_providers {
    intune = { source = "terraform.local/intune/intune", version = "0.1.0" }
  }
}
provider "intune" {}
"""


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.fixture
def seeded(emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Objects created through Graph (as in the portal); name -> id."""
    emu.clear()
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    from intune_graph import open_client

    client = open_client(resolve({}, emu.env()))
    objects = [
        {
            "display_name": "Purebred",
            "issuer": "purebred",
            "help_url": "https://example.com/help",
            "notification_types": ["email", "companyPortal"],
            "renewal_threshold_percentage": 15,
        },
        {"display_name": "O'Brien's Entrust", "issuer": "entrustDatacard"},
        {"display_name": "Twin", "issuer": "xTec"},
        {"display_name": "Twin", "issuer": "xTec"},
    ]
    ids: dict[str, str] = {}
    for i, obj in enumerate(objects):
        created = client.create(SPEC.collection_path, SPEC.to_graph(obj))
        ids[obj["display_name"] if i < 3 else "Twin-2"] = created["id"]
    emu.requests.clear()
    return ids


def workdir(tmp_path: Path, cli_config: Path, emu: GraphEmulator, hcl: str) -> Workdir:
    work = Workdir(tmp_path / "work", cli_config, emu.env())
    (work.path / "main.tf").write_text(PROVIDER + hcl)
    work.init()
    return work


def test_lookups(tmp_path: Path, cli_config: Path, emu: GraphEmulator, seeded: dict[str, str]) -> None:
    tf = workdir(
        tmp_path,
        cli_config,
        emu,
        f"""
data "intune_derived_credential" "by_id" {{ id = "{seeded["Purebred"]}" }}
data "intune_derived_credential" "by_name" {{ display_name = "O'Brien's Entrust" }}
data "intune_derived_credentials" "all" {{}}
data "intune_derived_credentials" "xtec" {{ issuer = "xTec" }}
output "by_id" {{ value = data.intune_derived_credential.by_id }}
output "by_name" {{ value = data.intune_derived_credential.by_name }}
output "all" {{ value = data.intune_derived_credentials.all }}
output "xtec_ids" {{ value = data.intune_derived_credentials.xtec.ids }}
""",
    )
    tf.apply()
    out = tf.outputs()
    assert out["by_id"] == {
        "id": seeded["Purebred"],
        "display_name": "Purebred",
        "issuer": "purebred",
        "help_url": "https://example.com/help",
        "notification_types": ["companyPortal", "email"],
        "renewal_threshold_percentage": 15,
        "tenant_id": emu.tenant_id,  # where it looked: the provider's tenant, none being named
    }
    assert out["by_name"]["id"] == seeded["O'Brien's Entrust"]
    assert out["by_name"]["issuer"] == "entrustDatacard"
    assert out["by_name"]["help_url"] is None
    names = [o["display_name"] for o in out["all"]["derived_credentials"]]
    assert names == ["O'Brien's Entrust", "Purebred", "Twin", "Twin"]
    assert out["all"]["ids"] == [o["id"] for o in out["all"]["derived_credentials"]]
    assert sorted(out["xtec_ids"]) == sorted([seeded["Twin"], seeded["Twin-2"]])
    filters = [r.query.get("$filter") for r in emu.requests if r.method == "GET" and "$filter" in r.query]
    assert "issuer eq 'xTec'" in filters, "the issuer filter is sent to Graph, not applied locally"
    assert {r.method for r in emu.requests} == {"GET"}, "data sources only read"
    assert tf.plan_exit_code()[0] == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('display_name = "Nobody"', "No derived credential settings named 'Nobody'"),
        ('display_name = "Twin"', "2 derived credential settings are named 'Twin'"),
        ('id = "no-such-id"', "No derived credential settings with id 'no-such-id'"),
        ('id = "x"\n  display_name = "Twin"', "set either id or display_name, not both"),
        ("", "set id or display_name to choose the object"),
    ],
)
def test_lookup_errors_are_clear(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator, seeded: dict[str, str], config: str, message: str
) -> None:
    tf = workdir(tmp_path, cli_config, emu, f'data "intune_derived_credential" "x" {{\n  {config}\n}}\n')
    proc = tf.run("plan", "-input=false", "-no-color", check=False)
    assert proc.returncode != 0
    assert message in " ".join(proc.stderr.split()), proc.stderr
    if "Twin" in message:
        assert seeded["Twin"] in proc.stderr and seeded["Twin-2"] in proc.stderr


def test_bad_issuer_filter_fails_validation(tmp_path: Path, cli_config: Path, emu: GraphEmulator) -> None:
    tf = workdir(tmp_path, cli_config, emu, 'data "intune_derived_credentials" "x" { issuer = "acme" }\n')
    proc = tf.run("validate", "-no-color", check=False)
    assert proc.returncode != 0 and "'acme' is not an issuer" in proc.stderr


def test_import_block_generates_config_and_adopts_without_creating(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator, seeded: dict[str, str]
) -> None:
    tf = workdir(
        tmp_path,
        cli_config,
        emu,
        f"""
import {{
  to = {RESOURCE_TYPE}.purebred
  id = "{seeded["Purebred"]}"
}}
import {{
  to = {RESOURCE_TYPE}.entrust
  id = "{seeded["O'Brien's Entrust"]}"
}}
""",
    )
    proc = tf.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf", check=False)
    # terraform plan with generated config exits 0 and writes the blocks
    assert proc.returncode == 0, proc.stdout + proc.stderr
    generated = (tf.path / "generated.tf").read_text()
    assert f'resource "{RESOURCE_TYPE}" "purebred"' in generated
    assert 'display_name                 = "Purebred"' in generated
    assert 'notification_types           = ["companyPortal", "email"]' in generated
    assert "O'Brien's Entrust" in generated
    tf.apply()
    assert [r.method for r in emu.requests if r.method != "GET"] == [], "adoption writes nothing"
    assert len(emu.objects()) == 4
    assert tf.plan_exit_code()[0] == 0
    state_ids = {r["instances"][0]["attributes"]["id"] for r in tf.state()["resources"]}
    assert state_ids == {seeded["Purebred"], seeded["O'Brien's Entrust"]}


def test_terraform_sees_the_schema_the_docs_are_made_from(
    tmp_path: Path, cli_config: Path, emu: GraphEmulator
) -> None:
    from terraform_provider_intune.plugin.provider import schema_document

    tf = workdir(tmp_path, cli_config, emu, "")
    raw: dict[str, Any] = json.loads(tf.run("providers", "schema", "-json").stdout)
    seen = next(iter(raw["provider_schemas"].values()))
    ours = schema_document()

    def attrs(doc: dict[str, Any]) -> dict[str, Any]:
        return {
            n: {k: a.get(k) for k in ("type", "required", "optional", "computed")}
            for n, a in doc["block"]["attributes"].items()
        }

    assert attrs(seen["provider"]) == attrs(ours["provider"])
    for kind in ("resource_schemas", "data_source_schemas"):
        assert set(seen[kind]) == set(ours[kind])
        for name in ours[kind]:
            assert attrs(seen[kind][name]) == attrs(ours[kind][name]), name
