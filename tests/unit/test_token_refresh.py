"""Token expiry and revocation (issue 12): the client's token cache, then the real client with the
real azure-identity credential against the emulator, in-process (no Terraform; see
`test_e2e_tokens.py` for whole applies)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_graph import GraphClient, GraphError, open_client
from intune_graph.auth import REFRESH_MARGIN_S, CachedToken
from terraform_provider_intune.config import resolve

COLLECTION = "/deviceManagement/derivedCredentials"


@dataclass
class _Token:
    token: str
    expires_on: float


class CachingCredential:
    """Like azure-identity's credentials: hands back its cached token until that nears expiry."""

    instances = 0

    def __init__(self, lifetime: float) -> None:
        CachingCredential.instances += 1
        self.serial = CachingCredential.instances
        self.lifetime = lifetime
        self.cached: _Token | None = None
        self.requests = 0
        self.closed = False

    def get_token(self, *scopes: str) -> _Token:
        if self.cached is None or self.cached.expires_on - time.time() < 1:
            self.requests += 1
            self.cached = _Token(f"t{self.serial}.{self.requests}", time.time() + self.lifetime)
        return self.cached

    def close(self) -> None:
        self.closed = True


def test_invalidate_replaces_the_credential_so_the_refused_token_is_not_handed_back() -> None:
    first = CachingCredential(3600)
    built: list[CachingCredential] = []

    def rebuild() -> CachingCredential:
        built.append(CachingCredential(3600))
        return built[-1]

    tokens = CachedToken(first, "https://graph.test/.default", rebuild=rebuild)
    refused = tokens.token()
    tokens.invalidate(refused)
    fresh = tokens.token()
    assert fresh != refused and first.closed and len(built) == 1
    # a second thread that was refused the same old token does not throw the new one away
    tokens.invalidate(refused)
    assert tokens.token() == fresh and len(built) == 1
    assert tokens.fetched == 2


def test_a_short_lived_token_is_refreshed_at_half_its_life_a_long_one_margin_before_expiry() -> None:
    short = CachingCredential(0.6)
    tokens = CachedToken(short, "s")
    one = tokens.token()
    assert tokens.token() == one, "reused while more than half its life is left"
    time.sleep(0.35)
    assert tokens.token() != one
    long_lived = CachedToken(CachingCredential(REFRESH_MARGIN_S + 60), "s")
    assert long_lived.token() == long_lived.token()
    assert long_lived.fetched == 1


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path / "emulator", faults=FaultPlan(), token_lifetime=3) as emulator:
        yield emulator


@pytest.fixture
def client(emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch) -> GraphClient:
    for key, value in emu.env().items():
        monkeypatch.setenv(key, value)
    return open_client(resolve({}))


def test_calls_spanning_several_token_lifetimes_fetch_new_tokens_and_never_fail(
    emu: GraphEmulator, client: GraphClient
) -> None:
    made = []
    ends = time.monotonic() + 6  # two lifetimes of 3 s
    while time.monotonic() < ends:
        made.append(client.create(COLLECTION, {"displayName": f"n{len(made)}", "issuer": "xTec"})["id"])
        assert [o["id"] for o in client.list(COLLECTION)] == made
        time.sleep(0.2)
    assert len(emu.identity.issued_tokens()) >= 3, "new tokens were fetched as the old ones neared expiry"
    assert [r.status for r in emu.requests if r.status == 401] == []


def test_a_revoked_token_gets_one_new_token_and_one_retry(emu: GraphEmulator, client: GraphClient) -> None:
    client.list(COLLECTION)
    issued = len(emu.identity.issued_tokens())
    plan = emu.faults
    assert isinstance(plan, FaultPlan)
    plan.update(revoke_tokens=1)  # the token in use is refused from its next use on, though valid
    created = client.create(COLLECTION, {"displayName": "after revocation", "issuer": "purebred"})
    assert emu.get_object(created["id"]) is not None
    assert plan.revoked == 1
    assert [r.status for r in emu.requests][-2:] == [401, 201], "one refusal, then the retried POST"
    assert len(emu.identity.issued_tokens()) == issued + 1, "exactly one new token was fetched"


def test_a_second_refusal_in_a_row_is_an_error_not_a_loop(emu: GraphEmulator, client: GraphClient) -> None:
    plan = emu.faults
    assert isinstance(plan, FaultPlan)
    plan.update(revoke_tokens=2)
    with pytest.raises(GraphError) as info:
        client.list(COLLECTION)
    assert info.value.status == 401 and info.value.code == "InvalidAuthenticationToken"
    assert sum(r.status == 401 for r in emu.requests) == 2
