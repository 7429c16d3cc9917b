"""Data sources `intune_<name>` (one object, by id or by the spec's lookup field) and
`intune_<plural>` (every object, optionally filtered) for every registered spec; each looks in the
provider's tenant, or in the one its optional `tenant_id` names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tf import schema as tfs
from tf import types as tft
from tf.iface import Config, DataSource, ReadDataContext, State
from tf.utils import Diagnostics

from intune_model.schema import ResourceSpec
from terraform_provider_intune.plugin.bound import SpecBound
from terraform_provider_intune.plugin.codec import clean, config_value
from terraform_provider_intune.plugin.diagnostics import guard
from terraform_provider_intune.plugin.kinds import KindType, terraform_type
from terraform_provider_intune.plugin.values import is_unknown, known_items
from terraform_provider_intune.tenants import (
    DATA_SOURCE_TENANT_DESCRIPTION,
    TENANT_ATTRIBUTE,
)

if TYPE_CHECKING:
    pass


def tenant_attribute() -> tfs.Attribute:
    """`tenant_id` of both data sources: optional, and computed (state records the tenant looked in)."""
    return tfs.Attribute(
        TENANT_ATTRIBUTE,
        tft.String(),
        description=DATA_SOURCE_TENANT_DESCRIPTION,
        optional=True,
        computed=True,
    )


def one_data_source_schema(spec: ResourceSpec) -> tfs.Schema:
    """`intune_<name>`: look-up by `id` or the lookup field, every field computed."""
    key = spec.lookup_field
    attributes = [
        tfs.Attribute(
            "id",
            tft.String(),
            description=f"Graph id of the object to read. Set this or `{key}`.",
            optional=True,
            computed=True,
        ),
        tfs.Attribute(
            key,
            terraform_type(spec.by_name[key].kind),
            description=f"Exact {key.replace('_', ' ')} of the object to read (case-sensitive); it "
            "must match one object only. Set this or `id`.",
            optional=True,
            computed=True,
        ),
        tenant_attribute(),
    ]
    for f in spec.fields:
        if f.name != key:
            attributes.append(
                tfs.Attribute(
                    f.name,
                    terraform_type(f.kind),
                    description=f.documented() + " As Graph holds it.",
                    computed=True,
                )
            )
    return tfs.Schema(
        version=0,
        attributes=attributes,
        description=f"Reads one existing {spec.description.split(' (')[0]} object, by id or by exact "
        f"{key.replace('_', ' ')}.",
    )


def _object_type(spec: ResourceSpec) -> KindType:
    """One listed object: `id` and every field, each of its kind's type."""
    members = {"id": "string", **{f.name: f.kind.terraform_type() for f in spec.fields}}
    return KindType(expression=["object", members])


def all_data_source_schema(spec: ResourceSpec) -> tfs.Schema:
    """`intune_<plural>`: every object, optionally filtered on the spec's list filters."""
    filters = [
        tfs.Attribute(
            name,
            terraform_type(spec.by_name[name].kind),
            description=f"Only objects with this {name}. " + spec.by_name[name].documented().split(". ")[-1],
            optional=True,
        )
        for name in spec.list_filters
    ]
    return tfs.Schema(
        version=0,
        attributes=[
            *filters,
            tenant_attribute(),
            tfs.Attribute(
                "id",
                tft.String(),
                description="`all`"
                + (
                    ", or " + ",".join(f"`{n}=<{n}>`" for n in spec.list_filters) + " when filtered."
                    if spec.list_filters
                    else "."
                ),
                computed=True,
            ),
            tfs.Attribute(
                "ids",
                tft.List(tft.String()),
                description=f"Graph ids of the objects found, in the order of `{spec.plural}`.",
                computed=True,
            ),
            tfs.Attribute(
                spec.plural,
                tft.List(_object_type(spec)),
                description=f"The objects found, sorted by {spec.lookup_field.replace('_', ' ')} then "
                "id; each has `id`, "
                + ", ".join(f"`{f.name}`" for f in spec.fields)
                + " as Graph holds them.",
                computed=True,
            ),
        ],
        description=f"Lists the {spec.description.split(' (')[0]} of the tenant"
        + (
            f", optionally only those with a given {' or '.join(spec.list_filters)}."
            if spec.list_filters
            else "."
        ),
    )


class OneDataSource(SpecBound, DataSource):
    """`intune_<name>` of `spec`; `data_source_classes` makes one subclass per spec."""

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return one_data_source_schema(cls.spec)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        from terraform_provider_intune.data_sources import check_lookup_config

        super().validate(diags, type_name, config)
        # An unknown value (from a variable or another resource) counts as given.
        keys = ("id", self.spec.lookup_field)
        given = {k: (True if is_unknown(config.get(k)) else config.get(k)) for k in keys}
        problems = check_lookup_config(self.spec, given) + self._tenant_problems(config)
        for attribute, message in problems:
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    def read(self, ctx: ReadDataContext, config: Config) -> State | None:
        from terraform_provider_intune.data_sources import find_one

        def call() -> State:
            tenant = config_value(config, TENANT_ATTRIBUTE)
            found = find_one(
                self.provider.client(tenant),
                self.spec,
                item_id=config_value(config, "id"),
                lookup=config_value(config, self.spec.lookup_field),
            )
            return self._in_tenant(clean(self.spec, found), tenant)

        return guard(
            ctx.diagnostics, call, self.spec, tenant=self._named_tenant(config.get(TENANT_ATTRIBUTE))
        )


class AllDataSource(SpecBound, DataSource):
    """`intune_<plural>` of `spec`."""

    @classmethod
    def get_name(cls) -> str:
        return cls.spec.plural

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return all_data_source_schema(cls.spec)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        from terraform_provider_intune.data_sources import check_filters

        super().validate(diags, type_name, config)
        given = known_items({n: config.get(n) for n in self.spec.list_filters})
        for attribute, message in check_filters(self.spec, given) + self._tenant_problems(config):
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    def read(self, ctx: ReadDataContext, config: Config) -> State | None:
        from terraform_provider_intune.data_sources import find_all

        def call() -> State:
            tenant = config_value(config, TENANT_ATTRIBUTE)
            filters = {n: config_value(config, n) for n in self.spec.list_filters}
            found = find_all(self.provider.client(tenant), self.spec, filters)
            found[self.spec.plural] = [clean(self.spec, p) for p in found[self.spec.plural]]
            return self._in_tenant(found, tenant)

        return guard(
            ctx.diagnostics, call, self.spec, tenant=self._named_tenant(config.get(TENANT_ATTRIBUTE))
        )


def data_source_classes(spec: ResourceSpec) -> list[type[DataSource]]:
    """The `tf` data source classes of a spec: one object, and the list."""
    base = "".join(part.title() for part in spec.name.split("_"))
    return [
        type(f"{base}DataSource", (OneDataSource,), {"spec": spec}),
        type(f"{base}ListDataSource", (AllDataSource,), {"spec": spec}),
    ]
