"""The emulator's OIDC issuer and assertion checks over real HTTPS, with azure-identity's own
credentials: published JWKS verify the GitHub-style ID tokens, the request token is required, an
expired or foreign federated token and a tampered certificate assertion are refused with AADSTS codes."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import jwt
import pytest
from azure.identity import ClientAssertionCredential, WorkloadIdentityCredential

from graph_emulator import FederatedCredential, GraphEmulator
from intune_graph.credentials import fetch_github_id_token


def test_github_style_id_token_verifies_against_the_published_jwks(graph_emulator: GraphEmulator) -> None:
    emu = graph_emulator
    env = emu.github_actions_env()
    token = fetch_github_id_token_with_ca(
        emu, env["ACTIONS_ID_TOKEN_REQUEST_URL"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
    )
    with httpx.Client(verify=emu.ssl_context()) as http:
        discovery = http.get(f"{emu.oidc_issuer_url}/.well-known/openid-configuration").json()
        jwks = http.get(discovery["jwks_uri"]).json()
        refused = http.get(env["ACTIONS_ID_TOKEN_REQUEST_URL"], headers={"Authorization": "Bearer nope"})
    key = jwt.PyJWKSet.from_dict(jwks).keys[0].key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience="api://AzureADTokenExchange")
    assert claims["iss"] == discovery["issuer"] == emu.oidc_issuer_url
    assert claims["sub"].startswith("repo:")
    assert refused.status_code == 401


def fetch_github_id_token_with_ca(emu: GraphEmulator, url: str, bearer: str) -> str:
    mp = pytest.MonkeyPatch()
    mp.setenv("SSL_CERT_FILE", str(emu.ca_file))
    try:
        return fetch_github_id_token(url, bearer)
    finally:
        mp.undo()


def workload(emu: GraphEmulator, client_id: str, token: str, tmp_path: Path) -> WorkloadIdentityCredential:
    path = tmp_path / f"token-{uuid.uuid4().hex}"
    path.write_text(token)
    return WorkloadIdentityCredential(
        tenant_id=emu.tenant_id,
        client_id=client_id,
        token_file_path=str(path),
        authority=emu.authority_host,
        connection_verify=str(emu.ca_file),
    )


def test_federated_assertions_are_checked(graph_emulator: GraphEmulator, tmp_path: Path) -> None:
    emu = graph_emulator
    client = str(uuid.uuid4())
    emu.add_client(emu.tenant_id, client, federated=[emu.federated_credential("sa:deployer")])
    scope = f"{emu.graph_endpoint}/.default"
    good = workload(emu, client, emu.issue_federated_token("sa:deployer"), tmp_path).get_token(scope)
    assert emu.identity.check(good.token) is not None

    cases = {
        "700024": emu.issue_federated_token("sa:deployer", lifetime=-60),  # expired
        "700213": emu.issue_federated_token("sa:someone-else"),
        "700212": emu.issue_federated_token("sa:deployer", audience="api://other"),
    }
    for code, token in cases.items():
        with pytest.raises(Exception, match=f"AADSTS{code}"):
            workload(emu, client, token, tmp_path).get_token(scope)

    # a token signed by someone else, claiming the emulator's issuer, fails signature validation
    from cryptography.hazmat.primitives.asymmetric import rsa

    forged = jwt.encode(
        {
            "iss": emu.oidc_issuer_url,
            "sub": "sa:deployer",
            "aud": "api://AzureADTokenExchange",
            "exp": time.time() + 60,
        },
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
    )
    with pytest.raises(Exception, match="AADSTS700027"):
        workload(emu, client, forged, tmp_path).get_token(scope)

    # an issuer the app does not trust
    other = str(uuid.uuid4())
    emu.add_client(
        emu.tenant_id,
        other,
        federated=[FederatedCredential("https://token.actions.githubusercontent.com", "x")],
    )
    with pytest.raises(Exception, match="AADSTS700211"):
        ClientAssertionCredential(
            emu.tenant_id,
            other,
            lambda: emu.issue_federated_token("x"),
            authority=emu.authority_host,
            connection_verify=str(emu.ca_file),
        ).get_token(scope)
