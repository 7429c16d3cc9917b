"""Least privilege (issue 17, item 12): the emulator's tokens are signed JWTs whose `roles` claim
holds the app's granted application permissions; each Graph route needs what Microsoft's pages list
(`…ReadWrite.All` to write, `…Read.All` or `…ReadWrite.All` to read) and otherwise answers 403 as
Intune does (its own error document as a JSON string in Graph's `message`). The provider's error
names the permission the operation needs and the app, and shows Intune's inner `Message`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_graph import GraphError
from intune_model import address as a
from intune_model.permissions import accepted, needed
from intune_model.registry import default_spec, specs
from terraform_provider_intune import updates
from terraform_provider_intune.config import resolve

COLLECTION = "/beta/deviceManagement/derivedCredentials"
READ = "DeviceManagementServiceConfig.Read.All"
WRITE = "DeviceManagementServiceConfig.ReadWrite.All"
BODY = {"displayName": "Least privilege", "issuer": "purebred"}


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def app(emu: GraphEmulator, roles: list[str] | None) -> dict[str, str]:
    """A new app registration holding `roles` (None: the default grant); its environment."""
    client_id, secret = str(uuid.uuid4()), f"secret-{uuid.uuid4()}"
    emu.add_client(emu.tenant_id, client_id, secret, roles=roles)
    return {**emu.env(), a.ENV_CLIENT_ID: client_id, a.ENV_CLIENT_SECRET: secret}


def token_for(emu: GraphEmulator, env: dict[str, str]) -> str:
    r = httpx.post(
        f"{emu.authority_host}/{emu.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env[a.ENV_CLIENT_ID],
            "client_secret": env[a.ENV_CLIENT_SECRET],
            "scope": f"{emu.graph_endpoint}/.default",
        },
        verify=emu.ssl_context(),
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def graph(emu: GraphEmulator, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers={"Authorization": f"Bearer {token}"}
    )


def test_spec_permissions_follow_microsofts_pages() -> None:
    spec = default_spec()
    assert accepted(spec, "GET") == (READ, WRITE)
    assert accepted(spec, "POST") == accepted(spec, "PATCH") == accepted(spec, "DELETE") == (WRITE,)
    assert needed("GET", f"https://graph.microsoft.com{COLLECTION}/abc?$select=id") == (READ, WRITE)
    assert needed("DELETE", f"{COLLECTION}('abc')") == (WRITE,)
    assert needed("GET", "/beta/deviceManagement/somethingElse") == ()


def test_tokens_are_signed_jwts_carrying_the_granted_roles(emu: GraphEmulator) -> None:
    reader = app(emu, [READ])
    token = token_for(emu, reader)
    keys = httpx.get(f"{emu.authority_host}/{emu.tenant_id}/discovery/v2.0/keys", verify=emu.ssl_context())
    key = jwt.PyJWKSet.from_dict(keys.json()).keys[0]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], options={"verify_aud": False})
    assert claims["roles"] == [READ] and claims["appid"] == reader[a.ENV_CLIENT_ID]
    assert claims["tid"] == emu.tenant_id and claims["idtyp"] == "app"
    default = jwt.decode(token_for(emu, app(emu, None)), options={"verify_signature": False})
    assert sorted(default["roles"]) == sorted(s.permission for s in specs())  # every spec's write one
    assert "roles" not in jwt.decode(token_for(emu, app(emu, [])), options={"verify_signature": False})


def test_each_route_needs_its_permission_and_refuses_as_intune_does(emu: GraphEmulator) -> None:
    with graph(emu, token_for(emu, app(emu, None))) as writer:
        created = writer.post(COLLECTION, json=BODY)
        assert created.status_code == 201
        oid = created.json()["id"]
    with graph(emu, token_for(emu, app(emu, [READ]))) as reader:
        assert reader.get(COLLECTION).status_code == 200
        assert reader.get(f"{COLLECTION}/{oid}").status_code == 200
        for method, path in (
            ("POST", COLLECTION),
            ("PATCH", f"{COLLECTION}/{oid}"),
            ("DELETE", f"{COLLECTION}/{oid}"),
        ):
            r = reader.request(method, path, json=BODY if method != "DELETE" else None)
            assert r.status_code == 403, (method, r.text)
            error = r.json()["error"]
            assert error["code"] == "Forbidden" and error["innerError"]["request-id"]
            assert error["message"].startswith('{\r\n  "_version": 3,\r\n  "Message": ')
            inner = json.loads(error["message"])
            assert inner["Message"].startswith(
                "Application is not authorized to perform this operation. Application must have one of "
                f"the following scopes: {WRITE} - Operation ID (for customer support): "
            )
        assert emu.get_object(oid) is not None
    with graph(emu, token_for(emu, app(emu, []))) as nobody:
        r = nobody.get(COLLECTION)
        assert r.status_code == 403
        assert f"scopes: {READ}, {WRITE} - " in json.loads(r.json()["error"]["message"])["Message"]
        batch = nobody.post(
            "/beta/$batch",
            json={
                "requests": [
                    {"id": "1", "method": "GET", "url": f"/deviceManagement/derivedCredentials/{oid}"}
                ]
            },
        )
        assert batch.status_code == 200 and batch.json()["responses"][0]["status"] == 403


def client_for(env: dict[str, str]) -> Any:
    from intune_graph import open_client

    return open_client(resolve({}, env))


def test_the_provider_names_the_permission_and_the_app_and_shows_intunes_message(
    emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(emu.ca_file))
    reader = app(emu, [READ])
    client = client_for(reader)
    client.list(COLLECTION.removeprefix("/beta"))  # reading is allowed
    with pytest.raises(GraphError) as caught:
        client.create(COLLECTION.removeprefix("/beta"), dict(BODY))
    error = caught.value
    text = str(error)
    assert error.status == 403 and error.needed == (WRITE,) and error.app == reader[a.ENV_CLIENT_ID]
    assert error.granted == (READ,) and error.permission_missing
    assert error.message.startswith("Application is not authorized to perform this operation.")
    assert "_version" not in text and "\\r\\n" not in text and "CustomApiErrorPhrase" not in text
    assert f"app {reader[a.ENV_CLIENT_ID]} lacks {WRITE}" in error.summary()
    assert f"POST (a write) needs {WRITE}" in text and f"Its token holds: {READ}." in text
    assert not updates.patch_refused(error)  # not "use update_strategy = replace": that needs it too

    with pytest.raises(GraphError) as caught:
        client_for(app(emu, [])).list(COLLECTION.removeprefix("/beta"))
    assert f"GET (a read) needs {READ} or {WRITE}" in str(caught.value)
    assert "no application permissions" in str(caught.value)


def test_the_cli_prints_the_permission_and_intunes_inner_message(emu: GraphEmulator) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "INTUNE_"))}
    nobody = app(emu, [])
    exe = Path(sys.executable).with_name("intune-provider")
    proc = subprocess.run(
        [str(exe), "list"], env={**env, **nobody}, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "_version" not in proc.stderr
    assert "Application is not authorized to perform this operation." in proc.stderr
    assert f"{READ} or {WRITE}" in proc.stderr and nobody[a.ENV_CLIENT_ID] in proc.stderr
