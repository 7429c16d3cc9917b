"""Everything needed to reach one tenant's Graph, and the one place a client is built from it."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from intune_graph.auth import CachedToken
from intune_graph.client import GraphClient, RetryPolicy
from intune_graph.credentials import HINT, build_credential, plan_methods
from intune_graph.defaults import DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S
from intune_graph.endpoint import check_base_url
from intune_graph.pacing import shared_pacer
from intune_graph.tls import ca_bundles, ssl_context
from intune_model.address import DEFAULT_AUTHORITY_HOST, DEFAULT_GRAPH_ENDPOINT, PROVIDER_VERSION
from intune_model.clouds import known_authority_hosts

GRAPH_API_VERSION = "beta"  # the resource exists only in beta


@dataclass(frozen=True)
class Connection:
    """Resolved settings for one tenant. Secrets are excluded from repr so they cannot reach a log.

    Which of the credential fields is used is decided by `intune_graph.credentials.plan_methods`."""

    tenant_id: str | None
    client_id: str | None
    client_secret: str | None = field(default=None, repr=False)
    graph_endpoint: str = DEFAULT_GRAPH_ENDPOINT
    authority_host: str = DEFAULT_AUTHORITY_HOST
    timeout_seconds: float = RetryPolicy.deadline_s  # per operation, retries and pacing included
    write_limit: float = DEFAULT_WRITE_LIMIT  # writes allowed per `write_window_seconds`
    write_window_seconds: float = DEFAULT_WRITE_WINDOW_S
    client_certificate_path: str | None = None
    client_certificate_password: str | None = field(default=None, repr=False)
    federated_token_file: str | None = None
    use_oidc: bool = False
    oidc_request_url: str | None = field(default=None, repr=False)
    oidc_request_token: str | None = field(default=None, repr=False)
    use_cli: bool = False
    use_msi: bool = False


def open_client(conn: Connection, retry: RetryPolicy | None = None) -> GraphClient:
    """Check both URLs (no token is requested for a non-https endpoint), choose the credential, then
    build the client. Tokens are requested for `<graph endpoint>/.default` from this connection's
    authority only, so a token never crosses clouds. The write pacer is shared with every other
    client of the same tenant in this process."""
    graph = check_base_url(conn.graph_endpoint, "graph_endpoint")
    authority = check_base_url(conn.authority_host, "authority_host")
    bundles = ca_bundles()
    methods = plan_methods(
        conn,
        ca_bundle=bundles[0] if bundles else None,
        public_authority=authority in known_authority_hosts(),
    )
    tokens = CachedToken(
        build_credential(methods),
        f"{graph}/.default",
        tried=[m.name for m in methods],
        hint=HINT,
        rebuild=lambda: build_credential(methods),  # a fresh token cache after a 401
    )
    http = httpx.Client(
        verify=ssl_context(),
        timeout=httpx.Timeout(60.0, connect=15.0),
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=60.0),
        headers={"User-Agent": f"terraform-provider-intune/{PROVIDER_VERSION}"},
    )
    return GraphClient(
        f"{graph}/{GRAPH_API_VERSION}",
        tokens,
        http,
        retry or RetryPolicy(deadline_s=conn.timeout_seconds),
        pacer=shared_pacer(graph, conn.tenant_id or "", conn.write_limit, conn.write_window_seconds),
    )
