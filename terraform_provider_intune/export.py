"""Existing settings of a tenant as a stack configuration file (the format of `stacks/settings.json`:
entries keyed by resource type, references by key), so objects clicked together in the portal can be
adopted by a stack without being created twice.

Each entry carries the object's Graph id as `import_id`: the stack writes a Terraform `import` block
for it, so the first deploy imports instead of creating, and the fields are those import keeps
(`handler.adopted_state`), so the plan after import is clean. Free of Terraform and CDKTF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from intune_graph import GraphClient
from intune_model.address import PROVIDER_TYPE
from intune_model.errors import SettingsInvalid
from intune_model.schema import Reference, ResourceSpec
from terraform_provider_intune.data_sources import filter_expression
from terraform_provider_intune.handler import adopted_state

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")  # the stacks' key rule
MAX_KEY_LENGTH = 60


def iter_pages(
    client: GraphClient,
    spec: ResourceSpec,
    filters: Mapping[str, Any] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The collection page by page (Graph JSON). Asks Graph for `@odata.count` so a progress bar
    can show the total; `on_total` is called with it when the server gives one."""
    params = {"$count": "true"}
    expression = filter_expression(spec, filters or {})
    if expression is not None:
        params["$filter"] = expression
    if spec.graph_expand:
        params["$expand"] = ",".join(spec.graph_expand)
    first = True
    for _resp, page in client.pages(spec.list_path, params):  # links followed by its rules
        if first and on_total is not None and isinstance(page.get("@odata.count"), int):
            on_total(page["@odata.count"])
        first = False
        yield list(page.get("value", []))


def settings_key(name: str, taken: set[str]) -> str:
    """A stack key from a name (the spec's lookup field): lower case, `_` for anything else, unique
    among `taken` (which it joins), e.g. ``"Purebred (EU)"`` -> ``purebred_eu``, then ``purebred_eu_2``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:MAX_KEY_LENGTH].rstrip("_")
    if not base or not base[0].isalpha():
        base = f"settings_{base}".rstrip("_")
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    assert KEY_PATTERN.match(key)
    return key


REF = "ref"  # the settings file's reference to another entry: {"ref": "<key>"} (constructs_lib.settings_file)


def resource_type(spec: ResourceSpec) -> str:
    """The Terraform resource type a spec's entries are keyed by in the file."""
    return f"{PROVIDER_TYPE}_{spec.name}"


def _plain(value: Any) -> Any:
    """A value as the settings file writes it: the items of an object set without their unset fields."""
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        return [{k: v for k, v in item.items() if v is not None} for item in value]
    return value


def export_entries(
    objects: Sequence[Mapping[str, Any]], spec: ResourceSpec, taken: set[str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Settings entries of one resource type for Graph objects (keys unique among `taken`, which
    they join), and a warning for each object left out because the schema refuses what Graph holds
    (the stack could not deploy it). Reference fields hold the target's Graph id."""
    taken = set() if taken is None else taken
    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    for obj in objects:
        state = adopted_state(obj, spec)
        fields = {f.name: _plain(state[f.name]) for f in spec.settable if state[f.name] is not None}
        try:
            spec.check(fields, subject=f"{spec.title} {state['id']}")
        except SettingsInvalid as exc:
            skipped.append(str(exc))
            continue
        key = settings_key(str(state[spec.lookup_field]), taken)
        entries.append({"key": key, "import_id": state["id"], **fields})
    return entries, skipped


def export_resources(
    exported: Sequence[tuple[ResourceSpec, Sequence[Mapping[str, Any]]]],
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The `resources` of a stack (entries keyed by resource type, keys unique in the stack) for
    each spec's Graph objects, and the warnings. A field that takes another resource's id becomes
    ``{"ref": "<key>"}`` when that object is exported too (the stack then orders the two and passes
    the id), else stays the raw id."""
    taken: set[str] = set()
    resources: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for spec, objects in exported:
        entries, left_out = export_entries(objects, spec, taken)
        resources[resource_type(spec)] = entries
        skipped += left_out
    keys = {(t, e["import_id"]): e["key"] for t, entries in resources.items() for e in entries}
    for spec, _objects in exported:
        targets = {
            f.name: resource_type(f.kind.target)
            for f in spec.settable
            if isinstance(f.kind, Reference) and f.kind.target is not None
        }
        for entry in resources[resource_type(spec)]:
            for name, target in targets.items():
                key = keys.get((target, entry.get(name)))
                if key is not None:
                    entry[name] = {REF: key}
    return resources, skipped


def export_config(
    exported: Sequence[tuple[ResourceSpec, Sequence[Mapping[str, Any]]]],
    *,
    stack_name: str,
    provider: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """A whole configuration file with one stack (the shape of `stacks/settings.json`: entries keyed
    by resource type); returns it and the warnings of `export_resources`."""
    resources, skipped = export_resources(exported)
    stack: dict[str, Any] = {"name": stack_name}
    if provider:
        stack["provider"] = dict(provider)
    stack["resources"] = resources
    return {"stacks": [stack]}, skipped
