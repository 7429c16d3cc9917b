"""Resource `intune_<name>` for every registered spec: schema, validate and lifecycle, generic over
the spec. The handler (and with it the Graph client) is imported by the calls that use it, so
`terraform validate` and plan never load httpx or azure-identity."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from tf import schema as tfs
from tf import types as tft
from tf.iface import (
    Config,
    CreateContext,
    DeleteContext,
    ImportContext,
    ReadContext,
    Resource,
    State,
    UpdateContext,
    UpgradeContext,
)
from tf.utils import Diagnostics

from intune_model.schema import ResourceSpec, TfType
from terraform_provider_intune.plugin.bound import SpecBound
from terraform_provider_intune.plugin.codec import clean
from terraform_provider_intune.plugin.diagnostics import guard
from terraform_provider_intune.plugin.values import check_config

if TYPE_CHECKING:
    from terraform_provider_intune.handler import Handler

TF_TYPES: dict[TfType, Callable[[], Any]] = {
    "string": tft.String,
    "number": tft.Number,
    "set_of_string": lambda: tft.Set(tft.String()),
}


def resource_schema(spec: ResourceSpec) -> tfs.Schema:
    """Derived from the spec's fields: a new Graph field needs no edit here."""
    attributes = [
        tfs.Attribute(
            "id", tft.String(), description=f"Server-assigned id of the {spec.title} object.", computed=True
        )
    ]
    for f in spec.fields:
        attributes.append(
            tfs.Attribute(
                f.name,
                TF_TYPES[f.tf_type](),
                description=f.documented(),
                required=f.required,
                optional=not f.required,
            )
        )
    return tfs.Schema(version=spec.schema_version, attributes=attributes, description=spec.description)


class SpecResource(SpecBound, Resource):
    """The resource of `spec`; `resource_class` makes one subclass per spec."""

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return resource_schema(cls.spec)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        super().validate(diags, type_name, config)
        # Unknowns are not judged as if known; a refinement that already breaks a rule (a help URL
        # whose known start is ftp://) is reported now.
        check = partial(self.spec.problems, partial=True)
        for attribute, message in check_config(config, self.spec.fields, check):
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    def create(self, ctx: CreateContext, planned: State) -> State | None:
        result = self._guard(
            ctx.diagnostics, lambda: self._handler(ctx.diagnostics).create(self._clean(planned))
        )
        return None if result is None else result[1]

    def read(self, ctx: ReadContext, current: State) -> State | None:
        # On error keep what state had: an error must not look like a deletion.
        return self._guard(
            ctx.diagnostics,
            lambda: self._handler(ctx.diagnostics).read(current["id"], self._clean(current)),
            on_error=current,
        )

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State | None:
        return self._guard(
            ctx.diagnostics,
            lambda: self._handler(ctx.diagnostics).update(
                current["id"], self._clean(current), self._clean(planned)
            ),
            on_error=current,
        )

    def delete(self, ctx: DeleteContext, current: State) -> State | None:
        def call() -> bool:
            self._handler(ctx.diagnostics).delete(current["id"])
            return True

        return None if self._guard(ctx.diagnostics, call) else current

    def import_(self, ctx: ImportContext, id: str) -> State | None:
        return self._guard(ctx.diagnostics, lambda: self._handler(ctx.diagnostics).import_(id.strip()))

    def upgrade(self, ctx: UpgradeContext, version: int, old: State) -> State | None:
        """`tf` calls this when a state's schema version is older than the spec's (UpgradeResourceState)."""
        return self._guard(ctx.diagnostics, lambda: self.spec.upgrade_state(version, old), on_error=old)

    def _clean(self, state: State) -> dict[str, Any]:
        return clean(self.spec, state)

    def _guard(self, diags: Diagnostics, call: Callable[[], Any], on_error: Any = None) -> Any:
        return guard(diags, call, self.spec, on_error)

    def _handler(self, diags: Diagnostics) -> Handler:
        from terraform_provider_intune.handler import Handler

        return Handler(
            self.provider.client(),
            warn=lambda summary, detail: diags.add_warning(summary, detail),
            spec=self.spec,
        )


def resource_class(spec: ResourceSpec) -> type[SpecResource]:
    """The `tf` resource class of a spec."""
    name = "".join(part.title() for part in spec.name.split("_")) + "Resource"
    return type(name, (SpecResource,), {"spec": spec, "__doc__": f"Resource `intune_{spec.name}`."})
