"""Compatibility names onto the derived-credential spec (`intune_model.resources.derived_credential`).

Kept so code written against the one-resource layout keeps working while it moves to the specs:
new code takes a `ResourceSpec` (from `intune_model.registry`) instead. `validate_settings` and
`DerivedCredentialSettingsModel` load pydantic (`intune_model.typed`); everything else is plain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from intune_model.errors import SettingsInvalid as SettingsInvalid
from intune_model.resources.derived_credential import ISSUER_VALUES as ISSUER_VALUES
from intune_model.resources.derived_credential import NOTIFICATION_VALUES as NOTIFICATION_VALUES
from intune_model.resources.derived_credential import SPEC
from intune_model.resources.derived_credential import Issuer as Issuer
from intune_model.resources.derived_credential import NotificationType as NotificationType
from intune_model.schema import TfType
from intune_model.schema import is_absolute_http_url as is_absolute_http_url

if TYPE_CHECKING:
    from intune_model.typed import SpecModel


ODATA_TYPE = SPEC.odata_type
COLLECTION_PATH = SPEC.collection_path
REQUIRED_PERMISSION = SPEC.permission


@dataclass(frozen=True)
class FieldSpec:
    """The one-resource view of a field: `kind` is its Terraform type."""

    name: str
    graph_name: str
    kind: TfType
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    example: Any = None


FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(f.name, f.graph_name, f.tf_type, f.required, f.description, f.allowed, f.example)
    for f in SPEC.fields
)
FIELDS_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
FIELDS_BY_GRAPH_NAME: dict[str, FieldSpec] = {f.graph_name: f for f in FIELDS}
SERVER_DEFAULTS: dict[str, Any] = SPEC.server_defaults
_FLAGS = next(f.kind for f in SPEC.fields if f.tf_type == "set_of_string")


def validate_settings(
    values: Mapping[str, Any], *, subject: str | None = None, by_graph_name: bool = False
) -> SpecModel:
    """Validate user input (Python/Terraform names, or Graph names) and raise one `SettingsInvalid`."""
    from intune_model.typed import validate_model

    return validate_model(SPEC, values, subject=subject, by_graph_name=by_graph_name)


def state_from_model(model: Any) -> dict[str, Any]:
    from intune_model.typed import state_from_model as plain_state

    return plain_state(model)


def check_fields(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems in the fields present (None and absent skipped), as (field, message) pairs."""
    return SPEC.problems(values, partial=True)


def check_graph_body(body: Mapping[str, Any], *, partial: bool) -> list[tuple[str, str]]:
    return SPEC.check_graph_body(body, partial=partial)


def to_graph(state: Mapping[str, Any], *, only: Iterable[str] | None = None) -> dict[str, Any]:
    return SPEC.to_graph(state, only=only)


def from_graph(body: Mapping[str, Any]) -> dict[str, Any]:
    return SPEC.from_graph(body)


def is_server_default(name: str, value: Any) -> bool:
    return SPEC.is_server_default(name, value)


def same_value(name: str, a: Any, b: Any) -> bool:
    return SPEC.same_value(name, a, b)


def notification_flags(types: Iterable[str]) -> str:
    """Graph's flags string in declaration order; the empty set is `none`."""
    return str(_FLAGS.to_graph(types))


def parse_notification_flags(flags: str | None) -> list[str]:
    """Graph's flags string as a sorted list; `none` alone stays `["none"]`."""
    return [] if flags is None else list(_FLAGS.from_graph(flags))


def __getattr__(name: str) -> Any:
    if name == "DerivedCredentialSettingsModel":
        from intune_model.typed import model_for

        return model_for(SPEC)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
