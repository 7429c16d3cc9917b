"""One provider configuration serving many tenants: a tenant whose token request hangs and then
fails holds up no other tenant (no lock, pool or pacer of theirs waits for it), and its failure
names it. No timing: the others must finish while the broken tenant's token request is still held
open by the emulator."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from tf.provider import ProviderServicer
from tf.utils import read_dynamic_value

from graph_emulator import GraphEmulator, start_emulator
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.values import install_value_codec
from tests.unit.test_plugin_values import UNKNOWN, apply
from tests.unit.test_plugin_values import diagnostics as errors
from tests.unit.test_plugin_values import resource_config as base_config

HOLD_S = 120.0  # the longest the emulator holds the broken tenant's token request
OTHERS_S = 40.0  # what the other tenants get, all together: less than the client's 60 s read timeout


@pytest.fixture(scope="module", autouse=True)
def codec() -> None:
    install_value_codec()


@pytest.fixture()
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphEmulator, list[str], str]]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emu:
        good = [str(uuid.uuid4()) for _ in range(4)]
        for tenant in good:
            emu.add_client(tenant, emu.client_id, emu.client_secret)
        broken = str(uuid.uuid4())
        emu.add_tenant(broken)  # the app is not consented there: its token request is refused
        yield emu, good, broken


def config(**values: Any) -> dict[str, Any]:
    return {**base_config(), "tenant_id": None, **values}


def test_a_tenant_whose_token_fails_names_itself_and_holds_up_no_other(
    estate: tuple[GraphEmulator, list[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emu, good, broken = estate
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    arrived, release = threading.Event(), threading.Event()
    answer = emu.identity.token

    def token(request: Any, tenant: str, *args: Any, **kwargs: Any) -> Any:
        if tenant.lower() == broken:
            arrived.set()
            release.wait(HOLD_S)  # a token endpoint that is slow to refuse
        return answer(request, tenant, *args, **kwargs)

    monkeypatch.setattr(emu.identity, "token", token)
    live = ProviderServicer(IntuneProvider())
    results: dict[str, Any] = {}

    def create(key: str, tenant: str) -> None:
        results[key] = apply(live, None, config(id=UNKNOWN, tenant_id=tenant, display_name=key))

    stuck = threading.Thread(target=create, args=("broken", broken))
    stuck.start()
    try:
        assert arrived.wait(30), "the broken tenant's token request never reached the emulator"
        # while it is held open: every other tenant creates, reads and updates, from several threads
        others = [threading.Thread(target=create, args=(f"good-{i}", t)) for i, t in enumerate(good)]
        others.append(threading.Thread(target=create, args=("own", emu.tenant_id)))
        for thread in others:
            thread.start()
        deadline = time.monotonic() + OTHERS_S
        for thread in others:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in others), "a tenant waited for the broken tenant's token"
        assert not release.is_set() and stuck.is_alive(), "the broken tenant was still waiting"
        for i, tenant in enumerate(good):
            assert errors(results[f"good-{i}"]) == []
            assert [o["displayName"] for o in emu.objects(tenant)] == [f"good-{i}"]
        state = read_dynamic_value(results["good-0"].new_state)
        renamed = {**state, "display_name": "Renamed"}
        assert errors(apply(live, state, renamed)) == []
        assert emu.objects(good[0])[0]["displayName"] == "Renamed"
    finally:
        release.set()
        stuck.join(HOLD_S)
    [(summary, detail, _)] = errors(results["broken"])
    assert summary == f"Could not get a token for Microsoft Graph in tenant {broken}"
    assert "AADSTS7000229" in detail and f"{broken}/adminconsent" in detail
    assert emu.objects(broken) == []
