"""`DerivedCredentialSettings`: one Intune derived credential settings object as a CDKTF resource,
with the surface of a generated binding (meta-arguments, token getters, `*_input`, setters,
`reset_*`, `TF_RESOURCE_TYPE`, import and move) derived from the schema's field list, plus
construct-time validation of every literal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from constructs import Construct

from constructs_lib._binding import Attribute, Importable, install, meta_of, set_input, start
from constructs_lib._tenant import TENANT, TENANT_ATTRIBUTE, tenant_problems
from constructs_lib._tokens import is_token
from constructs_lib.engine import cdk
from constructs_lib.settings_file import load_settings_file
from intune_model.address import PROVIDER_TYPE, RESOURCE_TYPE
from intune_model.errors import SettingsInvalid
from intune_model.resources.derived_credential import SPEC, Issuer, NotificationType

ATTRIBUTES: tuple[Attribute, ...] = (
    *(Attribute(f.name, f.tf_type, input=True, required=f.required) for f in SPEC.fields),
    TENANT_ATTRIBUTE,
    Attribute("id", "string", computed=True),
)
"""The resource's attributes: every field of the spec as an input (its Terraform type, whether it is
required), the tenant the object lives in (optional; the provider's by default), and the Graph id
Intune assigns."""


class DerivedCredentialSettings(Importable, cdk.TerraformResource):
    """Intune derived credential settings (Graph beta `deviceManagementDerivedCredentialSettings`),
    Terraform resource `intune_derived_credential`.

    Every literal input is checked here, in the constructor (and in each setter), against the
    project's single schema (`intune_model`): all problems are reported at once in one
    `SettingsInvalid` (a `ValueError`) that names each field and what is allowed, and nothing is
    added to the construct tree. Inputs that are tokens (a `TerraformVariable`, another resource's
    attribute, an iterator's value, an `Fn` call, ...) pass through unchecked; the provider
    validates them at plan time.

    As with a generated binding, each attribute's property (``settings.display_name``) is a token
    referencing it: use it in another construct or an output and Terraform orders the two. What was
    set is ``settings.display_name_input``; setting ``settings.help_url = ...`` changes an input and
    ``settings.reset_help_url()`` unsets an optional one.

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
        tenant_id: The tenant the object lives in (directory id or domain), e.g.
            ``"contoso.onmicrosoft.com"`` or an iterator's ``it.value``: one `IntuneProvider` (one
            multi-tenant app consented in each tenant) then serves many tenants. Default: the
            provider's tenant. Changing it replaces the object.
        connection: Connection for the provisioners, e.g. ``cdktf.SSHProvisionerConnection(...)``.
        count: How many copies: a number or a ``cdktf.TerraformCount`` (its ``index`` is a token),
            e.g. ``count=cdktf.TerraformCount.of(2)``. Not with `for_each`.
        depends_on: Other resources this one must wait for, e.g. ``[other_settings]``.
        for_each: One copy per element of a ``cdktf.TerraformIterator``, e.g.
            ``TerraformIterator.from_list(["a", "b"])``; use ``it.value`` in the other arguments.
        lifecycle: Terraform lifecycle rules, e.g.
            ``cdktf.TerraformResourceLifecycle(prevent_destroy=True)`` (or the same as a dict).
        provider: The `IntuneProvider` to use, for an aliased provider configuration, e.g.
            ``provider=gov``. Default: the stack's default `intune` provider.
        provisioners: Provisioners to run, e.g. ``[cdktf.LocalExecProvisioner(...)]``.

    Raises:
        SettingsInvalid: if any literal input breaks the schema's rules.
        TypeError: if `count` or `for_each` has the wrong type.

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

        it = cdktf.TerraformIterator.from_list(["a", "b"])
        DerivedCredentialSettings(stack, "per_team", for_each=it,
                                  display_name=cdktf.Fn.format("DC %s", [it.value]), issuer="purebred")
    """

    TF_RESOURCE_TYPE = RESOURCE_TYPE
    """The Terraform resource type, ``intune_derived_credential``."""

    if TYPE_CHECKING:  # what `install` adds below, for type checkers (tests check the two agree)
        display_name: str
        display_name_input: str | None
        issuer: str
        issuer_input: str | None
        help_url: str
        help_url_input: str | None
        notification_types: list[str]
        notification_types_input: list[str] | None
        renewal_threshold_percentage: float
        renewal_threshold_percentage_input: float | None
        tenant_id: str
        tenant_id_input: str | None

        @property
        def id(self) -> str: ...
        def reset_help_url(self) -> None: ...
        def reset_notification_types(self) -> None: ...
        def reset_renewal_threshold_percentage(self) -> None: ...
        def reset_tenant_id(self) -> None: ...

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
        tenant_id: str | None = None,
        connection: cdk.SSHProvisionerConnection | cdk.WinrmProvisionerConnection | None = None,
        count: int | float | cdk.TerraformCount | None = None,
        depends_on: Sequence[cdk.ITerraformDependable] | None = None,
        for_each: cdk.ITerraformIterator | None = None,
        lifecycle: cdk.TerraformResourceLifecycle | Mapping[str, Any] | None = None,
        provider: cdk.TerraformProvider | None = None,
        provisioners: Sequence[cdk.FileProvisioner | cdk.LocalExecProvisioner | cdk.RemoteExecProvisioner]
        | None = None,
    ) -> None:
        arguments = locals()  # the keywords above: the spec's fields, then tenant_id (test_layout.py)
        subject = f"DerivedCredentialSettings {id!r}"
        inputs = {f.name: _coerced(f.name, arguments[f.name]) for f in SPEC.fields}
        wrong_tenant = tenant_problems(tenant_id)
        try:
            self._inputs = _validated_attributes(inputs, subject=subject)
        except SettingsInvalid as invalid:  # every problem at once, the tenant's included
            raise SettingsInvalid(invalid.problems + wrong_tenant, subject) from None
        if wrong_tenant:
            raise SettingsInvalid(wrong_tenant, subject)
        if tenant_id is not None:
            self._inputs[TENANT] = tenant_id
        start(self, scope, id, subject, meta_of(arguments))

    # ------------------------------------------------------------------ alternative constructors

    @classmethod
    def from_config(
        cls,
        scope: Construct,
        id: str,
        config: Mapping[str, Any],
        **meta: Any,
    ) -> DerivedCredentialSettings:
        """One resource from a mapping of its fields under their Terraform names (what a JSON or
        YAML file holds); meta-arguments (`provider`, `count`, `for_each`, ...) as keywords.
        Unknown keys are reported with the other problems in one `SettingsInvalid`.

        Example::

            DerivedCredentialSettings.from_config(
                stack, "purebred", {"display_name": "Purebred", "issuer": "purebred"}
            )
        """
        subject = f"DerivedCredentialSettings {id!r}"
        if not isinstance(config, Mapping):
            raise SettingsInvalid([("config", f"expected a mapping of fields, got {config!r}")], subject)
        unknown = [k for k in config if k not in SPEC.by_name and k != TENANT]
        if unknown:
            allowed = ", ".join([*SPEC.by_name, TENANT])
            raise SettingsInvalid(
                [(str(k), f"unknown field; allowed fields: {allowed}") for k in unknown], subject
            )
        if any(config.get(f.name) is None for f in SPEC.fields if f.required):
            fields = {k: v for k, v in config.items() if k != TENANT}
            _validated(fields, subject)  # raises, naming every missing field
        return cls(scope, id, **config, **meta)

    @classmethod
    def from_file(
        cls,
        scope: Construct,
        path: str | Path,
        *,
        stack: str | None = None,
        provider: cdk.TerraformProvider | None = None,
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
            if entry.import_address:
                resource.import_from(entry.import_address)
            out[entry.key] = resource
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._inputs.items())
        return f"{type(self).__name__}({self.node.id!r}, {args})"

    def _set_input(self, name: str, value: Any) -> None:
        """Check one input (literals against the schema, tokens unchecked) and set it."""
        subject = f"DerivedCredentialSettings {self.node.id!r}"
        if name == TENANT:
            if tenant_problems(value):
                raise SettingsInvalid(tenant_problems(value), subject)
            if value is None:
                self._inputs.pop(name, None)
            else:
                self._inputs[name] = value
            set_input(self, name, value)
            return
        spec = SPEC.by_name[name]
        value = _coerced(name, value)
        if value is None:
            if spec.required:
                raise SettingsInvalid([(name, "is required and cannot be reset")], subject)
            self._inputs.pop(name, None)
        elif is_token(value):
            self._inputs[name] = value
        else:
            problems = SPEC.problems({name: value}, partial=True)
            if problems:
                raise SettingsInvalid(problems, subject)
            self._inputs[name] = value = _normalised(name, value)
        set_input(self, name, value)


install(DerivedCredentialSettings, ATTRIBUTES, provider=PROVIDER_TYPE)


__all__ = ["ATTRIBUTES", "DerivedCredentialSettings"]


def _validated_attributes(inputs: dict[str, Any], *, subject: str) -> dict[str, Any]:
    """Terraform attributes (unset omitted) for `inputs`, or `SettingsInvalid` with every problem."""
    tokens = {name for name, value in inputs.items() if is_token(value)}
    if not tokens:
        state = _validated(inputs, subject)
        return {f.name: state[f.name] for f in SPEC.fields if state[f.name] is not None}

    literal = {name: value for name, value in inputs.items() if name not in tokens}
    problems = SPEC.problems(literal, partial=True)
    for f in SPEC.fields:
        if f.required and f.name not in tokens and inputs.get(f.name) is None:
            allowed = f"; allowed values: {', '.join(f.allowed)}" if f.allowed else ""
            problems.append((f.name, f"is required{allowed}"))
    if problems:
        raise SettingsInvalid(problems, subject)
    out: dict[str, Any] = {}
    for f in SPEC.fields:
        value = inputs.get(f.name)
        if value is None:
            continue
        if f.name not in tokens:
            value = _normalised(f.name, value)
        out[f.name] = value
    return out


def _normalised(name: str, value: Any) -> Any:
    """A checked literal as it is written to Terraform: enums as strings, sets sorted."""
    kind = SPEC.by_name[name].tf_type
    if kind == "set_of_string":
        return sorted({str(getattr(v, "value", v)) for v in value})
    if kind == "string":
        return str(getattr(value, "value", value))
    return value


def _coerced(name: str, value: Any) -> Any:
    """Sets given as tuples, sets or generators become lists (what jsii and the checks take)."""
    kind = SPEC.by_name[name].tf_type
    if kind == "set_of_string" and not isinstance(value, str | list | None) and isinstance(value, Iterable):
        return list(value)
    return value


def _validated(values: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """The spec's plain state of `values`, or `SettingsInvalid` naming every problem (pydantic is
    loaded here, on first use, not when the module is imported)."""
    from intune_model.typed import state_from_model, validate_model

    return state_from_model(validate_model(SPEC, values, subject=subject))
