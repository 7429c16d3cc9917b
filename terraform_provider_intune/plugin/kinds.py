"""A field's kind as `tf` sees it: the Terraform type the kind declares, and a nested block for a kind
that is configured with one (an object set). Nothing here knows a particular kind: each field's type
comes from `Kind.terraform_type()`, so a new kind needs no edit here."""

from __future__ import annotations

import json
from typing import Any

from tf import schema as tfs
from tf import types as tft

from intune_model.schema import Field, Kind
from terraform_provider_intune.plugin.values import is_unknown


def _canonical(value: Any) -> Any:
    """A value with every list sorted, for comparing sets (Terraform keeps no order in them)."""
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


class KindType(tft.TfType):
    """The `tf` type of a kind: its type expression, values passed through as msgpack decodes them
    (state form is the kind's business: `codec.clean`)."""

    def __init__(self, kind: Kind | None = None, expression: Any = None):
        self.expression = kind.terraform_type() if kind is not None else expression
        self._bytes = json.dumps(self.expression, separators=(",", ":")).encode()

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        if is_unknown(a_decoded) or is_unknown(b_decoded):
            return bool(a_decoded == b_decoded)
        return bool(_canonical(a_decoded) == _canonical(b_decoded))

    def tf_type(self) -> bytes:
        return self._bytes


def terraform_type(kind: Kind) -> KindType:
    return KindType(kind)


class SetBlock(tfs.NestedBlock):
    """A repeated nested block (`assignment { ... }`), a set of objects in state."""

    def __init__(self, f: Field):
        attributes = [
            tfs.Attribute(
                item.name,
                terraform_type(item.kind),
                description=item.documented(),
                required=item.required,
                optional=not item.required,
            )
            for item in f.kind.block_fields()
        ]
        super().__init__(
            f.name, tfs.NestMode.Set, tfs.Block(attributes=attributes, description=f.documented())
        )
        self.type = KindType(f.kind)

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        return self.type.semantically_equal(a_decoded, b_decoded)


def is_block(f: Field) -> bool:
    """True for a field a resource configures with nested blocks rather than an attribute."""
    return bool(f.kind.block_fields()) and not f.read_only
