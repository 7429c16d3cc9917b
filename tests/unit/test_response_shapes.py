"""Answers Graph may give for one object: the documented wrapped GET body is unwrapped; a body
without `id` or a required property, or with a value of the wrong JSON type, fails with the
request-id (never a null in state); an enum member the model does not know is kept as read (drift);
extra properties and a derived `@odata.type` are ignored. The emulator serves each shape as a fault."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tf.iface import ImportContext, ReadContext
from tf.utils import Diagnostics

from graph_emulator import FaultPlan, GraphEmulator, start_emulator
from graph_emulator.cli import build_parser, fault_flags, fault_plan
from intune_graph import GraphClient
from intune_graph.errors import UnexpectedResponse
from intune_model.errors import UnexpectedBody
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune import handler as handler_module
from terraform_provider_intune.adoption import CreateLedger
from terraform_provider_intune.data_sources import find_all, find_one
from terraform_provider_intune.handler import Handler, HandlerError
from tests.scripted_graph import FAST, StaticToken

DOCS = Path(__file__).parents[1] / "fixtures" / "graph_docs"
OID = "bc650741-0741-bc65-4107-65bc410765bc"
ENTITY = {
    "@odata.type": SPEC.odata_type,
    "id": OID,
    "helpUrl": "https://example.com/helpUrl/",
    "displayName": "Display Name value",
    "issuer": "entrustDatacard",
    "notificationType": "companyPortal",
    "renewalThresholdPercentage": 10,
}
STATE = {
    "id": OID,
    "display_name": "Display Name value",
    "issuer": "entrustDatacard",
    "help_url": "https://example.com/helpUrl/",
    "notification_types": ["companyPortal"],
    "renewal_threshold_percentage": 10,
}
UNKNOWN = "unknownFutureValue"


def documented_get_body() -> dict[str, Any]:
    body: dict[str, Any] = json.loads((DOCS / "get.json").read_text())["response"]["body"]
    return body


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in ENTITY.items() if k != key}


# ----------------------------------------------------------------------------- the model


def test_a_plain_entity_is_read_as_is() -> None:
    assert SPEC.entity(ENTITY) == ENTITY


def test_the_documented_wrapped_get_body_is_unwrapped() -> None:
    body = documented_get_body()
    assert set(body) == {"value"} and isinstance(body["value"], dict)
    assert SPEC.entity(body) == body["value"]
    assert SPEC.from_graph(SPEC.entity(body)) == STATE


@pytest.mark.parametrize(
    ("body", "names", "says"),
    [
        ({"value": [ENTITY]}, ["value"], "got a list"),
        ({"value": None}, ["value"], "got None"),
        ({"value": {**ENTITY, "id": None}}, ["id"], "missing"),
        (without("id"), ["id"], "missing"),
        ({**ENTITY, "id": ""}, ["id"], "non-blank string"),
        (without("displayName"), ["displayName"], "required"),
        (without("issuer"), ["issuer"], "required"),
        ({**ENTITY, "renewalThresholdPercentage": "10"}, ["renewalThresholdPercentage"], "whole number"),
        ({**ENTITY, "notificationType": ["email"]}, ["notificationType"], "string"),
        ({}, ["id", "displayName", "issuer"], "missing"),
    ],
)
def test_an_unreadable_body_names_every_problem(body: dict[str, Any], names: list[str], says: str) -> None:
    with pytest.raises(UnexpectedBody) as info:
        SPEC.entity(body)
    assert [n for n, _ in info.value.problems] == names
    assert says in info.value.problems[0][1]


def test_an_optional_property_left_out_reads_as_unset() -> None:
    assert SPEC.from_graph(SPEC.entity(without("helpUrl")))["help_url"] is None


def test_unknown_enum_members_are_kept_as_read() -> None:
    body = {**ENTITY, "issuer": UNKNOWN, "notificationType": f"email,{UNKNOWN}"}
    state = SPEC.from_graph(SPEC.entity(body))
    assert state["issuer"] == UNKNOWN
    assert state["notification_types"] == ["email", UNKNOWN]


def test_extra_properties_and_a_derived_odata_type_are_ignored() -> None:
    body = {**ENTITY, "@odata.type": SPEC.odata_type + "Preview", "roleScopeTagIds": ["0"], "x": {"y": 1}}
    assert SPEC.from_graph(SPEC.entity(body)) == STATE


# ----------------------------------------------------------------------------- client and handler


class Graph:
    """Answers every GET by id with `body`, lists with `{"value": [listed]}`; sends a request-id."""

    def __init__(self, body: Any, listed: Any = None) -> None:
        self.body = body
        self.listed = listed if listed is not None else body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        headers = {"request-id": "rid-1234", "client-request-id": request.headers["client-request-id"]}
        if request.url.path.endswith("/derivedCredentials"):
            return httpx.Response(200, json={"value": [self.listed]}, headers=headers)
        return httpx.Response(200, json=self.body, headers=headers)


def client_for(body: Any, listed: Any = None) -> GraphClient:
    http = httpx.Client(transport=httpx.MockTransport(Graph(body, listed)))
    return GraphClient("https://graph.test/beta", StaticToken(), http, FAST)


def handler_for(body: Any) -> Handler:
    return Handler(client_for(body), spec=SPEC)


def test_the_client_reports_an_unreadable_body_with_the_request_ids() -> None:
    with pytest.raises(UnexpectedResponse) as info:
        client_for(without("displayName")).fetch(SPEC.collection_path, OID, judge=SPEC.entity)
    error = info.value
    assert (error.status, error.code, error.request_id, error.method) == (
        200,
        "UnexpectedResponse",
        "rid-1234",
        "GET",
    )
    assert error.client_request_id and error.target == "displayName"
    text = str(error)
    assert "answered 200 with a body the provider cannot read" in text
    assert "displayName: missing" in text and "request-id: rid-1234" in text
    assert client_for(without("displayName")).fetch(SPEC.collection_path, OID) == without("displayName")


def test_a_json_body_that_is_not_an_object_is_unexpected_too() -> None:
    with pytest.raises(UnexpectedResponse, match="rid-1234"):
        client_for(ENTITY, listed="just a string").list(SPEC.collection_path, judge=SPEC.entity)


@pytest.mark.parametrize("operation", ["read", "import"])
def test_read_and_import_unwrap_the_documented_get_body(operation: str) -> None:
    handler = handler_for(documented_get_body())
    if operation == "read":
        assert handler.read(OID, STATE) == STATE
    else:
        assert handler.import_(OID) == STATE


@pytest.mark.parametrize("body", [without("id"), without("displayName"), {"value": [ENTITY]}, {"value": {}}])
@pytest.mark.parametrize("operation", ["read", "import"])
def test_read_and_import_refuse_an_unreadable_body_with_the_request_id(
    operation: str, body: dict[str, Any]
) -> None:
    handler = handler_for(body)
    with pytest.raises(UnexpectedResponse, match="request-id: rid-1234"):
        if operation == "read":
            handler.read(OID, STATE)
        else:
            handler.import_(OID)


def test_read_keeps_an_unknown_member_so_it_shows_as_drift() -> None:
    handler = handler_for({**ENTITY, "issuer": UNKNOWN, "notificationType": f"companyPortal,{UNKNOWN}"})
    state = handler.read(OID, STATE)
    assert state is not None
    assert state["issuer"] == UNKNOWN
    assert state["notification_types"] == ["companyPortal", UNKNOWN]


def test_import_keeps_an_unknown_member() -> None:
    assert handler_for({**ENTITY, "issuer": UNKNOWN}).import_(OID)["issuer"] == UNKNOWN


def test_the_data_sources_judge_what_they_read() -> None:
    client = client_for({**ENTITY, "issuer": UNKNOWN}, listed=without("issuer"))
    assert find_one(client, SPEC, item_id=OID)["issuer"] == UNKNOWN
    with pytest.raises(UnexpectedResponse, match="issuer: missing"):
        find_all(client, SPEC)
    assert find_one(client_for(documented_get_body()), SPEC, item_id=OID) == STATE


class StoringGraph:
    """Stores what is POSTed (under a new id) and answers the POST with `answer(stored)`; lists and
    GETs by id show what is stored, as Graph does once its answer has gone astray."""

    def __init__(self, answer: Any, store: bool = True) -> None:
        self.answer = answer
        self.store = store
        self.objects: dict[str, dict[str, Any]] = {}
        self.posts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        headers = {"request-id": "rid-post", "client-request-id": request.headers["client-request-id"]}
        if request.method == "POST":
            self.posts += 1
            stored = {**json.loads(request.content), "id": f"id-{self.posts}"}
            if self.store:
                self.objects[stored["id"]] = stored
            return httpx.Response(201, json=self.answer(stored), headers=headers)
        oid = request.url.path.rsplit("/", 1)[1]
        if oid == "derivedCredentials":
            return httpx.Response(200, json={"value": list(self.objects.values())}, headers=headers)
        if oid in self.objects:
            return httpx.Response(200, json=self.objects[oid], headers=headers)
        return httpx.Response(
            404, json={"error": {"code": "ResourceNotFound", "message": "no"}}, headers=headers
        )


def create_with(graph: StoringGraph, warnings: list[str]) -> tuple[str, dict[str, Any]]:
    client = GraphClient(
        "https://graph.test/beta", StaticToken(), httpx.Client(transport=httpx.MockTransport(graph)), FAST
    )
    handler = Handler(
        client, warn=lambda s, d: warnings.append(f"{s}: {d}"), ledger=CreateLedger(), spec=SPEC
    )
    return handler.create({"display_name": "Display Name value", "issuer": "purebred"})


def test_create_unwraps_a_wrapped_post_answer() -> None:
    graph, warnings = StoringGraph(lambda stored: {"value": stored}), []
    assert create_with(graph, warnings)[0] == "id-1" and warnings == [] and graph.posts == 1


@pytest.mark.parametrize("answer", [{}, {"value": []}, {"id": ""}], ids=["empty", "listed", "blank id"])
def test_a_post_answered_without_an_id_adopts_the_one_new_object_naming_the_request_id(
    answer: dict[str, Any],
) -> None:
    graph, warnings = StoringGraph(lambda stored: answer), []
    new_id, state = create_with(graph, warnings)
    assert new_id == state["id"] == "id-1" and graph.posts == 1  # found by its fields, not posted again
    [warning] = warnings
    assert warning.startswith("Adopted the object a create answered without a readable id")
    assert "request-id rid-post" in warning and "id-1" in warning


def test_a_post_answered_without_an_id_and_nothing_stored_fails_naming_the_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(handler_module, "ADOPT_SEARCH_S", 0.2)
    graph = StoringGraph(lambda stored: {"displayName": stored["displayName"]}, store=False)
    with pytest.raises(HandlerError) as info:
        create_with(graph, [])
    error = info.value
    assert "cannot read" in error.summary and error.attribute == "display_name"
    assert "id: missing" in error.detail and "request-id: rid-post" in error.detail
    assert "No new object with displayName 'Display Name value'" in error.detail
    assert graph.posts == 1  # never re-posted: the same answer would come back, with a duplicate


def test_the_plugin_turns_an_unreadable_body_into_a_diagnostic_on_the_attribute() -> None:
    from terraform_provider_intune.plugin.provider import IntuneProvider

    provider = IntuneProvider()
    provider._client = client_for(without("displayName"))
    [resource_class] = [c for c in provider.get_resources() if c.get_name() == SPEC.name]
    resource = resource_class(provider)  # type: ignore[call-arg]
    diags = Diagnostics()
    kept = resource.read(ReadContext(diags, f"intune_{SPEC.name}"), dict(STATE))
    assert kept == STATE  # state keeps what it had: never nulls
    [error] = diags.diagnostics
    assert error.path == ["display_name"]
    assert "cannot read" in error.summary and "request-id: rid-1234" in (error.detail or "")
    diags = Diagnostics()
    assert resource.import_(ImportContext(diags, f"intune_{SPEC.name}"), OID) is None
    assert "request-id: rid-1234" in (diags.diagnostics[0].detail or "")


# ----------------------------------------------------------------------------- the emulator's faults


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("shapes"), faults=FaultPlan()) as emulator:
        yield emulator


@pytest.fixture
def graph(emu: GraphEmulator) -> Iterator[tuple[httpx.Client, str]]:
    headers = {"Authorization": f"Bearer {emu.issue_token()}"}
    with httpx.Client(base_url=emu.graph_endpoint + "/beta", verify=emu.ssl_context(), headers=headers) as c:
        created = c.post(SPEC.collection_path, json={"displayName": "A", "issuer": "purebred"})
        yield c, f"{SPEC.collection_path}/{created.json()['id']}"
    assert isinstance(emu.faults, FaultPlan)
    emu.faults.update(wrap_get_body=False, drop_field="", unknown_enum_member="", subtype_answers=False)


def faults(emu: GraphEmulator) -> FaultPlan:
    assert isinstance(emu.faults, FaultPlan)
    return emu.faults


def test_emulator_wraps_get_by_id_only(emu: GraphEmulator, graph: tuple[httpx.Client, str]) -> None:
    client, item = graph
    faults(emu).update(wrap_get_body=True)
    wrapped = client.get(item).json()
    assert set(wrapped) == {"value"} and wrapped["value"]["displayName"] == "A"
    assert all("id" in o for o in client.get(SPEC.collection_path).json()["value"])


def test_emulator_drops_a_property(emu: GraphEmulator, graph: tuple[httpx.Client, str]) -> None:
    client, item = graph
    faults(emu).update(drop_field="displayName")
    assert "displayName" not in client.get(item).json()
    assert all("displayName" not in o for o in client.get(SPEC.collection_path).json()["value"])


def test_emulator_answers_an_unknown_member(emu: GraphEmulator, graph: tuple[httpx.Client, str]) -> None:
    client, item = graph
    faults(emu).update(unknown_enum_member="issuer")
    assert client.get(item).json()["issuer"] == UNKNOWN
    faults(emu).update(unknown_enum_member="notificationType")
    assert client.get(item).json()["notificationType"] == f"none,{UNKNOWN}"


def test_emulator_answers_a_subtype(emu: GraphEmulator, graph: tuple[httpx.Client, str]) -> None:
    client, item = graph
    faults(emu).update(subtype_answers=True)
    body = client.get(item).json()
    assert body["@odata.type"] == SPEC.odata_type + "Preview" and body["previewEnabled"] is True
    assert SPEC.from_graph(SPEC.entity(body))["display_name"] == "A"


def test_response_shape_flags_reach_the_fault_plan() -> None:
    argv = ["start", "--data-dir", "d", "--wrap-get-body", "--drop-field", "helpUrl"]
    argv += ["--unknown-enum-member", "issuer", "--subtype-answers"]
    args = build_parser().parse_args(argv)
    plan = fault_plan(args)
    assert (plan.wrap_get_body, plan.drop_field, plan.unknown_enum_member, plan.subtype_answers) == (
        True,
        "helpUrl",
        "issuer",
        True,
    )
    again = fault_plan(build_parser().parse_args(["serve", "--data-dir", "d", *fault_flags(args)]))
    assert again == plan
