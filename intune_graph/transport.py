"""A lean HTTP/1.1 transport for httpx: keep-alive connections of the standard library's
`http.client`, pooled per origin.

Why: a 1000-setting apply makes 3000 Graph calls, and httpx's default transport (httpcore and h11)
spent about 1 ms of CPU on each, more than the rest of the provider together; on a machine whose
cores Terraform keeps busy that CPU is wall time. `http.client` parses in C where h11 parses in
Python. httpx keeps everything else (the request and response models, timeouts, proxies from the
environment, which mount httpx's own transport), so the client code and its error handling do not
change.

The errors keep httpx's meaning, which the retry rule depends on: `ConnectError`/`ConnectTimeout`
only when nothing was sent (safe to send a POST again), `PoolTimeout` when no connection came free,
and a read, write or protocol error once the request may have left. An idle connection the server
has closed is found before reuse (its socket reads as ready), never after a request was written.
"""

from __future__ import annotations

import http.client
import select
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

Origin = tuple[str, str, int]


class _Connection:
    __slots__ = ("http", "idle_since")

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.http = conn
        self.idle_since = time.monotonic()

    def stale(self, expiry: float) -> bool:
        """Closed by the server, past its keep-alive, or holding unread bytes: not to be reused."""
        sock = self.http.sock
        if sock is None or time.monotonic() - self.idle_since > expiry:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)  # an idle HTTP/1.1 connection has nothing to read unless closed


class PooledTransport(httpx.BaseTransport):
    """HTTP/1.1 over `http.client`, at most `max_connections` at once, idle ones kept for
    `keepalive_expiry` seconds and reused newest first."""

    def __init__(
        self, context: ssl.SSLContext, *, max_connections: int = 32, keepalive_expiry: float = 60.0
    ) -> None:
        self._context = context
        self._expiry = keepalive_expiry
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[_Connection]] = {}
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("https", "http"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}", request=request)
        port = url.port or (443 if url.scheme == "https" else 80)
        origin: Origin = (url.scheme, url.raw_host.decode("ascii"), port)
        timeout: dict[str, float | None] = request.extensions.get("timeout", {})
        body = request.read()
        with self._slot(request, timeout.get("pool")):
            conn = self._reuse(origin) or self._connect(origin, request, timeout.get("connect"))
            try:
                response, reusable = self._exchange(conn, request, body, timeout)
            except BaseException:
                conn.http.close()
                raise
            if reusable:
                self._release(origin, conn)
            else:
                conn.http.close()
        return response

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.http.close()

    @contextmanager
    def _slot(self, request: httpx.Request, wait: float | None) -> Iterator[None]:
        if not self._slots.acquire(timeout=wait if wait is not None else -1):
            raise httpx.PoolTimeout("no connection came free in time", request=request)
        try:
            yield
        finally:
            self._slots.release()

    def _reuse(self, origin: Origin) -> _Connection | None:
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                conn = idle.pop() if idle else None
            if conn is None:
                return None
            if not conn.stale(self._expiry):
                return conn
            conn.http.close()

    def _connect(self, origin: Origin, request: httpx.Request, wait: float | None) -> _Connection:
        scheme, host, port = origin
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=wait, context=self._context)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=wait)
        try:
            conn.connect()  # TCP and TLS: nothing of the request has been sent
        except TimeoutError as exc:
            conn.close()
            raise httpx.ConnectTimeout(str(exc) or "timed out connecting", request=request) from exc
        except OSError as exc:  # refused, unreachable, DNS, TLS handshake or verification
            conn.close()
            raise httpx.ConnectError(str(exc), request=request) from exc
        return _Connection(conn)

    def _exchange(
        self,
        conn: _Connection,
        request: httpx.Request,
        body: bytes,
        timeout: dict[str, float | None],
    ) -> tuple[httpx.Response, bool]:
        """The answer, and whether the connection may carry another request."""
        h = conn.http
        sock = h.sock
        try:
            if sock is not None:
                sock.settimeout(timeout.get("write"))
            target = request.url.raw_path.decode("ascii")
            h.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers.raw:
                h.putheader(name, value)
            h.endheaders(body or None)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc) or "timed out writing", request=request) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from exc
        try:
            if sock is not None:
                sock.settimeout(timeout.get("read"))
            answer = h.getresponse()
            data = answer.read()
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out reading", request=request) from exc
        except (http.client.HTTPException, ValueError) as exc:  # cut off, malformed, closed early
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
        headers: list[tuple[str, str]] = answer.getheaders()
        extensions: dict[str, Any] = {
            "http_version": b"HTTP/1.1" if answer.version == 11 else b"HTTP/1.0",
            "reason_phrase": answer.reason.encode("latin-1", "replace"),
        }
        response = httpx.Response(
            answer.status, headers=headers, stream=httpx.ByteStream(data), extensions=extensions
        )
        return response, not answer.will_close

    def _release(self, origin: Origin, conn: _Connection) -> None:
        conn.idle_since = time.monotonic()
        with self._lock:
            if not self._closed:
                self._idle.setdefault(origin, []).append(conn)
                return
        conn.http.close()
