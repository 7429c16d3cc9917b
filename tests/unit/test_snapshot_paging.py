"""The collection snapshot and paging everywhere (issue 13), over real HTTPS to the emulator with a
small page size: the snapshot's rules (one listing per process under concurrency, absence confirmed
by a GET, our own writes read directly), and a 3-page walk in the snapshot, both data sources, the
lost-create adoption search and `export`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from intune_graph import GraphClient
from intune_model.registry import default_spec
from terraform_provider_intune import data_sources as lookups
from terraform_provider_intune.adoption import CreateLedger
from terraform_provider_intune.config import resolve
from terraform_provider_intune.export import iter_pages
from terraform_provider_intune.handler import Handler

SPEC = default_spec()
COLLECTION_PATH = SPEC.collection_path
PAGE = 2
COUNT = 5  # three pages of two


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path, page_size=PAGE, faults=FaultPlan()) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def new_client(emu: GraphEmulator) -> GraphClient:
    from intune_graph import open_client

    client: GraphClient = open_client(resolve({"write_limit": 1000, "write_window_seconds": 1}, emu.env()))
    return client


def seed(emu: GraphEmulator, count: int = COUNT, **fields: Any) -> list[str]:
    """Objects made by someone else (another client, as in the portal)."""
    client = new_client(emu)
    props = {"display_name": "Seeded", "issuer": "purebred", **fields}
    ids = [
        client.create(
            COLLECTION_PATH, SPEC.to_graph({**props, "display_name": f"{props['display_name']} {i}"})
        )["id"]
        for i in range(count)
    ]
    emu.requests.clear()
    return ids


def graph_calls(emu: GraphEmulator, method: str = "GET") -> list[Any]:
    return [r for r in emu.requests if r.method == method and r.path.startswith("/beta/deviceManagement")]


def lists(emu: GraphEmulator) -> list[Any]:
    return [r for r in graph_calls(emu) if r.path.rstrip("/").endswith("derivedCredentials")]


def test_snapshot_walks_three_pages_once_for_ten_threads_then_answers_from_memory(emu: GraphEmulator) -> None:
    ids = seed(emu)
    emu.faults.update(latency_s=0.2)  # the listing takes a while: the other readers must wait for it
    client = new_client(emu)
    handler = Handler(client, spec=SPEC)
    start = threading.Barrier(10)

    def read(item_id: str) -> Any:
        start.wait()
        return handler.read(item_id, {"id": item_id, "display_name": "x", "issuer": "purebred"})

    with ThreadPoolExecutor(10) as pool:
        states = list(pool.map(read, [ids[i % COUNT] for i in range(10)]))
    assert [s["id"] for s in states] == [ids[i % COUNT] for i in range(10)]
    assert {s["display_name"] for s in states} == {f"Seeded {i}" for i in range(COUNT)}
    listed = lists(emu)
    assert len(listed) == 3  # one listing, three pages, for all ten readers
    assert listed[0].query["$select"] == ",".join(SPEC.graph_select)
    assert len(graph_calls(emu)) == 3  # and not one GET
    snap = client.snapshot(COLLECTION_PATH)
    assert snap.listings == 1 and snap.served == 10


def test_a_setting_missing_from_the_snapshot_is_confirmed_by_a_get(emu: GraphEmulator) -> None:
    ids = seed(emu, 2)
    client = new_client(emu)
    handler = Handler(client, spec=SPEC)
    prior = {"display_name": "x", "issuer": "purebred"}
    assert handler.read(ids[0], {"id": ids[0], **prior}) is not None  # lists
    late = seed(emu, 1, display_name="Made after the listing")[0]
    emu.delete_object(ids[1])
    emu.requests.clear()
    found = handler.read(late, {"id": late, **prior})  # absent from the snapshot, present on Graph
    assert found is not None and found["display_name"] == "Made after the listing 0"
    # Deleted out of band after the listing: answered as listed, like a GET made at listing time
    # (the next plan's process sees it gone). Past the snapshot's age limit a GET answers instead.
    assert handler.read(ids[1], {"id": ids[1], **prior}) is not None
    assert [r.path.rsplit("/", 1)[-1] for r in graph_calls(emu)] == [late]
    from intune_graph.snapshot import CollectionSnapshot

    aged = CollectionSnapshot(client, COLLECTION_PATH, SPEC.graph_select, max_age_s=0)
    assert aged.get(ids[1]) is None and aged.listings == 1 and aged.served == 0


def test_settings_this_process_wrote_are_read_directly(emu: GraphEmulator) -> None:
    [other] = seed(emu, 1)
    client = new_client(emu)
    handler = Handler(client, spec=SPEC)
    new_id, _ = handler.create({"display_name": "Mine", "issuer": "xTec"})
    prior = {"display_name": "Mine", "issuer": "xTec"}
    handler.read(other, {"id": other, "display_name": "Seeded 0", "issuer": "purebred"})  # lists
    emu.patch_object(new_id, {"displayName": "Changed elsewhere"})
    emu.requests.clear()
    state = handler.read(new_id, {"id": new_id, **prior})
    assert state is not None and state["display_name"] == "Changed elsewhere"
    assert [r.path.rsplit("/", 1)[-1] for r in graph_calls(emu)] == [new_id]
    handler.update(
        other,
        {"display_name": "Seeded 0", "issuer": "purebred"},
        {"display_name": "Renamed", "issuer": "purebred"},
    )
    emu.delete_object(other)
    assert handler.read(other, {"id": other, "display_name": "Renamed", "issuer": "purebred"}) is None


def test_a_failed_listing_leaves_each_read_to_its_own_get(emu: GraphEmulator) -> None:
    [oid] = seed(emu, 1)
    client = new_client(emu)
    emu.page_size = 1
    bad = client.snapshot("/deviceManagement/derivedCredentials", ("id", "colour"))  # 400 from Graph
    assert bad.get(oid) is not None and bad.listings == 1
    assert bad.get(oid) is not None and bad.listings == 1 and bad.served == 0


def test_data_sources_walk_three_pages(emu: GraphEmulator) -> None:
    ids = seed(emu)
    client = new_client(emu)
    found = lookups.find_all(client, SPEC)
    assert sorted(found["ids"]) == sorted(ids) and len(lists(emu)) == 3
    emu.requests.clear()
    assert (
        len(lookups.find_all(client, SPEC, {"issuer": "purebred"})["ids"]) == COUNT and len(lists(emu)) == 3
    )
    twins = seed(emu, COUNT, display_name="Twin")
    for oid in twins:
        emu.patch_object(oid, {"displayName": "Twin"})
    emu.requests.clear()
    with pytest.raises(lookups.HandlerError, match=f"{COUNT} derived credential settings are named"):
        lookups.find_one(client, SPEC, lookup="Twin")  # all five seen: the walk went past page one
    assert len(lists(emu)) == 3


def test_the_lost_create_search_walks_three_pages(emu: GraphEmulator) -> None:
    same = seed(emu, 4, issuer="xTec")  # four objects with the name, none matching every field
    for oid in same:
        emu.patch_object(oid, {"displayName": "Lost"})
    emu.faults.update(drop_after_post_every=1)  # the POST is stored, its answer never arrives
    client = new_client(emu)
    warnings: list[str] = []
    handler = Handler(client, warn=lambda s, d: warnings.append(s), ledger=CreateLedger(), spec=SPEC)
    new_id, state = handler.create({"display_name": "Lost", "issuer": "purebred"})
    assert new_id not in same and state["id"] == new_id
    assert warnings == ["Adopted the object a lost create made"]
    assert len(emu.objects()) == 5  # adopted, not posted again
    searches = [r for r in lists(emu) if "$filter" in r.query or "$skiptoken" in r.query]
    assert any("$skiptoken" in r.query for r in searches)  # five matches by name: three pages
    assert max(sum(1 for _ in group) for group in _walks(searches)) == 3


def _walks(listed: list[Any]) -> Iterator[list[Any]]:
    """Split list calls into walks: each starts without a skip token."""
    walk: list[Any] = []
    for r in listed:
        if "$skiptoken" not in r.query and walk:
            yield walk
            walk = []
        walk.append(r)
    if walk:
        yield walk


def test_export_walks_three_pages(emu: GraphEmulator) -> None:
    ids = seed(emu)
    totals: list[int] = []
    pages = list(iter_pages(new_client(emu), SPEC, on_total=totals.append))
    assert [len(p) for p in pages] == [2, 2, 1] and totals == [COUNT]
    assert [o["id"] for p in pages for o in p] == ids


def test_batch_get_reads_twenty_in_one_call_and_takes_no_write_slot(emu: GraphEmulator) -> None:
    ids = seed(emu, 19)
    client = new_client(emu)
    client.pacer = _NoWriteSlots()  # type: ignore[assignment]
    found = client.batch_get(COLLECTION_PATH, [*ids, "missing"])
    assert [found[i]["id"] for i in ids] == ids and found["missing"] is None  # type: ignore[index]
    assert [r.path for r in emu.requests if r.method == "POST"] == ["/beta/$batch"]
    with pytest.raises(ValueError, match="at most 20"):
        client.batch_get(COLLECTION_PATH, [*ids, "a", "b"])


class _NoWriteSlots:
    def acquire(self, sleep: Any) -> None:
        raise AssertionError("a batch of GETs took a write slot")

    succeeded = throttled = acquire


def test_configure_fetches_the_token_in_the_background_and_leaves_failures_to_the_first_call(
    emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tf.utils import Diagnostics

    from terraform_provider_intune.config import ConfigProblems
    from terraform_provider_intune.plugin.provider import ENV_WARM_UP, WARM_UP_THREAD, IntuneProvider

    provider = IntuneProvider()
    provider.configure_provider(Diagnostics(), {})
    warm = next(t for t in threading.enumerate() if t.name == WARM_UP_THREAD)
    warm.join(30)
    client = provider._client
    assert client is not None and client.tokens._token is not None  # ready before any Graph call
    monkeypatch.delenv("AZURE_TENANT_ID")
    broken = IntuneProvider()
    broken.configure_provider(Diagnostics(), {})  # no tenant: the warm-up fails quietly
    for t in threading.enumerate():
        if t.name == WARM_UP_THREAD:
            t.join(30)
    with pytest.raises(ConfigProblems, match="tenant_id"):
        broken.client()  # and the call that needs Graph reports it
    monkeypatch.setenv(ENV_WARM_UP, "0")
    cold = IntuneProvider()
    cold.configure_provider(Diagnostics(), {})
    assert cold._client is None and not any(t.name == WARM_UP_THREAD for t in threading.enumerate())
