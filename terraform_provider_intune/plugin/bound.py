"""What every resource and data source class of a spec shares: the spec, and the provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from intune_model.schema import ResourceSpec

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
