"""The data sources' lookups, generic over a spec: find one object (by id or by the spec's lookup
field, exactly) or list them all (optionally filtered on the spec's list filters).

Like the handler, free of any Terraform framework: plain dicts keyed by Terraform attribute names
(`id` plus the spec's fields, every field as Graph holds it). The plugin maps them onto data
sources `intune_<name>` and `intune_<plural>`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from intune_graph import GraphClient, odata
from intune_model.display import shown
from intune_model.limits import id_problem
from intune_model.schema import ResourceSpec
from terraform_provider_intune.handler import HandlerError, Props


def find_one(
    client: GraphClient, spec: ResourceSpec, *, item_id: str | None = None, lookup: str | None = None
) -> Props:
    """The one object with this id, or whose lookup field is exactly `lookup`.

    Raises `HandlerError` naming the attribute when both or neither are given, when nothing matches,
    or when several objects share the lookup value (their ids are listed so the user can pick one).
    """
    key = spec.by_name[spec.lookup_field]
    if (item_id is None) == (lookup is None):
        raise HandlerError(
            f"Set exactly one of id or {key.name}",
            f"intune_{spec.name} finds one object either by its Graph id or by its exact {key.name}.",
            attribute="id" if item_id is not None else None,
        )
    if item_id is not None:
        if problem := id_problem(item_id):
            raise HandlerError(f"Invalid id {shown(item_id, 40)}", problem, attribute="id")
        found = client.get(spec.collection_path, item_id, judge=spec.entity, expand=spec.graph_expand)
        if found is None:
            raise HandlerError(
                f"No {spec.title} with id {shown(item_id)}",
                "Check the id (Intune admin center, or `intune-provider list`) and that the provider "
                "points at the right tenant.",
                attribute="id",
            )
        return spec.from_graph(found)
    assert lookup is not None
    if problem := lookup_problem(spec, lookup):
        raise HandlerError(f"Invalid {key.name} {shown(lookup, 40)}", problem, attribute=key.name)
    matches = [
        spec.from_graph(o)
        for o in client.iter(
            spec.list_path, odata.eq(key.graph_name, lookup), judge=spec.entity, expand=spec.graph_expand
        )
        if o.get(key.graph_name) == lookup  # exact, whatever the server's collation
    ]
    if not matches:
        raise HandlerError(
            f"No {spec.title} {spec.lookup_phrase or f'with {key.name}'} {shown(lookup)}",
            f"The {key.name} must match exactly (case included). `intune-provider list` shows what the "
            "tenant holds.",
            attribute=key.name,
        )
    if len(matches) > 1:
        ids = ", ".join(str(m["id"]) for m in matches)
        are = f"are {spec.lookup_phrase}" if spec.lookup_phrase else f"share {key.name}"
        raise HandlerError(
            f"{len(matches)} {spec.title} {are} {shown(lookup)}",
            f"Their ids are {ids}. Look one up by `id` instead, or rename the others.",
            attribute=key.name,
        )
    return matches[0]


def check_filters(spec: ResourceSpec, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems in list filters (only the spec's `list_filters`, each judged by its field's kind)."""
    problems: list[tuple[str, str]] = []
    for name, value in filters.items():
        if name not in spec.list_filters:
            problems.append((name, f"cannot filter on it; allowed: {', '.join(spec.list_filters) or 'none'}"))
        elif value is not None and (problem := spec.by_name[name].kind.check(value)):
            problems.append((name, problem))
    return problems


def filter_expression(spec: ResourceSpec, filters: Mapping[str, Any]) -> str | None:
    """The OData `$filter` for the given filters (None values left out), after checking them."""
    for name, message in check_filters(spec, filters):
        raise HandlerError(f"Invalid filter {name}", message, attribute=name)
    clauses = [odata.eq(spec.by_name[n].graph_name, str(v)) for n, v in filters.items() if v is not None]
    return " and ".join(clauses) or None


def iter_all(
    client: GraphClient, spec: ResourceSpec, filters: Mapping[str, Any] | None = None
) -> Iterator[Props]:
    """Every object (optionally filtered), in Graph's order, as pages arrive."""
    expression = filter_expression(spec, filters or {})
    for obj in client.iter(spec.list_path, expression, judge=spec.entity, expand=spec.graph_expand):
        yield spec.from_graph(obj)


def find_all(client: GraphClient, spec: ResourceSpec, filters: Mapping[str, Any] | None = None) -> Props:
    """State of `intune_<plural>`: the filters, the ids, and every object, sorted by the lookup
    field then id so that the list is stable from one plan to the next."""
    filters = {n: (filters or {}).get(n) for n in spec.list_filters}
    key = spec.lookup_field
    items = sorted(iter_all(client, spec, filters), key=lambda p: (str(p[key]), str(p["id"])))
    chosen = [f"{n}={v}" for n, v in filters.items() if v is not None]
    return {
        "id": ",".join(chosen) or "all",
        **filters,
        "ids": [str(p["id"]) for p in items],
        spec.plural: items,
    }


def lookup_problem(spec: ResourceSpec, lookup: str) -> str | None:
    """Why `lookup` cannot be the lookup field's value of any object: empty, or refused by the
    field's kind (too long to have been stored, a character it never holds)."""
    if not lookup.strip():
        return "must not be empty"
    return spec.by_name[spec.lookup_field].kind.check(lookup)


def check_lookup_config(spec: ResourceSpec, config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`terraform validate` checks for `intune_<name>`: exactly one of id and the lookup field, and
    a known id or lookup value that no object could have (`id_problem`, `lookup_problem`)."""
    key = spec.lookup_field
    given = [name for name in ("id", key) if config.get(name) is not None]
    if len(given) == 2:
        return [(key, f"set either id or {key}, not both")]
    if not given and "id" in config and key in config:
        return [("id", f"set id or {key} to choose the object")]
    problems: list[tuple[str, str]] = []
    item_id, lookup = config.get("id"), config.get(key)
    if isinstance(item_id, str) and (problem := id_problem(item_id)):
        problems.append(("id", problem))
    if isinstance(lookup, str) and (problem := lookup_problem(spec, lookup)):
        problems.append((key, problem))
    return problems
