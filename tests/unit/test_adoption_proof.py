"""Whose object is it (issue 17, Data), one rule at a time against a scripted Graph:

* a lost create adopts a candidate only once Graph's listing has settled and it is still the only
  one; two new matches fail, naming both, the request id and the import command;
* exact matches that exist before a create and that no resource of the state holds are named (a
  warning, or an error that stops the create with `unmanaged_match = "error"`);
* a refresh keeps believing in an object its state created moments ago while Graph answers 404;
* the private state that remembers when.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from intune_graph import GraphClient, RetryPolicy, odata
from intune_graph.client import AmbiguousCreate
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.adoption import CreateLedger
from terraform_provider_intune.config import ConfigProblems, check_arguments, unmanaged_match
from terraform_provider_intune.handler import Handler, HandlerError
from terraform_provider_intune.plugin import private
from tests.scripted_graph import scripted_client

PROPS: dict[str, Any] = {"display_name": "shared-name", "issuer": "purebred"}
LOST = AmbiguousCreate("Server disconnected", "crid-lost")


def obj(oid: str, **changes: Any) -> dict[str, Any]:
    return {"id": oid, "displayName": "shared-name", "issuer": "purebred", **changes}


class ListingGraph:
    """Scripted collection calls: POST answers in order; each list call answers the next listing
    (the last one repeats). Graph's lag: `absent_after_s`."""

    def __init__(self, posts: list[Any], lists: list[list[dict[str, Any]]], lag_s: float = 0.0) -> None:
        self.posts = posts
        self.lists = lists
        self.listed = 0
        self.posted = 0
        self.retry = RetryPolicy(read_after_write_s=0, absent_after_s=lag_s)
        self.stop = threading.Event()
        self.real = GraphClient("https://g.test/beta", None, httpx.Client())  # type: ignore[arg-type]
        self.base_url = self.real.base_url

    def operation(self, deadline_s: float | None = None) -> Any:
        return self.real.operation(deadline_s)

    def deadline(self) -> float:
        return self.real.deadline()

    def create(self, collection: str, body: dict[str, Any], judge: Any = None) -> dict[str, Any]:
        self.posted += 1
        answer = self.posts.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, dict)
        return answer

    def list(
        self, collection: str, odata_filter: str | None = None, expand: Any = ()
    ) -> list[dict[str, Any]]:
        assert odata_filter == odata.eq("displayName", "shared-name")
        self.listed += 1
        return self.lists.pop(0) if len(self.lists) > 1 else self.lists[0]

    def get_after_write(
        self, collection: str, item_id: str, grace_s: float | None = None, judge: Any = None, expand: Any = ()
    ) -> Any:
        return {"id": item_id}


def handler(
    graph: ListingGraph, ledger: CreateLedger | None = None, **options: Any
) -> tuple[Handler, list[str]]:
    warnings: list[str] = []
    made = Handler(
        graph,  # type: ignore[arg-type]
        warn=lambda summary, detail: warnings.append(f"{summary}: {detail}"),
        ledger=ledger or CreateLedger(),
        spec=SPEC,
        **options,
    )
    return made, warnings


# ----------------------------------------------------------------------------- the lost create


def test_a_lone_candidate_seen_before_the_listing_settles_is_not_adopted_when_a_twin_appears() -> None:
    # Another configuration's identical POST, a moment after ours, becomes listable a moment later.
    graph = ListingGraph([LOST], lists=[[], [obj("ours")], [obj("ours"), obj("theirs")]], lag_s=1.0)
    made, warnings = handler(graph)
    with pytest.raises(HandlerError) as info:
        made.create(PROPS)
    error = info.value
    assert "Cannot tell which object" in error.summary and error.attribute == "display_name"
    assert "ours, theirs" in error.detail and "crid-lost" in error.detail
    assert "terraform import 'intune_derived_credential.<name>' ours" in error.detail
    assert "terraform import 'intune_derived_credential.<name>' theirs" in error.detail
    assert "Nothing was recorded in state" in error.detail
    assert graph.posted == 1 and warnings == []


def test_a_lone_candidate_is_adopted_only_once_the_listing_has_settled() -> None:
    graph = ListingGraph([LOST], lists=[[], [obj("ours")]], lag_s=0.6)
    made, warnings = handler(graph)
    assert made.create(PROPS)[0] == "ours"
    assert graph.listed >= 3, "listed again after the lag window, not adopted at first sight"
    [warning] = warnings
    assert warning.startswith("Adopted the object a lost create made") and "crid-lost" in warning


def test_a_candidate_the_deadline_leaves_unsettled_is_named_not_adopted() -> None:
    graph = ListingGraph([LOST], lists=[[], [obj("ours")]], lag_s=60)
    made, _ = handler(graph)
    with graph.operation(0.3), pytest.raises(HandlerError) as info:
        made.create(PROPS)
    assert "deadline came before Graph's listing had settled" in info.value.detail
    assert "ours" in info.value.detail


def test_an_object_other_configurations_hold_is_named_not_adopted_when_listed_before_the_post() -> None:
    # B's listing before its POST already shows A's object: it is never a candidate.
    graph = ListingGraph([LOST], lists=[[obj("a-s")], [obj("a-s"), obj("b-s")]])
    made, warnings = handler(graph)
    assert made.create(PROPS)[0] == "b-s"
    assert "An existing derived credential settings object" in warnings[0] and "a-s" in warnings[0]


# ----------------------------------------------------------------------------- unmanaged matches


def test_an_existing_match_no_state_holds_is_a_warning_naming_it_and_the_import_command() -> None:
    listed = [obj("left-1"), obj("left-2"), obj("xtec-one", issuer="xTec")]
    graph = ListingGraph([{"id": "new"}], lists=[listed])
    made, warnings = handler(graph)
    assert made.create(PROPS)[0] == "new" and graph.posted == 1
    [warning] = warnings
    assert warning.startswith("2 existing derived credential settings objects with 'shared-name'")
    assert "left-1, left-2" in warning and "xtec-one" not in warning
    assert "terraform import 'intune_derived_credential.<name>' left-2" in warning
    assert 'import { to = intune_derived_credential.<name>  id = "left-1" }' in warning
    assert 'unmanaged_match = "error"' in warning


def test_unmanaged_match_error_stops_the_create_before_posting() -> None:
    graph = ListingGraph([{"id": "new"}], lists=[[obj("left")]])
    made, _ = handler(graph, unmanaged_match="error", tenant="contoso.onmicrosoft.com")
    with pytest.raises(HandlerError) as info:
        made.create(PROPS)
    assert graph.posted == 0
    assert "Nothing was created" in info.value.detail
    assert "contoso.onmicrosoft.com/left" in info.value.detail  # the import id names the tenant


def test_matches_the_state_holds_or_this_process_created_are_not_named() -> None:
    ledger = CreateLedger()
    ledger.hold("refreshed")  # refresh read it: a resource of this state manages it
    graph = ListingGraph([{"id": "first"}, {"id": "second"}], lists=[[obj("refreshed")]])
    made, warnings = handler(graph, ledger)
    made.create(PROPS)
    graph.lists = [[obj("refreshed"), obj("first")]]  # an identical resource of the same apply
    made.create(PROPS)
    assert warnings == []
    assert ledger.unmanaged(["refreshed", "first", "second", "stranger"]) == ["stranger"]


def test_unmanaged_match_comes_from_the_argument_then_the_environment() -> None:
    assert unmanaged_match({}, {}) == "warn"
    assert unmanaged_match({}, {"INTUNE_UNMANAGED_MATCH": " Error "}) == "error"
    assert unmanaged_match({"unmanaged_match": "warn"}, {"INTUNE_UNMANAGED_MATCH": "error"}) == "warn"
    with pytest.raises(ConfigProblems, match="INTUNE_UNMANAGED_MATCH: 'stop' is not an unmanaged-match"):
        unmanaged_match({}, {"INTUNE_UNMANAGED_MATCH": "stop"})
    assert check_arguments({"unmanaged_match": "adopt"}) == [
        ("unmanaged_match", "'adopt' is not an unmanaged-match mode; allowed values: warn, error")
    ]


# ----------------------------------------------------------------------------- refresh right after create

COLLECTION_ANSWER = httpx.Response(200, json={"value": []})
MISSING = httpx.Response(404, json={"error": {"code": "ResourceNotFound", "message": "not found"}})
LAGGING = RetryPolicy(
    deadline_s=10, base_delay_s=0.01, max_delay_s=0.02, read_after_write_s=5, absent_after_s=0.05
)


def lagging_client(not_found: int) -> GraphClient:
    """Graph that lists nothing and answers 404 for the id `not_found` times, then the object."""
    found = httpx.Response(200, json=obj("young"))
    client, _ = scripted_client([COLLECTION_ANSWER, *[MISSING] * not_found, found], LAGGING)
    return client


def test_a_refresh_keeps_an_object_its_state_created_moments_ago_through_404s() -> None:
    prior = {"id": "young", **PROPS}
    state = Handler(lagging_client(8), spec=SPEC).read("young", prior, created_at=time.time() - 1)
    assert state is not None and state["id"] == "young"


def test_without_a_creation_time_or_long_after_it_a_lasting_404_means_gone() -> None:
    prior = {"id": "young", **PROPS}
    assert Handler(lagging_client(8), spec=SPEC).read("young", prior) is None
    assert Handler(lagging_client(8), spec=SPEC).read("young", prior, created_at=time.time() - 3600) is None


def test_private_state_survives_foreign_bytes_and_is_scoped_to_one_call() -> None:
    assert private.decode(b"") == {} and private.decode(b"\xff") == {} and private.decode(b"[1]") == {}
    assert private.current() is None and private.created_at() is None
    with private.serving(b"") as data:
        private.record_created(1700000000.5)
        assert private.created_at() == 1700000000.5
    assert private.decode(private.encode(data)) == {"created_at": 1700000000.5}
    with private.serving(b'{"created_at": true}'):
        assert private.created_at() is None
    assert private.current() is None
