"""The resource's single schema: fields, Graph names, rules and the Graph JSON mapping.

`intune_model.address` (names and environment variables) is plain constants; everything else lives
in `intune_model.settings`, which builds a pydantic model, and is loaded on first use of one of its
names, so a process that only needs the addresses (the provider up to its handshake, the installer)
never pays for pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from intune_model.address import (
    PROVIDER_SOURCE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    RESOURCE_TYPE,
)

if TYPE_CHECKING:
    from intune_model.settings import (
        COLLECTION_PATH,
        FIELDS,
        FIELDS_BY_GRAPH_NAME,
        FIELDS_BY_NAME,
        ODATA_TYPE,
        REQUIRED_PERMISSION,
        RESOURCE_NAME,
        DerivedCredentialSettingsModel,
        FieldSpec,
        Issuer,
        NotificationType,
        SettingsInvalid,
        check_fields,
        check_graph_body,
        from_graph,
        is_server_default,
        notification_flags,
        parse_notification_flags,
        same_value,
        state_from_model,
        to_graph,
        validate_settings,
    )

_EAGER = ("PROVIDER_SOURCE", "PROVIDER_TYPE", "PROVIDER_VERSION", "RESOURCE_TYPE")

__all__ = [
    "COLLECTION_PATH",
    "FIELDS",
    "FIELDS_BY_GRAPH_NAME",
    "FIELDS_BY_NAME",
    "ODATA_TYPE",
    "PROVIDER_SOURCE",
    "PROVIDER_TYPE",
    "PROVIDER_VERSION",
    "REQUIRED_PERMISSION",
    "RESOURCE_NAME",
    "RESOURCE_TYPE",
    "DerivedCredentialSettingsModel",
    "FieldSpec",
    "Issuer",
    "NotificationType",
    "SettingsInvalid",
    "check_fields",
    "check_graph_body",
    "from_graph",
    "is_server_default",
    "notification_flags",
    "parse_notification_flags",
    "same_value",
    "state_from_model",
    "to_graph",
    "validate_settings",
]


def __getattr__(name: str) -> Any:
    """Load `intune_model.settings` when one of its names is first asked for (PEP 562)."""
    if name not in __all__ or name in _EAGER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("intune_model.settings"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
