"""The emulator's App Service-style managed identity endpoint, over real HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph_emulator import GraphEmulator, start_emulator


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


def ask(emu: GraphEmulator, header: str | None = None, **params: str) -> httpx.Response:
    env = emu.managed_identity_env()
    query = {"api-version": "2019-08-01", "resource": emu.graph_endpoint, **params}
    headers = {"X-IDENTITY-HEADER": env["IDENTITY_HEADER"] if header is None else header}
    with httpx.Client(verify=emu.ssl_context()) as http:
        return http.get(env["IDENTITY_ENDPOINT"], params=query, headers=headers)


def test_a_token_that_graph_accepts(emu: GraphEmulator) -> None:
    answer = ask(emu)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["client_id"] == emu.managed_identity.client_id
    assert body["resource"] == emu.graph_endpoint and int(body["expires_on"]) > 0
    with httpx.Client(verify=emu.ssl_context()) as http:
        listed = http.get(
            f"{emu.graph_endpoint}/beta/deviceManagement/derivedCredentials",
            headers={"Authorization": f"Bearer {body['access_token']}"},
        )
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("header", "params", "status", "says"),
    [
        ("wrong", {}, 401, "X-IDENTITY-HEADER"),
        (None, {"api-version": "2017-09-01"}, 400, "api-version"),
        (None, {"resource": "https://management.azure.com"}, 400, "invalid_resource"),
        (None, {"client_id": "00000000-0000-0000-0000-000000000000"}, 400, "user-assigned"),
    ],
)
def test_refusals_in_app_service_shape(
    emu: GraphEmulator, header: str | None, params: dict[str, str], status: int, says: str
) -> None:
    answer = ask(emu, header, **params)
    assert answer.status_code == status
    body = answer.json()
    assert body["statusCode"] == status and says in body["message"]


def test_the_endpoint_lives_on_the_emulator(emu: GraphEmulator) -> None:
    assert emu.managed_identity_env()["IDENTITY_ENDPOINT"].startswith(emu.authority_host + "/_msi/")
