"""Telling CDKTF tokens (values known only at deploy time) from literal values.

A token is an encoded placeholder: strings hold `${TfToken[...]}`, lists hold `#{TfToken[...]}`
strings, numbers are special doubles and some values are `IResolvable` objects. Literals are the
overwhelming majority, so plain strings, ints, bools and enum members are classified here in
Python; only the doubtful cases ask the jsii runtime (`cdktf.Token.is_unresolved`), which costs
one round trip to Node each.
"""

from __future__ import annotations

import enum
from typing import Any

import cdktf

_MARKERS = ("${TfToken[", "#{TfToken[", "&{TfToken[")


def is_token(value: Any) -> bool:
    """True if `value` is (or contains) an unresolved CDKTF token."""
    if value is None or isinstance(value, bool | int | enum.Enum):
        return False
    if isinstance(value, str):
        return any(marker in value for marker in _MARKERS)
    if isinstance(value, list | tuple | set | frozenset):
        return any(is_token(item) for item in value)
    # Floats (number tokens are encoded as doubles) and jsii objects such as IResolvable.
    return bool(cdktf.Token.is_unresolved(value))
