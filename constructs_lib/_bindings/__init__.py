"""The jsii assemblies of the binding that `cdktf get` / `cdktn get` generate for this provider's
schema, one per engine (`cdktf/_jsii/`, `cdktn/_jsii/`). Only their compiled JavaScript is used (see
`constructs_lib._binding`); the Python they come with is not kept.

Regenerate both after a schema change, from a checkout with `make` done (the CLIs in node_modules,
the provider installable)::

    .venv/bin/python -m constructs_lib._bindings
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARBALL = "intune@0.0.0.jsii.tgz"
ENGINES = ("cdktf", "cdktn")


def tarball(engine: str) -> Path:
    """Where the assembly for `engine` lives."""
    return HERE / engine / "_jsii" / TARBALL


def assembly(path: Path) -> dict[str, Any]:
    """The `.jsii` manifest inside an assembly tarball."""
    with tarfile.open(path) as tar:
        member = tar.extractfile("package/.jsii")
        assert member is not None, f"{path} holds no package/.jsii"
        data: dict[str, Any] = json.load(member)
    return data


def surface(path: Path) -> dict[str, list[str]]:
    """Each type of the assembly with its public members and initializer parameters: what must be
    equal between builds of one schema, whichever engine (the engines' base classes differ in
    protected details)."""
    out: dict[str, list[str]] = {}
    for fqn, spec in assembly(path)["types"].items():
        members = [
            f"{kind}:{m['name']}"
            for kind in ("methods", "properties")
            for m in spec.get(kind, [])
            if not m.get("protected")
        ]
        params = [f"init:{p['name']}" for p in (spec.get("initializer") or {}).get("parameters", [])]
        out[fqn] = sorted(members + params)
    return out
