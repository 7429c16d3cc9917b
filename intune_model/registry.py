"""The resources this project serves: one line per spec module.

Extra specs can be registered from outside the product (a plugin package, or a test) by naming
their modules in `INTUNE_EXTRA_SPECS` (comma-separated importable module names, each exposing
`SPEC`). The provider process, `intune-provider`, the docs generator and the emulator all read the
registry through `specs()`, so a spec registered this way gets a Terraform resource, two data
sources and an emulated Graph collection without a product file changing.
"""

from __future__ import annotations

import importlib
import os
from functools import cache

from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec

ENV_EXTRA_SPECS = "INTUNE_EXTRA_SPECS"

# The product's specs, by module. Adding a resource adds one line here.
BUILT_IN: tuple[str, ...] = (
    "intune_model.resources.derived_credential",
    "intune_model.resources.ios_derived_credential_profile",
)


def _load(module_name: str) -> ResourceSpec:
    try:
        spec = getattr(importlib.import_module(module_name), "SPEC", None)
    except ImportError as exc:
        raise IntuneError(
            f"{ENV_EXTRA_SPECS}: cannot import {module_name!r}", f"{exc}. Name importable modules."
        ) from None
    if not isinstance(spec, ResourceSpec):
        raise IntuneError(f"{ENV_EXTRA_SPECS}: module {module_name!r} has no ResourceSpec named SPEC")
    return spec


@cache
def _specs(extra: str) -> tuple[ResourceSpec, ...]:
    names = [*BUILT_IN, *(n.strip() for n in extra.split(",") if n.strip())]
    loaded = tuple(_load(n) for n in dict.fromkeys(names))
    seen: dict[str, str] = {}
    for spec in loaded:
        # A mixed collection holds several specs, told apart by `@odata.type`; any other is one spec's.
        place = spec.collection_path.lower()
        where = f"{place} {spec.odata_type.lower()}" if spec.mixed_collection else place
        for key in (spec.name, spec.plural, where, spec.odata_type.lower()):
            if key in seen:
                raise IntuneError(f"two resource specs share {key!r}", f"{seen[key]} and {spec.name}")
            seen[key] = spec.name
        mixed = seen.setdefault(f"mixed {place}", str(spec.mixed_collection))
        if mixed != str(spec.mixed_collection):
            raise IntuneError(
                f"two resource specs share {spec.collection_path!r}",
                f"{spec.name}: a collection shared by several specs must be a mixed collection in each "
                "(`mixed_collection=True`, told apart by `@odata.type`)",
            )
    return loaded


def specs() -> tuple[ResourceSpec, ...]:
    """Every registered spec: the built-in ones, then those named in `INTUNE_EXTRA_SPECS`."""
    return _specs(os.environ.get(ENV_EXTRA_SPECS, ""))


def usable_specs() -> tuple[tuple[ResourceSpec, ...], IntuneError | None]:
    """Every registered spec, or, when `INTUNE_EXTRA_SPECS` cannot be loaded, the built-in ones and
    the error (for a host that must keep serving and report it, like the provider's schema call)."""
    try:
        return specs(), None
    except IntuneError as exc:
        return _specs(""), exc


def spec_named(name: str) -> ResourceSpec:
    for spec in specs():
        if spec.name == name:
            return spec
    raise KeyError(name)


def default_spec() -> ResourceSpec:
    """The first built-in spec: what `intune-provider list/show/export` work on unless told."""
    return specs()[0]
