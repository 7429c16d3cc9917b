"""The lean HTTP/1.1 transport (`intune_graph.transport`) against small socket servers that misbehave
on purpose: connections are kept and reused, a connection the server closed while idle is never
written to, and every failure keeps the httpx class the retry rule reads (nothing sent, or maybe
sent)."""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import httpx
import pytest

from intune_graph.retry import Transport, classify_transport
from intune_graph.transport import PooledTransport

Handler = Callable[[socket.socket], None]


@contextmanager
def server(handler: Handler) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """A loopback HTTP server running `handler` on each accepted connection, in its own thread;
    yields the base URL and the client addresses it accepted."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[tuple[str, int]] = []

    def accept() -> None:
        while True:
            try:
                conn, peer = listener.accept()
            except OSError:
                return
            accepted.append(peer)
            threading.Thread(target=_run, args=(handler, conn), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", accepted
    finally:
        listener.close()


def _run(handler: Handler, conn: socket.socket) -> None:
    with conn, suppress(OSError):
        handler(conn)


def read_request(conn: socket.socket) -> bytes:
    """One request's head and body (Content-Length only), or b'' at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def answer(body: bytes = b'{"ok":true}', extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + extra
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def keep_alive(conn: socket.socket) -> None:
    while read_request(conn):
        conn.sendall(answer())


def client(**kwargs: float) -> httpx.Client:
    transport = PooledTransport(ssl.create_default_context(), **kwargs)  # type: ignore[arg-type]
    return httpx.Client(transport=transport, timeout=httpx.Timeout(5.0, pool=0.5))


def test_requests_share_one_kept_connection() -> None:
    with server(keep_alive) as (url, accepted), client() as http:
        for _ in range(20):
            assert http.get(url + "/x").json() == {"ok": True}
        http.post(url + "/x", json={"a": 1}).raise_for_status()
    assert len(accepted) == 1


def test_a_connection_the_server_closed_while_idle_is_not_written_to() -> None:
    """Graph's front doors close idle connections; a POST sent on one would fail after it may have
    left, which the client must treat as maybe-created. The transport finds the closed socket first."""

    def one_then_close(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(answer())  # keep-alive as far as the client knows, then closed

    with server(one_then_close) as (url, accepted), client() as http:
        http.get(url + "/a").raise_for_status()
        time.sleep(0.2)
        assert http.post(url + "/b", json={"a": 1}).json() == {"ok": True}
    assert len(accepted) == 2


def test_connection_close_is_honoured() -> None:
    def close_each(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(answer(extra=b"Connection: close\r\n"))

    with server(close_each) as (url, accepted), client() as http:
        for _ in range(3):
            http.get(url + "/x").raise_for_status()
    assert len(accepted) == 3


def test_a_refused_connection_was_never_sent() -> None:
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with client() as http, pytest.raises(httpx.ConnectError) as failure:
        http.post(f"http://127.0.0.1:{port}/x", json={})
    assert classify_transport(failure.value) is Transport.NOT_SENT


def test_no_answer_in_time_may_have_been_sent() -> None:
    gone = threading.Event()

    def silent(conn: socket.socket) -> None:
        read_request(conn)
        gone.wait(5)

    with server(silent) as (url, _), client() as http:
        with pytest.raises(httpx.ReadTimeout) as failure:
            http.post(url + "/x", json={}, timeout=httpx.Timeout(0.3))
        gone.set()
    assert classify_transport(failure.value) is Transport.MAYBE_SENT


CUT = b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"cut'


@pytest.mark.parametrize("reply", [b"", CUT, b"garbage\r\n\r\n"], ids=["closed", "cut", "garbage"])
def test_a_dropped_or_broken_answer_may_have_been_sent(reply: bytes) -> None:
    def drop(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(reply)

    with server(drop) as (url, _), client() as http, pytest.raises(httpx.TransportError) as failure:
        http.post(url + "/x", json={})
    assert classify_transport(failure.value) is Transport.MAYBE_SENT


def test_no_free_connection_is_a_pool_timeout_and_nothing_was_sent() -> None:
    release = threading.Event()

    def slow(conn: socket.socket) -> None:
        read_request(conn)
        release.wait(5)
        conn.sendall(answer())

    with server(slow) as (url, _), client(max_connections=1) as http:
        first = threading.Thread(target=lambda: http.get(url + "/slow"))
        first.start()
        time.sleep(0.1)
        with pytest.raises(httpx.PoolTimeout) as failure:
            http.get(url + "/x")
        release.set()
        first.join()
    assert classify_transport(failure.value) is Transport.NOT_SENT


def test_compressed_and_chunked_answers_are_read_whole() -> None:
    payload = b'{"value":[' + b",".join(b'{"id":"%d"}' % i for i in range(500)) + b"]}"

    def compressed(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(answer(gzip.compress(payload), extra=b"Content-Encoding: gzip\r\n"))
        read_request(conn)
        half = len(payload) // 2
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (payload[:half], payload[half:]))
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")

    with server(compressed) as (url, accepted), client() as http:
        assert len(http.get(url + "/gz").json()["value"]) == 500
        assert len(http.get(url + "/chunked").json()["value"]) == 500
    assert len(accepted) == 1


def test_close_ends_the_idle_connections() -> None:
    closed = threading.Event()

    def watch(conn: socket.socket) -> None:
        keep_alive(conn)
        closed.set()

    with server(watch) as (url, _):
        http = client()
        http.get(url + "/x").raise_for_status()
        http.close()
        assert closed.wait(5)
