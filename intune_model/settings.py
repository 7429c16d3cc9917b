"""The one declaration of `deviceManagementDerivedCredentialSettings`.

Every consumer derives from this module: the construct validates with it, the provider builds its
Terraform schema and `validate` from it, the handler maps state to Graph JSON with it, and the
emulator validates requests with it. A new Graph field is one edit here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ODATA_TYPE = "#microsoft.graph.deviceManagementDerivedCredentialSettings"
COLLECTION_PATH = "/deviceManagement/derivedCredentials"
RESOURCE_NAME = "derived_credential"
REQUIRED_PERMISSION = "DeviceManagementServiceConfig.ReadWrite.All"


class Issuer(enum.StrEnum):
    """Derived credential providers Intune supports (Graph enum `deviceManagementDerivedCredentialIssuer`)."""

    INTERCEDE = "intercede"
    ENTRUST_DATACARD = "entrustDatacard"
    PUREBRED = "purebred"
    X_TEC = "xTec"


class NotificationType(enum.StrEnum):
    """How users are told to enrol (Graph flags enum `deviceManagementDerivedCredentialNotificationType`)."""

    NONE = "none"
    COMPANY_PORTAL = "companyPortal"
    EMAIL = "email"


TfKind = Literal["string", "number", "set_of_string"]


@dataclass(frozen=True)
class FieldSpec:
    """What every consumer needs to know about one user-settable field."""

    name: str  # Terraform attribute and Python keyword
    graph_name: str  # Graph JSON property
    kind: TfKind
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    example: Any = None


class SettingsInvalid(ValueError):
    """Raised with every problem in one input at once; each names the field and what is allowed."""

    def __init__(self, problems: list[tuple[str, str]], subject: str = "DerivedCredentialSettings"):
        self.problems = problems
        self.subject = subject
        lines = "\n".join(f"  - {field}: {message}" for field, message in problems)
        super().__init__(f"invalid {subject}:\n{lines}")


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(values)


ISSUER_VALUES = tuple(m.value for m in Issuer)
NOTIFICATION_VALUES = tuple(m.value for m in NotificationType)


class DerivedCredentialSettingsModel(BaseModel):
    """User-settable fields of the resource, with Graph's rules (and a few of Graph's silent ones)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    display_name: str = Field(
        alias="displayName",
        description="Name shown to administrators. Must not be blank.",
        examples=["Purebred derived credentials"],
    )
    issuer: Issuer = Field(
        description="Derived credential provider.",
        examples=["purebred"],
    )
    help_url: str | None = Field(
        default=None,
        alias="helpUrl",
        description="Absolute http(s) URL of the help page the Company Portal shows.",
        examples=["https://example.com/help"],
    )
    notification_types: frozenset[NotificationType] | None = Field(
        default=None,
        alias="notificationType",
        description="How users are notified to enrol; a set. `none` cannot be combined with others.",
        examples=[["companyPortal", "email"]],
    )
    renewal_threshold_percentage: int | None = Field(
        default=None,
        alias="renewalThresholdPercentage",
        strict=True,
        description="Percentage (0 to 100) of the credential's validity left when renewal starts.",
        examples=[20],
    )

    @field_validator("display_name")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty or blank")
        return v

    @field_validator("issuer", mode="before")
    @classmethod
    def _known_issuer(cls, v: object) -> object:
        if isinstance(v, Issuer):
            return v
        if isinstance(v, str) and v in ISSUER_VALUES:
            return Issuer(v)
        raise ValueError(f"{v!r} is not an issuer; allowed values: {_allowed(ISSUER_VALUES)}")

    @field_validator("help_url")
    @classmethod
    def _absolute_http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not is_absolute_http_url(v):
            raise ValueError(f"{v!r} is not an absolute http(s) URL (for example https://example.com/help)")
        return v

    @field_validator("notification_types", mode="before")
    @classmethod
    def _flags(cls, v: object) -> object:
        if v is None:
            return v
        if isinstance(v, str) or not isinstance(v, Iterable):
            raise ValueError(
                f"expected a list of notification types, got {v!r}; allowed values: "
                f"{_allowed(NOTIFICATION_VALUES)}"
            )
        members: set[NotificationType] = set()
        for item in v:
            if isinstance(item, NotificationType):
                members.add(item)
            elif isinstance(item, str) and item in NOTIFICATION_VALUES:
                members.add(NotificationType(item))
            else:
                raise ValueError(
                    f"{item!r} is not a notification type; allowed values: {_allowed(NOTIFICATION_VALUES)}"
                )
        if NotificationType.NONE in members and len(members) > 1:
            raise ValueError("'none' cannot be combined with other notification types")
        return frozenset(members)

    @field_validator("renewal_threshold_percentage", mode="before")
    @classmethod
    def _whole_percentage(cls, v: object) -> object:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 100:
            raise ValueError(f"{v!r} is not allowed; must be a whole number from 0 to 100")
        return v


def is_absolute_http_url(value: str) -> bool:
    """True for `http://host/...` or `https://host/...` with no whitespace."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _kind_of(name: str) -> TfKind:
    return {
        "notification_types": "set_of_string",
        "renewal_threshold_percentage": "number",
    }.get(name, "string")  # type: ignore[return-value]


def _allowed_of(name: str) -> tuple[str, ...]:
    return {"issuer": ISSUER_VALUES, "notification_types": NOTIFICATION_VALUES}.get(name, ())


FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(
        name=name,
        graph_name=info.alias or name,
        kind=_kind_of(name),
        required=info.is_required(),
        description=info.description or "",
        allowed=_allowed_of(name),
        example=(info.examples or [None])[0],
    )
    for name, info in DerivedCredentialSettingsModel.model_fields.items()
)
FIELDS_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
FIELDS_BY_GRAPH_NAME: dict[str, FieldSpec] = {f.graph_name: f for f in FIELDS}


def validate_settings(
    values: Mapping[str, Any], *, subject: str = "DerivedCredentialSettings", by_graph_name: bool = False
) -> DerivedCredentialSettingsModel:
    """Validate user input (Python/Terraform names, or Graph names) and raise one `SettingsInvalid`."""
    try:
        if by_graph_name:
            return DerivedCredentialSettingsModel.model_validate(dict(values), by_alias=True)
        return DerivedCredentialSettingsModel.model_validate(dict(values), by_name=True, by_alias=False)
    except ValidationError as exc:
        raise SettingsInvalid(_problems(exc, by_graph_name), subject) from None


def check_fields(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Validate only the fields present (None and absent are skipped): for partial input like a PATCH
    or a Terraform config with unknown values. Returns (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    present: dict[str, Any] = {}
    for name, value in values.items():
        if name not in FIELDS_BY_NAME:
            problems.append((name, f"unknown field; allowed fields: {_allowed(FIELDS_BY_NAME)}"))
        elif value is not None:
            present[name] = value
    # Stand-ins for absent required fields let one validation pass report only on what is present.
    trial = {**_PLACEHOLDERS, **present}
    try:
        DerivedCredentialSettingsModel.model_validate(trial, by_name=True, by_alias=False)
    except ValidationError as exc:
        problems.extend(p for p in _problems(exc, by_graph_name=False) if p[0] in present)
    return problems


_PLACEHOLDERS: dict[str, Any] = {"display_name": "placeholder", "issuer": Issuer.PUREBRED}


def _problems(exc: ValidationError, by_graph_name: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        raw = str(loc[0]) if loc else "?"
        spec = FIELDS_BY_GRAPH_NAME.get(raw) or FIELDS_BY_NAME.get(raw)
        field = (spec.graph_name if by_graph_name else spec.name) if spec else raw
        out.append((field, _message(err, spec)))
    return out


def _message(err: Any, spec: FieldSpec | None) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required" + (
            f"; allowed values: {_allowed(spec.allowed)}" if spec and spec.allowed else ""
        )
    if kind == "extra_forbidden":
        return f"unknown field; allowed fields: {_allowed(f.name for f in FIELDS)}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if spec is not None and spec.kind == "string":
        return f"{err['input']!r} is not a string"
    return str(err["msg"])


# ----------------------------------------------------------------------------- Graph mapping
#
# State is a plain dict keyed by Terraform attribute names. Values: str, int, list[str] (the set),
# or None (not managed). The mapping is lenient on the way in (a value Graph adds later must not
# crash a read) and exact on the way out.


def notification_flags(types: Iterable[str]) -> str:
    """Graph's flags string in declaration order; the empty set is `none`."""
    chosen = {str(t) for t in types} - {NotificationType.NONE.value}
    ordered = [v for v in NOTIFICATION_VALUES if v in chosen] + sorted(chosen - set(NOTIFICATION_VALUES))
    return ",".join(ordered) or NotificationType.NONE.value


def parse_notification_flags(flags: str | None) -> list[str]:
    """Graph's flags string as a sorted list; `none` alone stays `["none"]`."""
    if flags is None:
        return []
    parts = {p.strip() for p in flags.split(",") if p.strip()}
    return sorted(parts) or [NotificationType.NONE.value]


def same_notification_set(a: Iterable[str] | None, b: Iterable[str] | None) -> bool:
    """Sets compare without order, and `none` equals the empty set."""

    def norm(x: Iterable[str] | None) -> frozenset[str]:
        return frozenset(str(v) for v in (x or ())) - {NotificationType.NONE.value}

    return norm(a) == norm(b)


def to_graph(state: Mapping[str, Any], *, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Graph JSON body for the fields set in `state` (or for `only`, which may carry nulls to clear)."""
    body: dict[str, Any] = {"@odata.type": ODATA_TYPE}
    names = list(only) if only is not None else [f.name for f in FIELDS if state.get(f.name) is not None]
    for name in names:
        spec = FIELDS_BY_NAME[name]
        value = state.get(name)
        if value is None:
            if spec.required or name in SERVER_DEFAULTS:
                continue  # non-nullable on Graph: leaving it alone is the only honest "unset"
            body[spec.graph_name] = None
        elif spec.kind == "set_of_string":
            body[spec.graph_name] = notification_flags(value)
        elif spec.kind == "number":
            body[spec.graph_name] = int(value)
        else:
            body[spec.graph_name] = str(value)
    return body


def from_graph(body: Mapping[str, Any]) -> dict[str, Any]:
    """Terraform-named values of every field Graph returned (id included)."""
    state: dict[str, Any] = {"id": body.get("id")}
    for spec in FIELDS:
        raw = body.get(spec.graph_name)
        if raw is None:
            state[spec.name] = None
        elif spec.kind == "set_of_string":
            state[spec.name] = parse_notification_flags(str(raw))
        elif spec.kind == "number":
            state[spec.name] = int(raw)
        else:
            state[spec.name] = str(raw)
    return state


# Values Graph reports for fields nobody set. A field holding its default is treated as unmanaged on
# import, so importing never invents a diff for a field the configuration leaves out.
SERVER_DEFAULTS: dict[str, Any] = {
    "notification_types": [NotificationType.NONE.value],
    "renewal_threshold_percentage": 0,
}


def is_server_default(name: str, value: Any) -> bool:
    if value is None:
        return True
    if name not in SERVER_DEFAULTS:
        return False
    if FIELDS_BY_NAME[name].kind == "set_of_string":
        return same_notification_set(value, SERVER_DEFAULTS[name])
    return bool(value == SERVER_DEFAULTS[name])


def same_value(name: str, a: Any, b: Any) -> bool:
    """Semantic equality used for drift: sets ignore order and `none` equals the empty set."""
    if FIELDS_BY_NAME[name].kind == "set_of_string":
        if a is None or b is None:
            return a is b
        return same_notification_set(a, b)
    return bool(a == b)


def state_from_model(model: DerivedCredentialSettingsModel) -> dict[str, Any]:
    """Terraform-named plain values (sets as sorted lists) of a validated model."""
    out: dict[str, Any] = {}
    for spec in FIELDS:
        value = getattr(model, spec.name)
        if value is None:
            out[spec.name] = None
        elif spec.kind == "set_of_string":
            out[spec.name] = sorted(str(v) for v in value)
        elif isinstance(value, enum.Enum):
            out[spec.name] = str(value.value)
        else:
            out[spec.name] = value
    return out


def check_graph_body(body: Mapping[str, Any], *, partial: bool) -> list[tuple[str, str]]:
    """Problems in a Graph request body (Graph names; the flags enum as a string), as Graph would
    judge a POST (`partial=False`) or a PATCH (`partial=True`). `@odata.type` and `id` are ignored."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, raw in body.items():
        if key in ("@odata.type", "id"):
            continue
        spec = FIELDS_BY_GRAPH_NAME.get(key)
        if spec is None:
            problems.append((key, f"unknown property; allowed: {_allowed(FIELDS_BY_GRAPH_NAME)}"))
            continue
        if raw is None and spec.required:
            problems.append((key, "is required and cannot be null"))
            continue
        if spec.kind == "set_of_string" and isinstance(raw, str):
            raw = [p.strip() for p in raw.split(",") if p.strip()]
        values[spec.name] = raw
    if partial:
        named = check_fields(values)
    else:
        try:
            validate_settings(values)
            named = []
        except SettingsInvalid as exc:
            named = exc.problems
    problems.extend((FIELDS_BY_NAME[n].graph_name if n in FIELDS_BY_NAME else n, m) for n, m in named)
    return problems
