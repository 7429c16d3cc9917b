"""`GraphEmulator`: the HTTPS server that ties identity, Graph routes and storage together.

Every request goes through `GraphEmulator.dispatch` (one function, one `Request` in, one `Response`
out), so fault injection slots in through the `Faults` hook without touching the HTTP layer.

    from graph_emulator import start_emulator

    with start_emulator(data_dir=tmp_path) as emu:
        client = httpx.Client(base_url=emu.graph_endpoint + "/beta", verify=str(emu.ca_file))
        ...
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import traceback
import uuid
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

try:
    import trustme
except ModuleNotFoundError as missing:  # the one package only the emulator uses
    raise ModuleNotFoundError(
        f"the Graph emulator needs the [emulator] extra ({missing}): "
        "pip install 'terraform-provider-intune[emulator]'",
        name=missing.name,
    ) from missing

from graph_emulator._types import Faults, RecordedRequest, Request, RequestLog, Response
from graph_emulator.batch import BATCH_SEGMENT, answer_batch
from graph_emulator.faults import FaultPlan
from graph_emulator.graph import GraphCollections, GraphContext, graph_error, normalise
from graph_emulator.identity import CREDENTIALS_NAME, Identity, load_credentials, load_tenants, write_private
from graph_emulator.identity_types import FederatedCredential
from graph_emulator.managed_identity import PATH_PREFIX as MSI_PREFIX
from graph_emulator.managed_identity import ManagedIdentityEndpoint
from graph_emulator.oidc import PATH_PREFIX as OIDC_PREFIX
from graph_emulator.oidc import OidcIssuer
from graph_emulator.permissions import forbidden
from graph_emulator.query_options import prepared
from graph_emulator.store import DB_NAME, ObjectStore
from graph_emulator.trust import BUNDLE_NAME, write_bundle
from intune_model.address import (
    ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    ENV_ACTIONS_ID_TOKEN_REQUEST_URL,
    ENV_AUTHORITY_HOST,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_GRAPH_ENDPOINT,
    ENV_TENANT_ID,
)
from intune_model.schema import ResourceSpec

CA_NAME = "ca.pem"
CA_KEY_NAME = "ca-key.pem"  # 0600: whoever holds it can impersonate the emulator to its clients
SERVER_CERT_NAME = "server.pem"  # 0600: the server's key and certificate chain
MAX_BODY = 1 << 20
GRAPH_VERSIONS = ("beta", "v1.0")
CERT_HOSTS = ("127.0.0.1", "localhost", "::1")


class GraphEmulator:
    """A local Microsoft Graph (beta: a collection per registered spec) and identity platform.

    Args:
        data_dir: where `credentials.json`, `graph.sqlite3`, `ca.pem` (with `ca-key.pem` and
            `server.pem`: the same CA and certificate at every start) live; a fresh temporary
            directory (removed when the object is garbage-collected) when None.
        host, port: where to listen; port 0 picks a free one.
        patch_status: 200 (documented: answer with the object; the default) or 204 (no body, what
            generated clients expect; a fault mode).
        strict_rules: False (default) judges request bodies by the rules Graph documents only (types,
            enum members, required properties on create); True adds the project's stricter rules (no
            blank names, http(s) URLs, 0-100, `none` alone, flags by name). May be changed while running.
        page_size: most objects per list page before `@odata.nextLink` (and the most `$top` gives).
        latency_s: seconds every Graph call waits before it is answered (a `$batch` call once);
            shorthand for `faults=FaultPlan(latency_s=...)`, combined with `faults` if that is a
            `FaultPlan`. Concurrent calls wait side by side (a thread per connection).
        tenant_id, client_id, client_secret: override the stored primary credentials for this run.
        token_lifetime: seconds an access token is valid (`expires_in`); a few seconds makes a run
            outlive its tokens.
        faults: the fault-injection hook, consulted for every Graph request: a
            `graph_emulator.FaultPlan` (throttling, 503/504, latency, read lag, dropped connections;
            change it at run time with `emu.faults.update(...)`), or your own `Faults` subclass.
        verbose: log each request to stderr.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        patch_status: int = 200,
        strict_rules: bool = False,
        page_size: int = 100,
        tenant_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_lifetime: int = 3599,
        faults: Faults | None = None,
        latency_s: float | None = None,
        verbose: bool = False,
    ) -> None:
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="graph-emulator-")
            weakref.finalize(self, shutil.rmtree, data_dir, True)
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self._requested_port = port
        self.page_size = page_size
        self.patch_status = patch_status
        self.strict_rules = strict_rules
        self.faults = faults or (Faults() if latency_s is None else FaultPlan())
        if latency_s is not None:
            if not isinstance(self.faults, FaultPlan):
                raise TypeError("latency_s needs faults to be a FaultPlan (or None)")
            self.faults.update(latency_s=latency_s)
        self.verbose = verbose
        self.requests = RequestLog()
        primary, extras = load_credentials(
            self.data_dir, tenant_id=tenant_id, client_id=client_id, client_secret=client_secret
        )
        self.identity = Identity(
            primary,
            extras,
            credentials_path=self.data_dir / CREDENTIALS_NAME,
            token_lifetime=token_lifetime,
            tenants=load_tenants(self.data_dir),
        )
        self.managed_identity = ManagedIdentityEndpoint(
            resources=self._graph_endpoints,
            issue=lambda client_id: self.identity.issue(self.tenant_id.lower(), client_id),
            token_lifetime=token_lifetime,
        )
        self._server: _TLSServer | None = None
        self._thread: threading.Thread | None = None
        self._store: ObjectStore | None = None
        self._graph: GraphCollections | None = None
        self._port = 0

    @property
    def page_size(self) -> int:
        """Most objects per list page. May be changed while running."""
        return self._page_size

    @page_size.setter
    def page_size(self, value: int) -> None:
        if value < 1:
            raise ValueError("page_size must be at least 1")
        self._page_size = value
        if getattr(self, "_graph", None) is not None:
            assert self._graph is not None
            self._graph.page_size = value

    @property
    def patch_status(self) -> int:
        """What PATCH answers: 204 (no body) or 200 (the object). May be changed while running."""
        return self._patch_status

    @patch_status.setter
    def patch_status(self, value: int) -> None:
        if value not in (200, 204):
            raise ValueError("patch_status must be 200 or 204")
        self._patch_status = value
        if getattr(self, "_graph", None) is not None:
            assert self._graph is not None
            self._graph.patch_status = value

    @property
    def strict_rules(self) -> bool:
        """Whether request bodies are judged by the project's stricter rules too, not only Graph's."""
        return self._strict_rules

    @strict_rules.setter
    def strict_rules(self, value: bool) -> None:
        self._strict_rules = bool(value)
        if getattr(self, "_graph", None) is not None:
            assert self._graph is not None
            self._graph.strict_rules = self._strict_rules

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> GraphEmulator:
        """Load (or, the first time, make) the CA and server certificate, open the store and serve in
        a background thread."""
        if self._server is not None:
            return self
        context = self._server_context()
        self._store = ObjectStore(self.data_dir / DB_NAME)
        self._graph = GraphCollections(
            self._store,
            page_size=self.page_size,
            patch_status=self.patch_status,
            strict_rules=self.strict_rules,
        )
        server = _TLSServer((self.host, self._requested_port), _Handler, context, self)
        self._server = server
        self._port = int(server.server_address[1])
        self.oidc = OidcIssuer(f"{self.authority_host}/{OIDC_PREFIX}")
        self.identity.verifiers = {self.oidc.issuer_url: self.oidc.verify}
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="graph-emulator", daemon=True
        )
        self._thread.start()
        return self

    def _server_context(self) -> ssl.SSLContext:
        """The server's TLS context, from the CA and certificate this data directory keeps: a client
        that trusts `ca.pem` (SSL_CERT_FILE) keeps working when the emulator restarts, as a real
        endpoint's certificate outlives a restart. Made on first start, or when a file is missing or
        unreadable."""
        server = self.data_dir / SERVER_CERT_NAME
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if self.ca_file.exists() and (self.data_dir / CA_KEY_NAME).exists() and server.exists():
            try:
                context.load_cert_chain(str(server))
                return context
            except (OSError, ssl.SSLError):
                pass  # made again below
        ca = trustme.CA()
        leaf = ca.issue_cert(*CERT_HOSTS)
        write_private(self.data_dir / CA_KEY_NAME, ca.private_key_pem.bytes().decode())
        chain = "".join(blob.bytes().decode() for blob in leaf.cert_chain_pems)
        write_private(server, leaf.private_key_pem.bytes().decode() + chain)
        ca.cert_pem.write_to_path(str(self.ca_file))
        context.load_cert_chain(str(server))
        return context

    def stop(self) -> None:
        """Stop serving, cut open connections and close the store. `start` may be called again."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._store is not None:
            self._store.close()
        self._store = None
        self._graph = None

    def __enter__(self) -> GraphEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # ------------------------------------------------------------------ connection facts

    @property
    def port(self) -> int:
        return self._port

    @property
    def _url_host(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"[{host}]" if ":" in host else host

    @property
    def graph_endpoint(self) -> str:
        """Base URL of the emulated Graph, without the version (clients append `/beta`)."""
        return f"https://{self._url_host}:{self._port}"

    @property
    def authority_host(self) -> str:
        """Base URL of the emulated identity platform (azure-identity's `authority`)."""
        return f"https://{self._url_host}:{self._port}"

    @property
    def tenant_id(self) -> str:
        return self.identity.primary.tenant_id

    @property
    def client_id(self) -> str:
        return self.identity.primary.client_id

    @property
    def client_secret(self) -> str:
        return self.identity.primary.client_secret

    @property
    def ca_file(self) -> Path:
        """PEM of the CA that signed the server certificate (kept in the data directory: the same
        across restarts)."""
        return self.data_dir / CA_NAME

    def ssl_context(self) -> ssl.SSLContext:
        """A client context trusting only this emulator's CA (for `httpx.Client(verify=...)`)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def env(self) -> dict[str, str]:
        """Environment for a client process (azure-identity, httpx, requests, the provider); its CA
        variables trust this emulator alone (see `shell_env` for a shell's)."""
        return {
            ENV_TENANT_ID: self.tenant_id,
            ENV_CLIENT_ID: self.client_id,
            ENV_CLIENT_SECRET: self.client_secret,
            ENV_AUTHORITY_HOST: self.authority_host,
            ENV_GRAPH_ENDPOINT: self.graph_endpoint,
            "SSL_CERT_FILE": str(self.ca_file),
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
        }

    def shell_env(self, inherited: Mapping[str, str] | None = None) -> dict[str, str]:
        """`env()` for a shell (`graph-emulator start` prints it to `eval`): the CA variables name
        `ca-bundle.pem`, the system's roots (or the bundle `inherited` trusted) plus this CA, so pip
        and every other HTTPS client in that shell still reach the internet."""
        bundle = write_bundle(
            self.data_dir / BUNDLE_NAME, self.ca_file, os.environ if inherited is None else inherited
        )
        return {**self.env(), "SSL_CERT_FILE": str(bundle), "REQUESTS_CA_BUNDLE": str(bundle)}

    def add_client(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str = "",
        *,
        certificates: list[str] | tuple[str, ...] = (),
        federated: list[FederatedCredential] | tuple[FederatedCredential, ...] = (),
        roles: list[str] | tuple[str, ...] | None = None,
    ) -> None:
        """Register another app (in this or another tenant); kept in `credentials.json`.

        `certificates` are public PEM certificates whose keys may sign client assertions;
        `federated` are federated identity credentials (issuer, subject, audience) whose tokens are
        accepted as client assertions (see `oidc_issuer_url` for the emulator's own issuer).
        `roles` are the application permissions granted to it with admin consent, e.g.
        `["DeviceManagementServiceConfig.Read.All"]` for a plan-only identity, or `[]`; None (the
        default) grants every registered spec's write permission (`…ReadWrite.All`). Its tokens carry
        them in their `roles` claim, and Graph routes answer 403 to an operation they do not allow."""
        self.identity.add_client(
            tenant_id, client_id, client_secret, certificates=certificates, federated=federated, roles=roles
        )

    def add_tenant(self, tenant_id: str) -> None:
        """A tenant where no app is registered: a token request for it is refused as Entra refuses
        an app that is not consented there (AADSTS7000229 for an app registered in more than one
        tenant, i.e. a multi-tenant app; AADSTS700016 otherwise). Kept in `credentials.json`."""
        self.identity.add_tenant(tenant_id)

    # ------------------------------------------------------------------ workload identity federation

    def _require_oidc(self) -> OidcIssuer:
        if not hasattr(self, "oidc"):
            raise RuntimeError("the emulator is not running; call start() first")
        return self.oidc

    @property
    def oidc_issuer_url(self) -> str:
        """Issuer URL of the emulator's OIDC token issuer (a stand-in for GitHub Actions)."""
        return self._require_oidc().issuer_url

    def federated_credential(self, subject: str | None = None) -> FederatedCredential:
        """A federated credential trusting the emulator's issuer for `subject` (default: the subject
        its GitHub Actions style endpoint issues tokens for)."""
        issuer = self._require_oidc()
        return FederatedCredential(issuer.issuer_url, subject or issuer.subject)

    def issue_federated_token(self, subject: str | None = None, **claims: Any) -> str:
        """A signed ID token from the emulator's issuer (for `AZURE_FEDERATED_TOKEN_FILE`)."""
        return self._require_oidc().issue(subject, **claims)

    def github_actions_env(self) -> dict[str, str]:
        """`ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN` as a GitHub Actions job with
        `permissions: id-token: write` has them, served by the emulator."""
        issuer = self._require_oidc()
        return {
            ENV_ACTIONS_ID_TOKEN_REQUEST_URL: f"{issuer.issuer_url}/token?api-version=2.0",
            ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.request_token,
        }

    def managed_identity_env(self) -> dict[str, str]:
        """`IDENTITY_ENDPOINT` / `IDENTITY_HEADER` as App Service gives a workload with a managed
        identity; `managed_identity.client_id` is that identity's client id (for user-assigned use)."""
        return self.managed_identity.env(self.authority_host)

    def issue_token(self, tenant_id: str | None = None, client_id: str | None = None) -> str:
        """An access token without a token request (for tests that don't exercise auth)."""
        return self.identity.issue(
            (tenant_id or self.tenant_id).lower(), (client_id or self.client_id).lower()
        )

    def _token_urls(self, tenant: str) -> frozenset[str]:
        return frozenset(
            f"{base}/{t}/oauth2/v2.0/token"
            for base in self._graph_endpoints()
            for t in {tenant, tenant.lower()}
        )

    def _graph_endpoints(self) -> frozenset[str]:
        names = {self._url_host, "127.0.0.1", "localhost", "[::1]"}
        return frozenset(f"https://{n}:{self._port}" for n in names)

    # ------------------------------------------------------------------ test-side access

    @property
    def store(self) -> ObjectStore:
        if self._store is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._store

    def objects(self, tenant_id: str | None = None, collection: str | None = None) -> list[dict[str, Any]]:
        """Stored objects (Graph JSON, without `@odata` annotations) of `tenant_id`, or of the
        primary tenant when None, in creation order; only those of `collection` (a spec's collection
        path, e.g. "/deviceManagement/derivedCredentials") when given."""
        key = None if collection is None else collection.strip("/")
        return [obj for _, obj in self.store.list((tenant_id or self.tenant_id).lower(), collection=key)]

    def put_object(
        self, obj: Mapping[str, Any], tenant_id: str | None = None, *, collection: str
    ) -> dict[str, Any]:
        """Store an object as if created in the portal (no HTTP, no validation): in `tenant_id` (the
        primary tenant when None) and `collection` (a spec's collection path; an object of a mixed
        collection carries its `@odata.type`). It must carry its `id`. Returns it."""
        self.store.insert((tenant_id or self.tenant_id).lower(), dict(obj), collection=collection.strip("/"))
        return dict(obj)

    def get_object(self, object_id: str) -> dict[str, Any] | None:
        """The stored object with this id, in any tenant."""
        return self.store.get(None, object_id)

    def patch_object(self, object_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change a stored object out of band (drift), bypassing HTTP and validation; returns it."""
        obj = self.store.get(None, object_id)
        if obj is None:
            raise KeyError(object_id)
        spec = self._spec_of(obj, self.store.collection_of(object_id) or "")
        for key, value in changes.items():
            obj[key] = value if spec is None else normalise(key, value, spec)
        self.store.replace(None, object_id, obj)
        return obj

    @staticmethod
    def _spec_of(obj: Mapping[str, Any], collection: str) -> ResourceSpec | None:
        """The spec of a stored object: its collection's, told by `@odata.type` in a mixed one."""
        from intune_model.registry import specs

        for spec in specs():
            if spec.collection_path.strip("/") == collection and (
                not spec.mixed_collection or obj.get("@odata.type") == spec.odata_type
            ):
                return spec
        return None

    def delete_object(self, object_id: str) -> bool:
        """Delete a stored object out of band; False when there was none."""
        return self.store.delete(None, object_id)

    def clear(self) -> None:
        """Delete every stored object in every tenant."""
        self.store.clear()

    # ------------------------------------------------------------------ the request path

    def dispatch(self, request: Request) -> Response:
        """Answer one request. Identity routes first, then Graph routes (authenticated, recorded and
        passed through `faults`), else a 404."""
        segments = [s for s in request.path.split("/") if s]
        lowered = [s.lower() for s in segments]
        if segments and segments[0] == OIDC_PREFIX:
            return self._require_oidc().route(request, segments[1:])
        if segments and segments[0] == MSI_PREFIX:
            return self.managed_identity.route(request, segments[1:])
        if len(segments) >= 2 and segments[0].lower() not in GRAPH_VERSIONS:
            tenant, rest = segments[0], lowered[1:]
            if rest == ["v2.0", ".well-known", "openid-configuration"] and request.method == "GET":
                return self.identity.discovery(tenant, self.authority_host, f"{self._url_host}:{self._port}")
            if rest == ["oauth2", "v2.0", "token"] and request.method == "POST":
                return self.identity.token(request, tenant, self._graph_endpoints(), self._token_urls(tenant))
            if rest == ["discovery", "v2.0", "keys"] and request.method == "GET":
                return self.identity.keys(tenant)
        ctx = GraphContext(
            request_id=str(uuid.uuid4()),
            client_request_id=request.header("client-request-id") or str(uuid.uuid4()),
            base=self.graph_endpoint,
            tenant_id="",
        )
        if not segments or lowered[0] not in GRAPH_VERSIONS:
            response = ctx.error(404, "UnknownRoute", f"The Graph emulator has no route for {request.path}.")
        else:
            response = self._graph_request(request, ctx, lowered[0], segments[1:])
            self._record(request, ctx, response)
        response.headers += [
            ("request-id", ctx.request_id),
            ("client-request-id", ctx.client_request_id),
        ]
        return response

    def _graph_request(self, request: Request, ctx: GraphContext, version: str, rest: list[str]) -> Response:
        auth = request.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return ctx.error(401, "InvalidAuthenticationToken", "Access token is empty.", _challenge())
        info = self.identity.check(token)
        if info is None:
            return ctx.error(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure: the token is unknown to this emulator or has expired.",
                _challenge(),
            )
        ctx.tenant_id = info.tenant_id
        injected = self.faults.before(request, info.tenant_id)
        if injected is not None:
            return injected
        admitted = _admitted(request, ctx, info.roles) if version == "beta" else request
        if isinstance(admitted, Response):
            return self.faults.after(request, info.tenant_id, admitted)
        request = admitted
        if version == "v1.0":
            beta_only = _beta_only_segment(rest)
            if beta_only is not None:  # a beta collection asked of v1.0, as Graph answers it
                response = ctx.error(400, "BadRequest", f"Resource not found for the segment '{beta_only}'.")
            else:
                response = ctx.error(
                    404, "UnknownRoute", f"The Graph emulator has no route for {request.path}."
                )
        else:
            graph = self._graph
            if graph is None:
                return ctx.error(503, "ServiceUnavailable", "The emulator is stopping.")
            if [s.lower() for s in rest] == [BATCH_SEGMENT] and request.method == "POST":
                response = answer_batch(
                    request,
                    version,
                    lambda item: self._batch_item(item, ctx, info.tenant_id, info.roles),
                    lambda message: ctx.error(400, "BadRequest", message),
                )
            else:
                response = graph.route(request, ctx, rest)
        return self.faults.after(request, info.tenant_id, response)

    def _batch_item(
        self, request: Request, outer: GraphContext, tenant_id: str, roles: tuple[str, ...]
    ) -> Response:
        """One request of a `$batch`: faults, route and record as for a call of its own."""
        ctx = GraphContext(
            request_id=outer.request_id,
            client_request_id=request.header("client-request-id") or outer.client_request_id,
            base=outer.base,
            tenant_id=tenant_id,
        )
        graph = self._graph
        segments = [s for s in request.path.split("/") if s]
        response = self.faults.before(request, tenant_id)
        if response is None:
            admitted = _admitted(request, ctx, roles)
            response, request = (admitted, request) if isinstance(admitted, Response) else (None, admitted)
        if response is None:
            if graph is None:
                response = ctx.error(503, "ServiceUnavailable", "The emulator is stopping.")
            else:
                response = self.faults.after(request, tenant_id, graph.route(request, ctx, segments[1:]))
        self._record(request, ctx, response)
        return response

    def _record(self, request: Request, ctx: GraphContext, response: Response) -> None:
        body: Any = None
        if request.body and self.requests.keeps_body(len(request.body)):
            try:
                body = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                body = None
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                body=body,
                client_request_id=request.header("client-request-id"),
                tenant_id=ctx.tenant_id or None,
                status=response.status,
                body_size=len(request.body),
            )
        )


def _admitted(request: Request, ctx: GraphContext, roles: tuple[str, ...]) -> Request | Response:
    """The request as the collections see it, or Graph's refusal: the token's roles must allow the
    operation (`permissions`), and the query options must be ones the collection serves."""
    return forbidden(request, ctx, roles) or prepared(request, ctx)


def _challenge() -> list[tuple[str, str]]:
    return [("WWW-Authenticate", 'Bearer realm="", error="invalid_token"')]


@contextmanager
def start_emulator(data_dir: str | os.PathLike[str] | None = None, **options: Any) -> Iterator[GraphEmulator]:
    """Run a `GraphEmulator` for the duration of a `with` block. `options` go to `GraphEmulator`."""
    emulator = GraphEmulator(data_dir, **options)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


# ---------------------------------------------------------------------------- HTTP plumbing


class _TLSServer(ThreadingHTTPServer):
    """Accepts plain TCP and does the TLS handshake in the connection's own thread, so a slow client
    never blocks `accept`. One `SSLContext` for all connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        context: ssl.SSLContext,
        emulator: GraphEmulator,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.ssl_context = context
        self.emulator = emulator
        self._handler = handler
        self._open: set[ssl.SSLSocket] = set()
        self._open_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        raw: socket.socket = request
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.settimeout(30)
        try:
            conn = self.ssl_context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with self._open_lock:
            self._open.add(conn)
        try:
            self._handler(conn, client_address, self)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self._open_lock:
                self._open.discard(conn)
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.emulator.verbose:
            super().handle_error(request, client_address)


_TOO_LARGE = f"The request size exceeds the maximum limit ({MAX_BODY} bytes)."


class _BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _TLSServer
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.verbose:
            sys.stderr.write(f"graph-emulator: {self.address_string()} {format % args}\n")

    def _handle(self) -> None:
        emulator = self.server.emulator
        try:
            body = self._read_body()
        except _BodyError as exc:
            rid = str(uuid.uuid4())
            code = "RequestEntityTooLarge" if exc.status == 413 else "BadRequest"
            crid = self.headers.get("client-request-id") or rid
            self._send(graph_error(exc.status, code, str(exc), rid, crid))
            self.close_connection = True
            return
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(parts.path),
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            raw_query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = emulator.dispatch(request)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            rid = str(uuid.uuid4())
            response = graph_error(
                500,
                "InternalServerError",
                "The Graph emulator failed on this request (see its log).",
                rid,
                request.header("client-request-id") or rid,
            )
        if response.drop:
            self.close_connection = True
            with suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for key, value in response.headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        if response.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        try:
            length = int(raw)
        except ValueError:
            raise _BodyError(400, f"invalid Content-Length {raw!r}") from None
        if length < 0 or length > MAX_BODY:
            raise _BodyError(413, _TOO_LARGE)
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise _BodyError(400, "malformed chunked body") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BodyError(413, _TOO_LARGE)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)


def _beta_only_segment(rest: list[str]) -> str | None:
    """The collection segment of a registered spec (they are all beta-only) that `rest` names, if any."""
    from intune_model.registry import specs

    asked = [r.lower() for r in rest]
    for spec in specs():
        mine = [m.lower() for m in spec.segments]
        depth = len(mine)
        if len(asked) >= depth and asked[: depth - 1] == mine[:-1] and asked[depth - 1].startswith(mine[-1]):
            return spec.segments[-1]
    return None
