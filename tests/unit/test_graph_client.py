"""Retry, error and header rules of the Graph client, with scripted HTTP answers (pure logic)."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from intune_graph import (
    AmbiguousCreate,
    Cancelled,
    GraphError,
    RetryPolicy,
    check_base_url,
    retry_after_seconds,
)
from tests.scripted_graph import StaticToken, scripted_client


def graph_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "innerError": {"request-id": "rid-1", "date": "d"}}}
    return httpx.Response(status, json=body, headers=headers)


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    got = retry_after_seconds(future)
    assert got is not None and 27 <= got <= 31
    assert retry_after_seconds(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0.0


def test_post_retries_429_after_retry_after_with_fresh_request_ids() -> None:
    client, seen = scripted_client(
        [
            graph_error(429, "TooManyRequests", "slow down", **{"Retry-After": "0"}),
            httpx.Response(201, json={"id": "1"}),
        ]
    )
    assert client.create("/c", {"a": 1}) == {"id": "1"}
    assert len(seen) == 2
    ids = [r.headers["client-request-id"] for r in seen]
    assert len(set(ids)) == 2 and all(len(i) == 36 for i in ids)
    assert all(r.headers["Authorization"] == "Bearer tok" for r in seen)


def test_503_is_retried_even_for_post_but_504_on_post_is_ambiguous() -> None:
    client, seen = scripted_client(
        [graph_error(503, "ServiceUnavailable", "busy"), httpx.Response(201, json={"id": "1"})]
    )
    assert client.create("/c", {}) == {"id": "1"}
    assert len(seen) == 2
    client, seen = scripted_client([graph_error(504, "GatewayTimeout", "late")])
    with pytest.raises(AmbiguousCreate, match="504"):
        client.create("/c", {})
    assert len(seen) == 1, "a POST that may have been stored is never re-sent blindly"
    client, seen = scripted_client(
        [graph_error(504, "GatewayTimeout", "late"), httpx.Response(200, json={"id": "1"})]
    )
    assert client.get("/c", "1") == {"id": "1"}
    assert len(seen) == 2


def test_connection_errors_retry_idempotent_calls_and_unsent_posts_only() -> None:
    client, seen = scripted_client([httpx.ConnectError("reset"), httpx.Response(204)])
    assert client.delete("/c", "1") is True
    assert len(seen) == 2
    client, seen = scripted_client([httpx.ReadTimeout("slow"), httpx.Response(204)])
    assert client.update("/c", "1", {}).body is None
    assert len(seen) == 2
    # refused before anything was sent: a POST may go again
    client, seen = scripted_client([httpx.ConnectError("refused"), httpx.Response(201, json={"id": "1"})])
    assert client.create("/c", {}) == {"id": "1"}
    assert len(seen) == 2
    # the body may have reached Graph: no second POST
    for lost in (httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("Server disconnected")):
        client, seen = scripted_client([lost])
        with pytest.raises(AmbiguousCreate) as info:
            client.create("/c", {})
        assert len(seen) == 1
        assert info.value.client_request_id == seen[0].headers["client-request-id"]


def test_retries_stop_at_the_deadline_not_a_try_count() -> None:
    policy = RetryPolicy(deadline_s=0.3, base_delay_s=0.01, max_delay_s=0.02)
    client, seen = scripted_client([graph_error(429, "TooManyRequests", "no")], policy)
    started = time.monotonic()
    with pytest.raises(GraphError) as info:
        client.get("/c", "1")
    assert info.value.status == 429
    assert len(seen) > 3  # more than the classic "3 tries"
    assert time.monotonic() - started < 2.0


def test_errors_carry_code_message_and_ids() -> None:
    client, seen = scripted_client([graph_error(403, "Forbidden", "Application is not authorized")])
    with pytest.raises(GraphError) as info:
        client.get("/deviceManagement/derivedCredentials", "1")
    err = info.value
    assert (err.status, err.code, err.request_id) == (403, "Forbidden", "rid-1")
    assert err.client_request_id == seen[0].headers["client-request-id"]
    needs = "DeviceManagementServiceConfig.Read.All or DeviceManagementServiceConfig.ReadWrite.All"
    assert needs in err.detail()  # a GET: the read permission is enough
    assert "Intune licence" in err.detail()
    assert "request-id: rid-1" in err.detail()


def test_not_found_and_read_after_write() -> None:
    client, _ = scripted_client([graph_error(404, "ResourceNotFound", "no")])
    assert client.get("/c", "1") is None
    assert client.delete("/c", "1") is False
    client, seen = scripted_client(
        [graph_error(404, "ResourceNotFound", "lag")] * 2 + [httpx.Response(200, json={"id": "1"})]
    )
    assert client.get_after_write("/c", "1") == {"id": "1"}
    assert len(seen) == 3


def test_patch_accepts_200_and_204() -> None:
    client, _ = scripted_client([httpx.Response(204)])
    assert client.update("/c", "1", {}).body is None
    client, _ = scripted_client([httpx.Response(200, json={"id": "1"})])
    assert client.update("/c", "1", {}).body == {"id": "1"}


def test_401_refreshes_the_token_once() -> None:
    client, _ = scripted_client(
        [graph_error(401, "InvalidAuthenticationToken", "expired"), httpx.Response(200, json={})]
    )
    assert client.get("/c", "1") == {}
    assert isinstance(client.tokens, StaticToken) and client.tokens.invalidated == 1


def test_list_follows_next_links() -> None:
    client, seen = scripted_client(
        [
            httpx.Response(
                200,
                json={"value": [{"id": "1"}], "@odata.nextLink": "https://graph.test/beta/c?$skiptoken=2"},
            ),
            httpx.Response(200, json={"value": [{"id": "2"}]}),
        ]
    )
    assert [o["id"] for o in client.list("/c", "displayName eq 'a'")] == ["1", "2"]
    assert seen[0].url.params["$filter"] == "displayName eq 'a'"


def test_ids_are_escaped_into_one_path_segment() -> None:
    client, seen = scripted_client([httpx.Response(200, json={})])
    client.get("/c", "../../users")
    assert seen[0].url.raw_path.endswith(b"/c/..%2F..%2Fusers")


def test_stop_cancels_a_waiting_retry() -> None:
    policy = RetryPolicy(deadline_s=30, base_delay_s=10, max_delay_s=10)
    client, _ = scripted_client([graph_error(429, "TooManyRequests", "no")], policy)
    threading.Timer(0.1, client.stop.set).start()
    with pytest.raises(Cancelled):
        client.get("/c", "1")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://graph.microsoft.com", True),
        ("https://graph.microsoft.com/", True),
        ("http://127.0.0.1:8443", True),
        ("http://localhost:1", True),
        ("http://[::1]:1", True),
        ("http://graph.microsoft.com", False),
        ("graph.microsoft.com", False),
        ("https://graph.microsoft.com?x=1", False),
    ],
)
def test_endpoint_must_be_https_except_loopback(url: str, ok: bool) -> None:
    check: Callable[[], str] = lambda: check_base_url(url, "graph_endpoint")  # noqa: E731
    if ok:
        assert not check().endswith("/")
    else:
        with pytest.raises(ValueError, match="graph_endpoint"):
            check()
