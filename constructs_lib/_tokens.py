"""Telling CDKTF tokens (values known only at deploy time) from literal values.

A token is an encoded placeholder: strings hold `${TfToken[...]}`, lists hold `#{TfToken[...]}`
strings, numbers are special doubles and some values are `IResolvable` objects. Literals are the
overwhelming majority, so plain strings, ints, bools and enum members are classified here in
Python; only the doubtful cases ask the jsii runtime (`cdk.Token.is_unresolved`), which costs
one round trip to Node each.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

import jsii
from constructs import Construct

from constructs_lib.engine import cdk

_S = TypeVar("_S")

_MARKERS = ("${TfToken[", "#{TfToken[", "&{TfToken[")


def is_token(value: Any) -> bool:
    """True if `value` is (or contains) an unresolved CDKTF token."""
    if value is None or isinstance(value, bool | int | enum.Enum):
        return False
    if isinstance(value, str):
        return any(marker in value for marker in _MARKERS)
    if isinstance(value, list | tuple | set | frozenset):
        return any(is_token(item) for item in value)
    if isinstance(value, Mapping):  # an object of a set of objects (an assignment)
        return any(is_token(item) for item in value.values())
    # Floats (number tokens are encoded as doubles) and jsii objects such as IResolvable.
    return bool(cdk.Token.is_unresolved(value))


def struct(cls: type[_S], values: dict[str, Any]) -> _S:
    """An instance of jsii struct `cls` holding `values` (Python names, None left out), built without
    the runtime type checks of its generated `__init__`. Those checks (typeguard over
    `typing.get_type_hints`) cost more than the whole Node round trip of a construct; callers pass
    values of the declared types only."""
    obj = cls.__new__(cls)
    obj._values = {k: v for k, v in values.items() if v is not None}  # type: ignore[attr-defined]
    return obj


def create(obj: object, scope: Construct, id: str, config: object) -> None:
    """Create the Node-side object for `obj`: the one round trip a generated `__init__` makes, minus
    its Python-side type checks (see `struct`)."""
    jsii.create(obj.__class__, obj, [scope, id, config])
