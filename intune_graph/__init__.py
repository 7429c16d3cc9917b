"""Microsoft Graph access for the provider: connection settings, tokens, retries, errors.

Knows nothing of Terraform or CDKTF, so any host (the provider, a CLI, a test) can use it."""

from intune_graph.client import (
    AmbiguousCreate,
    Cancelled,
    GraphClient,
    NotFound,
    RetryPolicy,
    retry_after_seconds,
)
from intune_graph.connection import Connection, open_client
from intune_graph.endpoint import check_base_url, is_loopback
from intune_graph.errors import AuthenticationFailed, GraphError
from intune_graph.pacing import WritePacer, shared_pacer

__all__ = [
    "AmbiguousCreate",
    "AuthenticationFailed",
    "Cancelled",
    "Connection",
    "GraphClient",
    "GraphError",
    "NotFound",
    "RetryPolicy",
    "WritePacer",
    "check_base_url",
    "is_loopback",
    "open_client",
    "retry_after_seconds",
    "shared_pacer",
]
