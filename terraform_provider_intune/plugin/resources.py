"""Resource `intune_<name>` for every registered spec: schema, validate and lifecycle, generic over
the spec. The handler (and with it the Graph client) is imported by the calls that use it, so
`terraform validate` and plan never load httpx or azure-identity.

Every resource also has `tenant_id` (`terraform_provider_intune.tenants`): not a Graph field, never
sent; it picks the tenant's Graph client, and state records the effective tenant.

Private state (`plugin.private`, never shown) remembers when this state's apply created each object,
so a refresh right after an interrupted apply waits out Graph's lag instead of planning it again."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from tf import schema as tfs
from tf import types as tft
from tf.iface import (
    Config,
    CreateContext,
    DeleteContext,
    ImportContext,
    PlanContext,
    ReadContext,
    Resource,
    State,
    UpdateContext,
    UpgradeContext,
)
from tf.types import Unknown
from tf.utils import Diagnostics

from intune_model.arguments import DEFAULT_UNMANAGED_MATCH
from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec
from terraform_provider_intune.plugin import private
from terraform_provider_intune.plugin.bound import SpecBound
from terraform_provider_intune.plugin.codec import changed_attributes, clean
from terraform_provider_intune.plugin.diagnostics import guard
from terraform_provider_intune.plugin.kinds import SetBlock, is_block, terraform_type
from terraform_provider_intune.plugin.values import check_config, is_unknown
from terraform_provider_intune.tenants import (
    RESOURCE_TENANT_DESCRIPTION,
    TENANT_ATTRIBUTE,
    split_import_id,
)

if TYPE_CHECKING:
    from terraform_provider_intune.handler import Handler


def resource_schema(spec: ResourceSpec) -> tfs.Schema:
    """Derived from the spec's fields: a new Graph field needs no edit here. A read-only field is a
    computed attribute; a kind configured with nested blocks (an object set) is a block."""
    attributes = [
        tfs.Attribute(
            "id", tft.String(), description=f"Server-assigned id of the {spec.title} object.", computed=True
        ),
    ]
    blocks: list[tfs.NestedBlock] = []
    for f in spec.fields:
        if is_block(f):
            blocks.append(SetBlock(f))
            continue
        attributes.append(
            tfs.Attribute(
                f.name,
                terraform_type(f.kind),
                description=f.documented(),
                required=f.required,
                optional=not f.required and not f.read_only,
                computed=f.read_only,
            )
        )
    attributes.append(
        tfs.Attribute(
            TENANT_ATTRIBUTE,
            tft.String(),
            description=RESOURCE_TENANT_DESCRIPTION,
            optional=True,
            computed=True,
            requires_replace=True,
        )
    )
    return tfs.Schema(
        version=spec.schema_version, attributes=attributes, block_types=blocks, description=spec.description
    )


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
        problems = check_config(config, self.spec.fields, check)
        problems += self._tenant_problems(config)
        for attribute, message in problems:
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    def plan(self, ctx: PlanContext, current: State | None, planned: State) -> State | None:
        """Graph changes the read-only fields (`version`, `lastModifiedDateTime`) on every write: an
        update plans them unknown, a plan without change keeps them."""
        if current is None or not self.spec.read_only:
            return planned
        if changed_attributes(self.spec, current, planned):
            for f in self.spec.read_only:
                planned[f.name] = Unknown
        return planned

    def create(self, ctx: CreateContext, planned: State) -> State | None:
        tenant = _tenant_of(planned)
        partial: list[State] = []

        def call() -> State:
            from terraform_provider_intune.handler import PartialCreate

            handler = self._handler(ctx.diagnostics, tenant, self.provider.unmanaged_match())
            try:
                _, outs = handler.create(self._clean(planned))
            except PartialCreate as created:
                private.record_created(time.time())  # the object exists: it is this state's
                partial.append(self._in_tenant(created.state, tenant))
                raise
            private.record_created(time.time())  # after the POST: errs towards believing longer
            return self._in_tenant(outs, tenant)

        done = self._guard(ctx.diagnostics, call, tenant=tenant)
        return done if done is not None or not partial else partial[0]

    def read(self, ctx: ReadContext, current: State) -> State | None:
        # On error keep what state had: an error must not look like a deletion.
        tenant = _tenant_of(current)

        def call() -> State | None:
            found = self._handler(ctx.diagnostics, tenant).read(
                current["id"], self._clean(current), created_at=private.created_at()
            )
            return None if found is None else self._in_tenant(found, tenant)

        return self._guard(ctx.diagnostics, call, on_error=current, tenant=tenant)

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State | None:
        tenant = _tenant_of(current)  # a change of tenant plans a replacement, never an update

        def call() -> State:
            props = self._handler(ctx.diagnostics, tenant).update(
                current["id"], self._clean(current), self._clean(planned)
            )
            state = self._in_tenant(props, tenant)
            if planned.get(TENANT_ATTRIBUTE) is None:  # a state from before tenant_id, not refreshed:
                state[TENANT_ATTRIBUTE] = None  # apply keeps the plan's null; the next read records it
            return state

        return self._guard(ctx.diagnostics, call, on_error=current, tenant=tenant)

    def delete(self, ctx: DeleteContext, current: State) -> State | None:
        tenant = _tenant_of(current)

        def call() -> bool:
            self._handler(ctx.diagnostics, tenant).delete(current["id"])
            return True

        return None if self._guard(ctx.diagnostics, call, tenant=tenant) else current

    def import_(self, ctx: ImportContext, id: str) -> State | None:
        """`<id>` imports from the provider's tenant, `<tenant>/<id>` from that tenant."""
        try:
            tenant, item_id = split_import_id(id)
        except IntuneError as bad:
            for summary, detail, _ in bad.diagnostics():
                ctx.diagnostics.add_error(summary, detail)
            return None
        return self._guard(
            ctx.diagnostics,
            lambda: self._in_tenant(self._handler(ctx.diagnostics, tenant).import_(item_id), tenant),
            tenant=tenant,
        )

    def upgrade(self, ctx: UpgradeContext, version: int, old: State) -> State | None:
        """`tf` calls this when a state's schema version is older than the spec's (UpgradeResourceState)."""

        def call() -> State:  # the spec knows its fields; the tenant is the plugin's to carry
            return {**self.spec.upgrade_state(version, old), TENANT_ATTRIBUTE: old.get(TENANT_ATTRIBUTE)}

        return self._guard(ctx.diagnostics, call, on_error=old)

    def _clean(self, state: State) -> dict[str, Any]:
        return clean(self.spec, state)

    def _guard(
        self, diags: Diagnostics, call: Callable[[], Any], on_error: Any = None, tenant: str | None = None
    ) -> Any:
        return guard(diags, call, self.spec, on_error, tenant=self._named_tenant(tenant))

    def _handler(
        self, diags: Diagnostics, tenant: str | None = None, unmanaged_match: str = DEFAULT_UNMANAGED_MATCH
    ) -> Handler:
        """`unmanaged_match` matters to creates only, which pass the configured one."""
        from terraform_provider_intune.handler import Handler

        return Handler(
            self.provider.client(tenant),
            warn=lambda summary, detail: diags.add_warning(summary, detail),
            ledger=self.provider.ledger(tenant),
            spec=self.spec,
            unmanaged_match=unmanaged_match,
            tenant=tenant if self.provider.is_other_tenant(tenant) else None,
        )


def _tenant_of(values: Mapping[str, Any]) -> str | None:
    """The tenant a plan or state names; None for the provider's: unset, or unknown in a create's
    plan (a computed value the provider fills, as it does for `id`)."""
    value = values.get(TENANT_ATTRIBUTE)
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def resource_class(spec: ResourceSpec) -> type[SpecResource]:
    """The `tf` resource class of a spec."""
    name = "".join(part.title() for part in spec.name.split("_")) + "Resource"
    return type(name, (SpecResource,), {"spec": spec, "__doc__": f"Resource `intune_{spec.name}`."})
