"""Terraform values as the plugin protocol carries them: known, null, unknown and refined unknown.

Terraform sends a value it does not know yet as a msgpack extension. Code 0 means wholly unknown.
Since Terraform 1.6 (and OpenTofu 1.6) code 12 carries *refinements*: its payload is a msgpack map
with small integer keys, 1 nullness (false: definitely not null), 2 string prefix, 3 and 4 number
lower and upper bound as ``[number, inclusive]``, 5 and 6 collection length lower and upper bound
(inclusive). The protocol says any other code is an unknown value too, its payload not ours to read.

`tf` 1.2.0 decodes only code 0 and hands anything else on as a raw ``ExtType``, which the provider
then validated as if it were a known string or number. `install_value_codec()`, called once when the
provider starts, swaps `tf`'s msgpack hooks for the ones here:

* code 0 (or any extension with an empty or one-byte payload) becomes `tf.types.Unknown`;
* any other extension becomes a `RefinedUnknown`, which keeps its code and raw payload and encodes
  back to exactly those bytes, so a plan that echoes a value echoes Terraform's own refinements and
  Terraform never sees an inconsistent plan;
* `tf`'s collection types pass an unknown through instead of iterating over it.

The rest of the provider asks `is_unknown(v)`, never ``v is Unknown``. `check_config` validates a
configuration that may hold unknowns: known values fully, the known elements of a set that holds
unknown ones, and refinements where they already break a rule (a URL whose known start is
``ftp://``, a percentage whose lower bound is 101); a wholly unknown value is never checked.

Nothing here imports the model: callers pass the field list and their own check function.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import msgpack
from tf import types as tft
from tf.types import Unknown

from intune_model.display import shown

__all__ = [
    "REFINED_UNKNOWN_EXT",
    "UNKNOWN_EXT",
    "Bound",
    "RefinedUnknown",
    "check_config",
    "decode_extension",
    "definitely_not_null",
    "encode_unknown",
    "has_unknown",
    "install_value_codec",
    "is_unknown",
    "known_items",
    "known_prefix",
    "length_bounds",
    "number_bounds",
]

UNKNOWN_EXT = 0
REFINED_UNKNOWN_EXT = 12

# Keys of the refinement map (Terraform's docs/plugin-protocol/object-wire-format.md).
_NULLNESS = 1
_STRING_PREFIX = 2
_NUMBER_MIN = 3
_NUMBER_MAX = 4
_LENGTH_MIN = 5
_LENGTH_MAX = 6

Number = int | float | Decimal


@dataclass(frozen=True)
class Bound:
    """One end of a number range: `value`, and whether the range includes it."""

    value: Number
    inclusive: bool


@dataclass(frozen=True, eq=False)
class RefinedUnknown:
    """An unknown value with the refinements Terraform sent. `code` and `raw` are the extension as
    received and are what it encodes back to; the other fields are read from `raw` (all None when a
    refinement is absent, or when the payload is not a refinement map: then it is wholly unknown)."""

    code: int
    raw: bytes
    null: bool | None = None  # False: definitely not null; True: definitely null
    prefix: str | None = None
    lower: Bound | None = None
    upper: Bound | None = None
    min_length: int | None = None
    max_length: int | None = None
    extra: tuple[int, ...] = field(default=())  # refinement keys this code does not know

    @classmethod
    def from_extension(cls, code: int, raw: bytes) -> RefinedUnknown:
        if code != REFINED_UNKNOWN_EXT:
            return cls(code, raw)
        try:
            entries = msgpack.unpackb(raw, strict_map_key=False, raw=False)
        except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
            return cls(code, raw)
        if not isinstance(entries, dict):
            return cls(code, raw)
        parsed: dict[str, Any] = {}
        extra: list[int] = []
        for key, value in entries.items():
            if key == _NULLNESS and isinstance(value, bool):
                parsed["null"] = value
            elif key == _STRING_PREFIX and isinstance(value, str):
                parsed["prefix"] = value
            elif key in (_NUMBER_MIN, _NUMBER_MAX) and (bound := _bound(value)) is not None:
                parsed["lower" if key == _NUMBER_MIN else "upper"] = bound
            elif key in (_LENGTH_MIN, _LENGTH_MAX) and isinstance(value, int) and not isinstance(value, bool):
                parsed["min_length" if key == _LENGTH_MIN else "max_length"] = value
            elif isinstance(key, int):
                extra.append(key)
        return cls(code, raw, extra=tuple(extra), **parsed)

    def to_extension(self) -> msgpack.ExtType:
        return msgpack.ExtType(self.code, self.raw)

    # Equal when the bytes are: two unknowns are "the same" only if Terraform said the same thing.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RefinedUnknown):
            return NotImplemented
        return (self.code, self.raw) == (other.code, other.raw)

    def __hash__(self) -> int:
        return hash((self.code, self.raw))

    def __repr__(self) -> str:
        parts = []
        if self.null is not None:
            parts.append("null" if self.null else "not null")
        if self.prefix is not None:
            parts.append(f"prefix={self.prefix!r}")
        if self.lower is not None:
            parts.append(f"{'>=' if self.lower.inclusive else '>'} {self.lower.value}")
        if self.upper is not None:
            parts.append(f"{'<=' if self.upper.inclusive else '<'} {self.upper.value}")
        if self.min_length is not None:
            parts.append(f"length >= {self.min_length}")
        if self.max_length is not None:
            parts.append(f"length <= {self.max_length}")
        return f"Unknown({', '.join(parts)})"


def _number(value: Any) -> Number | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | bytes):  # a number too large or precise for a float travels as text
        try:
            number = Decimal(value.decode() if isinstance(value, bytes) else value)
        except (InvalidOperation, UnicodeDecodeError):
            return None
        return number if number.is_finite() else None
    return None


def _bound(value: Any) -> Bound | None:
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[1], bool):
        number = _number(value[0])
        if number is not None:
            return Bound(number, value[1])
    return None


# ----------------------------------------------------------------------------- msgpack hooks


def decode_extension(code: int, data: bytes) -> Any:
    """msgpack `ext_hook`: every extension Terraform sends is an unknown value."""
    if len(data) <= 1:  # no room for a refinement map: wholly unknown, whatever the code
        return Unknown
    return RefinedUnknown.from_extension(code, data)


def encode_unknown(obj: Any) -> Any:
    """msgpack `default`: unknowns back to their extension (a refined one byte-for-byte)."""
    if obj is Unknown:
        return msgpack.ExtType(UNKNOWN_EXT, b"\x00")
    if isinstance(obj, RefinedUnknown):
        return obj.to_extension()
    raise TypeError(f"cannot encode {type(obj).__name__} as a Terraform value")


_install_lock = threading.Lock()
_installed = False


def install_value_codec() -> None:
    """Teach `tf` 1.2.0 every unknown value Terraform sends. Call once at provider start (it is
    idempotent): it replaces `tf.utils`' msgpack hooks, which `read_dynamic_value` and
    `to_dynamic_value` look up on every call, and makes `tf`'s list, set and map types pass unknown
    values through."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import tf.utils

        tf.utils._msgpack_ext_hook = decode_extension
        tf.utils._msgpack_default = encode_unknown
        for kind in (tft.List, tft.Map):
            kind.encode = _passing_unknown(kind.encode)
            kind.decode = _passing_unknown(kind.decode)
        tft.Set.semantically_equal = _unknown_aware_equality(tft.Set.semantically_equal)
        _installed = True


def _passing_unknown(method: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def passing(self: Any, value: Any) -> Any:
        return value if is_unknown(value) else method(self, value)

    passing.__doc__ = method.__doc__
    return passing


def _unknown_aware_equality(method: Callable[[Any, Any, Any], bool]) -> Callable[[Any, Any, Any], bool]:
    def equal(self: Any, a: Any, b: Any) -> bool:
        if is_unknown(a) or is_unknown(b):
            return bool(a == b)
        return method(self, a, b)

    return equal


# ----------------------------------------------------------------------------- questions about values


def is_unknown(value: Any) -> bool:
    """True for a wholly or a refined unknown value (not for a known collection holding one)."""
    return value is Unknown or isinstance(value, RefinedUnknown)


def has_unknown(value: Any) -> bool:
    """True when the value is unknown or holds an unknown anywhere inside."""
    if is_unknown(value):
        return True
    if isinstance(value, list | tuple):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False


def known_items(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The entries that are set and wholly known (no null, no unknown anywhere inside)."""
    return {k: v for k, v in (values or {}).items() if v is not None and not has_unknown(v)}


def known_prefix(value: Any) -> str:
    """What a string value is known to start with: all of it when known, the refined prefix when
    unknown, else ''."""
    if isinstance(value, str):
        return value
    if isinstance(value, RefinedUnknown) and value.prefix:
        return value.prefix
    return ""


def number_bounds(value: Any) -> tuple[Bound | None, Bound | None]:
    """(lower, upper) of a number: both the number itself when known, the refined bounds when
    unknown, (None, None) when nothing is known."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Bound(value, True), Bound(value, True)
    if isinstance(value, RefinedUnknown):
        return value.lower, value.upper
    return None, None


def length_bounds(value: Any) -> tuple[int, int | None]:
    """(least, most) elements a collection can have; `most` is None when unbounded."""
    if isinstance(value, list | tuple | dict):
        if not has_unknown(value) or isinstance(value, dict):
            return len(value), len(value)
        known = [v for v in value if not is_unknown(v)]
        # A set's unknown elements may turn out equal to known ones or to each other.
        return max(1, len(set(map(repr, known)))), len(value)
    if isinstance(value, RefinedUnknown):
        return value.min_length or 0, value.max_length
    return 0, None


def definitely_not_null(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, RefinedUnknown):
        return value.null is False
    return value is not Unknown


# ----------------------------------------------------------------------------- validation with unknowns


class FieldLike(Protocol):
    """What `check_config` needs of a field: its name, and optionally its allowed values and an example
    of a valid value. Its Terraform type (`string`, `number`, `bool`, `set_of_string`) is its `tf_type`
    (a spec's field) or its `kind` (a provider argument)."""

    @property
    def name(self) -> str: ...


def _tf_type(spec: FieldLike) -> str:
    return str(getattr(spec, "tf_type", None) or getattr(spec, "kind", ""))


Check = Callable[[Mapping[str, Any]], list[tuple[str, str]]]

# How a string commonly continues: neutral tails, one that completes a domain name (a tenant), and
# every tail that completes an http(s) URL from any prefix of one. A refined string is reported only
# when no candidate passes the check.
_STRING_TAILS = (
    "",
    "x",
    "x.example",
    "/x",
    "//x.example/x",
    "://x.example/x",
    "s://x.example/x",
    "ps://x.example/x",
    "tps://x.example/x",
    "ttps://x.example/x",
)
_MAX_SET_SEARCH = 10  # allowed values up to which every subset of a refined length is tried


def check_config(
    config: Mapping[str, Any] | None, fields: Iterable[FieldLike], check: Check
) -> list[tuple[str, str]]:
    """Problems of a configuration that may hold unknown values, as (field, message) pairs.

    Known values go to `check` as they are. A set that holds unknown elements is checked on its known
    elements. A refined unknown is reported only when no value it could still become passes `check`
    (its known prefix, its number bounds, its length bounds); a wholly unknown value, or a null one,
    is never checked."""
    config = config or {}
    known: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for spec in fields:
        value = config.get(spec.name)
        if value is None or value is Unknown:
            continue
        if isinstance(value, RefinedUnknown):
            problem = _refinement_problem(spec, value, check)
            if problem:
                problems.append((spec.name, problem))
        elif isinstance(value, list) and has_unknown(value):
            elements = [v for v in value if not has_unknown(v)]
            if elements:
                known[spec.name] = elements
        else:
            known[spec.name] = value
    return check(known) + problems if known else problems


def _hints(spec: FieldLike) -> list[Any]:
    allowed = tuple(getattr(spec, "allowed", ()) or ())
    example = getattr(spec, "example", None)
    return [*allowed, *([example] if example is not None else [])]


def _first_message(check: Check, name: str, value: Any) -> str | None:
    """The check's message for `name` = `value`, or None when it passes."""
    for field_name, message in check({name: value}):
        if field_name == name:
            return message
    return None


def _refinement_problem(spec: FieldLike, value: RefinedUnknown, check: Check) -> str | None:
    tf_type = _tf_type(spec)
    if tf_type == "string" and value.prefix:
        return _prefix_problem(spec, value.prefix, check)
    if tf_type == "number" and (value.lower is not None or value.upper is not None):
        return _range_problem(spec, value.lower, value.upper, check)
    if tf_type.startswith("set_of_") and (value.min_length or value.max_length is not None):
        return _length_problem(spec, value.min_length or 0, value.max_length, check)
    return None


def _prefix_problem(spec: FieldLike, prefix: str, check: Check) -> str | None:
    candidates = [prefix + tail for tail in _STRING_TAILS]
    candidates += [h for h in _hints(spec) if isinstance(h, str) and h.startswith(prefix)]
    if any(_first_message(check, spec.name, c) is None for c in candidates):
        return None
    message = _first_message(check, spec.name, prefix)
    start = shown(prefix)
    return f"the value is not known yet, but it will start with {start}, so it cannot be valid: {message}"


def _range_problem(spec: FieldLike, lower: Bound | None, upper: Bound | None, check: Check) -> str | None:
    candidates = list(_range_candidates(spec, lower, upper))
    failures = [m for c in candidates if (m := _first_message(check, spec.name, c)) is not None]
    if not candidates or len(failures) < len(candidates):
        return None
    ends = []
    if lower is not None:
        ends.append(f"{'at least' if lower.inclusive else 'more than'} {_show(lower.value)}")
    if upper is not None:
        ends.append(f"{'at most' if upper.inclusive else 'less than'} {_show(upper.value)}")
    span = " and ".join(ends)
    return f"the value is not known yet, but it will be {span}, so it cannot be valid: {failures[0]}"


def _show(number: Number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _range_candidates(spec: FieldLike, lower: Bound | None, upper: Bound | None) -> Iterator[Number]:
    """Whole numbers at both ends of the range and the example clamped into it: for a rule that
    accepts an interval holding the example, one of them passes whenever any number in range does.
    A range with no whole number yields a fraction inside it."""
    low = None if lower is None else _ceil(lower)
    high = None if upper is None else _floor(upper)
    if low is not None and high is not None and low > high:
        if lower is not None and upper is not None and lower.value < upper.value:
            yield (Decimal(str(lower.value)) + Decimal(str(upper.value))) / 2
        elif lower is not None and upper is not None and lower.value == upper.value and lower.inclusive:
            yield lower.value
        return
    example = next((h for h in _hints(spec) if isinstance(h, int) and not isinstance(h, bool)), 0)
    for candidate in (low, high):
        if candidate is not None:
            yield candidate
    clamped = example if low is None else max(low, example)
    yield clamped if high is None else min(high, clamped)


def _ceil(bound: Bound) -> int:
    whole = math.ceil(bound.value)
    return whole + 1 if whole == bound.value and not bound.inclusive else whole


def _floor(bound: Bound) -> int:
    whole = math.floor(bound.value)
    return whole - 1 if whole == bound.value and not bound.inclusive else whole


def _length_problem(spec: FieldLike, least: int, most: int | None, check: Check) -> str | None:
    allowed = [h for h in getattr(spec, "allowed", ()) or () if isinstance(h, str)]
    if not allowed or len(allowed) > _MAX_SET_SEARCH:
        return None
    top = len(allowed) if most is None else min(most, len(allowed))
    sizes = range(least, top + 1)
    for size in sizes:
        for members in itertools.combinations(allowed, size):
            if _first_message(check, spec.name, list(members)) is None:
                return None
    shown = f"at least {least}" if most is None else f"{least} to {most}" if least != most else str(least)
    return (
        f"the value is not known yet, but it will hold {shown} elements, and no set of that size is "
        f"allowed; allowed values: {', '.join(allowed)}"
    )
