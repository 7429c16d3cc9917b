"""pytest fixtures for the Graph emulator (registered as the `graph_emulator` pytest11 plugin, so
installing this package makes them available in any suite; nothing to import).

* `graph_emulator`: a fresh `GraphEmulator` per test, with its data in the test's `tmp_path`.
* `graph_emulator_session`: one emulator shared by the whole session (faster; call `.clear()` and
  `.requests.clear()` yourself where tests must not see each other's objects).
* `intune_synth`: `constructs_lib.testing.assert_synth`, the one-line "synthesize and assert" check
  for a stack (``intune_synth(stack, DerivedCredentialSettings, issuer="purebred")``).

Example::

    import httpx
    from azure.identity import ClientSecretCredential

    def test_create(graph_emulator):
        emu = graph_emulator
        cred = ClientSecretCredential(emu.tenant_id, emu.client_id, emu.client_secret,
                                      authority=emu.authority_host, disable_instance_discovery=True,
                                      connection_verify=str(emu.ca_file))
        token = cred.get_token(f"{emu.graph_endpoint}/.default").token
        with httpx.Client(base_url=f"{emu.graph_endpoint}/beta", verify=str(emu.ca_file),
                          headers={"Authorization": f"Bearer {token}"}) as client:
            r = client.post("/deviceManagement/derivedCredentials",
                            json={"displayName": "Purebred", "issuer": "purebred"})
        assert r.status_code == 201
        assert emu.objects()[0]["issuer"] == "purebred"

For code that reads its configuration from the environment (the provider, a subprocess), apply
`emu.env()` with `monkeypatch.setenv` or pass it as `env=` to `subprocess.run`.

Loading this plugin costs nothing: it imports no emulator module until a fixture is used, so
suites that never ask for one do not pay for it. The fixtures need the `[emulator]` extra; without it
a test that uses one errors with a line naming the extra, and every other test runs as before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from graph_emulator.server import GraphEmulator


def _load(module: str, name: str) -> Any:
    """`module.name`, imported when a fixture is used; a missing extra fails only the test that asked,
    with its one-line message (raised outside the handler, so no chained traceback)."""
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as missing:
        problem = str(missing)
    pytest.fail(problem, pytrace=False)


def _running(data_dir: Path) -> GraphEmulator:
    emulator: GraphEmulator = _load("graph_emulator.server", "GraphEmulator")(data_dir)
    emulator.start()
    return emulator


@pytest.fixture
def graph_emulator(tmp_path: Path) -> Iterator[GraphEmulator]:
    """A running emulator with its own data directory, stopped after the test."""
    emulator = _running(tmp_path / "graph-emulator")
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def graph_emulator_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    """One running emulator for the whole session."""
    emulator = _running(tmp_path_factory.mktemp("graph-emulator"))
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def intune_synth() -> Callable[..., dict[str, Any]]:
    """`constructs_lib.testing.assert_synth`: synthesize a stack and assert a resource or data source
    with these attributes is in it (imported here, when asked for; needs the `[cdktf]` extra)."""
    assert_synth: Callable[..., dict[str, Any]] = _load("constructs_lib.testing", "assert_synth")
    return assert_synth
