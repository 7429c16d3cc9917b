"""A small synchronous Graph client: one pooled httpx connection set per process, retries until a
deadline with `Retry-After`, paced writes, a fresh `client-request-id` per request, and Graph errors
as `GraphError`.

What is retried, and for how long, is `intune_graph.retry`'s to say (until the operation's deadline,
never a fixed number of tries). Here: a 429 waits `Retry-After` (seconds or an HTTP date), else
backoff, and on a write also slows the shared `WritePacer`; a POST that may have reached Graph (the
answer lost after the body was sent, 500/502/504) is never sent again but raises `AmbiguousCreate`,
and the caller looks for the object it may have created; a TLS certificate that does not verify
raises `CertificateNotTrusted` at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import httpx

from intune_graph.auth import TokenSource
from intune_graph.errors import GraphError, UnexpectedResponse
from intune_graph.pacing import WritePacer
from intune_graph.retry import (
    AMBIGUOUS_FOR_POST,
    FETCH_POLL_MAX_S,
    IDEMPOTENT_METHODS,
    RETRYABLE_ALWAYS,
    RETRYABLE_IDEMPOTENT,
    WRITE_METHODS,
    RetryPolicy,
    Transport,
    backoff,
    certificate_not_trusted,
    classify_transport,
    poll,
    retry_after_seconds,
    retryable_status,
)
from intune_model.display import clip, redact_url
from intune_model.errors import IntuneError, MessageError, UnexpectedBody

# Judges one object of an answer: returns it (perhaps unwrapped) or raises `UnexpectedBody`.
Judge = Callable[[dict[str, Any]], dict[str, Any]]

if TYPE_CHECKING:
    from intune_graph.snapshot import CollectionSnapshot

__all__ = [  # the retry names stay importable from here, where callers found them before
    "IDEMPOTENT_METHODS",
    "RETRYABLE_ALWAYS",
    "RETRYABLE_IDEMPOTENT",
    "WRITE_METHODS",
    "AmbiguousCreate",
    "Cancelled",
    "GraphClient",
    "NotFound",
    "RetryPolicy",
    "Updated",
    "retry_after_seconds",
]

BATCH_LIMIT = 20  # requests per Graph JSON batch
_operation_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "intune_graph_operation_deadline", default=None
)


class Cancelled(MessageError):
    """Terraform asked the provider to stop while a call was waiting to retry."""

    SUMMARY = "Stopped before this operation finished"


class AmbiguousCreate(IntuneError):
    """A POST may have been stored by Graph but its answer was lost; re-sending could duplicate it."""

    def __init__(self, cause: str, client_request_id: str):
        super().__init__(cause)
        self.cause = cause
        self.client_request_id = client_request_id


class NotFound(GraphError):
    """A 404 for one object, with Graph's request ids (so a "no such id" message can carry them)."""


@dataclass(frozen=True)
class Updated:
    """A PATCH's answer: the object when Graph sent it (200), else None (204), and its ids."""

    body: dict[str, Any] | None
    request_id: str | None
    client_request_id: str


@dataclass
class GraphClient:
    """Calls Graph beta below `base_url` (e.g. https://graph.microsoft.com/beta). Thread-safe.

    `pacer` (shared by every thread writing to the tenant) schedules POST, PATCH and DELETE; `stop`
    cancels waits (Terraform's StopProvider); `operation()` bounds a whole handler operation.
    `snapshot()` is the process's one listing of a collection; the client remembers which ids it
    wrote, so the snapshot never answers for those."""

    base_url: str
    tokens: TokenSource
    http: httpx.Client
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    stop: threading.Event = field(default_factory=threading.Event)
    pacer: WritePacer | None = None
    _written: set[str] = field(default_factory=set, repr=False, compare=False)
    _snapshots: dict[str, CollectionSnapshot] = field(default_factory=dict, repr=False, compare=False)
    _state_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # ------------------------------------------------------------------ what this process wrote

    def wrote(self, item_id: str) -> bool:
        """True when this client created, changed, deleted or waited for `item_id`."""
        with self._state_lock:
            return item_id in self._written

    def _mark_written(self, item_id: str) -> None:
        with self._state_lock:
            self._written.add(item_id)

    def snapshot(
        self,
        collection: str,
        select: Sequence[str] | None = None,
        judge: Judge | None = None,
        *,
        expand: Sequence[str] = (),
        items: str | None = None,
    ) -> CollectionSnapshot:
        """The process's snapshot of `collection` (made on first use, listed on its first read); its
        objects, and the GETs it falls back to, are judged by `judge` as `fetch` does. `expand`
        relationships come with each object; `items` is where one object is read when it is not
        `collection` (a list cast to a type of a mixed collection reads items from the collection)."""
        from intune_graph.snapshot import CollectionSnapshot

        with self._state_lock:
            snap = self._snapshots.get(collection)
            if snap is None:
                snap = self._snapshots[collection] = CollectionSnapshot(
                    self, collection, select, judge, expand=expand, items=items
                )
            return snap

    # ------------------------------------------------------------------ deadlines

    @contextlib.contextmanager
    def operation(self, deadline_s: float | None = None) -> Iterator[float]:
        """Every request inside the block (in this thread) shares one deadline: the operation's
        `deadline_s` (default: the policy's), or an enclosing operation's if that ends sooner."""
        ends = time.monotonic() + (self.retry.deadline_s if deadline_s is None else deadline_s)
        outer = _operation_deadline.get()
        token = _operation_deadline.set(ends if outer is None else min(outer, ends))
        try:
            yield ends
        finally:
            _operation_deadline.reset(token)

    def deadline(self) -> float:
        """When the current operation (or, outside one, a request starting now) must give up."""
        outer = _operation_deadline.get()
        return outer if outer is not None else time.monotonic() + self.retry.deadline_s

    # ------------------------------------------------------------------ collection operations

    def create(self, collection: str, body: dict[str, Any], judge: Judge | None = None) -> dict[str, Any]:
        """POST. Raises `AmbiguousCreate` when Graph may have stored the object but the answer was
        lost: the caller must look for it before posting again. With a `judge`, an answer it refuses
        (no id, a wrapped body) raises `UnexpectedResponse` with the request ids; Graph may still
        have stored the object, so the caller must look for it then too."""
        resp = self.request("POST", collection, json=body, expect=(200, 201))
        created = self._judged(resp, self._json(resp), judge)
        if isinstance(created.get("id"), str):
            self._mark_written(created["id"])
        return created

    def fetch(
        self, collection: str, item_id: str, judge: Judge | None = None, *, expand: Sequence[str] = ()
    ) -> dict[str, Any]:
        """GET one object (with its `expand` relationships); `NotFound` (with Graph's request ids)
        when it does not exist. With a `judge` (e.g. `ResourceSpec.entity`), a body it refuses raises
        `UnexpectedResponse` with the request ids, and what it returns (the unwrapped object) is the
        answer."""
        params = {"$expand": ",".join(expand)} if expand else None
        resp = self.request("GET", _item(collection, item_id), params=params, expect=(200,), missing_ok=True)
        if resp.status_code == 404:
            crid = resp.request.headers.get("client-request-id", "")
            raise NotFound.from_response(404, _body(resp), resp.headers, "GET", str(resp.request.url), crid)
        return self._judged(resp, self._json(resp), judge)

    def get(
        self, collection: str, item_id: str, judge: Judge | None = None, *, expand: Sequence[str] = ()
    ) -> dict[str, Any] | None:
        try:
            return self.fetch(collection, item_id, judge, expand=expand)
        except NotFound:
            return None

    def get_after_write(
        self,
        collection: str,
        item_id: str,
        grace_s: float | None = None,
        judge: Judge | None = None,
        *,
        expand: Sequence[str] = (),
    ) -> dict[str, Any] | None:
        """GET an id we just wrote: a 404 is replication lag until `grace_s` (default: the policy's
        `read_after_write_s`) has passed."""
        try:
            return self.fetch_after_write(collection, item_id, grace_s, judge, expand=expand)
        except NotFound:
            return None

    def get_confirmed(
        self, collection: str, item_id: str, judge: Judge | None = None, *, expand: Sequence[str] = ()
    ) -> dict[str, Any] | None:
        """GET an id that should exist (refresh): None only once it has answered 404 for the policy's
        `absent_after_s`, so an object another process created moments ago is not taken for gone."""
        try:
            return self._fetch_until(collection, item_id, self.retry.absent_after_s, judge, expand)
        except NotFound:
            return None

    def fetch_after_write(
        self,
        collection: str,
        item_id: str,
        grace_s: float | None = None,
        judge: Judge | None = None,
        *,
        expand: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Like `get_after_write`, but the final 404 is raised as `NotFound`."""
        self._mark_written(item_id)
        return self._fetch_until(
            collection, item_id, self.retry.read_after_write_s if grace_s is None else grace_s, judge, expand
        )

    def _fetch_until(
        self, collection: str, item_id: str, grace_s: float, judge: Judge | None, expand: Sequence[str] = ()
    ) -> dict[str, Any]:
        """`fetch`, taking a 404 for replication lag until `grace_s` (or the operation's deadline)."""
        missing: list[NotFound] = []

        def attempt() -> dict[str, Any] | None:
            try:
                return self.fetch(collection, item_id, judge, expand=expand)
            except NotFound as exc:
                missing[:] = [exc]
                return None

        give_up = min(time.monotonic() + grace_s, self.deadline())
        found = poll(
            attempt, give_up, self._sleep, first_s=self.retry.base_delay_s / 2, most_s=FETCH_POLL_MAX_S
        )
        if found is None:
            raise missing[0]
        return found

    def update(self, collection: str, item_id: str, body: dict[str, Any]) -> Updated:
        """PATCH; Graph documents 200 with the object, generated clients expect 204: accept both.
        The answer's ids come back too, so a PATCH that Graph accepted but never applied can be
        reported with them."""
        self._mark_written(item_id)
        resp = self.request("PATCH", _item(collection, item_id), json=body, expect=(200, 204))
        return Updated(
            body=self._json(resp) if resp.status_code == 200 and resp.content else None,
            request_id=resp.headers.get("request-id"),
            client_request_id=resp.request.headers.get("client-request-id", ""),
        )

    def action(self, collection: str, item_id: str, name: str, body: dict[str, Any]) -> None:
        """POST a bound action of one object (`…/{id}/assign`); Graph answers 200 or 204."""
        self._mark_written(item_id)
        self.request("POST", f"{_item(collection, item_id)}/{name}", json=body, expect=(200, 204))

    def delete(self, collection: str, item_id: str) -> bool:
        """True if deleted now, False if it was already gone."""
        self._mark_written(item_id)
        resp = self.request("DELETE", _item(collection, item_id), expect=(200, 204), missing_ok=True)
        return resp.status_code != 404

    def list(
        self,
        collection: str,
        odata_filter: str | None = None,
        judge: Judge | None = None,
        *,
        select: Sequence[str] | None = None,
        expand: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        return list(self.iter(collection, odata_filter, judge, select=select, expand=expand))

    def iter(
        self,
        collection: str,
        odata_filter: str | None = None,
        judge: Judge | None = None,
        *,
        select: Sequence[str] | None = None,
        expand: Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """Every object of the collection, following `@odata.nextLink` page after page (the link
        carries the filter, `$select` and the skip token); with a `judge`, each object is judged as
        `fetch` does."""
        params: dict[str, str] = {}
        if odata_filter:
            params["$filter"] = odata_filter
        if select:
            params["$select"] = ",".join(select)
        if expand:
            params["$expand"] = ",".join(expand)
        for resp, page in self.pages(collection, params or None):
            for obj in page.get("value", []):
                yield self._judged(resp, obj, judge)

    def pages(
        self, collection: str, params: dict[str, str] | None = None
    ) -> Iterator[tuple[httpx.Response, dict[str, Any]]]:
        """Each page of a listing (the answer and its JSON), following `@odata.nextLink` only where
        the bearer token may go: the Graph endpoint's own scheme and host (`_paging_url`). A link
        to a page already read, or a listing still going at the deadline it started under (the
        enclosing operation's, else `timeout_seconds` from now), ends it with a `GraphError`."""
        ends = self.deadline()
        resp = self.request("GET", collection, params=params, expect=(200,))
        read = {str(resp.request.url)}
        while True:
            page = self._json(resp)
            yield resp, page
            link = page.get("@odata.nextLink")
            if not link:
                return
            url = self._paging_url(link, read)
            if time.monotonic() >= ends:
                raise self._paging_error(
                    url,
                    "ListingTooLong",
                    f"the listing had not ended after {len(read)} pages when the operation's deadline "
                    f"({self.retry.deadline_s:.0f} s) passed; raise timeout_seconds if the collection "
                    "is that large",
                )
            read.add(url)
            resp = self.request("GET", url, expect=(200,))

    def _paging_url(self, link: Any, read: set[str]) -> str:
        """`link` as an absolute URL to request, or a `GraphError`: it must be a string, on the
        Graph endpoint's own scheme and host (the bearer token goes with it), and not a page
        already read (a loop)."""
        if not isinstance(link, str):
            raise self._paging_error(str(link), "InvalidNextLink", "@odata.nextLink is not a string")
        try:
            url = str(httpx.URL(self.base_url + "/").join(link))
        except (httpx.InvalidURL, TypeError, ValueError):
            raise self._paging_error(link, "InvalidNextLink", "@odata.nextLink is not a URL") from None
        if not self._same_origin(url):
            raise self._paging_error(
                url,
                "ForeignNextLink",
                f"@odata.nextLink leads away from the Graph endpoint ({_shown_origin(self.base_url)}); the "
                "provider sends its bearer token nowhere else, so the listing was not followed there",
            )
        if url in read:
            raise self._paging_error(
                url, "NextLinkLoop", "@odata.nextLink points back to a page already read (a paging loop)"
            )
        return url

    def _same_origin(self, url: str) -> bool:
        """True when `url` has the Graph endpoint's scheme, host and port."""
        return _origin(url) == _origin(self.base_url)

    @staticmethod
    def _paging_error(url: str, code: str, message: str) -> GraphError:
        return GraphError(
            status=0,
            code=code,
            message=message + "; the listing ended here, nothing was read from that link",
            method="GET",
            url=clip(redact_url(url)),
        )

    def batch_get(self, collection: str, item_ids: Sequence[str]) -> dict[str, dict[str, Any] | None]:
        """GET up to 20 objects in one `POST /$batch`; None for an id Graph answers 404. An item
        Graph answers otherwise (429, 503, ...) is fetched again on its own, with retries."""
        if len(item_ids) > BATCH_LIMIT:
            raise ValueError(f"a Graph batch holds at most {BATCH_LIMIT} requests")
        requests = [
            {"id": str(n), "method": "GET", "url": _item(collection, item_id)}
            for n, item_id in enumerate(item_ids)
        ]
        resp = self.request("POST", "/$batch", json={"requests": requests}, expect=(200,), reads_only=True)
        answers = {str(a.get("id")): a for a in self._json(resp).get("responses", []) if isinstance(a, dict)}
        found: dict[str, dict[str, Any] | None] = {}
        for n, item_id in enumerate(item_ids):
            answer = answers.get(str(n), {})
            status, body = answer.get("status"), answer.get("body")
            if status == 200 and isinstance(body, dict):
                found[item_id] = body
            elif status == 404:
                found[item_id] = None
            else:
                found[item_id] = self.get(collection, item_id)
        return found

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
        reads_only: bool = False,
    ) -> httpx.Response:
        """Send with retries until the operation's deadline; raise GraphError on a final failure.
        `reads_only`: a POST that changes nothing (a `$batch` of GETs) is retried like a GET and
        takes no write slot."""
        url = path if path.startswith("https://") or path.startswith("http://") else self.base_url + path
        if url is path and not self._same_origin(url):  # the one place the token is attached
            raise self._paging_error(url, "ForeignUrl", "the URL is not on the Graph endpoint")
        idempotent = method in IDEMPOTENT_METHODS or reads_only
        paced = self.pacer if method in WRITE_METHODS and not reads_only else None
        deadline = self.deadline()
        attempt = 0
        refreshed_token = False
        while True:
            attempt += 1
            if paced is not None:
                paced.acquire(lambda seconds: self._sleep_before(seconds, deadline, method, url))
            crid = str(uuid.uuid4())
            token = self.tokens.token()
            headers = {
                "Authorization": f"Bearer {token}",
                "client-request-id": crid,
                "return-client-request-id": "true",
                "Accept": "application/json",
            }
            try:
                resp = self.http.request(method, url, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                kind = classify_transport(exc)
                if kind is Transport.FATAL:
                    raise certificate_not_trusted(url, exc) or exc from None
                what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if not idempotent and kind is Transport.MAYBE_SENT:
                    raise AmbiguousCreate(
                        f"the connection failed after the request was sent ({what})", crid
                    ) from None
                if time.monotonic() >= deadline:
                    raise GraphError(
                        status=0,
                        code="ConnectionError",
                        message=f"{what} (retried until the {self.retry.deadline_s:.0f} s deadline)",
                        method=method,
                        url=url,
                        client_request_id=crid,
                    ) from None
                self._sleep(backoff(attempt, self.retry, deadline))
                continue
            if resp.status_code in expect or (missing_ok and resp.status_code == 404):
                if paced is not None:
                    paced.succeeded()
                return resp
            if resp.status_code == 401 and not refreshed_token and hasattr(self.tokens, "invalidate"):
                # Expired or revoked mid-run: one new token and one retry (Graph did no work).
                refreshed_token = True
                self.tokens.invalidate(token)
                continue
            wait = retry_after_seconds(resp.headers.get("Retry-After"))
            if paced is not None and resp.status_code == 429:
                paced.throttled(wait)
            if not idempotent and resp.status_code in AMBIGUOUS_FOR_POST:
                raise AmbiguousCreate(f"Graph answered {resp.status_code} {resp.reason_phrase}", crid)
            if retryable_status(resp.status_code, idempotent=idempotent) and time.monotonic() < deadline:
                if paced is None or resp.status_code != 429:  # a paced write waits in the pacer
                    self._sleep(
                        min(wait, deadline - time.monotonic())
                        if wait is not None
                        else backoff(attempt, self.retry, deadline)
                    )
                continue
            error = GraphError.from_response(resp.status_code, _body(resp), resp.headers, method, url, crid)
            if error.status == 403:
                from intune_model.permissions import needed

                error.with_caller(needed(method, url), token, getattr(self.tokens, "client_id", None))
            raise error

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(max(0.0, seconds)):
            raise Cancelled(
                "Terraform asked the provider to stop (interrupt or cancel) while this operation was "
                "waiting to retry or for a write slot; the waiting call was not sent"
            )

    def _sleep_before(self, seconds: float, deadline: float, method: str, url: str) -> None:
        """Wait for a write slot, but not past the deadline."""
        remaining = deadline - time.monotonic()
        if seconds > remaining:
            self._sleep(remaining)
            raise GraphError(
                status=0,
                code="DeadlineExceeded",
                message=(
                    f"no write slot before the {self.retry.deadline_s:.0f} s deadline: Graph kept "
                    "throttling this tenant; raise timeout_seconds or lower the write rate"
                ),
                method=method,
                url=url,
            )
        self._sleep(seconds)

    @staticmethod
    def _judged(resp: httpx.Response, body: Any, judge: Judge | None) -> dict[str, Any]:
        """`body` as `judge` reads it; a refusal becomes `UnexpectedResponse` with the answer's ids."""
        if judge is None:
            return cast(dict[str, Any], body)
        try:
            if not isinstance(body, dict):
                raise UnexpectedBody([("(body)", f"expected a JSON object, got {body!r}")], "Graph")
            return judge(body)
        except UnexpectedBody as bad:
            first = bad.problems[0][0] if bad.problems else None
            return_ids = resp.request.headers.get("client-request-id", "")
            raise UnexpectedResponse(
                status=resp.status_code,
                code="UnexpectedResponse",
                message=str(bad),
                method=resp.request.method,
                url=str(resp.request.url),
                request_id=resp.headers.get("request-id"),
                client_request_id=resp.headers.get("client-request-id") or return_ids,
                date=resp.headers.get("date"),
                target=first if first and first[0].isalpha() else None,
            ) from None

    @staticmethod
    def _json(resp: httpx.Response) -> dict[str, Any]:
        data = resp.json()
        if not isinstance(data, dict):
            raise GraphError(resp.status_code, "InvalidResponse", f"expected a JSON object, got {data!r}")
        return data


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the port made explicit; ("", "", None) when it does not parse."""
    try:
        parts = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return ("", "", None)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, parts.host.lower(), port)


def _shown_origin(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


def _item(collection: str, item_id: str) -> str:
    return f"{collection}/{quote(item_id, safe='')}"


def _body(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return resp.text
