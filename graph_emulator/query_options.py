"""The OData query options a collection answers, and Graph's refusal of the others.

The list page of this resource documents no optional query parameters; the emulator serves what the
provider uses (`$filter` with `eq`/`and`, `$select`, `$top`, `$count=true`, `$skiptoken` paging) and
`$select` on a GET by id, and `$expand` where a spec reads a relationship or its assignments by
expanding (the profile's `deviceConfigurations`). The system query options Intune's collections do
not allow (`$skip`, `$orderby`, `$search`, `$expand` elsewhere, ...) are refused as Intune refuses
them in public reports (ASP.NET OData's query validation: 400 "Query option 'Skip' is not allowed
..."); a `$`-option OData does not define is refused naming the ones supported. On beta the `$` is
optional (`top=5` is `$top=5`, as Graph's query-parameter page says), so bare names are read as the
options they name. Other parameters are custom query options, which OData ignores.
"""

from __future__ import annotations

import dataclasses

from graph_emulator._types import Request, Response
from graph_emulator.graph import GraphContext, item_addressed
from intune_model.permissions import specs_at

LIST_OPTIONS: tuple[str, ...] = ("$filter", "$select", "$top", "$count", "$skiptoken")
ITEM_OPTIONS: tuple[str, ...] = ("$select",)
# OData's system query options, by the name ASP.NET OData's validator gives them in its message.
SYSTEM_OPTIONS = {
    "$filter": "Filter",
    "$select": "Select",
    "$top": "Top",
    "$count": "Count",
    "$skiptoken": "SkipToken",
    "$skip": "Skip",
    "$orderby": "OrderBy",
    "$search": "Search",
    "$expand": "Expand",
    "$apply": "Apply",
    "$compute": "Compute",
    "$format": "Format",
    "$deltatoken": "DeltaToken",
    "$levels": "Levels",
    "$index": "Index",
}


def prepared(request: Request, ctx: GraphContext) -> Request | Response:
    """`request` with bare system option names read as `$` options, or Graph's 400 for an option
    the addressed collection (or object) does not support. Requests that are not a GET of a spec's
    collection or object pass unchanged."""
    if request.method not in ("GET", "HEAD") or not request.query:
        return request
    item = item_addressed(request.path)
    addressed = (item[0],) if item is not None else specs_at(request.path)
    if not addressed:
        return request
    supported = ITEM_OPTIONS if item is not None else LIST_OPTIONS
    if any(spec.graph_expand for spec in addressed):  # relationships the spec reads by expanding
        supported = (*supported, "$expand")
    query: dict[str, str] = {}
    for name, value in request.query.items():
        key = name.lower() if name.startswith("$") else "$" + name.lower()
        if not name.startswith("$") and key not in SYSTEM_OPTIONS:
            query[name] = value  # a custom query option: OData ignores it
            continue
        if key == "$format" and value.strip().lower() in ("json", "application/json"):
            continue
        if key in supported:
            query[key] = value
            continue
        if key in SYSTEM_OPTIONS:
            return ctx.error(
                400,
                "BadRequest",
                f"The query specified in the URI is not valid. Query option '{SYSTEM_OPTIONS[key]}' is "
                "not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute "
                "or QueryValidationSettings.",
            )
        return ctx.error(
            400,
            "BadRequest",
            f"The query parameter '{name}' is not supported; this "
            f"{'object' if supported is ITEM_OPTIONS else 'collection'} supports {', '.join(supported)}.",
        )
    return dataclasses.replace(request, query=query)
