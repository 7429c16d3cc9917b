"""Reading derived credential settings from a JSON file, with errors that name the file and line.

Accepted shapes (entries are a `key` plus the construct's arguments under their Terraform names,
optionally the `tenant_id` the object lives in when it is not the provider's (one provider for many
tenants), and optionally the `import_id` of an existing object to adopt)::

    [ {"key": "purebred", "display_name": "Purebred", "issuer": "purebred"} ]
    {"settings": [ ... ]}
    {"stacks": [ {"name": "intune-example", "settings": [ ... ]} ]}   # stacks/settings.json

Example::

    entries = load_settings_file("settings.json", stack="intune-example")
    for entry in entries:
        DerivedCredentialSettings(stack, entry.key, **entry.arguments)
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

from intune_model.arguments import tenant_problem
from intune_model.errors import IntuneError, SettingsInvalid
from intune_model.resources.derived_credential import SPEC
from intune_model.typed import SpecModel, state_from_model, validate_model

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


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
    """One validated entry: `key`, keyword `arguments` for `DerivedCredentialSettings` (unset ones
    left out; `tenant_id` among them when given), the optional `import_id`, and where it came from."""

    key: str
    arguments: dict[str, Any]
    import_id: str | None = None
    line: int = 0
    path: Path | None = field(default=None, compare=False)
    settings: SpecModel | None = field(default=None, compare=False, repr=False)
    """The validated model the arguments came from."""
    tenant_id: str | None = None
    """The tenant the object lives in (None: the provider's)."""

    @property
    def import_address(self) -> str | None:
        """The import id: `<tenant>/<import_id>` for an entry in a named tenant, else `import_id`."""
        if self.import_id is None:
            return None
        return f"{self.tenant_id}/{self.import_id}" if self.tenant_id else self.import_id


def load_settings_file(path: str | Path, *, stack: str | None = None) -> list[SettingsFileEntry]:
    """Read and validate every entry; raise `SettingsFileError` listing each bad entry's line."""
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
    return parse_settings(raw, source=source, stack=stack)


def parse_settings(
    raw: Any, *, source: Path | str = "<settings>", stack: str | None = None
) -> list[SettingsFileEntry]:
    """Validate already-parsed settings (any accepted shape); see `load_settings_file`."""
    source = Path(source)
    entries_raw, where = _entries(raw, source, stack)
    problems: list[tuple[int, str]] = []
    out: list[SettingsFileEntry] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries_raw):
        label = f"{where}[{index}]"
        line = line_of(entry) or line_of(raw)
        if not isinstance(entry, Mapping):
            problems.append((line, f"{label}: expected an object with a key and the settings fields"))
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(
                (
                    line,
                    f"{label}: key {key!r} is not valid; start with a letter, then letters, digits, - or _",
                )
            )
            continue
        label += f" (key {key!r})"
        if key in seen:
            problems.append((line, f"{label}: duplicate key {key!r}, first used on line {seen[key]}"))
            continue
        seen[key] = line
        import_id = entry.get("import_id")
        if import_id is not None and (not isinstance(import_id, str) or not import_id.strip()):
            problems.append((line, f"{label}: import_id must be the Graph id of an existing object"))
            continue
        tenant_id = entry.get("tenant_id")
        if tenant_id is not None and (problem := tenant_problem(tenant_id)):
            problems.append((line, f"{label}: tenant_id: {problem}"))
            continue
        values = {k: v for k, v in entry.items() if k not in ("key", "import_id", "tenant_id")}
        try:
            model = validate_model(SPEC, values, subject=f"settings entry {key!r}")
        except SettingsInvalid as exc:
            problems.extend((line, f"{label}: {f}: {m}") for f, m in exc.problems)
            continue
        arguments = {k: v for k, v in state_from_model(model).items() if v is not None}
        if tenant_id is not None:
            arguments["tenant_id"] = tenant_id
        out.append(SettingsFileEntry(key, arguments, import_id, line, source, model, tenant_id))
    if problems:
        raise SettingsFileError(source, problems)
    return out


def _entries(raw: Any, source: Path, stack: str | None) -> tuple[list[Any], str]:
    def fail(message: str, at: Any = raw) -> SettingsFileError:
        return SettingsFileError(source, [(line_of(at) or 1, message)])

    if isinstance(raw, list):
        return raw, "settings"
    if not isinstance(raw, Mapping):
        raise fail('expected a list of entries, {"settings": [...]} or {"stacks": [...]}')
    if "settings" in raw and isinstance(raw["settings"], list):
        return raw["settings"], "settings"
    stacks = raw.get("stacks")
    if not isinstance(stacks, list):
        raise fail('expected a list of entries, {"settings": [...]} or {"stacks": [...]}')
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
    if not isinstance(chosen, Mapping) or not isinstance(chosen.get("settings", []), list):
        raise fail("a stack's settings must be a list of entries", chosen)
    return list(chosen.get("settings", [])), f"stack {chosen.get('name')!r} settings"


__all__ = [
    "SettingsFileEntry",
    "SettingsFileError",
    "line_of",
    "load_settings_file",
    "parse_json_with_lines",
    "parse_settings",
]
