"""The emulator's stand-in for the Microsoft identity platform (Entra ID) token service.

It serves what MSAL (and so azure-identity's `ClientSecretCredential`) needs for the client
credentials flow with `authority=<emulator>` and instance discovery disabled:

* `GET /{tenant}/v2.0/.well-known/openid-configuration`: OIDC discovery; MSAL reads
  `authorization_endpoint` and `token_endpoint` (both required) and takes the tenant from the path of
  `token_endpoint`.
* `POST /{tenant}/oauth2/v2.0/token`: `grant_type=client_credentials` with `client_secret` (form
  field, or HTTP Basic), or a `client_assertion`: signed with a certificate registered on the app, or
  a federated token matching one of the app's federated credentials (see `assertions`). Errors use
  the platform's shape and real AADSTS codes.
* `GET /{tenant}/discovery/v2.0/keys`: the JWKS of the key that signs access tokens.

Access tokens are RS256 JWTs (`graph_emulator.access_tokens`) whose `roles` claim lists the
application permissions granted to the app (`add_client(..., roles=[...])`; by default every
registered spec's write permission), so Graph routes judge permissions from the token as Graph does.

Credentials live in `<data_dir>/credentials.json` (mode 0600): one primary client made on first start,
any clients added later with `add_client`, and tenants without any app (`add_tenant`). Issued tokens
are kept in memory only.

An app registered in more than one tenant is taken for a multi-tenant app: in a tenant where it is
not registered (not consented) the token endpoint answers AADSTS7000229 (missing service principal),
as Entra does for a multi-tenant app; an app registered in one tenant only gets AADSTS700016.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from graph_emulator._types import Request, Response
from graph_emulator.access_tokens import AccessTokenSigner
from graph_emulator.assertions import (
    ASSERTION_TYPE,
    assertion_issuer,
    check_certificate_assertion,
    check_federated_assertion,
)
from graph_emulator.identity_types import AuthError, Client, FederatedCredential

CREDENTIALS_NAME = "credentials.json"
RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access"})


@dataclass(frozen=True)
class TokenInfo:
    tenant_id: str
    client_id: str
    expires_at: float  # time.time()
    roles: tuple[str, ...] = ()  # the application permissions in the token's `roles` claim


def _guid() -> str:
    return str(uuid.uuid4())


def write_private(path: Path, text: str) -> None:
    """Write `text` readable by the owner only (it may hold a client secret), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_credentials(
    data_dir: Path,
    *,
    tenant_id: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[Client, list[Client]]:
    """The primary client and the extra ones from `<data_dir>/credentials.json`, creating the file on
    first use. Arguments that are not None override the stored primary values for this run only
    (they are written only when the file is new)."""
    path = data_dir / CREDENTIALS_NAME
    stored: dict[str, Any] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    primary = Client(
        tenant_id=(tenant_id or stored.get("tenant_id") or _guid()).lower(),
        client_id=(client_id or stored.get("client_id") or _guid()).lower(),
        client_secret=client_secret or stored.get("client_secret") or secrets.token_urlsafe(32),
    )
    extras = [Client.from_json(c) for c in stored.get("clients", [])]
    if not stored:
        save_credentials(path, primary, extras)
    return primary, extras


def save_credentials(path: Path, primary: Client, extras: list[Client]) -> None:
    payload = {**asdict(primary), "clients": [asdict(c) for c in extras]}
    write_private(path, json.dumps(payload, indent=2) + "\n")


def save_extra_clients(path: Path, extras: list[Client], tenants: Iterable[str] = ()) -> None:
    """Rewrite only the extra clients and app-less tenants, keeping the stored primary (which a
    constructor override may differ from)."""
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    stored["clients"] = [asdict(c) for c in extras]
    stored["tenants"] = sorted(tenants)
    write_private(path, json.dumps(stored, indent=2) + "\n")


def load_tenants(data_dir: Path) -> list[str]:
    """The tenants stored without any app (`Identity.add_tenant`)."""
    path = data_dir / CREDENTIALS_NAME
    stored = json.loads(path.read_text()) if path.exists() else {}
    return [str(t).lower() for t in stored.get("tenants", [])]


class Identity:
    """Client registry, token issuing and token checking. Thread-safe."""

    verifiers: dict[str, Callable[[str, str], dict[str, Any]]]
    """Issuer URL -> verifier of its tokens for an audience (the emulator's own OIDC issuer)."""

    def __init__(
        self,
        primary: Client,
        extras: list[Client],
        *,
        credentials_path: Path | None = None,
        token_lifetime: int = 3599,
        tenants: Iterable[str] = (),
    ) -> None:
        self.primary = primary
        self._extras = list(extras)
        self._bare_tenants = {t.lower() for t in tenants}
        self._path = credentials_path
        self.token_lifetime = token_lifetime
        self._lock = threading.Lock()
        self._tokens: dict[str, TokenInfo] = {}
        self.verifiers = {}
        self.signer = AccessTokenSigner()

    # ------------------------------------------------------------------ registry

    def clients(self) -> list[Client]:
        with self._lock:
            return [self.primary, *self._extras]

    def tenants(self) -> set[str]:
        with self._lock:
            bare = set(self._bare_tenants)
        return {c.tenant_id for c in self.clients()} | bare

    def add_tenant(self, tenant_id: str) -> None:
        """A tenant that exists but where no app is registered (so none is consented)."""
        with self._lock:
            self._bare_tenants.add(tenant_id.lower())
            if self._path is not None:
                save_extra_clients(self._path, self._extras, self._bare_tenants)

    def add_client(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str = "",
        *,
        certificates: Iterable[str] = (),
        federated: Iterable[FederatedCredential] = (),
        roles: Iterable[str] | None = None,
    ) -> None:
        client = Client(
            tenant_id.lower(),
            client_id.lower(),
            client_secret,
            tuple(certificates),
            tuple(federated),
            None if roles is None else tuple(roles),
        )
        with self._lock:
            self._extras = [
                c for c in self._extras if (c.tenant_id, c.client_id) != (client.tenant_id, client.client_id)
            ]
            self._extras.append(client)
            if self._path is not None:
                save_extra_clients(self._path, self._extras, self._bare_tenants)

    def _find(self, tenant_id: str, client_id: str) -> Client | None:
        for c in self.clients():
            if c.tenant_id == tenant_id and c.client_id == client_id:
                return c
        return None

    # ------------------------------------------------------------------ tokens

    def roles_of(self, tenant_id: str, client_id: str) -> tuple[str, ...]:
        """The application permissions granted to the app (the default for one not registered, such
        as the managed identity)."""
        from graph_emulator.permissions import default_roles

        client = self._find(tenant_id.lower(), client_id.lower())
        if client is None or client.roles is None:
            return default_roles()
        return client.roles

    def issue(self, tenant_id: str, client_id: str) -> str:
        """A signed access token for the app, carrying the roles granted to it now."""
        roles = self.roles_of(tenant_id, client_id)
        token = self.signer.sign(tenant_id, client_id, roles, self.token_lifetime)
        info = TokenInfo(tenant_id, client_id, time.time() + self.token_lifetime, tuple(sorted(roles)))
        with self._lock:
            if len(self._tokens) > 10_000:
                now = time.time()
                self._tokens = {k: v for k, v in self._tokens.items() if v.expires_at > now}
            self._tokens[token] = info
        return token

    def check(self, token: str) -> TokenInfo | None:
        """The token's tenant, client and roles (from its verified claims), or None when it is not one
        this emulator issued, is forgotten (`expire_all`), or has expired."""
        with self._lock:
            info = self._tokens.get(token)
        if info is None or info.expires_at <= time.time():
            return None
        claims = self.signer.verify(token)
        if claims is None:
            return None
        roles = claims.get("roles") or []
        return TokenInfo(
            str(claims["tid"]), str(claims["appid"]), info.expires_at, tuple(str(r) for r in roles)
        )

    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (for tests proving none leaks into files or logs)."""
        with self._lock:
            return list(self._tokens)

    def expire_all(self) -> None:
        """Forget every issued token (clients must fetch new ones)."""
        with self._lock:
            self._tokens.clear()

    # ------------------------------------------------------------------ HTTP

    def discovery(self, tenant: str, base: str, graph_host: str) -> Response:
        tenant = tenant.lower()
        if tenant not in self.tenants():
            return _tenant_not_found(tenant, None)
        t = f"{base}/{tenant}"
        doc = {
            "token_endpoint": f"{t}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
                "private_key_jwt",
            ],
            "jwks_uri": f"{t}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{t}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{t}/openid/userinfo",
            "authorization_endpoint": f"{t}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{t}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{t}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "oid", "nonce"],
            "tenant_region_scope": None,
            "cloud_instance_name": "graph-emulator",
            "cloud_graph_host_name": graph_host,
            "msgraph_host": graph_host,
        }
        return Response.json(200, doc, [("Cache-Control", "max-age=86400, private")])

    def keys(self, tenant: str) -> Response:
        if tenant.lower() not in self.tenants():
            return _tenant_not_found(tenant.lower(), None)
        return Response.json(200, self.signer.jwks())

    def token(
        self,
        request: Request,
        tenant: str,
        graph_endpoints: frozenset[str],
        token_urls: frozenset[str] = frozenset(),
    ) -> Response:
        """Answer a token request. `graph_endpoints` are the base URLs whose `/.default` scope is
        accepted (the emulator under each of its host names); `token_urls` the URLs of this token
        endpoint a certificate-signed assertion may be addressed to."""
        correlation = request.header("client-request-id")
        try:
            info = self._grant(request, tenant.lower(), graph_endpoints, token_urls)
        except AuthError as exc:
            return _error_response(exc, correlation)
        token = self.issue(info.tenant_id, info.client_id)
        payload = {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": token,
        }
        return Response.json(200, payload, [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")])

    def _grant(
        self, request: Request, tenant: str, graph_endpoints: frozenset[str], token_urls: frozenset[str]
    ) -> TokenInfo:
        if tenant not in self.tenants():
            raise _tenant_error(tenant)
        form = _form(request)
        basic_id, basic_secret = _basic_auth(request.header("authorization"))
        grant_type = form.get("grant_type")
        if not grant_type:
            raise _missing("grant_type")
        if grant_type != "client_credentials":
            raise AuthError(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant_type}'. "
                "This emulator supports only 'client_credentials'.",
            )
        client_id = (form.get("client_id") or basic_id or "").lower()
        if not client_id:
            raise _missing("client_id")
        client = self._find(tenant, client_id)
        homes = {c.tenant_id for c in self.clients() if c.client_id == client_id}
        if client is None and len(homes) > 1:
            raise AuthError(
                400,
                "invalid_client",
                7000229,
                f"The client application {client_id} is missing service principal in the tenant "
                f"{tenant}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
            )
        if client is None:
            raise AuthError(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{tenant}'. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant. You may have "
                "sent your authentication request to the wrong tenant.",
            )
        assertion = form.get("client_assertion")
        if assertion:
            if form.get("client_assertion_type") != ASSERTION_TYPE:
                raise AuthError(
                    400,
                    "invalid_request",
                    900144,
                    f"The request body must contain the following parameter: 'client_assertion_type' "
                    f"with the value '{ASSERTION_TYPE}'.",
                )
            if assertion_issuer(assertion) == client_id:
                check_certificate_assertion(assertion, client, token_urls)
            else:
                check_federated_assertion(assertion, client, self.verifiers)
            _check_scope(form.get("scope"), tenant, graph_endpoints)
            return TokenInfo(tenant, client_id, 0.0)
        secret = form.get("client_secret") or basic_secret
        if not secret:
            raise AuthError(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or "
                "'client_secret'.",
            )
        if not client.client_secret or not hmac.compare_digest(
            secret.encode(), client.client_secret.encode()
        ):
            raise AuthError(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the "
                f"client secret value, not the client secret ID, for a secret added to app '{client_id}'.",
            )
        _check_scope(form.get("scope"), tenant, graph_endpoints)
        return TokenInfo(tenant, client_id, 0.0)


def _check_scope(scope: str | None, tenant: str, graph_endpoints: frozenset[str]) -> None:
    if not scope:
        raise _missing("scope")
    wanted = [s for s in scope.split() if s not in RESERVED_SCOPES]
    for s in wanted:
        if not s.endswith("/.default"):
            raise AuthError(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {s} is not valid. Client credential flows must have a "
                "scope value with /.default suffixed to the resource identifier (application ID URI).",
            )
    resources = {s.removesuffix("/.default").rstrip("/") for s in wanted}
    if not resources:
        raise _missing("scope")
    for resource in resources:
        if resource not in graph_endpoints:
            raise AuthError(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {resource} was not found in the tenant named {tenant}. "
                "This can happen if the application has not been installed by the administrator of "
                "the tenant or consented to by any user in the tenant. You might have sent your "
                "authentication request to the wrong tenant.",
            )


def _tenant_error(tenant: str) -> AuthError:
    return AuthError(
        400,
        "invalid_tenant",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud. Check with your subscription administrator, this may happen "
        "if there are no active subscriptions for the tenant.",
    )


def _tenant_not_found(tenant: str, correlation: str | None) -> Response:
    return _error_response(_tenant_error(tenant), correlation)


def _missing(name: str) -> AuthError:
    return AuthError(
        400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'."
    )


def _error_response(exc: AuthError, correlation: str | None) -> Response:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
    trace = _guid()
    corr = correlation or _guid()
    payload = {
        "error": exc.error,
        "error_description": (
            f"AADSTS{exc.code}: {exc.description} Trace ID: {trace} Correlation ID: {corr} Timestamp: {stamp}"
        ),
        "error_codes": [exc.code],
        "timestamp": stamp,
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": f"https://login.microsoftonline.com/error?code={exc.code}",
    }
    return Response.json(exc.status, payload, [("Cache-Control", "no-store, no-cache")])


def _form(request: Request) -> dict[str, str]:
    try:
        text = request.body.decode()
    except UnicodeDecodeError:
        return {}
    return dict(parse_qsl(text, keep_blank_values=True))


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None, None
    return unquote(user), unquote(password)
