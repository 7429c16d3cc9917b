"""Data sources `intune_derived_credential` (one object) and `intune_derived_credentials` (all of them),
hand-written with the surface and naming of generated bindings (see `constructs_lib._binding`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from constructs import Construct

from constructs_lib._binding import Attribute, Importable, install, meta_of, set_input, start
from constructs_lib._tenant import TENANT, TENANT_ATTRIBUTE, tenant_problems
from constructs_lib._tokens import is_token
from constructs_lib.engine import cdk
from intune_model.address import PROVIDER_TYPE
from intune_model.errors import SettingsInvalid
from intune_model.resources.derived_credential import SPEC, Issuer

ONE_TYPE = f"{PROVIDER_TYPE}_{SPEC.name}"
ALL_TYPE = f"{PROVIDER_TYPE}_{SPEC.plural}"
LOOKUP = SPEC.lookup_field
"""What `intune_derived_credential` finds an object by, besides `id` (the display name)."""
(FILTER,) = SPEC.list_filters
"""What `intune_derived_credentials` may filter on (the issuer)."""

ONE_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("id", "string", input=True, computed=True),
    Attribute(LOOKUP, SPEC.by_name[LOOKUP].tf_type, input=True, computed=True),
    TENANT_ATTRIBUTE,
    *(Attribute(f.name, f.tf_type, computed=True) for f in SPEC.fields if f.name != LOOKUP),
)
"""`intune_derived_credential`: looked up by `id` or the lookup field, in the provider's tenant or
the one `tenant_id` names; every field read back."""

ALL_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(FILTER, SPEC.by_name[FILTER].tf_type, input=True),
    TENANT_ATTRIBUTE,
    Attribute("id", "string", computed=True),
    Attribute("ids", "list_of_string", computed=True),
    Attribute(SPEC.plural, "list_of_object", computed=True),
)
"""`intune_derived_credentials`: an optional filter; the ids and objects found."""

Provisioners = Sequence[cdk.FileProvisioner | cdk.LocalExecProvisioner | cdk.RemoteExecProvisioner]
Connection = cdk.SSHProvisionerConnection | cdk.WinrmProvisionerConnection


def _issuer_value(issuer: Any, subject: str) -> Any:
    if isinstance(issuer, Issuer) or is_token(issuer):
        return str(issuer) if isinstance(issuer, Issuer) else issuer
    problem = SPEC.by_name[FILTER].kind.check(issuer)  # the resource's rule, "did you mean" included
    if problem is None:
        return str(issuer)
    raise SettingsInvalid([(FILTER, problem)], subject)


def _tenant_value(value: Any, subject: str) -> Any:
    problems = tenant_problems(value)
    if problems:
        raise SettingsInvalid(problems, subject)
    return value


def _lookup_value(name: str, value: Any, subject: str) -> Any:
    if not is_token(value) and (not isinstance(value, str) or not value.strip()):
        raise SettingsInvalid([(name, f"{value!r} must be a non-blank string")], subject)
    return value


class DataIntuneDerivedCredential(Importable, cdk.TerraformDataSource):
    """Reads one existing derived credential settings object, Terraform data source
    `intune_derived_credential`, by its Graph id or by its exact display name.

    Exactly one of `id` and `display_name` is given. At plan time the provider fails with a clear
    message when no object matches, or when several share the display name (it lists their ids).
    As in a generated binding, the construct id is `id_` because the data source has an `id`
    argument, and every attribute's property is a token (``portal.issuer``).

    Args:
        scope: The stack (it needs an `IntuneProvider`).
        id_: Construct id, e.g. ``"portal"``.
        id: Graph id of the object, e.g. ``"4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a"`` or
            ``settings.id``.
        display_name: Exact (case-sensitive) display name, e.g. ``"Purebred derived credentials"``.
        tenant_id: The tenant to look in (directory id or domain), e.g.
            ``"contoso.onmicrosoft.com"``. Default: the provider's tenant.
        connection, count, depends_on, for_each, lifecycle, provider, provisioners: Terraform's
            meta-arguments, as on `DerivedCredentialSettings`; e.g. ``provider=gov``, or
            ``depends_on=[settings]`` to read an object this stack creates.

    Raises:
        SettingsInvalid: when both or neither of `id` and `display_name` are given, or one is blank.

    Example::

        portal = DataIntuneDerivedCredential(stack, "portal", display_name="Set up in the portal")
        cdktf.TerraformOutput(stack, "portal_issuer", value=portal.issuer)
    """

    TF_RESOURCE_TYPE = ONE_TYPE
    """The Terraform data source type, ``intune_derived_credential``."""

    if TYPE_CHECKING:  # what `install` adds below, for type checkers
        id: str
        id_input: str | None
        display_name: str
        display_name_input: str | None
        tenant_id: str
        tenant_id_input: str | None

        @property
        def issuer(self) -> str: ...
        @property
        def help_url(self) -> str: ...
        @property
        def notification_types(self) -> list[str]: ...
        @property
        def renewal_threshold_percentage(self) -> float: ...
        def reset_id(self) -> None: ...
        def reset_display_name(self) -> None: ...
        def reset_tenant_id(self) -> None: ...

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        id: str | None = None,
        display_name: str | None = None,
        tenant_id: str | None = None,
        connection: Connection | None = None,
        count: int | float | cdk.TerraformCount | None = None,
        depends_on: Sequence[cdk.ITerraformDependable] | None = None,
        for_each: cdk.ITerraformIterator | None = None,
        lifecycle: cdk.TerraformResourceLifecycle | Mapping[str, Any] | None = None,
        provider: cdk.TerraformProvider | None = None,
        provisioners: Provisioners | None = None,
    ) -> None:
        subject = f"DataIntuneDerivedCredential {id_!r}"
        chosen = {k: v for k, v in {"id": id, LOOKUP: display_name}.items() if v is not None}
        if len(chosen) != 1:
            raise SettingsInvalid(
                [("id", "give exactly one of id (the Graph id) and display_name (the exact name)")], subject
            )
        self._inputs: dict[str, Any] = {k: _lookup_value(k, v, subject) for k, v in chosen.items()}
        if tenant_id is not None:
            self._inputs[TENANT] = _tenant_value(tenant_id, subject)
        start(self, scope, id_, subject, meta_of(locals()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._inputs.items())
        return f"{type(self).__name__}({self.node.id!r}, {args})"

    def _set_input(self, name: str, value: Any) -> None:
        subject = f"DataIntuneDerivedCredential {self.node.id!r}"
        if value is None:
            self._inputs.pop(name, None)
        elif name == TENANT:
            self._inputs[name] = _tenant_value(value, subject)
        else:
            self._inputs[name] = _lookup_value(name, value, subject)
        set_input(self, name, value)


class DataIntuneDerivedCredentials(Importable, cdk.TerraformDataSource):
    """Lists the tenant's derived credential settings, Terraform data source
    `intune_derived_credentials`, optionally only one issuer's.

    Args:
        scope: The stack (it needs an `IntuneProvider`).
        id: Construct id, e.g. ``"all"``.
        issuer: Only this issuer's objects: an `Issuer` member or its string, e.g.
            ``Issuer.PUREBRED`` or ``"purebred"``. Default: every object.
        tenant_id: The tenant to list (directory id or domain), e.g. ``"contoso.onmicrosoft.com"``.
            Default: the provider's tenant.
        connection, count, depends_on, for_each, lifecycle, provider, provisioners: Terraform's
            meta-arguments, e.g. ``provider=gov`` or ``depends_on=[settings]``.

    Raises:
        SettingsInvalid: when `issuer` is not one of the issuers.

    Example::

        purebred = DataIntuneDerivedCredentials(stack, "purebred", issuer=Issuer.PUREBRED)
        cdktf.TerraformOutput(stack, "purebred_ids", value=purebred.ids)
    """

    TF_RESOURCE_TYPE = ALL_TYPE
    """The Terraform data source type, ``intune_derived_credentials``."""

    if TYPE_CHECKING:  # what `install` adds below, for type checkers
        issuer: str
        issuer_input: str | None
        tenant_id: str
        tenant_id_input: str | None

        @property
        def id(self) -> str: ...
        @property
        def ids(self) -> list[str]: ...
        @property
        def derived_credentials(self) -> cdk.IResolvable: ...
        def reset_issuer(self) -> None: ...
        def reset_tenant_id(self) -> None: ...

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        issuer: Issuer | str | None = None,
        tenant_id: str | None = None,
        connection: Connection | None = None,
        count: int | float | cdk.TerraformCount | None = None,
        depends_on: Sequence[cdk.ITerraformDependable] | None = None,
        for_each: cdk.ITerraformIterator | None = None,
        lifecycle: cdk.TerraformResourceLifecycle | Mapping[str, Any] | None = None,
        provider: cdk.TerraformProvider | None = None,
        provisioners: Provisioners | None = None,
    ) -> None:
        subject = f"DataIntuneDerivedCredentials {id!r}"
        self._inputs: dict[str, Any] = {}
        if issuer is not None:
            self._inputs[FILTER] = _issuer_value(issuer, subject)
        if tenant_id is not None:
            self._inputs[TENANT] = _tenant_value(tenant_id, subject)
        start(self, scope, id, subject, meta_of(locals()))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self._inputs.items())
        return f"{type(self).__name__}({self.node.id!r}{args})"

    def _set_input(self, name: str, value: Any) -> None:
        subject = f"DataIntuneDerivedCredentials {self.node.id!r}"
        if value is None:
            self._inputs.pop(name, None)
        elif name == TENANT:
            self._inputs[name] = _tenant_value(value, subject)
        else:
            self._inputs[name] = _issuer_value(value, subject)
        set_input(self, name, self._inputs.get(name))


install(DataIntuneDerivedCredential, ONE_ATTRIBUTES, provider=PROVIDER_TYPE, data=True)
install(DataIntuneDerivedCredentials, ALL_ATTRIBUTES, provider=PROVIDER_TYPE, data=True)

__all__ = [
    "ALL_ATTRIBUTES",
    "FILTER",
    "LOOKUP",
    "ONE_ATTRIBUTES",
    "DataIntuneDerivedCredential",
    "DataIntuneDerivedCredentials",
]
