"""Terraform values in and out of the handler: numbers that arrive as floats, sets as lists in any
order, and values not known until apply (wholly or refined unknowns, see `plugin.values`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tf.iface import Config, State

from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec
from terraform_provider_intune.plugin.values import has_unknown, is_unknown


def changed_attributes(
    spec: ResourceSpec, prior: Mapping[str, Any] | None, proposed: Mapping[str, Any] | None
) -> list[str]:
    """The spec's fields whose proposed value differs from the prior state, in Terraform's values
    (a value unknown at plan time, wholly or inside a set, counts as a change: the prior one is
    always known). Empty for a create or a destroy."""
    if prior is None or proposed is None:
        return []
    before, after = clean(spec, dict(prior)), clean(spec, dict(proposed))
    differ = set(spec.changed_fields(before, after))
    return [f.name for f in spec.settable if f.name in differ or has_unknown(after.get(f.name))]


def config_value(config: Config, name: str) -> Any:
    """The attribute's value, None when unset. An unknown one is an error naming the attribute:
    Terraform defers a data source whose arguments are unknown, so never search on a guess."""
    value = config.get(name)
    if is_unknown(value):
        raise IntuneError(f"{name} is not known yet", "Read this data source once it is known.", name)
    return value


def clean(spec: ResourceSpec, state: State) -> dict[str, Any]:
    """Known values in state form, as each field's kind has it (Terraform numbers may arrive as
    floats, sets as lists in any order); values holding an unknown are left as they are."""
    out = dict(state)
    for f in spec.fields:
        value = out.get(f.name)
        if value is not None and not has_unknown(value):
            out[f.name] = f.kind.from_terraform(value)
    return out
