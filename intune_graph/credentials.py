"""Which credential gets the token, chosen in one documented order.

1. What the configuration chooses explicitly: `use_oidc` (GitHub Actions OIDC when
   `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN` are set, else the federated token file), `use_msi`
   (managed identity), `use_cli` (Azure CLI) — in that order when several are set.
2. Otherwise the first one configured: client secret, client certificate, federated token file
   (`AZURE_FEDERATED_TOKEN_FILE`, as Kubernetes workload identity and many CI systems provide).
3. Nothing configured: Azure CLI, then managed identity (probed briefly, so a laptop without one
   fails fast).

Every credential is azure-identity's own, except the client secret given the Graph client's pool
(`intune_graph.secret_token`: one form POST, no azure-identity import in the provider process); this
module only chooses and names them, so an error can say which methods were tried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from intune_graph.endpoint import is_loopback
from intune_model.address import FEDERATED_TOKEN_AUDIENCE
from intune_model.errors import Diagnostic, IntuneError

if TYPE_CHECKING:
    from intune_graph.settings import Connection

SECRET = "client secret"
CERTIFICATE = "client certificate"
FEDERATED_FILE = "federated token file"
GITHUB_OIDC = "GitHub Actions OIDC"
MANAGED_IDENTITY = "managed identity"
AZURE_CLI = "Azure CLI"
HINT = (
    "Configure one of: AZURE_CLIENT_SECRET (or client_secret), AZURE_CLIENT_CERTIFICATE_PATH, "
    "AZURE_FEDERATED_TOKEN_FILE, use_oidc = true in GitHub Actions, `az login` (use_cli), or a managed "
    "identity (use_msi); with AZURE_TENANT_ID and AZURE_CLIENT_ID where the method needs them."
)


class CredentialConfigError(IntuneError, ValueError):
    """The configuration asks for a method whose inputs are missing; names argument and variable."""

    exit_code = 2

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message

    def diagnostics(self) -> list[Diagnostic]:
        return [(f"Provider configuration: {self.argument}", self.message, None)]

    def lines(self) -> list[str]:
        return [f"{self.argument}: {self.message}"]


@dataclass(frozen=True)
class Method:
    """One way to get a token: its name (for messages) and how to build its credential."""

    name: str
    build: Callable[[], Any]


def plan_methods(
    conn: Connection,
    *,
    ca_bundle: str | None,
    public_authority: bool,
    http: Any = None,
    other_tenant: bool = False,
) -> list[Method]:
    """The methods to try, in order (see the module docstring). Raises CredentialConfigError when an
    explicit choice or a method needing tenant and client id lacks them. Given the Graph client's
    `http` pool, a client secret is exchanged over it (`secret_token`) without azure-identity.

    `other_tenant`: `conn.tenant_id` is a tenant a resource names, not the provider's own. A managed
    identity's token is always for its own tenant (Graph would act there, whatever state says), so it
    is left out, and refused when it is the only method."""
    methods = _planned(conn, ca_bundle, public_authority, http)
    if not other_tenant:
        return methods
    usable = [m for m in methods if m.name != MANAGED_IDENTITY]
    if not usable:
        raise CredentialConfigError(
            "tenant_id",
            f"a managed identity gets tokens for its own tenant only, so it cannot serve tenant "
            f"{conn.tenant_id}; use an aliased provider per tenant, or an app registration "
            "(secret, certificate or federated token) consented in each tenant",
        )
    return usable


def _planned(conn: Connection, ca_bundle: str | None, public_authority: bool, http: Any) -> list[Method]:
    explicit: list[Method] = []
    if conn.use_oidc:
        explicit.append(_oidc_method(conn, ca_bundle, public_authority))
    if conn.use_msi:
        explicit.append(Method(MANAGED_IDENTITY, lambda: _managed_identity(conn)))
    if conn.use_cli:
        explicit.append(Method(AZURE_CLI, lambda: _azure_cli(conn)))
    if explicit:
        return explicit
    if conn.client_secret:
        _need_ids(conn, SECRET)
        return [Method(SECRET, lambda: _secret(conn, ca_bundle, public_authority, http))]
    if conn.client_certificate_path:
        _need_ids(conn, CERTIFICATE)
        return [Method(CERTIFICATE, lambda: _certificate(conn, ca_bundle, public_authority))]
    if conn.federated_token_file:
        _need_ids(conn, FEDERATED_FILE)
        return [Method(FEDERATED_FILE, lambda: _federated_file(conn, ca_bundle, public_authority))]
    return [
        Method(AZURE_CLI, lambda: _azure_cli(conn)),
        Method(MANAGED_IDENTITY, lambda: _managed_identity(conn)),
    ]


def build_credential(methods: list[Method]) -> Any:
    """One credential for the planned methods (a chain when there are several)."""
    if len(methods) == 1:
        return methods[0].build()
    from azure.identity import ChainedTokenCredential

    return ChainedTokenCredential(*(m.build() for m in methods))


def _need_ids(conn: Connection, method: str) -> None:
    from intune_model.address import ENV_CLIENT_ID, ENV_TENANT_ID

    for argument, value, env in (
        ("tenant_id", conn.tenant_id, ENV_TENANT_ID),
        ("client_id", conn.client_id, ENV_CLIENT_ID),
    ):
        if not value:
            raise CredentialConfigError(argument, f"{method} needs it; set the provider argument or {env}")


def _common(conn: Connection, ca_bundle: str | None, public_authority: bool) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"authority": conn.authority_host}
    if not public_authority:
        kwargs["disable_instance_discovery"] = True
    if ca_bundle:
        kwargs["connection_verify"] = ca_bundle
    return kwargs


def _secret(conn: Connection, ca_bundle: str | None, public_authority: bool, http: Any = None) -> Any:
    assert conn.tenant_id and conn.client_id and conn.client_secret
    if http is not None:
        from intune_graph.secret_token import ClientSecretToken

        return ClientSecretToken(
            http, conn.authority_host, conn.tenant_id, conn.client_id, conn.client_secret
        )
    from azure.identity import ClientSecretCredential

    return ClientSecretCredential(
        conn.tenant_id, conn.client_id, conn.client_secret, **_common(conn, ca_bundle, public_authority)
    )


def _certificate(conn: Connection, ca_bundle: str | None, public_authority: bool) -> Any:
    """PEM (key and certificate in one file) or PFX/PKCS#12, optionally password-protected."""
    from azure.identity import CertificateCredential

    assert conn.tenant_id and conn.client_id and conn.client_certificate_path
    try:
        return CertificateCredential(
            conn.tenant_id,
            conn.client_id,
            conn.client_certificate_path,
            password=conn.client_certificate_password or None,
            **_common(conn, ca_bundle, public_authority),
        )
    except (OSError, ValueError, TypeError) as exc:  # unreadable file, wrong password, not PEM/PFX
        raise CredentialConfigError(
            "client_certificate_path",
            f"could not load {conn.client_certificate_path!r} as a PEM or PFX certificate with its "
            f"private key: {exc}",
        ) from None


def _federated_file(conn: Connection, ca_bundle: str | None, public_authority: bool) -> Any:
    from azure.identity import WorkloadIdentityCredential

    assert conn.tenant_id and conn.client_id and conn.federated_token_file
    kwargs = _common(conn, ca_bundle, public_authority)
    kwargs.pop("disable_instance_discovery", None)  # not an argument of the assertion-based client
    return WorkloadIdentityCredential(
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
        token_file_path=conn.federated_token_file,
        **kwargs,
    )


def _oidc_method(conn: Connection, ca_bundle: str | None, public_authority: bool) -> Method:
    from intune_model.address import (
        ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        ENV_ACTIONS_ID_TOKEN_REQUEST_URL,
        ENV_FEDERATED_TOKEN_FILE,
    )

    if conn.oidc_request_url and conn.oidc_request_token:
        _need_ids(conn, GITHUB_OIDC)
        check_oidc_request_url(conn.oidc_request_url)
        return Method(GITHUB_OIDC, lambda: _github_oidc(conn, ca_bundle))
    if conn.federated_token_file:
        _need_ids(conn, FEDERATED_FILE)
        return Method(FEDERATED_FILE, lambda: _federated_file(conn, ca_bundle, public_authority))
    raise CredentialConfigError(
        "use_oidc",
        f"is set, but neither {ENV_ACTIONS_ID_TOKEN_REQUEST_URL} and {ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN} "
        f"(GitHub Actions with `permissions: id-token: write`) nor {ENV_FEDERATED_TOKEN_FILE} is set",
    )


def check_oidc_request_url(url: str) -> None:
    """The ID token request carries a bearer token: https only (http only on loopback)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise CredentialConfigError("use_oidc", "ACTIONS_ID_TOKEN_REQUEST_URL is not an absolute URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise CredentialConfigError("use_oidc", "ACTIONS_ID_TOKEN_REQUEST_URL must be https")


def _github_oidc(conn: Connection, ca_bundle: str | None) -> Any:
    """azure-identity's ClientAssertionCredential with GitHub's ID token (audience
    `api://AzureADTokenExchange`) as the assertion, fetched fresh whenever a token is needed."""
    from azure.identity import ClientAssertionCredential

    assert conn.tenant_id and conn.client_id and conn.oidc_request_url and conn.oidc_request_token
    url, bearer = conn.oidc_request_url, conn.oidc_request_token

    def assertion() -> str:
        return fetch_github_id_token(url, bearer)

    kwargs: dict[str, Any] = {"authority": conn.authority_host}
    if ca_bundle:
        kwargs["connection_verify"] = ca_bundle
    return ClientAssertionCredential(conn.tenant_id, conn.client_id, assertion, **kwargs)


def fetch_github_id_token(
    request_url: str, request_token: str, audience: str = FEDERATED_TOKEN_AUDIENCE
) -> str:
    """GitHub Actions' OIDC ID token for `audience` (the request token never appears in errors)."""
    import httpx

    from intune_graph.errors import AuthenticationFailed
    from intune_graph.tls import ssl_context

    check_oidc_request_url(request_url)
    try:
        with httpx.Client(verify=ssl_context(), timeout=30.0) as http:
            response = http.get(
                request_url,
                params={"audience": audience},
                headers={"Authorization": f"Bearer {request_token}", "Accept": "application/json"},
            )
    except httpx.HTTPError as exc:
        raise AuthenticationFailed(f"GitHub Actions OIDC: could not request an ID token: {exc}") from None
    if response.status_code != 200:
        raise AuthenticationFailed(
            f"GitHub Actions OIDC: the ID token request answered {response.status_code}; does the job "
            "have `permissions: id-token: write`?"
        )
    try:
        value = response.json()["value"]
    except (ValueError, KeyError, TypeError):
        raise AuthenticationFailed("GitHub Actions OIDC: the ID token response has no `value`") from None
    if not isinstance(value, str) or not value:
        raise AuthenticationFailed("GitHub Actions OIDC: the ID token response has no `value`")
    return value


def _managed_identity(conn: Connection) -> Any:
    """User-assigned when a client id is configured, else system-assigned. In a chain (the fallback)
    azure-identity gives the IMDS endpoint one short try, so a machine without one fails fast."""
    from azure.identity import ManagedIdentityCredential

    kwargs: dict[str, Any] = {}
    if conn.client_id:
        kwargs["client_id"] = conn.client_id
    return ManagedIdentityCredential(**kwargs)


def _azure_cli(conn: Connection) -> Any:
    from azure.identity import AzureCliCredential

    return AzureCliCredential(tenant_id=conn.tenant_id or "")
