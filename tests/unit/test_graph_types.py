"""Graph's type system where the emulator was looser (issue 17, item 13): a flags enum is one OData
string (an array is refused, `""` and empty members are invalid, repeats count once, `none` adds
nothing), query options the collection does not support are refused as Intune refuses them, and
messages say `null`/`true` and name Graph's form, never Python's `None`/`True`. Sources:
tests/fixtures/graph_docs/README.md, "Flags and query options"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph_emulator import GraphEmulator
from intune_model.errors import UnexpectedBody
from intune_model.registry import default_spec

COLLECTION = "/beta/deviceManagement/derivedCredentials"
FORM = 'a string such as "companyPortal,email"'


@pytest.fixture
def client(graph_emulator: GraphEmulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {graph_emulator.issue_token()}"}
    with httpx.Client(
        base_url=graph_emulator.graph_endpoint, verify=graph_emulator.ssl_context(), headers=headers
    ) as c:
        yield c


def post(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(COLLECTION, json={"displayName": "Types", "issuer": "purebred", **body})


def refused(r: httpx.Response) -> str:
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "BadRequest" and error["innerError"]["request-id"]
    message: str = error["message"]
    assert "None" not in message and "True" not in message, message
    return message


def test_a_json_array_is_not_a_flags_value(client: httpx.Client, graph_emulator: GraphEmulator) -> None:
    message = refused(post(client, notificationType=["email", "companyPortal"]))
    assert "notificationType: expected " + FORM in message
    assert 'got a JSON array ["email", "companyPortal"]' in message
    assert graph_emulator.objects() == []
    oid = post(client).json()["id"]
    patch = client.patch(f"{COLLECTION}/{oid}", json={"notificationType": ["email"]})
    assert FORM in refused(patch)
    assert graph_emulator.get_object(oid)["notificationType"] == "none"
    assert "got a JSON array [null]" in refused(post(client, notificationType=[None]))
    assert "got JSON true" in refused(post(client, notificationType=True))


@pytest.mark.parametrize(
    ("value", "said"),
    [("", "'' names no notification type"), (" ", "names no"), ("email,,companyPortal", "empty member")],
)
def test_odata_refuses_an_empty_flags_value_or_member(client: httpx.Client, value: str, said: str) -> None:
    message = refused(post(client, notificationType=value))
    assert said in message and FORM in message


@pytest.mark.parametrize(
    ("value", "stored"),
    [("email,email", "email"), ("none,email", "email"), (" email , companyPortal ", "companyPortal,email")],
)
def test_odata_parses_repeats_once_and_none_as_nothing(
    client: httpx.Client, graph_emulator: GraphEmulator, value: str, stored: str
) -> None:
    r = post(client, notificationType=value)
    assert r.status_code == 201, r.text
    assert r.json()["notificationType"] == stored


def test_messages_say_null_and_true_not_pythons_none(client: httpx.Client) -> None:
    assert "true is not allowed" in refused(post(client, renewalThresholdPercentage=True))
    assert "[1] is not a string" in refused(post(client, helpUrl=[1]))
    spec = default_spec()
    with pytest.raises(UnexpectedBody) as caught:
        spec.entity({"id": "x", "displayName": "n", "issuer": "purebred", "notificationType": ["email"]})
    assert f'expected {FORM}, got ["email"]' in str(caught.value)
    assert spec.by_name["issuer"].kind.check(None) == (
        "null is not an issuer; allowed values: intercede, entrustDatacard, purebred, xTec"
    )


@pytest.mark.parametrize(
    ("option", "name"),
    [
        ("$skip=1", "Skip"),
        ("$orderby=displayName", "OrderBy"),
        ("$search=x", "Search"),
        ("$expand=*", "Expand"),
        ("skip=1", "Skip"),
    ],
)
def test_query_options_the_collection_does_not_allow_are_refused_as_intune_does(
    client: httpx.Client, option: str, name: str
) -> None:
    message = refused(client.get(f"{COLLECTION}?{option}"))
    assert message == (
        f"The query specified in the URI is not valid. Query option '{name}' is not allowed. To allow it, "
        "set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings."
    )


def test_unknown_options_are_refused_clearly_and_beta_options_need_no_dollar(
    client: httpx.Client, graph_emulator: GraphEmulator
) -> None:
    for n in range(3):
        post(client, displayName=f"T{n}")
    message = refused(client.get(f"{COLLECTION}?$frobnicate=1"))
    assert "'$frobnicate' is not supported" in message and "$filter, $select, $top" in message
    assert len(client.get(f"{COLLECTION}?top=1").json()["value"]) == 1  # beta: `$` is optional
    assert len(client.get(f"{COLLECTION}?$top=2&$count=true&custom=ignored").json()["value"]) == 2
    oid = graph_emulator.objects()[0]["id"]
    assert set(client.get(f"{COLLECTION}/{oid}?$select=issuer").json()) >= {"id", "issuer"}
    assert "Query option 'Top' is not allowed" in refused(client.get(f"{COLLECTION}/{oid}?$top=1"))
    assert "'$nope' is not supported; this object supports $select" in refused(
        client.get(f"{COLLECTION}/{oid}?$nope=1")
    )
    batch = client.post(
        "/beta/$batch",
        json={
            "requests": [
                {"id": "1", "method": "GET", "url": "/deviceManagement/derivedCredentials?$orderby=issuer"}
            ]
        },
    )
    assert batch.json()["responses"][0]["status"] == 400
