"""Where the bearer token may go while a listing follows `@odata.nextLink` (issue 17, item 7): only
the Graph endpoint's own scheme, host and port; a link back to a page already read, or a listing
still going at its deadline, ends with an error. Over a scripted Graph (each answer and each request
seen), and once over real HTTPS to the emulator (its own links are followed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_graph import GraphError, RetryPolicy
from intune_model.registry import default_spec
from terraform_provider_intune.config import resolve
from terraform_provider_intune.export import iter_pages
from tests.scripted_graph import FAST, scripted_client

SPEC = default_spec()
COLLECTION = SPEC.collection_path


def page(*ids: str, next_link: Any = None) -> httpx.Response:
    body: dict[str, Any] = {"value": [{"id": i, "displayName": i, "issuer": "purebred"} for i in ids]}
    if next_link is not None:
        body["@odata.nextLink"] = next_link
    return httpx.Response(200, json=body)


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.example/beta/deviceManagement/derivedCredentials?$skiptoken=2",
        "https://evil.example/beta/deviceManagement/derivedCredentials?$skiptoken=2",
        "http://graph.test/beta/deviceManagement/derivedCredentials?$skiptoken=2",  # scheme downgrade
        "https://graph.test:8443/beta/deviceManagement/derivedCredentials?$skiptoken=2",  # other port
        "https://graph.test.evil.example/beta/x",
        "//evil.example/beta/x",  # scheme-relative
        "https://user:pw@evil.example/beta/x",
    ],
)
def test_a_next_link_off_the_graph_origin_is_not_followed(link: str) -> None:
    client, seen = scripted_client([page("a", next_link=link), page("b")])
    with pytest.raises(GraphError) as failure:
        client.list(COLLECTION)
    assert [r.url.host for r in seen] == ["graph.test"], "the token went nowhere else"
    assert failure.value.code == "ForeignNextLink"
    assert "pw" not in str(failure.value)
    assert "https://graph.test:443" in failure.value.detail()


def test_links_on_the_graph_origin_are_followed_relative_or_absolute() -> None:
    client, seen = scripted_client(
        [
            page("a", next_link="https://graph.test/beta/deviceManagement/derivedCredentials?$skiptoken=2"),
            page("b", next_link="/beta/deviceManagement/derivedCredentials?$skiptoken=3"),
            page(
                "c", next_link="https://GRAPH.test:443/beta/deviceManagement/derivedCredentials?$skiptoken=4"
            ),
            page("d"),
        ]
    )
    assert [o["id"] for o in client.list(COLLECTION)] == ["a", "b", "c", "d"]
    assert len(seen) == 4


def test_a_link_back_to_a_page_already_read_ends_the_listing() -> None:
    second = "https://graph.test/beta/deviceManagement/derivedCredentials?$skiptoken=2"
    client, seen = scripted_client([page("a", next_link=second), page("b", next_link=second)])
    with pytest.raises(GraphError) as failure:
        client.list(COLLECTION)
    assert failure.value.code == "NextLinkLoop" and len(seen) == 2


def test_a_next_link_that_is_not_a_string_ends_the_listing() -> None:
    client, _ = scripted_client([page("a", next_link={"href": "x"})])
    with pytest.raises(GraphError, match="not a string"):
        client.list(COLLECTION)


def test_a_listing_still_going_at_its_deadline_ends_with_an_error() -> None:
    counter = iter(range(10**6))

    def endless(request: httpx.Request) -> httpx.Response:
        n = next(counter)
        return page(f"o{n}", next_link=f"/beta/deviceManagement/derivedCredentials?$skiptoken={n + 1}")

    client, _ = scripted_client([page("x")], RetryPolicy(deadline_s=0.3, base_delay_s=0.01))
    client.http = httpx.Client(transport=httpx.MockTransport(endless))
    with pytest.raises(GraphError) as failure:
        client.list(COLLECTION)
    assert failure.value.code == "ListingTooLong" and "timeout_seconds" in failure.value.detail()


def test_export_pages_follow_the_same_rules() -> None:
    client, seen = scripted_client([page("a", next_link="http://evil.example/x"), page("b")], FAST)
    with pytest.raises(GraphError, match="ForeignNextLink"):
        list(iter_pages(client, SPEC))
    assert len(seen) == 1


def test_no_absolute_url_off_the_origin_is_requested_at_all() -> None:
    client, seen = scripted_client([page("a")])
    with pytest.raises(GraphError, match="ForeignUrl"):
        client.request("GET", "https://evil.example/beta/x", expect=(200,))
    assert seen == []


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path, page_size=2) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def test_the_emulators_own_links_are_followed(emu: GraphEmulator) -> None:
    from intune_graph import open_client

    client = open_client(resolve({}, emu.env()))
    for n in range(5):
        client.create(COLLECTION, SPEC.to_graph({"display_name": f"p{n}", "issuer": "purebred"}))
    assert len(client.list(COLLECTION)) == 5
