"""Microsoft Graph access for the provider: connection settings, tokens, retries, errors.

Knows nothing of Terraform or CDKTF, so any host (the provider, a CLI, a test) can use it.

Names are loaded from their modules on first use (PEP 562): `intune_graph.endpoint` and
`intune_graph.errors` are cheap, while the client pulls in httpx and the token source azure-identity,
so a process that never calls Graph (the provider up to its handshake, `terraform validate`) never
imports them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intune_graph.client import (
        AmbiguousCreate,
        Cancelled,
        GraphClient,
        NotFound,
    )
    from intune_graph.connection import open_client
    from intune_graph.endpoint import check_base_url, is_loopback
    from intune_graph.errors import AuthenticationFailed, GraphError
    from intune_graph.pacing import WritePacer, shared_pacer
    from intune_graph.retry import CertificateNotTrusted, RetryPolicy, retry_after_seconds
    from intune_graph.settings import Connection

_WHERE = {
    "AmbiguousCreate": "client",
    "NotFound": "client",
    "WritePacer": "pacing",
    "shared_pacer": "pacing",
    "Cancelled": "client",
    "GraphClient": "client",
    "RetryPolicy": "retry",
    "retry_after_seconds": "retry",
    "CertificateNotTrusted": "retry",
    "Connection": "settings",
    "open_client": "connection",
    "check_base_url": "endpoint",
    "is_loopback": "endpoint",
    "AuthenticationFailed": "errors",
    "GraphError": "errors",
}

__all__ = [
    "AmbiguousCreate",
    "AuthenticationFailed",
    "Cancelled",
    "CertificateNotTrusted",
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


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"intune_graph.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
