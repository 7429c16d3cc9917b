"""Everything needed to reach one tenant's Graph, as plain data: no httpx, no azure-identity, so
the provider can resolve and check its configuration without loading them."""

from __future__ import annotations

from dataclasses import dataclass, field

from intune_graph.defaults import DEFAULT_DEADLINE_S, DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S
from intune_model.address import DEFAULT_AUTHORITY_HOST, DEFAULT_GRAPH_ENDPOINT


@dataclass(frozen=True)
class Connection:
    """Resolved settings for one tenant. Secrets are excluded from repr so they cannot reach a log.

    Which of the credential fields is used is decided by `intune_graph.credentials.plan_methods`."""

    tenant_id: str | None
    client_id: str | None
    client_secret: str | None = field(default=None, repr=False)
    graph_endpoint: str = DEFAULT_GRAPH_ENDPOINT
    authority_host: str = DEFAULT_AUTHORITY_HOST
    timeout_seconds: float = DEFAULT_DEADLINE_S  # per operation, retries and pacing included
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
