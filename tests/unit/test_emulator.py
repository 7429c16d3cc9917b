"""The Graph emulator over real HTTPS: identity platform, Graph routes, storage, CLI."""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential

from graph_emulator import GraphEmulator, start_emulator
from graph_emulator.cli import main as cli_main
from intune_model.resources.derived_credential import SPEC

COLLECTION = "/beta/deviceManagement/derivedCredentials"


def graph_client(emu: GraphEmulator, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or emu.issue_token()}"}
    return httpx.Client(base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers=headers, timeout=10)


@pytest.fixture
def emu(graph_emulator: GraphEmulator) -> GraphEmulator:
    return graph_emulator


@pytest.fixture
def client(emu: GraphEmulator) -> Iterator[httpx.Client]:
    with graph_client(emu) as c:
        yield c


def token_request(emu: GraphEmulator, **overrides: str) -> httpx.Response:
    tenant = overrides.pop("tenant", emu.tenant_id)
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "scope": f"{emu.graph_endpoint}/.default",
        **overrides,
    }
    url = f"{emu.authority_host}/{tenant}/oauth2/v2.0/token"
    return httpx.post(url, data=form, verify=emu.ssl_context())


def create(client: httpx.Client, **body: Any) -> dict[str, Any]:
    r = client.post(COLLECTION, json={"displayName": "Purebred", "issuer": "purebred", **body})
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


# ----------------------------------------------------------------------------- identity


def test_azure_identity_gets_a_token_that_graph_accepts(emu: GraphEmulator) -> None:
    credential = ClientSecretCredential(
        emu.tenant_id,
        emu.client_id,
        emu.client_secret,
        authority=emu.authority_host,
        disable_instance_discovery=True,
        connection_verify=str(emu.ca_file),
    )
    token = credential.get_token(f"{emu.graph_endpoint}/.default")
    assert token.token
    with graph_client(emu, token.token) as client:
        assert client.get(COLLECTION).status_code == 200


def test_azure_identity_reports_a_wrong_secret(emu: GraphEmulator) -> None:
    credential = ClientSecretCredential(
        emu.tenant_id,
        emu.client_id,
        "not-the-secret",
        authority=emu.authority_host,
        disable_instance_discovery=True,
        connection_verify=str(emu.ca_file),
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        credential.get_token(f"{emu.graph_endpoint}/.default")


def test_token_success_shape(emu: GraphEmulator) -> None:
    r = token_request(emu)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599 and body["ext_expires_in"] == 3599
    assert isinstance(body["access_token"], str) and len(body["access_token"]) > 20


@pytest.mark.parametrize(
    ("overrides", "status", "error", "code"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"tenant": "00000000-0000-0000-0000-000000000001"}, 400, "invalid_tenant", 90002),
        ({"client_id": "00000000-0000-0000-0000-000000000002"}, 400, "unauthorized_client", 700016),
        ({"scope": "https://graph.microsoft.com/.default"}, 400, "invalid_resource", 500011),
        ({"scope": "User.Read"}, 400, "invalid_scope", 1002012),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
    ],
)
def test_token_failures_use_real_aadsts_codes(
    emu: GraphEmulator, overrides: dict[str, str], status: int, error: str, code: int
) -> None:
    r = token_request(emu, **overrides)
    assert r.status_code == status
    body = r.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()


def test_discovery_document_and_unknown_tenant(emu: GraphEmulator) -> None:
    base = f"{emu.authority_host}/{emu.tenant_id}"
    doc = httpx.get(f"{base}/v2.0/.well-known/openid-configuration", verify=emu.ssl_context()).json()
    assert doc["token_endpoint"] == f"{base}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"] == f"{base}/oauth2/v2.0/authorize"
    assert doc["issuer"] == f"{base}/v2.0"
    r = httpx.get(
        f"{emu.authority_host}/{uuid.uuid4()}/v2.0/.well-known/openid-configuration", verify=emu.ssl_context()
    )
    assert r.status_code == 400 and r.json()["error_codes"] == [90002]


def test_graph_requires_a_valid_bearer_token(emu: GraphEmulator) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = httpx.get(emu.graph_endpoint + COLLECTION, headers=headers, verify=emu.ssl_context())
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_expired_token_is_refused(tmp_path: Path) -> None:
    with start_emulator(tmp_path, token_lifetime=0) as emu, graph_client(emu) as client:
        assert client.get(COLLECTION).status_code == 401


# ----------------------------------------------------------------------------- create / read


def test_post_fills_server_defaults(client: httpx.Client, emu: GraphEmulator) -> None:
    r = client.post(
        COLLECTION,
        json={"@odata.type": SPEC.odata_type, "displayName": "Purebred", "issuer": "purebred"},
        headers={"client-request-id": "abc-123"},
    )
    assert r.status_code == 201
    body = r.json()
    uuid.UUID(body["id"])
    assert body["@odata.type"] == SPEC.odata_type
    assert body["@odata.context"].endswith("/beta/$metadata#deviceManagement/derivedCredentials/$entity")
    assert body["notificationType"] == "none"
    assert body["renewalThresholdPercentage"] == 0
    assert body["helpUrl"] is None
    assert r.headers["Location"] == f"{emu.graph_endpoint}{COLLECTION}/{body['id']}"
    assert r.headers["client-request-id"] == "abc-123"
    uuid.UUID(r.headers["request-id"])
    assert r.headers["content-type"] == "application/json"
    assert emu.get_object(body["id"]) == {k: v for k, v in body.items() if not k.startswith("@")}


def test_post_normalises_flags_to_declaration_order(client: httpx.Client) -> None:
    body = create(client, notificationType="email,companyPortal", renewalThresholdPercentage=20)
    assert body["notificationType"] == "companyPortal,email"
    assert body["renewalThresholdPercentage"] == 20


def test_post_bad_issuer_names_the_property_and_allowed_values(client: httpx.Client) -> None:
    r = client.post(COLLECTION, json={"displayName": "x", "issuer": "String"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "BadRequest"
    assert "issuer" in error["message"]
    for allowed in ("intercede", "entrustDatacard", "purebred", "xTec"):
        assert allowed in error["message"]
    assert {"request-id", "date", "client-request-id"} <= error["innerError"].keys()


@pytest.mark.parametrize(
    "body",
    [
        {"displayName": "x", "issuer": "purebred", "@odata.type": "#microsoft.graph.somethingElse"},
        {"issuer": "purebred"},
        {"displayName": "x", "issuer": "purebred", "renewalThresholdPercentage": 2**31},
        {"displayName": "x", "issuer": "purebred", "notificationType": "sms"},
        {"displayName": "x", "issuer": "purebred", "bogus": 1},
    ],
)
def test_post_rejects_invalid_bodies(client: httpx.Client, body: dict[str, Any]) -> None:
    r = client.post(COLLECTION, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "BadRequest"


def test_malformed_json_is_400(client: httpx.Client) -> None:
    r = client.post(COLLECTION, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BadRequest"


def test_get_one_and_missing(client: httpx.Client) -> None:
    created = create(client)
    r = client.get(f"{COLLECTION}/{created['id']}")
    assert r.status_code == 200 and r.json() == created
    r = client.get(f"{COLLECTION}/{uuid.uuid4()}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "ResourceNotFound"


def test_list_and_filter(client: httpx.Client) -> None:
    a = create(client, displayName="O'Brien")
    b = create(client, displayName="Other", issuer="intercede")
    listing = client.get(COLLECTION).json()
    assert listing["@odata.context"].endswith("$metadata#deviceManagement/derivedCredentials")
    assert [o["id"] for o in listing["value"]] == [a["id"], b["id"]]

    def ids(flt: str) -> list[str]:
        r = client.get(COLLECTION, params={"$filter": flt})
        assert r.status_code == 200, r.text
        return [o["id"] for o in r.json()["value"]]

    assert ids("displayName eq 'O''Brien'") == [a["id"]]
    assert ids("issuer eq 'intercede'") == [b["id"]]
    assert ids(f"id eq '{b['id']}' and issuer eq 'intercede'") == [b["id"]]
    assert ids("displayName eq 'Other' and issuer eq 'purebred'") == []
    for bad in ("startswith(displayName,'O')", "displayName ne 'x'", "helpUrl eq 'x'", "issuer eq 1"):
        r = client.get(COLLECTION, params={"$filter": bad})
        assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest", bad


def test_paging_with_top_and_page_size(tmp_path: Path) -> None:
    with start_emulator(tmp_path, page_size=3) as emu, graph_client(emu) as client:
        made = [create(client, displayName=f"n{i}")["id"] for i in range(7)]
        seen: list[str] = []
        url: str | None = COLLECTION
        pages = 0
        while url:
            page = client.get(url).json()
            seen += [o["id"] for o in page["value"]]
            url = page.get("@odata.nextLink")
            pages += 1
        assert seen == made and pages == 3
        first = client.get(COLLECTION, params={"$top": "2"}).json()
        assert len(first["value"]) == 2 and "%24skiptoken=" in first["@odata.nextLink"]
        second = client.get(first["@odata.nextLink"]).json()
        assert [o["id"] for o in second["value"]] == made[2:4]


# ----------------------------------------------------------------------------- update / delete


def test_patch_merges_and_answers_200_with_the_object_by_default(client: httpx.Client) -> None:
    created = create(client, helpUrl="https://example.com/help")
    r = client.patch(
        f"{COLLECTION}/{created['id']}",
        json={"@odata.type": SPEC.odata_type, "notificationType": "email,companyPortal", "helpUrl": None},
    )
    assert r.status_code == 200, "the update page documents 200 OK with the object"
    assert (
        r.json()["@odata.type"] == SPEC.odata_type and r.json()["notificationType"] == "companyPortal,email"
    )
    after = client.get(f"{COLLECTION}/{created['id']}").json()
    assert after["notificationType"] == "companyPortal,email"
    assert after["helpUrl"] is None
    assert after["displayName"] == "Purebred"
    bad = client.patch(f"{COLLECTION}/{created['id']}", json={"notificationType": None})
    assert bad.status_code == 400 and "notificationType" in bad.json()["error"]["message"]
    bad = client.patch(f"{COLLECTION}/{created['id']}", json={"issuer": "String"})
    assert bad.status_code == 400
    missing = client.patch(f"{COLLECTION}/{uuid.uuid4()}", json={"displayName": "y"})
    assert missing.status_code == 404


def test_patch_204_mode_answers_without_a_body(tmp_path: Path) -> None:
    with start_emulator(tmp_path, patch_status=204) as emu, graph_client(emu) as client:
        created = create(client)
        r = client.patch(f"{COLLECTION}/{created['id']}", json={"renewalThresholdPercentage": 30})
        assert r.status_code == 204 and r.content == b""
        assert emu.objects()[0]["renewalThresholdPercentage"] == 30


def test_delete_then_404(client: httpx.Client, emu: GraphEmulator) -> None:
    created = create(client)
    assert client.delete(f"{COLLECTION}/{created['id']}").status_code == 204
    assert client.get(f"{COLLECTION}/{created['id']}").status_code == 404
    r = client.delete(f"{COLLECTION}/{created['id']}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "ResourceNotFound"
    assert emu.objects() == []


def test_v1_is_not_served_and_unknown_routes_404(client: httpx.Client) -> None:
    r = client.get("/v1.0/deviceManagement/derivedCredentials")
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Resource not found for the segment 'derivedCredentials'."
    r = client.get("/beta/deviceManagement/somethingElse")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert client.get("/nowhere").status_code == 404


# ----------------------------------------------------------------------------- test-side API


def test_out_of_band_access(client: httpx.Client, emu: GraphEmulator) -> None:
    created = create(client)
    emu.patch_object(created["id"], {"notificationType": "email,companyPortal", "displayName": "Drifted"})
    after = client.get(f"{COLLECTION}/{created['id']}").json()
    assert after["displayName"] == "Drifted" and after["notificationType"] == "companyPortal,email"
    assert [o["id"] for o in emu.objects()] == [created["id"]]
    assert emu.delete_object(created["id"]) is True
    assert emu.get_object(created["id"]) is None
    create(client)
    emu.clear()
    assert emu.objects() == []


def test_tenants_are_isolated(client: httpx.Client, emu: GraphEmulator) -> None:
    other_tenant, other_client = str(uuid.uuid4()), str(uuid.uuid4())
    emu.add_client(other_tenant, other_client, "other-secret")
    r = token_request(emu, tenant=other_tenant, client_id=other_client, client_secret="other-secret")
    assert r.status_code == 200
    mine = create(client)
    with graph_client(emu, r.json()["access_token"]) as other:
        theirs = create(other, displayName="Theirs")
        assert [o["id"] for o in other.get(COLLECTION).json()["value"]] == [theirs["id"]]
        assert other.get(f"{COLLECTION}/{mine['id']}").status_code == 404
    assert [o["id"] for o in emu.objects()] == [mine["id"]]
    assert [o["id"] for o in emu.objects(other_tenant)] == [theirs["id"]]
    # the primary client is not registered in the other tenant
    assert token_request(emu, tenant=other_tenant).json()["error_codes"] == [700016]


def test_request_log_never_holds_secrets(client: httpx.Client, emu: GraphEmulator) -> None:
    token = token_request(emu).json()["access_token"]
    with graph_client(emu, token) as c:
        created = create(c)
        c.get(COLLECTION, params={"$filter": "issuer eq 'purebred'"}, headers={"client-request-id": "x-1"})
    dumped = repr(list(emu.requests))
    assert emu.client_secret not in dumped and token not in dumped
    assert "Bearer" not in dumped and "client_credentials" not in dumped
    post, listing = emu.requests[-2:]
    assert post.method == "POST" and post.body == {"displayName": "Purebred", "issuer": "purebred"}
    assert post.status == 201 and post.tenant_id == emu.tenant_id
    assert listing.query == {"$filter": "issuer eq 'purebred'"} and listing.client_request_id == "x-1"
    assert emu.get_object(created["id"]) is not None


# ----------------------------------------------------------------------------- server behaviour


def test_persistence_across_restart(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as first, graph_client(first) as client:
        created = create(client)
        creds = (first.tenant_id, first.client_id, first.client_secret)
    assert stat.S_IMODE(os.stat(tmp_path / "credentials.json").st_mode) == 0o600
    with start_emulator(tmp_path) as second:
        assert (second.tenant_id, second.client_id, second.client_secret) == creds
        assert token_request(second).status_code == 200
        with graph_client(second) as client:
            assert client.get(f"{COLLECTION}/{created['id']}").json()["id"] == created["id"]


def test_concurrent_requests_over_keep_alive(client: httpx.Client, emu: GraphEmulator) -> None:
    first = client.get(COLLECTION)
    second = client.get(COLLECTION)
    local = [r.extensions["network_stream"].get_extra_info("client_addr") for r in (first, second)]
    assert local[0] == local[1], "the second request should reuse the connection"

    limits = httpx.Limits(max_connections=10, max_keepalive_connections=10)
    headers = {"Authorization": f"Bearer {emu.issue_token()}"}
    with (
        httpx.Client(
            base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers=headers, limits=limits
        ) as pool,
        ThreadPoolExecutor(max_workers=10) as executor,
    ):
        statuses = list(
            executor.map(
                lambda i: pool.post(COLLECTION, json={"displayName": f"c{i}", "issuer": "xTec"}).status_code,
                range(20),
            )
        )
    assert statuses == [201] * 20
    assert len(emu.objects()) == 20


# ----------------------------------------------------------------------------- CLI


def test_cli_start_status_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "emu"
    assert cli_main(["start", "--data-dir", str(data_dir)]) == 0
    try:
        out = capsys.readouterr().out
        assert "export AZURE_CLIENT_SECRET='" in out and "export INTUNE_GRAPH_ENDPOINT='https://" in out
        assert stat.S_IMODE(os.stat(data_dir / "env.sh").st_mode) == 0o600
        # the eval'd shell trusts the system's roots and the emulator's CA (tests/unit/test_emulator_trust.py)
        bundle = data_dir / "ca-bundle.pem"
        assert f"export SSL_CERT_FILE='{bundle}'" in out and f"export REQUESTS_CA_BUNDLE='{bundle}'" in out
        assert (data_dir / "ca.pem").read_text().strip() in bundle.read_text()
        pid = (data_dir / "emulator.pid").read_text().strip()
        assert cli_main(["start", "--data-dir", str(data_dir)]) == 0  # reuses the running one
        assert capsys.readouterr().out == out
        assert (data_dir / "emulator.pid").read_text().strip() == pid
        assert cli_main(["status", "--data-dir", str(data_dir)]) == 0
        secret = json.loads((data_dir / "credentials.json").read_text())["client_secret"]
        assert secret not in (data_dir / "emulator.log").read_text()
    finally:
        assert cli_main(["stop", "--data-dir", str(data_dir)]) == 0
    assert not (data_dir / "emulator.pid").exists()
    assert cli_main(["status", "--data-dir", str(data_dir)]) == 3


def test_overrides_do_not_rewrite_stored_credentials(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as first:
        stored = first.client_secret
    with start_emulator(tmp_path, client_secret="override") as second:
        assert second.client_secret == "override"
        second.add_client(second.tenant_id, str(uuid.uuid4()), "extra")
        assert token_request(second).status_code == 200
    with start_emulator(tmp_path) as third:
        assert third.client_secret == stored
        assert len(third.identity.clients()) == 2


def test_session_fixture_is_shared(graph_emulator_session: GraphEmulator) -> None:
    assert graph_emulator_session.running
    assert graph_emulator_session.env()["INTUNE_GRAPH_ENDPOINT"] == graph_emulator_session.graph_endpoint
