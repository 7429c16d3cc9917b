"""The resource's single schema: fields, Graph names, rules and the Graph JSON mapping."""

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

__all__ = [
    "COLLECTION_PATH",
    "FIELDS",
    "FIELDS_BY_GRAPH_NAME",
    "FIELDS_BY_NAME",
    "ODATA_TYPE",
    "REQUIRED_PERMISSION",
    "RESOURCE_NAME",
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

from intune_model.address import (
    PROVIDER_SOURCE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    RESOURCE_TYPE,
)

__all__ += ["PROVIDER_SOURCE", "PROVIDER_TYPE", "PROVIDER_VERSION", "RESOURCE_TYPE"]
