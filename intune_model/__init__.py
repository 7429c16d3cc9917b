"""The resources' descriptions: field kinds (`schema`), one spec per Graph resource (`resources/`),
the list of specs (`registry`), the exception root (`errors`), and a pydantic model derived from a
spec for the consumers that want one (`typed`).

The names below are compatibility aliases onto the derived-credential spec (`intune_model.settings`),
loaded on first use (PEP 562); none of them imports pydantic except `validate_settings` and
`DerivedCredentialSettingsModel`, which load it when called or asked for.
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
    from intune_model.errors import IntuneError
    from intune_model.settings import (
        COLLECTION_PATH,
        FIELDS,
        FIELDS_BY_GRAPH_NAME,
        FIELDS_BY_NAME,
        ODATA_TYPE,
        REQUIRED_PERMISSION,
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
    "RESOURCE_TYPE",
    "DerivedCredentialSettingsModel",
    "FieldSpec",
    "IntuneError",
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
_LAZY = frozenset(__all__) - {"PROVIDER_SOURCE", "PROVIDER_TYPE", "PROVIDER_VERSION", "RESOURCE_TYPE"}


def __getattr__(name: str) -> Any:
    """Load `intune_model.settings` when one of its names is first asked for (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "intune_model.errors" if name == "IntuneError" else "intune_model.settings"
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
