"""The data sources' lookups: find one settings object (by id or exact display name) or list them all.

Like the handler, free of any Terraform framework: plain dicts keyed by Terraform attribute names
(`id` plus the fields in `intune_model.FIELDS`, every field as Graph holds it). The `tf` adapter
maps them onto data sources `intune_derived_credential` and `intune_derived_credentials`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from intune_graph import GraphClient, odata
from intune_model import COLLECTION_PATH, FIELDS_BY_NAME, Issuer, from_graph
from terraform_provider_intune.handler import HandlerError, Props

ONE_NAME = "derived_credential"
ALL_NAME = "derived_credentials"
ALL_LIST_ATTRIBUTE = "derived_credentials"
ISSUER_VALUES = tuple(m.value for m in Issuer)


def find_one(client: GraphClient, *, item_id: str | None = None, display_name: str | None = None) -> Props:
    """The one object with this id, or with exactly this display name.

    Raises `HandlerError` naming the attribute when both or neither are given, when nothing matches,
    or when several objects share the display name (their ids are listed so the user can pick one).
    """
    if (item_id is None) == (display_name is None):
        raise HandlerError(
            "Set exactly one of id or display_name",
            "intune_derived_credential finds one object either by its Graph id or by its exact display name.",
            attribute="id" if item_id is not None else None,
        )
    if item_id is not None:
        if not item_id.strip():
            raise HandlerError("id must not be empty", "Give the Graph id of the object.", attribute="id")
        found = client.get(COLLECTION_PATH, item_id)
        if found is None:
            raise HandlerError(
                f"No derived credential settings with id {item_id!r}",
                "Check the id (Intune admin center, or `intune-provider list`) and that the provider "
                "points at the right tenant.",
                attribute="id",
            )
        return from_graph(found)
    assert display_name is not None
    if not display_name.strip():
        raise HandlerError("display_name must not be empty", "", attribute="display_name")
    matches = [
        from_graph(o)
        for o in client.iter(COLLECTION_PATH, odata.eq("displayName", display_name))
        if o.get("displayName") == display_name  # exact, whatever the server's collation
    ]
    if not matches:
        raise HandlerError(
            f"No derived credential settings named {display_name!r}",
            "The name must match exactly (case included). `intune-provider list` shows what the "
            "tenant holds.",
            attribute="display_name",
        )
    if len(matches) > 1:
        ids = ", ".join(str(m["id"]) for m in matches)
        raise HandlerError(
            f"{len(matches)} derived credential settings are named {display_name!r}",
            f"Their ids are {ids}. Look one up by `id` instead, or rename the others.",
            attribute="display_name",
        )
    return matches[0]


def iter_all(client: GraphClient, *, issuer: str | None = None) -> Iterator[Props]:
    """Every object (optionally only one issuer's), in Graph's order, as pages arrive."""
    if issuer is not None and issuer not in ISSUER_VALUES:
        raise HandlerError(
            f"{issuer!r} is not an issuer",
            f"allowed values: {', '.join(ISSUER_VALUES)}",
            attribute="issuer",
        )
    odata_filter = None if issuer is None else odata.eq("issuer", issuer)
    for obj in client.iter(COLLECTION_PATH, odata_filter):
        yield from_graph(obj)


def find_all(client: GraphClient, *, issuer: str | None = None) -> Props:
    """State of `intune_derived_credentials`: the filter, the ids, and every object, sorted by
    display name then id so that the list is stable from one plan to the next."""
    items = sorted(iter_all(client, issuer=issuer), key=lambda p: (str(p["display_name"]), str(p["id"])))
    return {
        "id": f"issuer={issuer}" if issuer else "all",
        "issuer": issuer,
        "ids": [str(p["id"]) for p in items],
        ALL_LIST_ATTRIBUTE: items,
    }


def check_lookup_config(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`terraform validate` checks for `intune_derived_credential`: exactly one of id and display_name."""
    given = [name for name in ("id", "display_name") if config.get(name) is not None]
    if len(given) == 2:
        return [("display_name", "set either id or display_name, not both")]
    if not given and "id" in config and "display_name" in config:
        return [("id", "set id or display_name to choose the object")]
    return []


# The attributes every object carries, in schema order: `id` then the model's fields.
OBJECT_ATTRIBUTES: tuple[str, ...] = ("id", *FIELDS_BY_NAME)
