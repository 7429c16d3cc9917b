"""Credential choice and clouds, without a network: the documented order, the problems named, every
cloud's Graph and login host pair, and that tokens never cross clouds."""

from __future__ import annotations

from typing import Any

import pytest

from intune_graph import Connection
from intune_graph.credentials import CredentialConfigError, plan_methods
from intune_model.clouds import CLOUDS
from terraform_provider_intune.config import ARGUMENTS, ConfigProblems, endpoints_for, resolve
from terraform_provider_intune.plugin.provider import IntuneProvider

IDS = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"}
GITHUB = {
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh.example/token?x=1",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "r",
}


def methods(config: dict[str, Any], env: dict[str, str]) -> list[str]:
    conn = resolve(config, env)
    return [m.name for m in plan_methods(conn, ca_bundle=None, public_authority=True)]


@pytest.mark.parametrize(
    ("config", "env", "expected"),
    [
        ({}, {}, ["Azure CLI", "managed identity"]),  # nothing configured: the fallback chain
        ({}, {**IDS, "AZURE_CLIENT_SECRET": "s"}, ["client secret"]),
        ({"client_secret": "s"}, IDS, ["client secret"]),
        ({}, {**IDS, "AZURE_CLIENT_CERTIFICATE_PATH": "/c.pem"}, ["client certificate"]),
        # a secret wins over a certificate, a certificate over a federated token file
        (
            {},
            {**IDS, "AZURE_CLIENT_SECRET": "s", "AZURE_CLIENT_CERTIFICATE_PATH": "/c.pem"},
            ["client secret"],
        ),
        (
            {},
            {**IDS, "AZURE_FEDERATED_TOKEN_FILE": "/t", "AZURE_CLIENT_CERTIFICATE_PATH": "/c"},
            ["client certificate"],
        ),
        ({}, {**IDS, "AZURE_FEDERATED_TOKEN_FILE": "/t"}, ["federated token file"]),
        # explicit choices win over anything configured
        ({"use_oidc": True}, {**IDS, **GITHUB, "AZURE_CLIENT_SECRET": "s"}, ["GitHub Actions OIDC"]),
        ({"use_oidc": True}, {**IDS, "AZURE_FEDERATED_TOKEN_FILE": "/t"}, ["federated token file"]),
        ({}, {**IDS, **GITHUB, "INTUNE_USE_OIDC": "true"}, ["GitHub Actions OIDC"]),
        ({}, {**IDS, **GITHUB}, ["Azure CLI", "managed identity"]),  # GitHub OIDC only when chosen
        ({"use_cli": True}, {**IDS, "AZURE_CLIENT_SECRET": "s"}, ["Azure CLI"]),
        ({"use_msi": True}, {"AZURE_CLIENT_SECRET": "s"}, ["managed identity"]),
        ({"use_msi": True, "use_cli": True}, {}, ["managed identity", "Azure CLI"]),
        ({"use_cli": False}, {"INTUNE_USE_CLI": "1"}, ["Azure CLI", "managed identity"]),  # argument wins
    ],
)
def test_documented_order(config: dict[str, Any], env: dict[str, str], expected: list[str]) -> None:
    assert methods(config, env) == expected


def test_use_oidc_without_any_token_source_names_the_variables() -> None:
    with pytest.raises(ConfigProblems) as info:
        resolve({"use_oidc": True}, IDS)
    ((argument, message),) = info.value.problems
    assert argument == "use_oidc"
    assert "ACTIONS_ID_TOKEN_REQUEST_URL" in message and "AZURE_FEDERATED_TOKEN_FILE" in message


def test_bad_boolean_variable() -> None:
    with pytest.raises(ConfigProblems, match="INTUNE_USE_MSI='maybe'"):
        resolve({}, {"INTUNE_USE_MSI": "maybe"})


def test_oidc_request_url_must_be_https() -> None:
    conn = Connection("t", "c", use_oidc=True, oidc_request_url="http://gh.example/t", oidc_request_token="r")
    with pytest.raises(CredentialConfigError, match="https"):
        plan_methods(conn, ca_bundle=None, public_authority=True)


def test_secrets_never_in_repr() -> None:
    conn = resolve(
        {"client_secret": "sekrit-1", "client_certificate_password": "sekrit-2"},
        {**IDS, **GITHUB, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "sekrit-3"},
    )
    assert not any(s in repr(conn) for s in ("sekrit-1", "sekrit-2", "sekrit-3"))


def test_secret_arguments_are_sensitive_in_the_schema() -> None:
    schema = IntuneProvider().get_provider_schema(None)  # type: ignore[arg-type]
    by_name = {attr.name: attr for attr in schema.attributes}
    assert {n for n, attr in by_name.items() if attr.sensitive} == {
        "client_secret",
        "client_certificate_password",
    }
    assert {n for n, attr in by_name.items() if type(attr.type).__name__ == "Bool"} == {
        "use_oidc",
        "use_cli",
        "use_msi",
    }
    assert set(by_name) == {a.name for a in ARGUMENTS}


# ---------------------------------------------------------------------------- clouds

PAIRS = {
    "public": ("https://graph.microsoft.com", "https://login.microsoftonline.com"),
    "usgovernment": ("https://graph.microsoft.us", "https://login.microsoftonline.us"),
    "usgovernmentdod": ("https://dod-graph.microsoft.us", "https://login.microsoftonline.us"),
    "china": ("https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
}


def test_the_cloud_table_is_design_md() -> None:
    assert {n: (c.graph_endpoint, c.authority_host) for n, c in CLOUDS.items()} == PAIRS


@pytest.mark.parametrize("cloud", sorted(PAIRS))
def test_each_cloud_sets_both_hosts(cloud: str) -> None:
    env = {**IDS, "AZURE_CLIENT_SECRET": "s"}
    for conn in (resolve({"cloud": cloud}, env), resolve({}, {**env, "INTUNE_CLOUD": cloud.upper()})):
        assert (conn.graph_endpoint, conn.authority_host) == PAIRS[cloud]


def test_default_cloud_is_public() -> None:
    conn = resolve({}, {**IDS, "AZURE_CLIENT_SECRET": "s"})
    assert (conn.graph_endpoint, conn.authority_host) == PAIRS["public"]


def test_explicit_endpoints_override_the_cloud_for_emulators_and_proxies() -> None:
    assert endpoints_for("china", "https://127.0.0.1:8443", "https://127.0.0.1:8443") == (
        "https://127.0.0.1:8443",
        "https://127.0.0.1:8443",
    )
    assert endpoints_for("usgovernment", "https://proxy.example/graph", None) == (
        "https://proxy.example/graph",
        "https://login.microsoftonline.us",
    )


@pytest.mark.parametrize(
    ("cloud", "graph", "authority"),
    [
        (None, "https://graph.microsoft.us", "https://login.microsoftonline.com"),  # gov Graph, public login
        ("public", "https://microsoftgraph.chinacloudapi.cn", None),  # china Graph, public login
        ("usgovernmentdod", None, "https://login.chinacloudapi.cn"),
        ("china", "https://graph.microsoft.com", None),
        ("usgovernment", "https://dod-graph.microsoft.us", None),  # same login, other Graph
    ],
)
def test_tokens_never_cross_clouds(cloud: str | None, graph: str | None, authority: str | None) -> None:
    with pytest.raises(ValueError, match="cloud"):
        endpoints_for(cloud, graph, authority)


def test_unknown_cloud_is_refused_with_the_allowed_names() -> None:
    with pytest.raises(ConfigProblems, match="usgovernmentdod"):
        resolve({"cloud": "azurestack"}, {})
    with pytest.raises(ConfigProblems, match="INTUNE_CLOUD"):
        resolve({}, {"INTUNE_CLOUD": "mars"})
