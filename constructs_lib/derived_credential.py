"""`DerivedCredentialSettings`: one Intune derived credential settings object as a CDKTF resource."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import cdktf
from constructs import Construct

from constructs_lib._tokens import create, is_token, struct
from constructs_lib.provider import GENERATOR_METADATA
from constructs_lib.settings_file import load_settings_file
from intune_model import (
    FIELDS,
    FIELDS_BY_NAME,
    Issuer,
    NotificationType,
    SettingsInvalid,
    check_fields,
    state_from_model,
    validate_settings,
)
from intune_model.address import RESOURCE_TYPE

# How each schema kind is written in HCL (`cdktf synth --hcl`): the shape cdktf's renderer reads.
_HCL_SHAPES: dict[str, tuple[str, str]] = {
    "string": ("simple", "string"),
    "number": ("simple", "number"),
    "set_of_string": ("set", "stringList"),
}


class DerivedCredentialSettings(cdktf.TerraformResource):
    """Intune derived credential settings (Graph beta `deviceManagementDerivedCredentialSettings`),
    Terraform resource `intune_derived_credential`.

    Every literal input is checked here, in the constructor, against the project's single schema
    (`intune_model`): all problems are reported at once in one `SettingsInvalid` (a `ValueError`)
    that names each field and what is allowed, and nothing is added to the construct tree. Inputs
    that are CDKTF tokens (a `TerraformVariable`, another resource's attribute, ...) are passed
    through unchecked; the provider validates them at plan time.

    Args:
        scope: The construct (normally a `TerraformStack`) this resource belongs to. The stack
            needs an `IntuneProvider`.
        id: Construct id, unique among its siblings, e.g. ``"purebred"``.
        display_name: Name shown to administrators; must not be blank, e.g.
            ``"Purebred derived credentials"``.
        issuer: Derived credential provider: an `Issuer` member or its Graph string
            (``"intercede"``, ``"entrustDatacard"``, ``"purebred"``, ``"xTec"``), e.g.
            ``Issuer.PUREBRED``.
        help_url: Absolute http(s) URL of the help page the Company Portal shows, e.g.
            ``"https://example.com/help"``. Omitted if None.
        notification_types: How users are told to enrol, a set of `NotificationType` members or
            their strings (``"none"``, ``"companyPortal"``, ``"email"``); order does not matter
            and `none` cannot be combined with the others, e.g.
            ``[NotificationType.COMPANY_PORTAL, NotificationType.EMAIL]``. Omitted if None.
        renewal_threshold_percentage: Whole percentage 0-100 of the credential's validity left
            when renewal starts, e.g. ``20``. Omitted if None.
        provider: The `IntuneProvider` to use, for an aliased provider configuration, e.g.
            ``provider=gov``. Default: the stack's default `intune` provider.
        depends_on: Other resources this one must wait for, e.g. ``[other_settings]``.
        lifecycle: Terraform lifecycle rules, e.g.
            ``cdktf.TerraformResourceLifecycle(prevent_destroy=True)``.

    Raises:
        SettingsInvalid: if any literal input breaks the schema's rules.

    Example::

        IntuneProvider(stack, "intune")
        purebred = DerivedCredentialSettings(
            stack,
            "purebred",
            display_name="Purebred derived credentials",
            issuer=Issuer.PUREBRED,
            help_url="https://example.com/help",
            notification_types=["email", NotificationType.COMPANY_PORTAL],
            renewal_threshold_percentage=20,
        )
        cdktf.TerraformOutput(stack, "purebred_id", value=purebred.id)
    """

    tf_resource_type = RESOURCE_TYPE
    """The Terraform resource type, ``intune_derived_credential``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        display_name: str,
        issuer: Issuer | str,
        help_url: str | None = None,
        notification_types: Iterable[NotificationType | str] | None = None,
        renewal_threshold_percentage: int | float | None = None,
        provider: cdktf.TerraformProvider | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | dict[str, Any] | None = None,
    ) -> None:
        if notification_types is not None and not isinstance(notification_types, str | list):
            notification_types = list(notification_types)  # tuples, sets, generators
        inputs: dict[str, Any] = {
            "display_name": display_name,
            "issuer": issuer,
            "help_url": help_url,
            "notification_types": notification_types,
            "renewal_threshold_percentage": renewal_threshold_percentage,
        }
        self._attributes = _validated_attributes(inputs, subject=f"DerivedCredentialSettings {id!r}")
        if isinstance(lifecycle, dict):
            lifecycle = cdktf.TerraformResourceLifecycle(**lifecycle)
        # Equivalent to super().__init__(scope, id, terraform_resource_type=..., provider=..., ...),
        # without the generated code's per-call type checks: synthesizing thousands of settings
        # stays as fast as with a generated binding.
        config = struct(
            cdktf.TerraformResourceConfig,
            {
                "terraform_resource_type": RESOURCE_TYPE,
                "terraform_generator_metadata": GENERATOR_METADATA,
                "provider": provider,
                "depends_on": list(depends_on) if depends_on is not None else None,
                "lifecycle": lifecycle,
            },
        )
        create(self, scope, id, config)

    # ------------------------------------------------------------------ alternative constructors

    @classmethod
    def from_config(
        cls,
        scope: Construct,
        id: str,
        config: Mapping[str, Any],
        *,
        provider: cdktf.TerraformProvider | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | dict[str, Any] | None = None,
    ) -> DerivedCredentialSettings:
        """One resource from a mapping of its fields under their Terraform names (what a JSON or
        YAML file holds). Unknown keys are reported with the other problems in one `SettingsInvalid`.

        Example::

            DerivedCredentialSettings.from_config(
                stack, "purebred", {"display_name": "Purebred", "issuer": "purebred"}
            )
        """
        subject = f"DerivedCredentialSettings {id!r}"
        if not isinstance(config, Mapping):
            raise SettingsInvalid([("config", f"expected a mapping of fields, got {config!r}")], subject)
        unknown = [k for k in config if k not in FIELDS_BY_NAME]
        if unknown:
            allowed = ", ".join(FIELDS_BY_NAME)
            raise SettingsInvalid(
                [(str(k), f"unknown field; allowed fields: {allowed}") for k in unknown], subject
            )
        if any(config.get(spec.name) is None for spec in FIELDS if spec.required):
            validate_settings(config, subject=subject)  # raises, naming every missing field
        return cls(scope, id, **config, provider=provider, depends_on=depends_on, lifecycle=lifecycle)

    @classmethod
    def from_file(
        cls,
        scope: Construct,
        path: str | Path,
        *,
        stack: str | None = None,
        provider: cdktf.TerraformProvider | None = None,
    ) -> dict[str, DerivedCredentialSettings]:
        """Every entry of a settings file (see `constructs_lib.settings_file`), keyed by entry key.
        Entries with an `import_id` adopt that existing object (a Terraform `import` block).

        Raises:
            SettingsFileError: naming the file and the line of every bad entry, e.g.
                ``settings.json:12: stack 'prod' settings[1] (key 'x'): issuer: 'acme' is not ...``

        Example::

            resources = DerivedCredentialSettings.from_file(stack, "settings.json", stack="prod")
            cdktf.TerraformOutput(stack, "purebred_id", value=resources["purebred"].id)
        """
        out: dict[str, DerivedCredentialSettings] = {}
        for entry in load_settings_file(path, stack=stack):
            resource = cls(scope, entry.key, **entry.arguments, provider=provider)
            if entry.import_id:
                resource.import_from(entry.import_id)
            out[entry.key] = resource
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._attributes.items())
        return f"{type(self).__name__}({self.node.id!r}, {args})"

    # ------------------------------------------------------------------ inputs (read-only)

    @property
    def display_name(self) -> str:
        """The display name (a token string if it was given as one)."""
        return str(self._attributes["display_name"])

    @property
    def issuer(self) -> Issuer | str:
        """The issuer as an `Issuer` member, or the token string it was given as."""
        value = self._attributes["issuer"]
        return value if is_token(value) else Issuer(value)

    @property
    def help_url(self) -> str | None:
        """The help URL, or None if unset."""
        value = self._attributes.get("help_url")
        return None if value is None else str(value)

    @property
    def notification_types(self) -> tuple[NotificationType | str, ...] | None:
        """The notification types sorted by value, or None if unset. Token elements stay strings."""
        value = self._attributes.get("notification_types")
        if value is None:
            return None
        if is_token(value):
            return tuple(value)
        return tuple(NotificationType(v) for v in value)

    @property
    def renewal_threshold_percentage(self) -> int | float | None:
        """The renewal threshold (an int, or a float-encoded number token), or None if unset."""
        value = self._attributes.get("renewal_threshold_percentage")
        return None if value is None else value

    # ------------------------------------------------------------------ attributes (tokens)

    @property
    def id(self) -> str:
        """The Graph id Intune assigns on create: a token that resolves at apply time."""
        return self.get_string_attribute("id")

    # ------------------------------------------------------------------ synthesis

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self._attributes.items():
            kind, storage = _HCL_SHAPES[FIELDS_BY_NAME[name].kind]
            out[name] = {"value": value, "isBlock": False, "type": kind, "storageClassType": storage}
        return out


__all__ = ["DerivedCredentialSettings"]


def _validated_attributes(inputs: dict[str, Any], *, subject: str) -> dict[str, Any]:
    """Terraform attributes (unset omitted) for `inputs`, or `SettingsInvalid` with every problem."""
    tokens = {name for name, value in inputs.items() if is_token(value)}
    if not tokens:
        model = validate_settings(inputs, subject=subject)
        state = state_from_model(model)
        return {spec.name: state[spec.name] for spec in FIELDS if state[spec.name] is not None}

    literal = {name: value for name, value in inputs.items() if name not in tokens}
    problems = check_fields(literal)
    for spec in FIELDS:
        if spec.required and spec.name not in tokens and inputs.get(spec.name) is None:
            allowed = f"; allowed values: {', '.join(spec.allowed)}" if spec.allowed else ""
            problems.append((spec.name, f"is required{allowed}"))
    if problems:
        raise SettingsInvalid(problems, subject)
    out: dict[str, Any] = {}
    for spec in FIELDS:
        value = inputs.get(spec.name)
        if value is None:
            continue
        if spec.name not in tokens:
            value = _normalised(spec.name, value)
        out[spec.name] = value
    return out


def _normalised(name: str, value: Any) -> Any:
    """A checked literal as it is written to Terraform: enums as strings, sets sorted."""
    kind = FIELDS_BY_NAME[name].kind
    if kind == "set_of_string":
        return sorted({str(getattr(v, "value", v)) for v in value})
    if kind == "string":
        return str(getattr(value, "value", value))
    return value
