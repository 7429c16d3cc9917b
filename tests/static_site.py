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
    requests: list[tuple[str, int, str]] = field(default_factory=list)  # (path, status, content type)

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.port}"


class _Handler(SimpleHTTPRequestHandler):
    site: StaticSite

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-type":
            self._content_type = value
        super().send_header(keyword, value)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if str(code).isdigit() else 0
        self.site.requests.append((self.path, status, getattr(self, "_content_type", "")))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_https(root: Path, ca_dir: Path) -> Iterator[StaticSite]:
    """Serve `root` at https://localhost:<port>/ until the block ends; `ca_file` is the test CA."""
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    ca_dir.mkdir(parents=True, exist_ok=True)
    ca_file = ca_dir / "site-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
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
