"""The one place a Graph client is built from a `Connection` (which lives, free of httpx, in
`intune_graph.settings`)."""

from __future__ import annotations

import httpx

from intune_graph.auth import CachedToken
from intune_graph.client import GraphClient
from intune_graph.credentials import HINT, build_credential, plan_methods
from intune_graph.endpoint import check_base_url
from intune_graph.pacing import shared_pacer
from intune_graph.retry import CONNECT_TIMEOUT_S, HTTP_TIMEOUT_S, RetryPolicy
from intune_graph.settings import Connection
from intune_graph.tls import ca_bundles, ssl_context
from intune_graph.transport import PooledTransport
from intune_model.address import PROVIDER_VERSION
from intune_model.clouds import known_authority_hosts

GRAPH_API_VERSION = "beta"  # the resource exists only in beta


def open_client(
    conn: Connection,
    retry: RetryPolicy | None = None,
    http: httpx.Client | None = None,
    *,
    other_tenant: bool = False,
) -> GraphClient:
    """Check both URLs (no token is requested for a non-https endpoint), choose the credential, then
    build the client. Tokens are requested for `<graph endpoint>/.default` from this connection's
    authority only, so a token never crosses clouds. The write pacer is shared with every other
    client of the same tenant in this process.

    `http`: another client's connection pool to share (one provider process serving many tenants of
    one cloud); it stays that client's to close. Without it the client gets its own pool.
    `other_tenant`: the tenant is one a resource names, not the provider's own (see `plan_methods`)."""
    graph = check_base_url(conn.graph_endpoint, "graph_endpoint")
    authority = check_base_url(conn.authority_host, "authority_host")
    shared = http is not None
    if http is None:  # a shared pool keeps its TLS context: loading the CA bundle costs ~40 ms of CPU
        context = ssl_context()
        http = httpx.Client(
            verify=context,  # for a proxy from the environment, which httpx reaches with its own transport
            transport=PooledTransport(context, max_connections=32, keepalive_expiry=60.0),
            timeout=httpx.Timeout(HTTP_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=60.0),
            headers={"User-Agent": f"terraform-provider-intune/{PROVIDER_VERSION}"},
        )
    bundles = ca_bundles()
    try:
        methods = plan_methods(
            conn,
            ca_bundle=bundles[0] if bundles else None,
            public_authority=authority in known_authority_hosts(),
            http=http,  # a client secret is exchanged over the same pool
            other_tenant=other_tenant,
        )
    except BaseException:
        if not shared:
            http.close()
        raise
    tokens = CachedToken(
        build_credential(methods),
        f"{graph}/.default",
        tried=[m.name for m in methods],
        hint=HINT,
        rebuild=lambda: build_credential(methods),  # a fresh token cache after a 401
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
    )
    return GraphClient(
        f"{graph}/{GRAPH_API_VERSION}",
        tokens,
        http,
        retry or RetryPolicy(deadline_s=conn.timeout_seconds),
        pacer=shared_pacer(graph, conn.tenant_id or "", conn.write_limit, conn.write_window_seconds),
    )
