"""The emulator at scale (issue 13), over real HTTPS: `$select`, paging at a set page size, Graph JSON
batching (`POST /beta/$batch`) and latency that concurrent calls wait out side by side."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from graph_emulator.cli import build_parser, fault_flags

COLLECTION = "/beta/deviceManagement/derivedCredentials"
BATCH = "/beta/$batch"


def graph_client(emu: GraphEmulator) -> httpx.Client:
    headers = {"Authorization": f"Bearer {emu.issue_token()}"}
    return httpx.Client(base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers=headers, timeout=30)


def make(client: httpx.Client, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = client.post(
            COLLECTION, json={"displayName": f"n{i}", "issuer": "purebred", "helpUrl": "https://x.test"}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def walk(client: httpx.Client, params: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    objects: list[dict[str, Any]] = []
    pages = 0
    url: str | None = COLLECTION
    while url:
        page = client.get(url, params=params if pages == 0 else None).json()
        objects += page["value"]
        url = page.get("@odata.nextLink")
        pages += 1
    return objects, pages


def test_select_is_kept_across_pages_and_names_unknown_properties(tmp_path: Path) -> None:
    with start_emulator(tmp_path, page_size=2) as emu, graph_client(emu) as client:
        made = make(client, 5)
        objects, pages = walk(client, {"$select": "displayName,issuer"})
        assert pages == 3 and [o["id"] for o in objects] == made
        assert all(set(o) == {"@odata.type", "id", "displayName", "issuer"} for o in objects)
        one = client.get(f"{COLLECTION}/{made[0]}", params={"$select": "helpUrl"}).json()
        assert one["helpUrl"] == "https://x.test" and "issuer" not in one
        bad = client.get(COLLECTION, params={"$select": "displayName,colour"})
        assert bad.status_code == 400 and "'colour'" in bad.json()["error"]["message"]


def test_page_size_changes_at_run_time_and_top_stays_under_it(graph_emulator: GraphEmulator) -> None:
    with graph_client(graph_emulator) as client:
        make(client, 7)
        graph_emulator.page_size = 3
        assert walk(client, {})[1] == 3
        graph_emulator.page_size = 100
        assert walk(client, {})[1] == 1
        objects, pages = walk(client, {"$top": "4"})
        assert len(objects) == 7 and pages == 2
        with pytest.raises(ValueError):
            graph_emulator.page_size = 0


def test_batch_answers_each_request_in_graphs_shape(graph_emulator: GraphEmulator) -> None:
    with graph_client(graph_emulator) as client:
        a, b = make(client, 2)
        r = client.post(
            BATCH,
            json={
                "requests": [
                    {"id": "1", "method": "GET", "url": f"/deviceManagement/derivedCredentials/{a}"},
                    {"id": "2", "method": "GET", "url": "/deviceManagement/derivedCredentials/nope"},
                    {
                        "id": "3",
                        "method": "PATCH",
                        "url": f"/deviceManagement/derivedCredentials/{b}",
                        "body": {"displayName": "renamed"},
                        "headers": {"Content-Type": "application/json"},
                    },
                    {
                        "id": "4",
                        "method": "GET",
                        "url": "deviceManagement/derivedCredentials?$select=displayName",
                    },
                    {
                        "id": "5",
                        "method": "GET",
                        "url": "/deviceManagement/derivedCredentials/nope",
                        "dependsOn": [],
                    },
                    {
                        "id": "6",
                        "method": "DELETE",
                        "url": f"/deviceManagement/derivedCredentials/{a}",
                        "dependsOn": ["2"],
                    },
                ]
            },
        )
        assert r.status_code == 200, r.text
        by_id = {x["id"]: x for x in r.json()["responses"]}
        assert by_id["1"]["status"] == 200 and by_id["1"]["body"]["id"] == a
        assert by_id["2"]["status"] == 404 and by_id["2"]["body"]["error"]["code"] == "ResourceNotFound"
        assert by_id["3"]["status"] == 200 and by_id["3"]["body"]["displayName"] == "renamed"  # documented
        assert {o["displayName"] for o in by_id["4"]["body"]["value"]} == {"n0", "renamed"}
        assert by_id["6"]["status"] == 424  # its dependency failed: not run
        assert graph_emulator.get_object(a) is not None
        items = [q for q in graph_emulator.requests if q.path.startswith(COLLECTION)]
        assert [q.method for q in items[-5:]] == ["GET", "GET", "PATCH", "GET", "GET"]


@pytest.mark.parametrize(
    "body, words",
    [
        (
            {
                "requests": [
                    {"id": str(i), "method": "GET", "url": "/deviceManagement/derivedCredentials"}
                    for i in range(21)
                ]
            },
            "maximum is 20",
        ),
        ({"requests": []}, "non-empty"),
        ({"requests": [{"id": "1", "method": "GET"}]}, "'url'"),
        (
            {
                "requests": [
                    {"id": "1", "method": "GET", "url": "/a"},
                    {"id": "1", "method": "GET", "url": "/b"},
                ]
            },
            "duplicate",
        ),
        (
            {"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/beta/x"}]},
            "relative",
        ),
        ({"requests": [{"id": "1", "method": "GET", "url": "/a", "dependsOn": ["2"]}]}, "depends on"),
    ],
)
def test_malformed_batches_are_400(graph_emulator: GraphEmulator, body: dict[str, Any], words: str) -> None:
    with graph_client(graph_emulator) as client:
        r = client.post(BATCH, json=body)
        assert r.status_code == 400 and words in r.json()["error"]["message"]


def test_latency_is_waited_out_side_by_side_and_once_per_batch(tmp_path: Path) -> None:
    latency = 0.4
    with start_emulator(tmp_path, latency_s=latency) as emu, graph_client(emu) as client:
        assert isinstance(emu.faults, FaultPlan) and emu.faults.latency_s == latency
        [oid] = make(client, 1)
        started = time.monotonic()
        with ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(lambda _: client.get(f"{COLLECTION}/{oid}").status_code, range(10)))
        side_by_side = time.monotonic() - started
        assert statuses == [200] * 10
        assert latency <= side_by_side < 10 * latency / 2  # not one after another
        started = time.monotonic()
        get = {"method": "GET", "url": f"/deviceManagement/derivedCredentials/{oid}"}
        r = client.post(BATCH, json={"requests": [{"id": str(i), **get} for i in range(20)]})
        batched = time.monotonic() - started
        assert r.status_code == 200 and all(x["status"] == 200 for x in r.json()["responses"])
        assert latency <= batched < 2 * latency
    with pytest.raises(TypeError):
        GraphEmulator(tmp_path / "other", latency_s=0.1, faults=object())  # type: ignore[arg-type]


def test_cli_passes_page_size_to_the_background_server() -> None:
    args = build_parser().parse_args(["start", "--data-dir", "d", "--page-size", "7", "--latency", "0.15"])
    flags = fault_flags(args)
    assert flags[flags.index("--page-size") + 1] == "7" and flags[flags.index("--latency") + 1] == "0.15"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--data-dir", "d", "--page-size", "0"])


def test_filtered_lists_are_answered_from_an_index_not_a_scan(graph_emulator: GraphEmulator) -> None:
    """The provider's pre-create lookup (`displayName eq ...`) and a mixed collection's type filter run
    on every create: a scan of the tenant's objects made a 1000-setting apply cost the emulator seconds
    of CPU under its store lock, which no real Graph spends."""
    import sqlite3

    from graph_emulator.store import DB_NAME, _column

    client = graph_client(graph_emulator)
    make(client, 3)
    r = client.get(COLLECTION, params={"$filter": "displayName eq 'n1'"})
    assert [o["displayName"] for o in r.json()["value"]] == ["n1"]
    db = sqlite3.connect(str(graph_emulator.data_dir / DB_NAME))
    try:
        for prop in ("displayName", "@odata.type"):  # the store's own expression for each
            plan = db.execute(
                "EXPLAIN QUERY PLAN SELECT seq, body FROM objects WHERE seq > 0 AND tenant = 't' "
                f"AND collection = 'c' AND {_column(prop)} = 'x' ORDER BY seq"
            ).fetchall()
            assert any("USING INDEX objects_f_" in str(row[-1]) for row in plan), (prop, plan)
    finally:
        db.close()
