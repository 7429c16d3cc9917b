"""A one-line check for users' own stacks: synthesize, then assert a resource or data source with
these attributes is there, with a message that shows what is there instead.

Example (pytest; the `intune_synth` fixture is the same function)::

    import cdktf
    from constructs_lib import DerivedCredentialSettings, IntuneProvider, Issuer
    from constructs_lib.testing import assert_synth

    def test_my_stack():
        stack = cdktf.TerraformStack(cdktf.Testing.app(), "test")
        IntuneProvider(stack, "intune")
        DerivedCredentialSettings(stack, "purebred", display_name="Purebred", issuer=Issuer.PUREBRED)
        assert_synth(stack, DerivedCredentialSettings, display_name="Purebred", issuer="purebred")
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

from constructs_lib.engine import cdk as cdktf

__all__ = ["assert_synth", "synthesized"]


def synthesized(stack: cdktf.TerraformStack) -> dict[str, Any]:
    """The stack's Terraform JSON as a dict (`cdktf.Testing.synth`)."""
    data: dict[str, Any] = json.loads(cdktf.Testing.synth(stack))
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            k in actual and _matches(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        # lists of plain values compare as sets would: the constructs sort them
        if all(not isinstance(v, Mapping | list) for v in expected + actual):
            return sorted(map(str, expected)) == sorted(map(str, actual))
        return len(actual) == len(expected) and all(map(_matches, actual, expected))
    return bool(actual == expected)


def assert_synth(stack: cdktf.TerraformStack, construct: type | str, /, **attributes: Any) -> dict[str, Any]:
    """Synthesize `stack` and assert that it holds a `construct` (a construct class such as
    `DerivedCredentialSettings` or `DataIntuneDerivedCredential`, or a Terraform type name such as
    ``"intune_derived_credential"``) whose attributes include `attributes` (enums and sets allowed;
    attributes not given are not compared). Returns the matching block; raises `AssertionError`
    listing the blocks of that type that were synthesized.

    Example::

        assert_synth(stack, DerivedCredentialSettings, issuer=Issuer.PUREBRED,
                     notification_types=["email", "companyPortal"])
    """
    if isinstance(construct, str):
        type_name, section = construct, None
    else:
        type_name = str(getattr(construct, "TF_RESOURCE_TYPE", ""))
        if not type_name:
            raise TypeError(f"{construct!r} has no TF_RESOURCE_TYPE; pass a construct class or a type name")
        section = "data" if issubclass(construct, cdktf.TerraformDataSource) else "resource"
    document = synthesized(stack)
    expected = _plain(attributes)
    found: dict[str, Any] = {}
    for part in [section] if section else ["resource", "data"]:
        for name, body in document.get(part, {}).get(type_name, {}).items():
            block = {k: v for k, v in body.items() if k != "//"}
            found[f"{part}.{type_name}.{name}"] = block
            if _matches(block, expected):
                return block
    listing = "\n".join(
        f"  {address}: {json.dumps(block, sort_keys=True)}" for address, block in found.items()
    )
    raise AssertionError(
        f"no {type_name} with {json.dumps(expected, sort_keys=True)} in stack {stack.node.id!r}; "
        + (f"found:\n{listing}" if found else f"the stack has no {type_name} at all")
    )
