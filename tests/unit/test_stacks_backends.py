"""Stacks' remote state and many-tenant configuration, checked by synthesis (the remote backends
can't be reached here): azurerm, s3 and HCP Terraform `cloud` blocks with one state per stack,
per-stack secret variables that are sensitive and ephemeral, and the errors for bad blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cdktf
import pytest

from intune_model.address import RESOURCE_TYPE
from stacks import ConfigError, build_app, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
TENANTS = ROOT / "stacks" / "tenants.example.json"
ENTRY = {"key": "a", "display_name": "A", "issuer": "purebred"}


def synth_all(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    app = cdktf.App()
    stacks = build_app(app, parse_config(raw))
    return {s.node.id: json.loads(cdktf.Testing.synth(s)) for s in stacks}


def two_stacks(backend: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return synth_all(
        {
            "backend": backend,
            "stacks": [{"name": n, "settings": [ENTRY]} for n in ("tenant-dev", "tenant-prod")],
        }
    )


def test_local_backend_is_the_default() -> None:
    out = synth_all({"stacks": [{"name": "s", "settings": [ENTRY]}]})
    assert set(out["s"]["terraform"]["backend"]) == {"local"}


def test_azurerm_backend_one_key_per_stack() -> None:
    out = two_stacks(
        {
            "type": "azurerm",
            "resource_group_name": "rg",
            "storage_account_name": "st",
            "container_name": "tfstate",
            "key": "intune/{stack}.tfstate",
            "use_oidc": True,
            "use_azuread_auth": True,
        }
    )
    for name in ("tenant-dev", "tenant-prod"):
        assert out[name]["terraform"]["backend"] == {
            "azurerm": {
                "resource_group_name": "rg",
                "storage_account_name": "st",
                "container_name": "tfstate",
                "key": f"intune/{name}.tfstate",
                "use_oidc": True,
                "use_azuread_auth": True,
            }
        }


def test_s3_backend_with_lockfile() -> None:
    out = two_stacks(
        {
            "type": "s3",
            "bucket": "tfstate",
            "key": "intune/{stack}.tfstate",
            "region": "eu-west-1",
            "use_lockfile": True,
        }
    )
    assert out["tenant-prod"]["terraform"]["backend"] == {
        "s3": {
            "bucket": "tfstate",
            "key": "intune/tenant-prod.tfstate",
            "region": "eu-west-1",
            "use_lockfile": True,
        }
    }


def test_hcp_terraform_cloud_block_one_workspace_per_stack() -> None:
    out = two_stacks({"type": "cloud", "organization": "contoso", "workspaces": {"name": "intune-{stack}"}})
    assert out["tenant-dev"]["terraform"]["cloud"] == {
        "organization": "contoso",
        "workspaces": {"name": "intune-tenant-dev"},
    }
    assert "backend" not in out["tenant-dev"]["terraform"]
    tagged = two_stacks({"type": "cloud", "organization": "contoso", "workspaces": {"tags": ["intune"]}})
    assert tagged["tenant-prod"]["terraform"]["cloud"]["workspaces"] == {"tags": ["intune"]}


def test_a_stack_backend_replaces_the_default() -> None:
    out = synth_all(
        {
            "backend": {"type": "s3", "bucket": "b", "key": "{stack}", "region": "r"},
            "stacks": [
                {"name": "a", "settings": [ENTRY]},
                {"name": "b", "settings": [ENTRY], "backend": {"type": "local"}},
            ],
        }
    )
    assert set(out["a"]["terraform"]["backend"]) == {"s3"}
    assert set(out["b"]["terraform"]["backend"]) == {"local"}


@pytest.mark.parametrize(
    ("backend", "says"),
    [
        ({"type": "gcs"}, "type 'gcs' is not supported"),
        ({"type": "s3", "bucket": "b", "key": "k"}, "needs region"),
        (
            {
                "type": "azurerm",
                "storage_account_name": "s",
                "container_name": "c",
                "key": "k",
                "access_key": "x",
            },
            "access_key: credentials never go in this file",
        ),
        (
            {"type": "cloud", "organization": "o", "workspaces": {"name": "a", "tags": ["b"]}},
            "workspaces must be",
        ),
        (
            {"type": "s3", "bucket": "b", "key": "k", "region": "r", "buckett": "x"},
            "unknown keys ['buckett']",
        ),
    ],
)
def test_bad_backend_blocks(backend: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says.replace("[", r"\[").replace("]", r"\]")):
        parse_config({"backend": backend, "stacks": []})


def test_tenants_example_synthesizes_one_stack_per_tenant() -> None:
    config = load_config(TENANTS)
    app = cdktf.App()
    out = {s.node.id: json.loads(cdktf.Testing.synth(s)) for s in build_app(app, config)}
    assert set(out) == {"tenant-dev", "tenant-prod"}
    dev, prod = out["tenant-dev"], out["tenant-prod"]
    assert dev["provider"]["intune"] == [
        {
            "tenant_id": "11111111-1111-1111-1111-111111111111",
            "client_id": "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
            "use_oidc": True,
        }
    ]
    assert "variable" not in dev
    assert prod["provider"]["intune"][0]["client_secret"] == "${var.tenant_prod_client_secret}"
    assert prod["variable"]["tenant_prod_client_secret"] == {
        "type": "string",
        "sensitive": True,
        "nullable": False,
        "ephemeral": True,
        "description": "Client secret for stack 'tenant-prod'; set TF_VAR_tenant_prod_client_secret",
    }
    assert set(prod["resource"][RESOURCE_TYPE]) == {"purebred", "entrust"}
    assert dev["terraform"]["backend"]["azurerm"]["key"] == "intune/tenant-dev.tfstate"
    assert prod["terraform"]["backend"]["azurerm"]["key"] == "intune/tenant-prod.tfstate"


@pytest.mark.parametrize(
    ("provider", "says"),
    [
        ({"client_secret": "x"}, "unknown keys ['client_secret']"),
        ({"client_secret_variable": "tenant-dev-secret"}, "not a usable variable name"),
        ({"use_oidc": "true"}, "use_oidc: expected true or false"),
        ({"cloud": "mars"}, "cloud: 'mars' is not a cloud"),
    ],
)
def test_bad_provider_blocks(provider: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says.replace("[", r"\[").replace("]", r"\]")):
        parse_config({"stacks": [{"name": "s", "provider": provider, "settings": []}]})


@pytest.mark.parametrize(
    ("env", "real"),
    [
        ({}, False),
        ({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"}, True),
        ({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_CERTIFICATE_PATH": "/c.pem"}, True),
        ({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_FEDERATED_TOKEN_FILE": "/t"}, True),
        ({"INTUNE_USE_CLI": "true"}, True),
    ],
)
def test_make_deploy_target(env: dict[str, str], real: bool) -> None:
    from stacks.deploy import real_target

    assert real_target(env) is real


def test_make_deploy_refuses_half_a_configuration() -> None:
    from stacks.deploy import real_target

    with pytest.raises(SystemExit, match="AZURE_CLIENT_ID missing"):
        real_target({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_SECRET": "s"})
    with pytest.raises(SystemExit, match="one of AZURE_CLIENT_SECRET"):
        real_target({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"})
