"""The accessors a generated `cdktf-cdktf-provider-*` binding gives each attribute, derived from a
list of attributes (name, kind, whether it is an input, whether it is required) instead of written
per field.

For every attribute: a property whose getter returns a token referencing it (so using it in another
construct or an output makes a reference and a dependency). For every input: a setter, a
``<name>_input`` getter returning what was set, and for optional inputs a ``reset_<name>()``.

Inputs live on the Node side as the element's raw overrides (`addOverride`), which cdktf merges into
both the JSON and the HCL synthesis. That keeps synthesis free of calls back into Python: a
hand-written class overriding `_synthesize_attributes` costs one Node-to-Python callback per
resource, about half again the synthesis time of a generated binding (see docs/benchmarks.md).
One visible trace: cdktf lists overridden keys in the stack's ``"//"`` metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jsii
from constructs import Construct

from constructs_lib.engine import cdk

Kind = Literal["string", "number", "bool", "set_of_string", "list_of_string", "list_of_object"]

# The `TerraformResource` getter a generated binding calls for each kind.
_GETTERS: dict[str, str] = {
    "string": "get_string_attribute",
    "number": "get_number_attribute",
    "bool": "get_boolean_attribute",
    "set_of_string": "get_list_attribute",
    "list_of_string": "get_list_attribute",
    "list_of_object": "interpolation_for_attribute",
}

META_ARGUMENTS = ("connection", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioners")
"""The keyword arguments every resource and data source construct takes (`TerraformMetaArguments`)."""


@dataclass(frozen=True)
class Attribute:
    """One attribute of a Terraform resource or data source, as its construct exposes it."""

    name: str
    kind: Kind
    input: bool = False  # settable in configuration
    required: bool = False  # an input that must be set
    computed: bool = False  # set by the provider (alone, or when the input is left out)


class _Reference:
    """``obj.<name>``: a token for the attribute; setting it sets the input (inputs only)."""

    def __init__(self, attribute: Attribute) -> None:
        self.attribute = attribute
        self.settable = attribute.input
        self.__doc__ = f"`{attribute.name}` as a token resolved by Terraform (a reference)."

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, _GETTERS[self.attribute.kind])(self.attribute.name)

    def __set__(self, obj: Any, value: Any) -> None:
        if not self.attribute.input:
            raise AttributeError(f"{self.attribute.name} is computed by the provider and cannot be set")
        obj._set_input(self.attribute.name, value)


class _Input:
    """``obj.<name>_input``: the value set for the attribute (None if unset)."""

    settable = False

    def __init__(self, attribute: Attribute) -> None:
        self.name = attribute.name
        self.__doc__ = f"The value set for `{attribute.name}`, or None."

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._inputs.get(self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError(f"{self.name}_input is read-only; set {self.name} instead")


def _reset(name: str) -> Callable[[Any], None]:
    def reset(self: Any) -> None:
        self._set_input(name, None)

    reset.__name__ = f"reset_{name}"
    reset.__doc__ = f"Unset `{name}` (Terraform then leaves it to the provider)."
    return reset


def install(cls: type, attributes: Iterable[Attribute]) -> type:
    """Add the accessors of `attributes` to construct class `cls` (which implements `_set_input`)."""
    for attribute in attributes:
        setattr(cls, attribute.name, _Reference(attribute))
        if attribute.input:
            setattr(cls, f"{attribute.name}_input", _Input(attribute))
            if not attribute.required:
                setattr(cls, f"reset_{attribute.name}", _reset(attribute.name))
    return cls


def set_override(element: Any, name: str, value: Any) -> None:
    """Set (or, for None, remove) attribute `name` on the Node side: `addOverride` without the
    generated method's Python type checks."""
    jsii.invoke(element, "addOverride", [name, value])


def start(element: Any, scope: Any, id: str, resource_type: str, subject: str, **meta: Any) -> None:
    """Create the Node-side object of resource or data source `element` with its meta-arguments
    (what a generated constructor does, without its per-call type checks), then set its inputs
    (``element._inputs``, already checked)."""
    from constructs_lib._tokens import create
    from constructs_lib.provider import GENERATOR_METADATA

    create(element, scope, id, config(resource_type, GENERATOR_METADATA, meta, subject))
    for name, value in element._inputs.items():
        set_override(element, name, value)


def config(resource_type: str, metadata: Any, meta: Mapping[str, Any], subject: str) -> Any:
    """The `TerraformResourceConfig` for a construct: its type, provider metadata and meta-arguments.

    Raises `TypeError` naming the meta-argument when one has the wrong shape (what a generated
    binding's type checks would say), and `ValueError` when `count` and `for_each` are both given."""
    from constructs_lib._tokens import struct

    values = dict(meta)
    count = values.get("count")
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int | float | cdk.TerraformCount)
    ):
        raise TypeError(f"{subject}: count: expected a number or a TerraformCount, got {count!r}")
    for_each = values.get("for_each")
    if for_each is not None and not isinstance(for_each, cdk.TerraformIterator):
        raise TypeError(
            f"{subject}: for_each: expected a TerraformIterator "
            f"(e.g. TerraformIterator.from_list([...])), got {for_each!r}"
        )
    if count is not None and for_each is not None:
        raise ValueError(f"{subject}: count and for_each cannot both be set; use one of them")
    lifecycle = values.get("lifecycle")
    if isinstance(lifecycle, Mapping):
        values["lifecycle"] = cdk.TerraformResourceLifecycle(**lifecycle)
    for name in ("depends_on", "provisioners"):
        if values.get(name) is not None:
            values[name] = list(values[name])
    return struct(
        cdk.TerraformResourceConfig,
        {"terraform_resource_type": resource_type, "terraform_generator_metadata": metadata, **values},
    )


class Importable:
    """`generate_config_for_import`, which every generated resource and data source class has."""

    TF_RESOURCE_TYPE: str

    @classmethod
    def generate_config_for_import(
        cls,
        scope: Construct,
        import_to_id: str,
        import_from_id: str,
        provider: cdk.TerraformProvider | None = None,
    ) -> cdk.ImportableResource:
        """An `ImportableResource` that makes ``cdktf plan`` write the configuration of the existing
        object `import_from_id` (a Graph id) as construct `import_to_id`.

        Example::

            DerivedCredentialSettings.generate_config_for_import(stack, "adopted", "4b6cf4c6-...")
        """
        return cdk.ImportableResource(
            scope, import_to_id, ImportConfig(cls.TF_RESOURCE_TYPE, import_from_id, provider)
        )


@jsii.implements(cdk.IImportableConfig)
class ImportConfig:
    """What `ImportableResource` reads: the type, the id to import and the provider."""

    def __init__(self, resource_type: str, import_id: str, provider: cdk.TerraformProvider | None) -> None:
        self._values: dict[str, Any] = {
            "terraform_resource_type": resource_type,
            "import_id": import_id,
            "provider": provider,
        }

    # jsii reads these through properties (plain attributes are invisible to it); the setters make the
    # class match the interface's settable members for type checkers.
    @property
    def terraform_resource_type(self) -> str:
        return str(self._values["terraform_resource_type"])

    @terraform_resource_type.setter
    def terraform_resource_type(self, value: str) -> None:
        self._values["terraform_resource_type"] = value

    @property
    def import_id(self) -> str:
        return str(self._values["import_id"])

    @import_id.setter
    def import_id(self, value: str) -> None:
        self._values["import_id"] = value

    @property
    def provider(self) -> cdk.TerraformProvider | None:
        value: cdk.TerraformProvider | None = self._values["provider"]
        return value

    @provider.setter
    def provider(self, value: cdk.TerraformProvider | None) -> None:
        self._values["provider"] = value
