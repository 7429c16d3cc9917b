"""Reliability rules one at a time, with no real waiting: the write pacer (fake clock), lost-create
adoption (scripted Graph), the operation deadline, error messages, provider arguments, and the
emulator's fault plan (called directly)."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from graph_emulator import FaultPlan, Request, Response
from intune_graph import GraphClient, RetryPolicy, WritePacer, odata
from intune_graph.client import AmbiguousCreate
from intune_graph.errors import GraphError
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.adoption import CreateLedger, fingerprint, matches
from terraform_provider_intune.config import ConfigProblems, check_arguments, resolve
from terraform_provider_intune.handler import Handler, HandlerError
from tests.scripted_graph import scripted_client


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------- pacer


def test_pacer_allows_a_burst_then_spaces_writes_at_the_rate() -> None:
    clock = FakeClock()
    pacer = WritePacer(100, 20, burst=3, clock=clock)  # 5 writes/s
    waits = [pacer.reserve() for _ in range(6)]
    assert waits[:3] == pytest.approx([0, 0, 0], abs=1e-9)
    assert waits[3:] == pytest.approx([0.2, 0.4, 0.6])


def test_pacer_default_burst_is_one_second_of_writes() -> None:
    pacer = WritePacer(100, 20, clock=FakeClock())
    assert [pacer.reserve() for _ in range(6)][:5] == pytest.approx([0] * 5, abs=1e-9)
    assert pacer.burst == 5


def test_pacer_refills_while_idle_but_never_beyond_the_burst() -> None:
    clock = FakeClock()
    pacer = WritePacer(10, 1, burst=2, clock=clock)
    for _ in range(4):
        pacer.reserve()
    clock.now += 100
    assert [pacer.reserve() for _ in range(3)] == pytest.approx([0, 0, 0.1], abs=1e-9)


def test_429_pauses_everyone_for_retry_after_then_resumes_without_a_burst() -> None:
    clock = FakeClock()
    pacer = WritePacer(100, 20, burst=5, clock=clock)
    pacer.throttled(2.0)
    snap = pacer.snapshot()
    assert snap.paused_for == 2.0 and snap.throttled == 1
    assert snap.rate == pytest.approx(5 * 0.75)
    waits = [pacer.reserve() for _ in range(3)]
    interval = 1 / snap.rate
    assert waits == pytest.approx([2.0, 2.0 + interval, 2.0 + 2 * interval])


def test_pacer_recovers_gradually_after_429() -> None:
    pacer = WritePacer(100, 20, clock=FakeClock())
    pacer.throttled(None)
    pacer.throttled(None)
    low = pacer.snapshot().rate
    rates = []
    for _ in range(40):
        pacer.succeeded()
        rates.append(pacer.snapshot().rate)
    assert low < rates[0] < rates[5] < 5.0
    assert rates == sorted(rates) and rates[-1] == 5.0


def test_pacer_rate_has_a_floor() -> None:
    pacer = WritePacer(100, 20, clock=FakeClock())
    for _ in range(100):
        pacer.throttled(0)
    assert pacer.snapshot().rate == pytest.approx(5 * 0.05)


def test_slots_reserved_before_a_429_are_reserved_again() -> None:
    clock = FakeClock()
    pacer = WritePacer(100, 20, burst=1, clock=clock)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:
            pacer.throttled(3.0)  # another thread got a 429 while this one waited
        clock.now += seconds

    pacer.reserve()  # someone else holds the first slot
    pacer.acquire(sleep)
    assert len(slept) == 2, "the pre-429 slot was given up"
    assert clock.now >= 1000.0 + 3.0


def test_pacer_is_shared_by_threads_without_handing_out_a_slot_twice() -> None:
    clock = FakeClock()
    pacer = WritePacer(100, 20, burst=1, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        wait = pacer.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([i * 0.2 for i in range(10)])


# ---------------------------------------------------------------------------- client + pacer


def scripted(
    answers: list[httpx.Response | Exception], pacer: WritePacer | None = None
) -> tuple[GraphClient, list[httpx.Request]]:
    return scripted_client(answers, INSTANT, pacer)


INSTANT = RetryPolicy(
    deadline_s=5, base_delay_s=0.001, max_delay_s=0.002, read_after_write_s=0.05, absent_after_s=0.05
)


def test_a_throttled_write_slows_the_shared_pacer_and_a_read_does_not() -> None:
    pacer = WritePacer(1000, 1)  # fast enough not to wait in this test
    throttle = httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"code": "TooManyRequests"}})
    client, seen = scripted([throttle, httpx.Response(201, json={"id": "1"})], pacer)
    assert client.create("/c", {}) == {"id": "1"}
    assert len(seen) == 2 and pacer.snapshot().throttled == 1
    client, _ = scripted([throttle, httpx.Response(200, json={"id": "1"})], pacer)
    client.get("/c", "1")
    assert pacer.snapshot().throttled == 1


def test_the_deadline_covers_the_whole_operation() -> None:
    client, seen = scripted([httpx.Response(503, json={})])
    with pytest.raises(GraphError) as info, client.operation(deadline_s=0.05):
        client.get("/c", "1")
    assert info.value.status == 503 and len(seen) > 1


def test_no_write_slot_before_the_deadline_fails_with_advice() -> None:
    pacer = WritePacer(1, 3600, burst=1)  # one write per hour
    client, seen = scripted([httpx.Response(204)], pacer)
    client.delete("/c", "1")
    with pytest.raises(GraphError, match="timeout_seconds") as info, client.operation(deadline_s=0.01):
        client.delete("/c", "2")
    assert info.value.code == "DeadlineExceeded" and len(seen) == 1


def test_400_names_the_graph_property_and_ids() -> None:
    body = {
        "error": {
            "code": "BadRequest",
            "message": "Invalid value",
            "target": "renewalThresholdPercentage",
            "innerError": {"request-id": "r-1", "client-request-id": "c-1"},
        }
    }
    client, _ = scripted([httpx.Response(400, json=body)])
    with pytest.raises(GraphError) as info:
        client.update("/c", "1", {})
    detail = info.value.detail()
    assert "Graph property: renewalThresholdPercentage" in detail and "request-id: r-1" in detail
    assert "client-request-id: c-1" in detail


def test_401_hints_at_token_and_tenant() -> None:
    client, _ = scripted([httpx.Response(401, json={"error": {"code": "InvalidAuthenticationToken"}})])
    with pytest.raises(GraphError) as info:
        client.get("/c", "1")
    assert "AZURE_TENANT_ID" in info.value.detail()


# ---------------------------------------------------------------------------- adoption rules

PROPS: dict[str, Any] = {
    "display_name": "Pure 'bred'",
    "issuer": "purebred",
    "help_url": None,
    "notification_types": ["email", "companyPortal"],
    "renewal_threshold_percentage": None,
}


def graph_obj(oid: str, **changes: Any) -> dict[str, Any]:
    obj = {
        "id": oid,
        "displayName": "Pure 'bred'",
        "issuer": "purebred",
        "helpUrl": None,
        "notificationType": "companyPortal,email",
        "renewalThresholdPercentage": 0,
    }
    obj.update(changes)
    return obj


def test_matches_compares_every_field_with_server_defaults_for_unset_ones() -> None:
    assert matches(PROPS, graph_obj("1"), spec=SPEC)
    assert not matches(PROPS, graph_obj("1", issuer="xTec"), spec=SPEC)
    assert not matches(
        PROPS, graph_obj("1", renewalThresholdPercentage=20), spec=SPEC
    )  # unset, but not default
    assert not matches(PROPS, graph_obj("1", helpUrl="https://x"), spec=SPEC)
    assert not matches(PROPS, graph_obj("1", notificationType="email"), spec=SPEC)


def test_filter_quotes_are_doubled_and_fingerprint_ignores_set_order() -> None:
    assert odata.eq("displayName", "Pure 'bred'") == "displayName eq 'Pure ''bred'''"
    assert fingerprint(PROPS, spec=SPEC) == fingerprint(
        {**PROPS, "notification_types": ["companyPortal", "email"]}, spec=SPEC
    )
    assert fingerprint(PROPS, spec=SPEC) != fingerprint({**PROPS, "issuer": "xTec"}, spec=SPEC)


def test_candidates_exclude_preexisting_claimed_and_different_objects() -> None:
    ledger = CreateLedger()
    ledger.claim("claimed")
    listed = [graph_obj("old"), graph_obj("claimed"), graph_obj("other", issuer="xTec"), graph_obj("new")]
    assert ledger.candidates(PROPS, listed, before={"old"}, spec=SPEC) == ["new"]


class FakeGraph:
    """A scripted stand-in for GraphClient's collection calls, recording what the handler does."""

    def __init__(self, create_answers: list[Any], lists: list[list[dict[str, Any]]]) -> None:
        self.create_answers = create_answers
        self.lists = lists
        self.posts = 0
        self.retry = RetryPolicy(read_after_write_s=0, absent_after_s=0)
        self.stop = threading.Event()
        self.real = GraphClient("https://g.test/beta", None, httpx.Client())  # type: ignore[arg-type]
        self.base_url = self.real.base_url

    def operation(self, deadline_s: float | None = None) -> Any:
        return self.real.operation(deadline_s)

    def deadline(self) -> float:
        return self.real.deadline()

    def create(self, collection: str, body: dict[str, Any], judge: Any = None) -> dict[str, Any]:
        # judging the answer is the real client's part (test_response_shapes); these answers are ids
        self.posts += 1
        answer = self.create_answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, dict)
        return answer

    def list(
        self, collection: str, odata_filter: str | None = None, expand: Any = ()
    ) -> list[dict[str, Any]]:
        assert odata_filter == odata.eq("displayName", PROPS["display_name"])
        return self.lists.pop(0) if len(self.lists) > 1 else self.lists[0]

    def get_after_write(
        self, collection: str, item_id: str, grace_s: float | None = None, judge: Any = None, expand: Any = ()
    ) -> Any:
        return {"id": item_id}


def handler_for(graph: FakeGraph) -> tuple[Handler, list[str]]:
    warnings: list[str] = []
    handler = Handler(
        graph,  # type: ignore[arg-type]
        warn=lambda summary, detail: warnings.append(summary + ": " + detail),
        ledger=CreateLedger(),
        spec=SPEC,
    )
    return handler, warnings


LOST = AmbiguousCreate("Server disconnected", "crid-1")


def test_a_lost_create_adopts_the_one_new_matching_object() -> None:
    graph = FakeGraph([LOST], lists=[[graph_obj("old")], [graph_obj("old"), graph_obj("mine")]])
    handler, warnings = handler_for(graph)
    new_id, state = handler.create(PROPS)
    assert (new_id, state["id"], graph.posts) == ("mine", "mine", 1)
    unmanaged, adopted = warnings  # "old" matched before the POST and no state holds it: named
    assert "old" in unmanaged and "terraform import" in unmanaged
    assert "crid-1" in adopted and "mine" in adopted


def test_a_lost_create_that_stored_nothing_is_posted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("terraform_provider_intune.handler.ADOPT_SEARCH_S", 0.0)
    graph = FakeGraph([LOST, {"id": "second"}], lists=[[]])
    handler, _ = handler_for(graph)
    assert handler.create(PROPS)[0] == "second"
    assert graph.posts == 2


def test_several_new_matching_objects_fail_naming_them() -> None:
    graph = FakeGraph([LOST], lists=[[], [graph_obj("a"), graph_obj("b")]])
    handler, _ = handler_for(graph)
    with pytest.raises(HandlerError) as info:
        handler.create(PROPS)
    assert "a, b" in info.value.detail and graph.posts == 1


def test_an_object_claimed_by_an_earlier_create_is_not_adopted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("terraform_provider_intune.handler.ADOPT_SEARCH_S", 0.0)
    ledger = CreateLedger()
    first = FakeGraph([{"id": "first"}], lists=[[]])
    Handler(first, ledger=ledger, spec=SPEC).create(PROPS)  # type: ignore[arg-type]
    # an identical resource's POST is lost and stored nothing; "first" must not be taken for it
    second = FakeGraph([LOST, {"id": "second"}], lists=[[], [graph_obj("first")]])
    assert Handler(second, ledger=ledger, spec=SPEC).create(PROPS)[0] == "second"  # type: ignore[arg-type]


def test_stopping_during_the_search_fails_naming_the_possible_orphan() -> None:
    graph = FakeGraph([LOST], lists=[[]])
    graph.stop.set()
    handler, _ = handler_for(graph)
    with pytest.raises(HandlerError) as info:
        handler.create(PROPS)
    assert "possible orphan" in info.value.detail and "Pure 'bred'" in info.value.detail


# ---------------------------------------------------------------------------- provider arguments

ENV = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"}


# ---------------------------------------------------------------------------- absence on refresh

COLLECTION = "/deviceManagement/derivedCredentials"
ONE = {"id": "fresh", "displayName": "Fresh", "issuer": "purebred"}


def lagging(not_found: int) -> list[httpx.Response | Exception]:
    """An empty listing, then `not_found` 404s for the id, then the object: what a replica that has
    not yet seen another process's create answers."""
    missing = httpx.Response(404, json={"error": {"code": "ResourceNotFound", "message": "not found"}})
    return [httpx.Response(200, json={"value": []}), *[missing] * not_found, httpx.Response(200, json=ONE)]


def test_refresh_takes_a_404_for_lag_while_it_lasts_less_than_the_grace() -> None:
    client, seen = scripted_client(lagging(3))  # FAST: absent_after_s=0.2
    assert client.snapshot(COLLECTION).get("fresh") == ONE  # not "gone": no create planned again
    assert [r.method for r in seen] == ["GET"] * 5


def test_refresh_believes_a_404_that_outlasts_the_grace() -> None:
    policy = RetryPolicy(deadline_s=5, base_delay_s=0.01, max_delay_s=0.02, absent_after_s=0.1)
    client, seen = scripted_client(lagging(1000), policy)
    assert client.snapshot(COLLECTION).get("fresh") is None
    assert 3 <= len(seen) < 1000  # asked again through the grace, then gave up


def test_reliability_arguments_have_defaults_and_must_be_positive() -> None:
    conn = resolve({}, ENV)
    assert (conn.timeout_seconds, conn.write_limit, conn.write_window_seconds) == (600, 100, 20)
    conn = resolve({"timeout_seconds": 30, "write_limit": 50, "write_window_seconds": 10}, ENV)
    assert (conn.timeout_seconds, conn.write_limit, conn.write_window_seconds) == (30, 50, 10)
    assert [k for k, _ in check_arguments({"timeout_seconds": 0, "write_limit": -1})] == [
        "timeout_seconds",
        "write_limit",
    ]
    with pytest.raises(ConfigProblems, match="write_window_seconds"):
        resolve({"write_window_seconds": 0}, ENV)


# ---------------------------------------------------------------------------- emulator faults


def req(method: str, path: str = "/beta/deviceManagement/derivedCredentials") -> Request:
    return Request(method, path, {}, "", {"client-request-id": "c"}, b"")


def test_fault_plan_throttles_every_nth_write_with_retry_after_in_seconds_or_as_a_date() -> None:
    plan = FaultPlan(throttle_every=3, retry_after_s=2)
    answers = [plan.before(req("POST"), "t") for _ in range(6)]
    throttled = [a for a in answers if a is not None]
    assert [i for i, a in enumerate(answers) if a is not None] == [2, 5]
    assert throttled[0].status == 429 and throttled[0].header("Retry-After") == "2"
    assert plan.before(req("GET"), "t") is None, "reads are not counted"
    plan.update(retry_after_as_date=True, throttle_every=1)
    answer = plan.before(req("PATCH"), "t")
    assert answer is not None
    assert str(answer.header("Retry-After")).endswith("GMT")


def test_fault_plan_token_bucket_allows_the_burst_then_refuses() -> None:
    plan = FaultPlan(write_rate=0.001, write_burst=3)
    answers = [plan.before(req("DELETE", "/beta/x/1"), "t") for _ in range(5)]
    assert [a is None for a in answers] == [True, True, True, False, False]
    assert plan.before(req("POST"), "other-tenant") is None, "buckets are per tenant"


def test_fault_plan_errors_are_seeded_and_504_comes_after_the_work() -> None:
    def run() -> list[int | None]:
        plan = FaultPlan(error_rate=0.5, error_statuses=(503, 504), seed=7)
        out: list[int | None] = []
        for _ in range(40):
            r = req("GET")
            early = plan.before(r, "t")
            late = plan.after(r, "t", Response(200, b"{}")) if early is None else early
            out.append(late.status)
        return out

    first = run()
    assert first == run() and {503, 504, 200} <= set(first)


def test_fault_plan_drops_every_nth_stored_post_and_lags_reads_of_new_ids() -> None:
    plan = FaultPlan(drop_after_post_every=2, read_lag_s=60)
    outcomes = []
    for i in range(4):
        created = Response.json(201, {"id": f"id-{i}"})
        outcomes.append(plan.after(req("POST"), "t", created).drop)
    assert outcomes == [False, True, False, True] and plan.dropped == 2
    lagging = plan.before(req("GET", "/beta/deviceManagement/derivedCredentials/id-0"), "t")
    assert lagging is not None and lagging.status == 404
    listed = Response.json(200, {"value": [{"id": "id-1"}, {"id": "old"}]})
    shown = plan.after(req("GET"), "t", listed)
    assert [o["id"] for o in json.loads(shown.body)["value"]] == ["old"]


def test_fault_plan_update_refuses_unknown_faults() -> None:
    with pytest.raises(TypeError, match="unknown fault"):
        FaultPlan().update(explode=True)
    with pytest.raises(ValueError):
        FaultPlan().update(error_rate=2)
