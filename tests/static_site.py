"""A static HTTPS file server on loopback, as any static host would serve a release site: files by
path, content types guessed from the extension (so `versions` and `download/<os>/<arch>` go out as
application/octet-stream), no server logic. Its certificate comes from a throwaway test CA."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme


@dataclass
class StaticSite:
    root: Path
    port: int
    ca_file: Path
    requests: list[tuple[str, str, int, str]] = field(default_factory=list)  # method, path, status, type

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.port}"


class _Handler(SimpleHTTPRequestHandler):
    site: StaticSite
    _status = 0
    _content_type = ""

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-type":
            self._content_type = value
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        self.site.requests.append((self.command, self.path, self._status, self._content_type))
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_ca(directory: Path) -> tuple[trustme.CA, Path]:
    """A throwaway certificate authority and its PEM file (for SSL_CERT_FILE)."""
    ca = trustme.CA()
    directory.mkdir(parents=True, exist_ok=True)
    ca_file = directory / "site-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return ca, ca_file


@contextmanager
def serve_https(root: Path, ca: tuple[trustme.CA, Path]) -> Iterator[StaticSite]:
    """Serve `root` at https://localhost:<port>/ until the block ends, with a certificate of `ca`."""
    authority, ca_file = ca
    cert = authority.issue_cert("localhost", "127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    site = StaticSite(root, server.server_address[1], ca_file)
    handler = type("Handler", (_Handler,), {"site": site})
    server.RequestHandlerClass = partial(handler, directory=str(root))  # type: ignore[assignment]
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
