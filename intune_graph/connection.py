"""Everything needed to reach one tenant's Graph, and the one place a client is built from it."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from intune_graph.auth import client_secret_source
from intune_graph.client import GraphClient, RetryPolicy
from intune_graph.endpoint import check_base_url
from intune_graph.pacing import DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S, shared_pacer
from intune_graph.tls import ca_bundles, ssl_context
from intune_model.address import DEFAULT_AUTHORITY_HOST, PROVIDER_VERSION

GRAPH_API_VERSION = "beta"  # the resource exists only in beta


@dataclass(frozen=True)
class Connection:
    """Resolved settings for one tenant. The secret is excluded from repr so it cannot reach a log."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    graph_endpoint: str
    authority_host: str = DEFAULT_AUTHORITY_HOST
    timeout_seconds: float = RetryPolicy.deadline_s  # per operation, retries and pacing included
    write_limit: float = DEFAULT_WRITE_LIMIT  # writes allowed per `write_window_seconds`
    write_window_seconds: float = DEFAULT_WRITE_WINDOW_S


def open_client(conn: Connection, retry: RetryPolicy | None = None) -> GraphClient:
    """Check both URLs (no token is requested for a non-https endpoint), then build the client.
    Its write pacer is shared with every other client of the same tenant in this process."""
    graph = check_base_url(conn.graph_endpoint, "graph_endpoint")
    authority = check_base_url(conn.authority_host, "authority_host")
    bundles = ca_bundles()
    tokens = client_secret_source(
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
        client_secret=conn.client_secret,
        authority_host=authority,
        graph_endpoint=graph,
        public_authority=authority == DEFAULT_AUTHORITY_HOST,
        ca_bundle=bundles[0] if bundles else None,
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
        pacer=shared_pacer(graph, conn.tenant_id, conn.write_limit, conn.write_window_seconds),
    )
