"""Data sources `intune_derived_credential` (one object) and `intune_derived_credentials` (all of them),
as hand-written `cdktf.TerraformDataSource` subclasses named the way generated bindings are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cdktf
from constructs import Construct

from constructs_lib._tokens import create, is_token, struct
from constructs_lib.provider import GENERATOR_METADATA
from intune_model import Issuer, SettingsInvalid
from intune_model.address import PROVIDER_TYPE
from intune_model.resources.derived_credential import SPEC

ONE_TYPE = f"{PROVIDER_TYPE}_derived_credential"
ALL_TYPE = f"{PROVIDER_TYPE}_derived_credentials"


def _config(resource_type: str, provider: cdktf.TerraformProvider | None, depends_on: Any) -> Any:
    # Equivalent to super().__init__(scope, id, terraform_resource_type=..., ...) without the
    # generated code's per-call type checks (see constructs_lib._tokens.struct).
    return struct(
        cdktf.TerraformResourceConfig,
        {
            "terraform_resource_type": resource_type,
            "terraform_generator_metadata": GENERATOR_METADATA,
            "provider": provider,
            "depends_on": list(depends_on) if depends_on is not None else None,
        },
    )


def _hcl(attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {"value": value, "isBlock": False, "type": "simple", "storageClassType": "string"}
        for name, value in attributes.items()
    }


def _issuer_value(issuer: Issuer | str, subject: str) -> str:
    if isinstance(issuer, Issuer) or is_token(issuer):
        return str(issuer)
    problem = SPEC.by_name["issuer"].kind.check(issuer)  # the resource's rule, "did you mean" included
    if problem is None:
        return str(issuer)
    raise SettingsInvalid([("issuer", problem)], subject)


class DataIntuneDerivedCredential(cdktf.TerraformDataSource):
    """Reads one existing derived credential settings object, Terraform data source
    `intune_derived_credential`, by its Graph id or by its exact display name.

    Exactly one of `id_` and `display_name` is given. At plan time the provider fails with a clear
    message when no object matches, or when several share the display name (it lists their ids).

    Args:
        scope: The stack (it needs an `IntuneProvider`).
        id: Construct id, e.g. ``"portal"``.
        id_: Graph id of the object, e.g. ``"4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a"``.
        display_name: Exact (case-sensitive) display name, e.g. ``"Purebred derived credentials"``.
        provider: An aliased `IntuneProvider`, e.g. ``provider=gov``. Default: the stack's `intune`.
        depends_on: Resources to wait for, e.g. ``[settings]`` to read an object this stack creates.

    Raises:
        SettingsInvalid: when both or neither of `id_` and `display_name` are given, or one is blank.

    Example::

        portal = DataIntuneDerivedCredential(stack, "portal", display_name="Set up in the portal")
        cdktf.TerraformOutput(stack, "portal_issuer", value=portal.issuer)
    """

    tf_resource_type = ONE_TYPE
    """The Terraform data source type, ``intune_derived_credential``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        id_: str | None = None,
        display_name: str | None = None,
        provider: cdktf.TerraformProvider | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
    ) -> None:
        subject = f"DataIntuneDerivedCredential {id!r}"
        given = {"id": id_, "display_name": display_name}
        chosen = {k: v for k, v in given.items() if v is not None}
        if len(chosen) != 1:
            raise SettingsInvalid(
                [("id_", "give exactly one of id_ (the Graph id) and display_name (the exact name)")], subject
            )
        for name, value in chosen.items():
            if not is_token(value) and (not isinstance(value, str) or not value.strip()):
                raise SettingsInvalid([(name, f"{value!r} must be a non-blank string")], subject)
        self._attributes: dict[str, Any] = chosen
        create(self, scope, id, _config(ONE_TYPE, provider, depends_on))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._attributes.items())
        return f"{type(self).__name__}({self.node.id!r}, {args})"

    @property
    def id(self) -> str:
        """The object's Graph id (a token)."""
        return self.get_string_attribute("id")

    @property
    def display_name(self) -> str:
        """The object's display name (a token)."""
        return self.get_string_attribute("display_name")

    @property
    def issuer(self) -> str:
        """The object's issuer, e.g. ``purebred`` (a token)."""
        return self.get_string_attribute("issuer")

    @property
    def help_url(self) -> str:
        """The object's help URL (a token; null when unset)."""
        return self.get_string_attribute("help_url")

    @property
    def notification_types(self) -> list[str]:
        """The object's notification types (a list token), e.g. ``["companyPortal", "email"]``."""
        return self.get_list_attribute("notification_types")

    @property
    def renewal_threshold_percentage(self) -> float:
        """The object's renewal threshold percentage (a number token)."""
        return self.get_number_attribute("renewal_threshold_percentage")

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return _hcl(self._attributes)


class DataIntuneDerivedCredentials(cdktf.TerraformDataSource):
    """Lists the tenant's derived credential settings, Terraform data source
    `intune_derived_credentials`, optionally only one issuer's.

    Args:
        scope: The stack (it needs an `IntuneProvider`).
        id: Construct id, e.g. ``"all"``.
        issuer: Only this issuer's objects: an `Issuer` member or its string, e.g.
            ``Issuer.PUREBRED`` or ``"purebred"``. Default: every object.
        provider: An aliased `IntuneProvider`, e.g. ``provider=gov``.
        depends_on: Resources to wait for, e.g. ``[settings]``.

    Raises:
        SettingsInvalid: when `issuer` is not one of the issuers.

    Example::

        purebred = DataIntuneDerivedCredentials(stack, "purebred", issuer=Issuer.PUREBRED)
        cdktf.TerraformOutput(stack, "purebred_ids", value=purebred.ids)
    """

    tf_resource_type = ALL_TYPE
    """The Terraform data source type, ``intune_derived_credentials``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        issuer: Issuer | str | None = None,
        provider: cdktf.TerraformProvider | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
    ) -> None:
        self._attributes: dict[str, Any] = {}
        if issuer is not None:
            self._attributes["issuer"] = _issuer_value(issuer, f"DataIntuneDerivedCredentials {id!r}")
        create(self, scope, id, _config(ALL_TYPE, provider, depends_on))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self._attributes.items())
        return f"{type(self).__name__}({self.node.id!r}{args})"

    @property
    def ids(self) -> list[str]:
        """Graph ids of the objects found, sorted by display name then id (a list token)."""
        return self.get_list_attribute("ids")

    @property
    def derived_credentials(self) -> cdktf.IResolvable:
        """The objects found (a token for a list of objects with `id` and every settings field)."""
        return self.interpolation_for_attribute("derived_credentials")

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return _hcl(self._attributes)


__all__ = ["DataIntuneDerivedCredential", "DataIntuneDerivedCredentials"]
