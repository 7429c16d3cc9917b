"""The resources' descriptions: field kinds (`schema`), one spec per Graph resource (`resources/`),
the list of specs (`registry`), the exception root (`errors`), the provider arguments (`arguments`),
and a pydantic model derived from a spec for the consumers that want one (`typed`).

The names below are compatibility aliases onto the derived-credential spec (`intune_model.settings`).
None of them imports pydantic except `validate_settings` (when called) and
`DerivedCredentialSettingsModel` (when first asked for, PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intune_model.address import (
    PROVIDER_SOURCE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    RESOURCE_TYPE,
)
from intune_model.errors import IntuneError
from intune_model.settings import (
    COLLECTION_PATH,
    FIELDS,
    FIELDS_BY_GRAPH_NAME,
    FIELDS_BY_NAME,
    ODATA_TYPE,
    REQUIRED_PERMISSION,
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

if TYPE_CHECKING:
    from intune_model.settings import DerivedCredentialSettingsModel

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


def __getattr__(name: str) -> Any:
    """`DerivedCredentialSettingsModel` is built (with pydantic) on first use."""
    if name == "DerivedCredentialSettingsModel":
        from intune_model.resources.derived_credential import SPEC
        from intune_model.typed import model_for

        model = model_for(SPEC)
        globals()[name] = model
        return model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
