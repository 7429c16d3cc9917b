"""What every resource and data source class of a spec shares: the spec, the provider, and the
`tenant_id` argument each of them has (`terraform_provider_intune.tenants`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from intune_model.schema import ResourceSpec
from terraform_provider_intune.plugin.values import check_config
from terraform_provider_intune.tenants import TENANT_ARGUMENT, TENANT_ATTRIBUTE, tenant_problems

if TYPE_CHECKING:
    from terraform_provider_intune.plugin.provider import IntuneProvider


class SpecBound:
    """A `tf` resource or data source class bound to one spec (subclassed once per spec)."""

    spec: ClassVar[ResourceSpec]

    def __init__(self, provider: IntuneProvider):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return cls.spec.name

    @staticmethod
    def _tenant_problems(config: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        """The configured `tenant_id` judged by the one tenant rule (unknowns pass)."""
        return check_config(config, [TENANT_ARGUMENT], tenant_problems)

    def _in_tenant(self, state: Mapping[str, Any], tenant: str | None) -> dict[str, Any]:
        """`state` with the effective tenant: the one named, else the provider's."""
        return {**state, TENANT_ATTRIBUTE: tenant if tenant is not None else self.provider.own_tenant()}

    def _named_tenant(self, tenant: Any) -> str | None:
        """The tenant errors name: a known one other than the provider's own, else None."""
        return tenant if isinstance(tenant, str) and self.provider.is_other_tenant(tenant) else None
