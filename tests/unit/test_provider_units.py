"""Provider logic that needs no network: configuration, drift rules, schema, mirror."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from intune_graph import Connection, GraphError, open_client
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.config import ConfigProblems, check_arguments, resolve
from terraform_provider_intune.handler import attribute_for, reconcile
from terraform_provider_intune.mirror import cli_config, install, launcher_script, terraform_platform
from terraform_provider_intune.plugin.resources import resource_schema

ENV = {
    "AZURE_TENANT_ID": "env-tenant",
    "AZURE_CLIENT_ID": "env-client",
    "AZURE_CLIENT_SECRET": "env-secret",
}


def test_arguments_win_over_environment() -> None:
    conn = resolve({"tenant_id": "arg-tenant", "graph_endpoint": "https://graph.example/"}, ENV)
    assert (conn.tenant_id, conn.client_id, conn.graph_endpoint) == (
        "arg-tenant",
        "env-client",
        "https://graph.example",
    )
    assert conn.authority_host == "https://login.microsoftonline.com"


def test_defaults_and_environment_endpoints() -> None:
    conn = resolve(
        {},
        {
            **ENV,
            "INTUNE_GRAPH_ENDPOINT": "https://127.0.0.1:9/",
            "AZURE_AUTHORITY_HOST": "https://127.0.0.1:9",
        },
    )
    assert conn.graph_endpoint == "https://127.0.0.1:9"
    assert resolve({}, ENV).graph_endpoint == "https://graph.microsoft.com"


def test_missing_ids_name_each_argument_and_variable() -> None:
    with pytest.raises(ConfigProblems) as info:
        resolve({}, {"AZURE_CLIENT_SECRET": "s"})
    problems = dict(info.value.problems)
    assert set(problems) == {"tenant_id"}
    assert "AZURE_TENANT_ID" in problems["tenant_id"] and "client secret" in problems["tenant_id"]
    with pytest.raises(ConfigProblems, match=r"client_id.*AZURE_CLIENT_ID"):
        resolve({}, {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_CERTIFICATE_PATH": "/x.pem"})


def test_plain_http_endpoint_is_refused_before_any_token_is_requested() -> None:
    assert [k for k, _ in check_arguments({"graph_endpoint": "http://graph.example"})] == ["graph_endpoint"]
    with pytest.raises(ConfigProblems, match="graph_endpoint"):
        resolve({}, {**ENV, "INTUNE_GRAPH_ENDPOINT": "http://graph.example"})
    conn = Connection("t", "c", "s", graph_endpoint="http://graph.example")
    with pytest.raises(ValueError, match="plain http"):
        open_client(conn)


def test_secret_never_in_repr() -> None:
    assert "env-secret" not in repr(resolve({}, ENV))


PRIOR = {
    "id": "1",
    "display_name": "A",
    "issuer": "purebred",
    "help_url": None,
    "notification_types": ["email", "companyPortal"],
    "renewal_threshold_percentage": None,
}


def test_reconcile_ignores_server_values_for_unset_fields_and_keeps_set_spelling() -> None:
    server = {
        **PRIOR,
        "help_url": "https://set.elsewhere",
        "notification_types": ["companyPortal", "email"],
        "renewal_threshold_percentage": 0,
    }
    assert reconcile(PRIOR, server, spec=SPEC) == PRIOR


def test_reconcile_reports_drift_on_set_fields() -> None:
    server = {**PRIOR, "display_name": "B", "notification_types": ["none"]}
    got = reconcile(PRIOR, server, spec=SPEC)
    assert got["display_name"] == "B" and got["notification_types"] == ["none"]


def test_changed_fields_compare_sets_semantically() -> None:
    assert SPEC.changed_fields(PRIOR, {**PRIOR, "notification_types": ["companyPortal", "email"]}) == []
    assert SPEC.changed_fields(PRIOR, {**PRIOR, "help_url": "https://x.example"}) == ["help_url"]


def test_graph_errors_point_at_the_attribute() -> None:
    err = GraphError(400, "BadRequest", "Invalid value for property 'renewalThresholdPercentage'")
    assert attribute_for(err, spec=SPEC) == "renewal_threshold_percentage"
    assert attribute_for(GraphError(400, "BadRequest", "x", target="issuer"), spec=SPEC) == "issuer"
    assert attribute_for(GraphError(500, "InternalServerError", "boom"), spec=SPEC) is None


def test_terraform_schema_is_derived_from_the_model() -> None:
    attrs = {a.name: a for a in resource_schema(SPEC).attributes}
    assert list(attrs) == ["id"] + [f.name for f in SPEC.fields] + ["tenant_id"]  # the plugin's own last
    assert attrs["id"].computed and not attrs["id"].optional
    assert attrs["display_name"].required and attrs["issuer"].required
    assert attrs["notification_types"].type.tf_type() == b'["set","string"]'
    assert attrs["renewal_threshold_percentage"].type.tf_type() == b'"number"'
    assert "`xTec`" in (attrs["issuer"].description or "")
    assert resource_schema(SPEC).version == 0


def test_mirror_layout_and_cli_config(tmp_path: Path) -> None:
    rc = install(tmp_path / "tf", python="/opt/py/bin/python")
    exe = (
        tmp_path / "tf" / "mirror" / "terraform.local" / "intune" / "intune" / "0.1.0" / terraform_platform()
    )
    exe /= "terraform-provider-intune_v0.1.0"
    assert exe.stat().st_mode & stat.S_IXUSR
    assert exe.read_text() == launcher_script()  # the same bytes everywhere (tests/unit/test_install.py)
    assert (tmp_path / "tf" / "python-path").read_text() == "/opt/py/bin/python\n"
    text = rc.read_text()
    assert f'path    = "{(tmp_path / "tf" / "mirror").resolve()}"' in text
    assert 'exclude = ["terraform.local/*/*"]' in text
    assert cli_config(Path('/a"b')).count('\\"') == 1
