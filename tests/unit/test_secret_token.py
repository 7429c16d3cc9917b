"""The client-secret grant without azure-identity (issue 13): one form POST over the Graph client's
pool, against the emulator's identity platform over real TLS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_graph.errors import AuthenticationFailed
from terraform_provider_intune.config import resolve


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path, faults=FaultPlan()) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def test_a_secret_gets_a_token_and_a_read_without_importing_azure_identity(emu: GraphEmulator) -> None:
    code = (
        "import json, sys\n"
        "from intune_graph import open_client\n"
        "from terraform_provider_intune.config import resolve\n"
        "c = open_client(resolve({}))\n"
        "c.list('/deviceManagement/derivedCredentials')\n"
        "print(json.dumps({'fetched': c.tokens.fetched, 'azure': 'azure.identity' in sys.modules,"
        " 'msal': 'msal' in sys.modules}))\n"
    )
    env = {**os.environ, **emu.env()}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"fetched": 1, "azure": False, "msal": False}
    assert [r.path for r in emu.requests] == ["/beta/deviceManagement/derivedCredentials"]


def test_a_wrong_secret_names_the_method_and_the_aadsts_code(emu: GraphEmulator) -> None:
    from intune_graph import open_client

    client = open_client(resolve({"client_secret": "wrong"}, emu.env()))
    with pytest.raises(AuthenticationFailed, match=r"client secret: .{0,40}AADSTS7000215"):
        client.tokens.token()


def test_an_unknown_tenant_is_refused_with_its_aadsts_code(emu: GraphEmulator) -> None:
    from intune_graph import open_client

    client = open_client(resolve({"tenant_id": "00000000-0000-0000-0000-00000000beef"}, emu.env()))
    with pytest.raises(AuthenticationFailed, match="AADSTS"):
        client.tokens.token()


def test_another_tenants_client_shares_the_pool_and_builds_no_tls_context(
    emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One provider serving many tenants: a tenant's client is a token and a pacer on the pool already
    built. Loading the CA bundle again per tenant cost ~40 ms of CPU each (20 tenants: 0.7 s of a plan)."""
    import intune_graph.connection as connection
    from intune_graph import open_client

    other = "00000000-0000-0000-0000-0000000000aa"
    emu.add_client(other, emu.client_id, emu.client_secret)
    own = open_client(resolve({}, emu.env()))

    def no_new_context() -> None:
        raise AssertionError("a shared pool needs no new TLS context")

    monkeypatch.setattr(connection, "ssl_context", no_new_context)
    client = open_client(resolve({"tenant_id": other}, emu.env()), http=own.http, other_tenant=True)
    assert client.http is own.http
    client.list("/deviceManagement/derivedCredentials")
    assert client.tokens.fetched == 1
    assert emu.requests[-1].path == "/beta/deviceManagement/derivedCredentials"
