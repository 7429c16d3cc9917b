"""The model, the emulator and the handler against Microsoft's documented request and response bodies
(`tests/fixtures/graph_docs/`, one file per reference page, each naming its source).

The documented GET example wraps the entity as `{"value": {...}}`; what the provider should do with
such a body is the response-shape work of issue 12, so that case is a strict expected failure here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_graph import GraphClient
from intune_model.resources.derived_credential import SPEC
from terraform_provider_intune.data_sources import find_all
from terraform_provider_intune.handler import Handler
from tests.scripted_graph import FAST, StaticToken

DOCS = Path(__file__).parents[1] / "fixtures" / "graph_docs"
PAGES = ("create", "get", "list", "update", "delete")
DOC_ID = "bc650741-0741-bc65-4107-65bc410765bc"
# The documented object as Terraform state.
STATE = {
    "display_name": "Display Name value",
    "issuer": "entrustDatacard",
    "help_url": "https://example.com/helpUrl/",
    "notification_types": ["companyPortal"],
    "renewal_threshold_percentage": 10,
}


def page(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCS / f"{name}.json").read_text())
    return data


@pytest.mark.parametrize("name", PAGES)
def test_each_fixture_names_its_page(name: str) -> None:
    source = page(name)["source"]
    assert source["repository"] == "microsoftgraph/microsoft-graph-docs-contrib"
    assert source["path"] == (
        f"api-reference/beta/api/intune-rapolicy-devicemanagementderivedcredentialsettings-{name}.md"
    )
    assert len(source["commit"]) == 40 and page(name)["shows"]


def test_the_model_writes_the_documented_create_and_update_bodies() -> None:
    assert SPEC.to_graph(STATE) == page("create")["request"]["body"]
    assert SPEC.to_graph(STATE) == page("update")["request"]["body"]


@pytest.mark.parametrize("name", ["create", "update"])
def test_the_model_reads_the_documented_entity_answers(name: str) -> None:
    assert SPEC.from_graph(page(name)["response"]["body"]) == {"id": DOC_ID, **STATE}


def test_the_model_reads_each_object_of_the_documented_list() -> None:
    [listed] = page("list")["response"]["body"]["value"]
    assert SPEC.from_graph(listed) == {"id": DOC_ID, **STATE}


# ----------------------------------------------------------------------------- the emulator


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("docs-emulator")) as emulator:
        yield emulator


def emulator_client(emu: GraphEmulator) -> httpx.Client:
    headers = {"Authorization": f"Bearer {emu.issue_token()}"}
    return httpx.Client(base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers=headers)


def without_server_parts(body: dict[str, Any]) -> dict[str, Any]:
    """A body minus what differs per server: the id and the `@odata.context` URL."""
    return {k: v for k, v in body.items() if k not in ("id", "@odata.context")}


def test_the_emulator_answers_the_documented_requests_as_documented(emu: GraphEmulator) -> None:
    create, update, listing, delete = page("create"), page("update"), page("list"), page("delete")
    with emulator_client(emu) as client:
        posted = client.post(create["request"]["path"], json=create["request"]["body"])
        assert posted.status_code == create["response"]["status"]
        assert without_server_parts(posted.json()) == without_server_parts(create["response"]["body"])
        item = f"{create['request']['path']}/{posted.json()['id']}"

        patched = client.patch(item, json=update["request"]["body"])
        assert patched.status_code == update["response"]["status"] == 200
        assert without_server_parts(patched.json()) == without_server_parts(update["response"]["body"])

        listed = client.get(listing["request"]["path"])
        assert listed.status_code == listing["response"]["status"]
        [documented] = listing["response"]["body"]["value"]
        assert [without_server_parts(o) for o in listed.json()["value"]] == [without_server_parts(documented)]

        deleted = client.delete(item)
        assert (deleted.status_code, deleted.content) == (delete["response"]["status"], b"")


# ----------------------------------------------------------------------------- the handler


class DocumentedGraph:
    """Answers the client as the reference pages do; records what it was sent."""

    def __init__(self, get_body: dict[str, Any] | None = None) -> None:
        self.get_body = get_body or page("update")["response"]["body"]
        self.sent: list[tuple[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.sent.append((request.method, body))
        headers = {"request-id": "doc-request-id"}
        if request.method == "POST":
            return httpx.Response(201, json=page("create")["response"]["body"], headers=headers)
        if request.method == "PATCH":
            return httpx.Response(200, json=page("update")["response"]["body"], headers=headers)
        if request.method == "DELETE":
            return httpx.Response(204, headers=headers)
        if request.url.path.endswith("/derivedCredentials"):
            if "$filter" in request.url.params:  # the look-up before a create: nothing yet
                return httpx.Response(200, json={"value": []}, headers=headers)
            return httpx.Response(200, json=page("list")["response"]["body"], headers=headers)
        return httpx.Response(200, json=self.get_body, headers=headers)


def client_for(graph: DocumentedGraph) -> GraphClient:
    http = httpx.Client(transport=httpx.MockTransport(graph))
    return GraphClient("https://graph.test/beta", StaticToken(), http, FAST)


def handler_for(graph: DocumentedGraph) -> Handler:
    return Handler(client_for(graph), spec=SPEC)


def test_the_handler_creates_lists_and_updates_with_the_documented_bodies() -> None:
    graph = DocumentedGraph()
    handler = handler_for(graph)
    new_id, state = handler.create(STATE)
    assert (new_id, state) == (DOC_ID, {"id": DOC_ID, **STATE})
    assert ("POST", page("create")["request"]["body"]) in graph.sent

    changed = {**STATE, "renewal_threshold_percentage": 10}
    old = {**STATE, "renewal_threshold_percentage": 50}
    assert handler.update(DOC_ID, old, changed) == {"id": DOC_ID, **changed}
    assert ("PATCH", {"@odata.type": SPEC.odata_type, "renewalThresholdPercentage": 10}) in graph.sent

    listed = find_all(client_for(graph), SPEC)
    assert listed["ids"] == [DOC_ID] and listed["derived_credentials"] == [{"id": DOC_ID, **STATE}]


@pytest.mark.parametrize("operation", ["read", "import"])
def test_the_documented_wrapped_get_body_is_read(operation: str) -> None:
    """The GET page's example wraps the entity as {"value": {...}}: read and import unwrap it."""
    handler = handler_for(DocumentedGraph(get_body=page("get")["response"]["body"]))
    state = handler.read(DOC_ID, {"id": DOC_ID, **STATE}) if operation == "read" else handler.import_(DOC_ID)
    assert state is not None and state["id"] == DOC_ID
    assert state["display_name"] == STATE["display_name"] and state["issuer"] == STATE["issuer"]
