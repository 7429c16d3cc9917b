"""Reading resources from a JSON file, with errors that name the file and line.

Entries are keyed by Terraform resource type; each is a `key` (construct id, Terraform name, output
prefix; unique in the file) plus the construct's arguments under their Terraform names, optionally
the `tenant_id` the object lives in when it is not the provider's (one provider for many tenants),
and optionally the `import_id` of an existing object to adopt. A field that takes another
resource's id may name that entry's key instead, as ``{"ref": "<key>"}``::

    {"resources": {
      "intune_derived_credential": [
        {"key": "purebred", "display_name": "Purebred", "issuer": "purebred"}
      ],
      "intune_<profile type>": [
        {"key": "ios", "display_name": "iOS", "<settings id field>": {"ref": "purebred"}}
      ]
    }}
    {"stacks": [ {"name": "intune-example", "resources": { ... }} ]}   # stacks/settings.json

Files written before entries were keyed by type still read: a bare list of entries,
``{"settings": [...]}`` and a stack's ``"settings": [...]`` hold entries of
``intune_derived_credential`` (or of the type a construct's `from_file` asks for).

Example::

    entries = load_settings_file("settings.json", stack="intune-example")
    add_entries(stack, entries)   # constructs_lib.entries: references resolved, imports added
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intune_model.address import PROVIDER_TYPE
from intune_model.address import RESOURCE_TYPE as LEGACY_RESOURCE_TYPE
from intune_model.arguments import tenant_problem
from intune_model.errors import IntuneError
from intune_model.registry import specs
from intune_model.schema import Field, Reference, ResourceSpec
from intune_model.typed import SpecModel, model_for

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
REF = "ref"
"""`{"ref": "<key>"}`: a field that takes another resource's id, given as that entry's key."""


class SettingsFileError(IntuneError, ValueError):
    """Every problem in a settings file, each as ``<file>:<line>: <where>: <what>``.

    Attributes:
        path: The file.
        problems: ``(line, message)`` pairs, in file order.
    """

    def __init__(self, path: Path | str, problems: list[tuple[int, str]]):
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"{self.path}:{line}: {message}" for line, message in problems)
        super().__init__(f"invalid settings file {self.path}:\n{lines}")


class _Located(dict[str, Any]):
    """A JSON object that remembers the line it starts on."""

    line: int = 0


def parse_json_with_lines(text: str) -> Any:
    """`json.loads`, except that every object is a dict with a `.line` (1-based) attribute."""
    decoder = json.JSONDecoder()
    plain = getattr(json.decoder, "JSONObject")  # noqa: B009 (untyped in typeshed)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        s, end = s_and_end
        obj, new_end = plain(s_and_end, *args)
        located = _Located(obj)
        located.line = s.count("\n", 0, end) + 1
        return located, new_end

    # The pure-Python scanner looks `parse_object` up on the decoder (the C one does not).
    setattr(decoder, "parse_object", parse_object)  # noqa: B010
    setattr(decoder, "scan_once", getattr(json.scanner, "py_make_scanner")(decoder))  # noqa: B009, B010
    return decoder.decode(text)


def line_of(value: Any) -> int:
    """The line an object from `parse_json_with_lines` starts on (0 if unknown)."""
    return int(getattr(value, "line", 0))


@dataclass(frozen=True)
class SettingsFileEntry:
    """One validated entry: `key`, keyword `arguments` for its resource construct (unset ones left
    out; `tenant_id` among them when given), the optional `import_id`, and where it came from.

    `resource_type` is the Terraform type it is an entry of (``intune_derived_credential`` for the
    lists of files written before files were keyed by type); `references` maps a field to the key
    of the entry whose id it takes (``{"ref": "<key>"}`` in the file), resolved when the stack is
    built (`constructs_lib.entries.add_entries`)."""

    key: str
    arguments: dict[str, Any]
    import_id: str | None = None
    line: int = 0
    path: Path | None = field(default=None, compare=False)
    settings: SpecModel | None = field(default=None, compare=False, repr=False)
    """The validated model the arguments came from (its referenced fields unset)."""
    tenant_id: str | None = None
    """The tenant the object lives in (None: the provider's)."""
    resource_type: str = LEGACY_RESOURCE_TYPE
    references: Mapping[str, str] = field(default_factory=dict)

    @property
    def import_address(self) -> str | None:
        """The import id: `<tenant>/<import_id>` for an entry in a named tenant, else `import_id`."""
        if self.import_id is None:
            return None
        return f"{self.tenant_id}/{self.import_id}" if self.tenant_id else self.import_id


def load_settings_file(
    path: str | Path, *, stack: str | None = None, resource_type: str | None = None
) -> list[SettingsFileEntry]:
    """Read and validate every entry (only those of `resource_type`, when given); raise
    `SettingsFileError` listing each bad entry's line."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsFileError(source, [(0, "file not found")]) from None
    try:
        raw = parse_json_with_lines(text)
    except json.JSONDecodeError as exc:
        raise SettingsFileError(
            source, [(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})")]
        ) from None
    return parse_settings(raw, source=source, stack=stack, resource_type=resource_type)


def resource_types() -> dict[str, ResourceSpec]:
    """Every registered spec by its Terraform resource type."""
    return {f"{PROVIDER_TYPE}_{spec.name}": spec for spec in specs()}


def reference_target(f: Field) -> str | None:
    """The Terraform resource type whose `id` field `f` takes, or None when it takes no reference."""
    if isinstance(f.kind, Reference) and f.kind.target is not None:
        return f"{PROVIDER_TYPE}_{f.kind.target.name}"
    return None


def parse_settings(
    raw: Any,
    *,
    source: Path | str = "<settings>",
    stack: str | None = None,
    resource_type: str | None = None,
) -> list[SettingsFileEntry]:
    """Validate already-parsed settings (any accepted shape); see `load_settings_file`."""
    source = Path(source)
    groups = _groups(raw, source, stack, resource_type)
    known = resource_types()
    problems: list[tuple[int, str]] = []
    out: list[SettingsFileEntry] = []
    seen: dict[str, int] = {}
    for type_name, entries_raw, where, at in groups:
        if resource_type is not None and type_name != resource_type:
            continue
        spec = known.get(type_name)
        if spec is None:
            problems.append(
                (line_of(at) or 1, f"{where}: unknown resource type; allowed: {', '.join(known)}")
            )
            continue
        if not isinstance(entries_raw, list):
            problems.append((line_of(at) or 1, f"{where}: expected a list of entries"))
            continue
        for index, entry in enumerate(entries_raw):
            parsed = _entry(entry, f"{where}[{index}]", line_of(entry) or line_of(at), spec, type_name, seen)
            if isinstance(parsed, SettingsFileEntry):
                out.append(SettingsFileEntry(**{**parsed.__dict__, "path": source}))
            else:
                problems.extend(parsed)
    if problems:
        raise SettingsFileError(source, problems)
    return out


def _entry(
    entry: Any, label: str, line: int, spec: ResourceSpec, type_name: str, seen: dict[str, int]
) -> SettingsFileEntry | list[tuple[int, str]]:
    if not isinstance(entry, Mapping):
        return [(line, f"{label}: expected an object with a key and the {spec.title} fields")]
    key = entry.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        rule = "start with a letter, then letters, digits, - or _"
        return [(line, f"{label}: key {key!r} is not valid; {rule}")]
    label += f" (key {key!r})"
    if key in seen:
        return [(line, f"{label}: duplicate key {key!r}, first used on line {seen[key]}")]
    seen[key] = line
    import_id = entry.get("import_id")
    if import_id is not None and (not isinstance(import_id, str) or not import_id.strip()):
        return [(line, f"{label}: import_id must be the Graph id of an existing object")]
    tenant_id = entry.get("tenant_id")
    if tenant_id is not None and (problem := tenant_problem(tenant_id)):
        return [(line, f"{label}: tenant_id: {problem}")]
    values = {k: v for k, v in entry.items() if k not in ("key", "import_id", "tenant_id")}
    references: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for name, value in list(values.items()):
        if not (isinstance(value, Mapping) and set(value) == {REF}):
            continue
        target = reference_target(spec.by_name[name]) if name in spec.by_name else None
        ref = value[REF]
        if target is None:
            problems.append((name, f"takes no reference ({{{REF!r}: ...}}); give its value"))
        elif not isinstance(ref, str) or not KEY_PATTERN.match(ref):
            problems.append((name, f"{{{REF!r}: {ref!r}}} must name the key of a {target} entry"))
        else:
            references[name] = ref
        del values[name]
    problems += [(n, m) for n, m in spec.problems(values) if n not in references]
    problems += [(f.name, "is read-only: Graph sets it") for f in spec.read_only if f.name in values]
    if problems:
        return [(line, f"{label}: {f}: {m}") for f, m in problems]
    state = {f.name: spec.plain(f.name, values.get(f.name)) for f in spec.settable if f.name in values}
    model = model_for(spec).model_construct(**{k: v for k, v in state.items() if v is not None})
    arguments = {k: v for k, v in state.items() if v is not None}
    if tenant_id is not None:
        arguments["tenant_id"] = tenant_id
    return SettingsFileEntry(key, arguments, import_id, line, None, model, tenant_id, type_name, references)


def refuse_references(entries: list[SettingsFileEntry], path: str | Path) -> None:
    """`SettingsFileError` for entries with references: a single construct class reads its own
    entries only, so another type's key cannot be resolved there."""
    problems = [
        (
            e.line,
            f"key {e.key!r}: {name}: references {{{REF!r}: {key!r}}} need the whole file; "
            "read it with constructs_lib.entries.add_entries (or the stacks app)",
        )
        for e in entries
        for name, key in e.references.items()
    ]
    if problems:
        raise SettingsFileError(path, problems)


Group = tuple[str, Any, str, Any]  # (resource type, entries, where for messages, object for its line)


def _groups(raw: Any, source: Path, stack: str | None, resource_type: str | None) -> list[Group]:
    legacy = resource_type or LEGACY_RESOURCE_TYPE
    shapes = '{"resources": {"<resource type>": [...]}}, {"stacks": [...]}, or a list of entries'

    def fail(message: str, at: Any = raw) -> SettingsFileError:
        return SettingsFileError(source, [(line_of(at) or 1, message)])

    if isinstance(raw, list):
        return [(legacy, raw, "settings", raw)]
    if not isinstance(raw, Mapping):
        raise fail(f"expected {shapes}")
    if "stacks" not in raw and ("settings" in raw or "resources" in raw):
        return _of(raw, "", legacy, fail)
    stacks = raw.get("stacks")
    if not isinstance(stacks, list):
        raise fail(f"expected {shapes}")
    names = [s.get("name") for s in stacks if isinstance(s, Mapping)]
    if stack is None:
        if len(stacks) != 1:
            raise fail(
                f"the file holds {len(stacks)} stacks; choose one with stack= ({', '.join(map(str, names))})"
            )
        chosen = stacks[0]
    else:
        matching = [s for s in stacks if isinstance(s, Mapping) and s.get("name") == stack]
        if not matching:
            raise fail(f"no stack named {stack!r}; the file has {', '.join(map(str, names)) or 'none'}")
        chosen = matching[0]
    if not isinstance(chosen, Mapping):
        raise fail("a stack must be an object with a name and its resources", chosen)
    return _of(chosen, f"stack {chosen.get('name')!r} ", legacy, fail)


def _of(holder: Mapping[str, Any], prefix: str, legacy: str, fail: Any) -> list[Group]:
    """The groups of an object holding `settings` (a list: the legacy shape) and/or `resources`."""
    groups: list[Group] = []
    settings = holder.get("settings")
    if settings is not None:
        if not isinstance(settings, list):
            raise fail(f"{prefix}settings must be a list of entries", holder)
        groups.append((legacy, settings, f"{prefix}settings", holder))
    resources = holder.get("resources")
    if resources is not None:
        if not isinstance(resources, Mapping):
            example = f'{{"{legacy}": [...]}}'
            raise fail(f"{prefix}resources must map a resource type to its entries, e.g. {example}", holder)
        for type_name, entries in resources.items():
            groups.append((str(type_name), entries, f"{prefix}resources[{type_name!r}]", resources))
    return groups


__all__ = [
    "REF",
    "SettingsFileEntry",
    "SettingsFileError",
    "line_of",
    "load_settings_file",
    "parse_json_with_lines",
    "parse_settings",
    "reference_target",
    "refuse_references",
    "resource_types",
]
