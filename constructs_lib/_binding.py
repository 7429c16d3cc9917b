"""What a generated `cdktf-cdktf-provider-*` binding gives each construct, on the Node side from the
binding `cdktf get` (or `cdktn get`) generates for this provider, and on the Python side derived from
a list of attributes (name, kind, input, required) instead of written per field.

Node side: `_bindings/<engine>/_jsii/intune@0.0.0.jsii.tgz` is the jsii assembly of that generated
binding (compiled JavaScript, no Python), loaded once. Each construct class names its generated
JavaScript class in `__jsii_type__`, so `jsii.create` makes one of those, with the inputs in its config
struct: one round trip per construct, and synthesis (JSON and HCL) runs in JavaScript with no call back
into Python, as for any generated binding. Regenerate the assemblies after a schema change with
``python -m constructs_lib._bindings``; the parity test fails until then.

Python side: for every attribute a property whose getter returns a token referencing it (so using
it elsewhere makes a reference and a dependency); for every input a setter (checked by the
construct), a ``<name>_input`` getter returning what was set, and for optional inputs a
``reset_<name>()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jsii
from constructs import Construct

from constructs_lib.engine import NAME, cdk

ENV_BINDING = "INTUNE_CONSTRUCTS_BINDING"
"""An importable package holding another build of the binding's assembly (`intune@0.0.0.jsii.tgz`),
for specs registered from outside the product: ``python -m constructs_lib._bindings --out DIR``
writes one with `INTUNE_EXTRA_SPECS` set."""

ASSEMBLY = (
    "intune",
    "0.0.0",
    os.environ.get(ENV_BINDING) or f"constructs_lib._bindings.{NAME}",
    "intune@0.0.0.jsii.tgz",
)
"""The generated binding's jsii assembly for the engine in use: name, version, package, file."""

jsii.JSIIAssembly.load(*ASSEMBLY)

Kind = Literal[
    "string", "number", "bool", "set_of_string", "set_of_object", "list_of_string", "list_of_object"
]

# The `TerraformResource` getter a generated binding calls for each kind.
_GETTERS: dict[str, str] = {
    "string": "get_string_attribute",
    "number": "get_number_attribute",
    "bool": "get_boolean_attribute",
    "set_of_string": "get_list_attribute",
    "list_of_string": "get_list_attribute",
    "set_of_object": "interpolation_for_attribute",
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
    block: bool = False  # an input written as repeated nested blocks: set with `put_<name>(items)`


class _Reference:
    """``obj.<name>``: a token for the attribute; setting it sets the input (inputs only)."""

    def __init__(self, attribute: Attribute) -> None:
        self.attribute = attribute
        self.settable = attribute.input and not attribute.block
        self.__doc__ = f"`{attribute.name}` as a token resolved by Terraform (a reference)."

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, _GETTERS[self.attribute.kind])(self.attribute.name)

    def __set__(self, obj: Any, value: Any) -> None:
        if not self.attribute.input:
            raise AttributeError(f"{self.attribute.name} is computed by the provider and cannot be set")
        if self.attribute.block:
            name = self.attribute.name
            raise AttributeError(f"{name} is a set of blocks: use put_{name}(...)")
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


def _put(name: str) -> Callable[[Any, Any], None]:
    def put(self: Any, value: Any) -> None:
        self._set_input(name, value)

    put.__name__ = f"put_{name}"
    put.__doc__ = f"Set every `{name}` block at once (a list of dicts, or a token), checked."
    return put


def generated_class(terraform_type: str, provider: str, *, data: bool) -> str:
    """The jsii name of the class the binding generator makes for a resource or data source type:
    `intune_derived_credential` -> ``intune.derivedCredential.DerivedCredential``, and for data
    sources ``intune.dataIntuneDerivedCredential.DataIntuneDerivedCredential``."""
    name = f"data_{terraform_type}" if data else terraform_type.removeprefix(f"{provider}_")
    module = camel(name)
    return f"{provider}.{module}.{module[:1].upper()}{module[1:]}"


def install(cls: type, attributes: Iterable[Attribute], *, provider: str, data: bool = False) -> type:
    """Bind construct class `cls` (which has `TF_RESOURCE_TYPE` and implements `_set_input`) to the
    generated JavaScript class of its type and its config struct, and add the accessors of
    `attributes`."""
    attributes = tuple(attributes)
    fqn = generated_class(cls.TF_RESOURCE_TYPE, provider, data=data)  # type: ignore[attr-defined]
    cls.__jsii_type__ = fqn  # type: ignore[attr-defined]  # what jsii.create makes
    cls._config_type = config_type(f"{fqn}Config", attributes)  # type: ignore[attr-defined]
    for attribute in attributes:
        setattr(cls, attribute.name, _Reference(attribute))
        if attribute.input:
            setattr(cls, f"{attribute.name}_input", _Input(attribute))
            if attribute.block:
                setattr(cls, f"put_{attribute.name}", _put(attribute.name))
            if not attribute.required:
                setattr(cls, f"reset_{attribute.name}", _reset(attribute.name))
    return cls


def camel(name: str) -> str:
    """The JavaScript name of a Terraform attribute, as the binding generator spells it."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def typed(kind: str, value: Any) -> Any:
    """`value` as the generated class's typed field takes it: a token object (an iterator's
    ``value``, an `IResolvable`) becomes the string, number or list token of the attribute's kind,
    as a binding user writes with `Token.as_string` and friends. Plain values are left alone."""
    if value is None or isinstance(value, str | int | float):
        return value
    if kind in ("set_of_object", "list_of_object") and isinstance(value, list | tuple):
        # the generated struct's JavaScript names; unset members left out
        return [
            {camel(k): typed("string", v) for k, v in item.items() if v is not None}
            if isinstance(item, Mapping)
            else item
            for item in value
        ]
    if kind in ("set_of_string", "list_of_string"):
        if isinstance(value, list | tuple):
            return [typed("string", v) for v in value]
        return cdk.Token.as_list(value)
    if kind == "number":
        return cdk.Token.as_number(value)
    if kind == "string":
        return cdk.Token.as_string(value)
    return value


def set_input(element: Any, name: str, value: Any) -> None:
    """Set input `name` on the Node side (the generated setter), or unset it for None (`reset_*`)."""
    kind = element._config_type.kinds[name]
    value = typed(kind, value)
    upper = camel(name)[:1].upper() + camel(name)[1:]
    if value is None:
        jsii.invoke(element, "reset" + upper, [])
    elif kind in ("set_of_object", "list_of_object"):  # a block: the generated `put` method
        jsii.invoke(element, "put" + upper, [value])
    else:
        jsii.set(element, camel(name), value)


class _Struct:
    """A jsii struct whose fields are read from `_values` (None for unset ones)."""

    _values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        return self.__dict__["_values"].get(name)


def config_type(fqn: str, attributes: Iterable[Attribute]) -> type:
    """The generated binding's config struct `fqn`: meta-arguments and the inputs of `attributes`."""
    inputs = {a.name: a.kind for a in attributes if a.input}
    names = (*META_ARGUMENTS, *inputs)
    cls = type(fqn.rsplit(".", 1)[-1], (_Struct,), {"kinds": inputs})
    return jsii.data_type(jsii_type=fqn, jsii_struct_bases=[], name_mapping={n: camel(n) for n in names})(cls)


def meta_of(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The meta-arguments among a constructor's arguments (its `locals()`)."""
    return {name: arguments.get(name) for name in META_ARGUMENTS}


def start(element: Any, scope: Any, id: str, subject: str, meta: Mapping[str, Any]) -> None:
    """Create the Node-side object of `element` (an instance of the generated JavaScript class its
    class names) with its checked inputs (``element._inputs``) and meta-arguments in one round trip,
    without the per-call type checks of a generated Python `__init__`."""
    config = element._config_type.__new__(element._config_type)
    kinds = element._config_type.kinds
    inputs = {name: typed(kinds[name], value) for name, value in element._inputs.items()}
    values = {**inputs, **meta_arguments(meta, subject)}
    config._values = {k: v for k, v in values.items() if v is not None}
    jsii.create(element.__class__, element, [scope, id, config])


def meta_arguments(meta: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """Terraform's meta-arguments as the config struct takes them.

    Raises `TypeError` naming the meta-argument when one has the wrong shape (what a generated
    binding's type checks would say), and `ValueError` when `count` and `for_each` are both given."""
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
    return values


class Importable:
    """`generate_config_for_import`, which every generated resource and data source class has."""

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
        resource: cdk.ImportableResource = jsii.sinvoke(
            cls, "generateConfigForImport", [scope, import_to_id, import_from_id, provider]
        )
        return resource
