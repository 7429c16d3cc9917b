"""Terraform values in and out of the handler: numbers that arrive as floats, sets as lists in any
order, and values not known until apply (`tf.types.Unknown`)."""

from __future__ import annotations

from typing import Any

from tf.iface import Config, State
from tf.types import Unknown

from intune_model.schema import ResourceSpec


def known(config: Config | None) -> dict[str, Any]:
    """The attributes whose values are known and set."""
    return {k: v for k, v in (config or {}).items() if v is not None and v is not Unknown}


def config_value(config: Config, name: str) -> Any:
    """The attribute's value, None when unset or unknown."""
    value = config.get(name)
    return None if value is Unknown else value


def is_known(value: Any) -> bool:
    """False for an unknown value, or a collection holding one (judged at apply instead)."""
    if value is Unknown:
        return False
    if isinstance(value, list | tuple | set | frozenset):
        return all(is_known(v) for v in value)
    return True


def known_fields(spec: ResourceSpec, config: Config) -> dict[str, Any]:
    """The spec's fields whose values are fully known, for `validate` (unknowns are judged at apply)."""
    return {f.name: config.get(f.name) for f in spec.fields if is_known(config.get(f.name))}


def clean(spec: ResourceSpec, state: State) -> dict[str, Any]:
    """Terraform numbers may arrive as floats; sets as lists in any order."""
    out = dict(state)
    for f in spec.fields:
        value = out.get(f.name)
        if f.tf_type == "number" and isinstance(value, float) and value.is_integer():
            out[f.name] = int(value)
        elif f.tf_type == "set_of_string" and isinstance(value, list):
            out[f.name] = sorted(value)
    return out
