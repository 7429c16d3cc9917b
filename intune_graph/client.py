"""A small synchronous Graph client: one pooled httpx connection set per process, retries with
`Retry-After`, a fresh `client-request-id` per request, and Graph errors as `GraphError`."""

from __future__ import annotations

import email.utils
import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from intune_graph.auth import TokenSource
from intune_graph.errors import GraphError

RETRYABLE_ALWAYS = frozenset({429})  # refused before any work: safe even for POST
RETRYABLE_IDEMPOTENT = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class Cancelled(Exception):
    """Terraform asked the provider to stop while a call was waiting to retry."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long one operation may keep trying. No fixed try count: a deadline, like Terraform's own."""

    deadline_s: float = 300.0
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    read_after_write_s: float = 30.0  # how long a new id may 404 before we believe it is gone


@dataclass
class GraphClient:
    """Calls Graph beta below `base_url` (e.g. https://graph.microsoft.com/beta). Thread-safe."""

    base_url: str
    tokens: TokenSource
    http: httpx.Client
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    stop: threading.Event = field(default_factory=threading.Event)

    # ------------------------------------------------------------------ collection operations

    def create(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json(self.request("POST", collection, json=body, expect=(200, 201)))

    def get(self, collection: str, item_id: str) -> dict[str, Any] | None:
        resp = self.request("GET", _item(collection, item_id), expect=(200,), missing_ok=True)
        return None if resp.status_code == 404 else self._json(resp)

    def get_after_write(
        self, collection: str, item_id: str, grace_s: float | None = None
    ) -> dict[str, Any] | None:
        """GET an id we just wrote: a 404 is replication lag until `grace_s` (default: the policy's
        `read_after_write_s`) has passed."""
        give_up = time.monotonic() + (self.retry.read_after_write_s if grace_s is None else grace_s)
        delay = self.retry.base_delay_s / 2
        while True:
            found = self.get(collection, item_id)
            if found is not None or time.monotonic() >= give_up:
                return found
            self._sleep(min(delay, max(0.0, give_up - time.monotonic())))
            delay = min(delay * 2, 4.0)

    def update(self, collection: str, item_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """PATCH; Graph documents 200 with the object, generated clients expect 204: accept both."""
        resp = self.request("PATCH", _item(collection, item_id), json=body, expect=(200, 204))
        return self._json(resp) if resp.status_code == 200 and resp.content else None

    def delete(self, collection: str, item_id: str) -> bool:
        """True if deleted now, False if it was already gone."""
        resp = self.request("DELETE", _item(collection, item_id), expect=(200, 204), missing_ok=True)
        return resp.status_code != 404

    def list(self, collection: str, odata_filter: str | None = None) -> list[dict[str, Any]]:
        return list(self.iter(collection, odata_filter))

    def iter(self, collection: str, odata_filter: str | None = None) -> Iterator[dict[str, Any]]:
        params = {"$filter": odata_filter} if odata_filter else None
        resp = self.request("GET", collection, params=params, expect=(200,))
        while True:
            page = self._json(resp)
            yield from page.get("value", [])
            next_link = page.get("@odata.nextLink")
            if not next_link:
                return
            resp = self.request("GET", str(next_link), expect=(200,))

    # ------------------------------------------------------------------ transport

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        expect: tuple[int, ...],
        missing_ok: bool = False,
    ) -> httpx.Response:
        """Send with retries until the policy's deadline; raise GraphError on a final failure."""
        url = path if path.startswith("https://") or path.startswith("http://") else self.base_url + path
        idempotent = method in IDEMPOTENT_METHODS
        retryable = RETRYABLE_IDEMPOTENT if idempotent else RETRYABLE_ALWAYS
        deadline = time.monotonic() + self.retry.deadline_s
        attempt = 0
        refreshed_token = False
        while True:
            attempt += 1
            crid = str(uuid.uuid4())
            headers = {
                "Authorization": f"Bearer {self.tokens.token()}",
                "client-request-id": crid,
                "return-client-request-id": "true",
                "Accept": "application/json",
            }
            try:
                resp = self.http.request(method, url, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                if not idempotent or time.monotonic() >= deadline:
                    raise GraphError(
                        status=0,
                        code="ConnectionError",
                        message=f"{type(exc).__name__}: {exc}",
                        method=method,
                        url=url,
                        client_request_id=crid,
                    ) from None
                self._sleep(self._backoff(attempt, deadline))
                continue
            if resp.status_code in expect or (missing_ok and resp.status_code == 404):
                return resp
            if resp.status_code == 401 and not refreshed_token and hasattr(self.tokens, "invalidate"):
                refreshed_token = True
                self.tokens.invalidate()
                continue
            if resp.status_code in retryable and time.monotonic() < deadline:
                wait = retry_after_seconds(resp.headers.get("Retry-After"))
                self._sleep(
                    min(wait, deadline - time.monotonic())
                    if wait is not None
                    else self._backoff(attempt, deadline)
                )
                continue
            raise GraphError.from_response(resp.status_code, _body(resp), resp.headers, method, url, crid)

    def _backoff(self, attempt: int, deadline: float) -> float:
        """Exponential backoff with full jitter, never past the deadline."""
        cap = min(self.retry.max_delay_s, self.retry.base_delay_s * (2 ** min(attempt - 1, 10)))
        return max(0.0, min(random.uniform(cap / 2, cap), deadline - time.monotonic()))

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(max(0.0, seconds)):
            raise Cancelled("stopped by Terraform while waiting to retry")

    @staticmethod
    def _json(resp: httpx.Response) -> dict[str, Any]:
        data = resp.json()
        if not isinstance(data, dict):
            raise GraphError(resp.status_code, "InvalidResponse", f"expected a JSON object, got {data!r}")
        return data


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _item(collection: str, item_id: str) -> str:
    return f"{collection}/{quote(item_id, safe='')}"


def _body(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return resp.text
