"""Plain values that travel through the emulator's single request path.

Every HTTP request becomes one `Request`, is answered by one `Response`, and (for Graph routes) leaves
one `RecordedRequest` in the `RequestLog`. `Faults` is the hook through which fault injection
(throttling, 503s, latency, dropped connections, read-after-write lag) slots into that path.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload


@dataclass(frozen=True)
class Request:
    """One HTTP request as the dispatcher sees it. `headers` keys are lower-case. `batch_item`:
    one of the requests inside a `POST /$batch` (its latency was paid by the batch call)."""

    method: str
    path: str
    query: Mapping[str, str]
    raw_query: str
    headers: Mapping[str, str]
    body: bytes
    batch_item: bool = False

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    """One HTTP answer. `close_connection` drops the keep-alive connection after sending;
    `drop` closes the connection without sending anything (for fault injection)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    close_connection: bool = False
    drop: bool = False

    @classmethod
    def json(cls, status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, [("Content-Type", "application/json"), *headers])

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Faults:
    """Fault-injection hook, consulted once per Graph request before it is routed.

    The base class injects nothing. A subclass (or a later version of this class) returns a
    `Response` from `before` to answer instead of the emulator (a 429 with `Retry-After`, a 503), or
    one with `drop=True` to cut the connection; it may sleep there to add latency, or rewrite the
    answer in `after`.
    """

    def before(self, request: Request, tenant_id: str) -> Response | None:
        return None

    def after(self, request: Request, tenant_id: str, response: Response) -> Response:
        return response


@dataclass(frozen=True)
class RecordedRequest:
    """A Graph request as the emulator received it. Never holds the Authorization header, tokens or
    token-endpoint form bodies."""

    method: str
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON; None when there was no (valid) JSON body, or it was too large to keep
    client_request_id: str | None
    tenant_id: str | None
    status: int
    body_size: int = 0  # bytes of the request body as received


class RequestLog(Sequence[RecordedRequest]):
    """A thread-safe log of recorded Graph requests, bounded so that no stream of requests (however
    large or unauthenticated) grows the emulator's memory for good: it keeps the newest `max_entries`
    requests (a ring buffer), and a body only when it is at most `max_body_bytes` (a larger one is
    recorded as None, with its `body_size`)."""

    max_entries = 10_000
    max_body_bytes = 64 * 1024

    def __init__(self, max_entries: int | None = None, max_body_bytes: int | None = None) -> None:
        self._lock = threading.Lock()
        self.max_entries = max_entries or type(self).max_entries
        self.max_body_bytes = max_body_bytes if max_body_bytes is not None else type(self).max_body_bytes
        self._items: deque[RecordedRequest] = deque(maxlen=self.max_entries)

    def keeps_body(self, size: int) -> bool:
        """Whether a request body of `size` bytes is kept (parsed) in the log."""
        return size <= self.max_body_bytes

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...
    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...
    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            return list(self._items)[index]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"
