"""Adding resources read from a file to a stack, whatever their types, with references between them.

An entry names its resource type; the construct comes from `constructs_lib.catalog`. A field given
as ``{"ref": "<key>"}`` becomes the token ``<that resource>.id``, so Terraform orders the two and a
replaced setting is followed by what points at it. Entries are added referenced-first; a reference
to a key that is not there, to an entry of another type or another tenant, or a cycle, is one error
naming the entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from constructs import Construct

from constructs_lib._spec_constructs import BY_TYPE, SpecResource
from constructs_lib.engine import cdk
from constructs_lib.settings_file import reference_target
from intune_model.errors import IntuneError


class Entry(Protocol):
    """What `add_entries` needs of an entry (`SettingsFileEntry` and `stacks.config.SettingsEntry`)."""

    @property
    def key(self) -> str: ...
    @property
    def resource_type(self) -> str: ...
    @property
    def arguments(self) -> dict[str, Any]: ...
    @property
    def references(self) -> Mapping[str, str]: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def import_address(self) -> str | None: ...


class EntriesInvalid(IntuneError, ValueError):
    """References that cannot be resolved: every one named at once."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid references:\n" + "\n".join(f"  - {p}" for p in problems))


def construct_for(resource_type: str) -> type[SpecResource]:
    """The resource construct of a Terraform resource type (the catalog's, or one of a module
    generated for a spec from outside the product, once imported), or `EntriesInvalid`."""
    import constructs_lib.catalog  # noqa: F401  (every built-in construct class, in BY_TYPE)

    if resource_type not in BY_TYPE:
        raise EntriesInvalid(
            [
                f"no construct for {resource_type} (known: {', '.join(BY_TYPE)}); for a spec registered "
                "from outside the product, import the module `python -m constructs_lib._generate "
                "--spec <module> --out <dir>` writes for it"
            ]
        )
    return BY_TYPE[resource_type]


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """`entries`, each after the ones it references; `EntriesInvalid` for what cannot be resolved."""
    by_key = {e.key: e for e in entries}
    problems: list[str] = []
    for e in by_key.values():
        cls = construct_for(e.resource_type)
        for name, key in e.references.items():
            target = by_key.get(key)
            wanted = reference_target(cls._spec.by_name[name])
            if target is None:
                problems.append(f"{e.key}: {name}: no entry with key {key!r}")
            elif wanted is not None and target.resource_type != wanted:
                problems.append(f"{e.key}: {name}: {key!r} is a {target.resource_type}, not a {wanted}")
            elif (target.tenant_id or None) != (e.tenant_id or None):
                theirs, ours = target.tenant_id or "the provider's", e.tenant_id or "the provider's"
                problems.append(
                    f"{e.key}: {name}: {key!r} lives in tenant {theirs}, {e.key!r} in {ours}; "
                    "a reference stays in one tenant"
                )
    if problems:
        raise EntriesInvalid(problems)
    out: list[Entry] = []
    state: dict[str, str] = {}

    def visit(e: Entry, path: list[str]) -> None:
        if state.get(e.key) == "done":
            return
        if state.get(e.key) == "open":
            raise EntriesInvalid([f"references form a cycle: {' -> '.join([*path, e.key])}"])
        state[e.key] = "open"
        for key in e.references.values():
            visit(by_key[key], [*path, e.key])
        state[e.key] = "done"
        out.append(e)

    for e in by_key.values():
        visit(e, [])
    return out


def add_entries(
    scope: Construct, entries: Iterable[Entry], *, provider: cdk.TerraformProvider | None = None
) -> dict[str, SpecResource]:
    """One construct per entry (by its resource type), references resolved to ``<resource>.id``,
    entries with an `import_address` adopting their object; the constructs by key, in file order.

    Example::

        from constructs_lib.entries import add_entries
        from constructs_lib.settings_file import load_settings_file

        made = add_entries(stack, load_settings_file("settings.json", stack="prod"))
        cdktf.TerraformOutput(stack, "purebred_id", value=made["purebred"].id)
    """
    entries = list(entries)
    made: dict[str, SpecResource] = {}
    for e in ordered(entries):
        cls = construct_for(e.resource_type)
        refs = {name: getattr(made[key], "id") for name, key in e.references.items()}  # noqa: B009
        resource = cls(scope, e.key, **e.arguments, **refs, provider=provider)
        if e.import_address:  # adopt the existing object (from its tenant), never a duplicate
            resource.import_from(e.import_address)
        made[e.key] = resource
    return {e.key: made[e.key] for e in entries}


__all__ = ["EntriesInvalid", "Entry", "add_entries", "construct_for", "ordered"]
