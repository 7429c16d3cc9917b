"""Typed (pydantic) models derived from the specs, for consumers that want a model: constructs,
settings files, stacks. Loaded only by them: the provider never imports pydantic.

The rules are the spec's (plain Python, `intune_model.schema`); the model only carries the checked
values, so a value judged by the model and by the provider is judged the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from intune_model.errors import SettingsInvalid
from intune_model.schema import ResourceSpec


class SpecModel(BaseModel):
    """Base of every derived model: frozen, no extra fields, Python or Graph names accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    resource_spec: ClassVar[ResourceSpec]

    @model_validator(mode="before")
    @classmethod
    def _spec_rules(cls, data: Any) -> Any:
        spec = cls.resource_spec
        if not isinstance(data, Mapping):
            return data
        named = {(spec.by_graph_name[k].name if k in spec.by_graph_name else k): v for k, v in data.items()}
        problems = spec.problems(named)
        if problems:
            raise ValueError("; ".join(f"{f}: {m}" for f, m in problems))
        return {k: (spec.plain(k, v) if k in spec.by_name else v) for k, v in named.items()}


@cache
def model_for(spec: ResourceSpec) -> type[SpecModel]:
    """The pydantic model of a spec's user-settable fields (read-only ones are Graph's)."""
    definitions: dict[str, Any] = {}
    for f in spec.settable:
        annotation: Any = f.kind.python_type if f.required else f.kind.python_type | None
        definitions[f.name] = (
            annotation,
            Field(
                ... if f.required else None,
                alias=f.graph_name,
                description=f.description,
                examples=[f.example] if f.example is not None else None,
            ),
        )
    model = create_model(f"{spec.model_name or spec.name}Model", __base__=SpecModel, **definitions)
    model.resource_spec = spec
    return model


def validate_model(
    spec: ResourceSpec, values: Mapping[str, Any], *, subject: str | None = None, by_graph_name: bool = False
) -> SpecModel:
    """A model of `values` (Terraform names, or Graph names), or one `SettingsInvalid` naming every
    problem (Graph names in the problems when the input used them)."""
    named = dict(values)
    if by_graph_name:
        named = {(spec.by_graph_name[k].name if k in spec.by_graph_name else k): v for k, v in values.items()}
    problems = spec.problems(named)
    if problems:
        if by_graph_name:
            problems = [(spec.by_name[n].graph_name if n in spec.by_name else n, m) for n, m in problems]
        raise SettingsInvalid(problems, subject or spec.subject)
    return model_for(spec).model_validate({k: v for k, v in named.items()}, by_alias=False, by_name=True)


def state_from_model(model: BaseModel) -> dict[str, Any]:
    """Terraform-named plain values (sets as sorted lists) of a validated model."""
    spec: ResourceSpec = type(model).resource_spec  # type: ignore[attr-defined]
    return {f.name: spec.plain(f.name, getattr(model, f.name)) for f in spec.settable}
