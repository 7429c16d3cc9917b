"""The emulated Graph collections: one per registered spec (`intune_model.registry`), e.g.
`/beta/deviceManagement/derivedCredentials`.

Request bodies are judged by the spec (the project's single description of a resource): by the rules
Graph documents (each field kind's `graph_problem`: JSON types, enum membership, required properties
on create, no unknown properties), and in the `strict_rules` mode also by the project's stricter ones
(`model_problem`: no blank names, http(s) URLs, 0-100, `none` alone, flags by name). This module
adds only what Graph itself does around the fields: server-assigned ids and defaults, normalised
values (flags in declaration order), OData collection options (`$filter` with `eq`/`and` on `id` and
the spec's lookup, adoption and list-filter properties; `$top`; `$count=true`; `$select`;
`$skiptoken` paging with `@odata.nextLink`) and Graph's error shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from graph_emulator._types import Request, Response
from graph_emulator.store import ObjectStore
from intune_model.registry import specs
from intune_model.schema import ResourceSpec


@dataclass
class GraphContext:
    """Per-request values every Graph answer carries."""

    request_id: str
    client_request_id: str
    base: str  # "https://127.0.0.1:PORT"
    tenant_id: str

    def error(
        self, status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        return graph_error(status, code, message, self.request_id, self.client_request_id, headers)


def graph_error(
    status: int,
    code: str,
    message: str,
    request_id: str,
    client_request_id: str,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """Graph's error body: `{"error": {"code", "message", "innerError": {...}}}`."""
    payload = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }
    return Response.json(status, payload, headers or [])


class FilterError(ValueError):
    pass


_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<word>[A-Za-z_$@][\w.]*)|(?P<other>\S))")


def parse_filter(text: str, filterable: tuple[str, ...]) -> list[tuple[str, str]]:
    """`displayName eq 'A' and issuer eq 'purebred'` as [(property, value), ...]. Only `eq` on
    `filterable` properties with string literals, joined by `and`, is supported."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or "other"
        tokens.append((kind, m.group(kind)))
    if not tokens:
        raise FilterError("the filter is empty")
    clauses: list[tuple[str, str]] = []
    i = 0
    while True:
        if i + 3 > len(tokens):
            raise FilterError("expected <property> eq '<value>'")
        (k1, prop), (k2, op), (k3, literal) = tokens[i : i + 3]
        if k1 != "word" or prop not in filterable:
            raise FilterError(f"filtering on {prop!r} is not supported; supported: {', '.join(filterable)}")
        if k2 != "word" or op.lower() != "eq":
            raise FilterError(f"operator {op!r} is not supported; only 'eq' is")
        if k3 != "str":
            raise FilterError(f"expected a string literal in single quotes after 'eq', got {literal!r}")
        clauses.append((prop, literal[1:-1].replace("''", "'")))
        i += 3
        if i == len(tokens):
            return clauses
        kind, word = tokens[i]
        if kind != "word" or word.lower() != "and":
            raise FilterError(f"expected 'and' between clauses, got {word!r}; only 'and' is supported")
        i += 1


def _encode_skiptoken(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def _decode_skiptoken(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, num = raw.partition(":")
        if prefix != "seq":
            raise ValueError(raw)
        return int(num)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise FilterError(f"invalid $skiptoken {token!r}") from None


def parse_select(spec: ResourceSpec, text: str | None) -> frozenset[str] | None:
    """`$select=a,b` as the set of Graph properties to return (`id` always comes back); None when
    absent. A property the spec does not have is refused, as Graph does."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n != "id" and n not in spec.by_graph_name]
    if unknown or not names:
        raise FilterError(
            f"Could not find a property named '{(unknown or [text])[0]}' on type "
            f"'{spec.odata_type.lstrip('#')}'."
        )
    return frozenset(names)


def _project(obj: Mapping[str, Any], selected: frozenset[str] | None) -> dict[str, Any]:
    if selected is None:
        return dict(obj)
    return {k: v for k, v in obj.items() if k == "id" or k in selected}


def normalise(prop: str, value: Any, spec: ResourceSpec | None = None) -> Any:
    """A property value as Graph stores it (flags in declaration order). Without a spec, the first
    registered spec that has the property decides."""
    for candidate in [spec] if spec is not None else specs():
        field = candidate.by_graph_name.get(prop)
        if field is not None:
            return field.kind.normalise_graph(value)
    return value


def _patch_status(value: int) -> int:
    if value not in (200, 204):
        raise ValueError("patch_status must be 200 or 204")
    return value


class _EveryCollection:
    """A setting every collection holds alike: read from the first, written (checked) to all."""

    def __init__(self, check: Callable[[Any], Any] = lambda value: value) -> None:
        self.check = check

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        return getattr(obj.collections[0], self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        value = self.check(value)
        for collection in obj.collections:
            setattr(collection, self.name, value)


class GraphCollections:
    """Routes a request to the collection of the registered spec its path names."""

    page_size = _EveryCollection(int)
    patch_status = _EveryCollection(_patch_status)
    strict_rules = _EveryCollection(bool)  # the project's stricter rules too, not only Graph's

    def __init__(
        self, store: ObjectStore, *, page_size: int = 100, patch_status: int = 200, strict_rules: bool = False
    ) -> None:
        self.collections = [Collection(spec, store) for spec in specs()]
        store.assign_unowned(self.collections[0].key)
        self.page_size = page_size
        self.patch_status = patch_status
        self.strict_rules = strict_rules

    def route(self, request: Request, ctx: GraphContext, segments: list[str]) -> Response:
        """`segments` follow the version segment, e.g. ["deviceManagement", "derivedCredentials", id]."""
        for collection in self.collections:
            response = collection.route(request, ctx, segments)
            if response is not None:
                return response
        return _unknown(request, ctx)


class Collection:
    """Handlers for one spec's collection and its items. Stateless apart from the store."""

    def __init__(
        self, spec: ResourceSpec, store: ObjectStore, *, page_size: int = 100, patch_status: int = 200
    ):
        self.spec = spec
        self.store = store
        self.page_size = page_size
        self.patch_status = patch_status
        self.strict_rules = False  # True: the project's stricter rules too, not only Graph's
        self.path = spec.collection_path.strip("/")
        self.key = self.path  # the store's collection column
        self.defaults = spec.graph_defaults()  # Graph values of the fields nobody set on create
        # Optional properties Graph will not store null in: those with a server default. (The spec
        # itself refuses null for required ones.)
        self.null_refused = frozenset(self.defaults)
        names = (spec.lookup_field, spec.adoption_key, *spec.list_filters)
        self.filterable = ("id", *dict.fromkeys(spec.by_name[n].graph_name for n in names))

    # ----------------------------------------------------------------- routing

    def route(self, request: Request, ctx: GraphContext, segments: list[str]) -> Response | None:
        """The response, or None when the path is not this collection's."""
        version = "beta"
        mine = self.spec.segments
        depth = len(mine)
        if len(segments) < depth or [s.lower() for s in segments[: depth - 1]] != [
            s.lower() for s in mine[:-1]
        ]:
            return None
        name, key = _split_key(segments[depth - 1])
        if name.lower() != mine[-1].lower():
            return None
        rest = segments[depth:]
        if key is not None:
            rest = [key, *rest]
        if len(rest) == 0:
            handlers: dict[str, Callable[[], Response]] = {
                "GET": lambda: self.list(request, ctx),
                "POST": lambda: self.create(request, ctx),
            }
        elif len(rest) == 1:
            oid = rest[0]
            handlers = {
                "GET": lambda: self.get(request, ctx, oid),
                "PATCH": lambda: self.update(request, ctx, oid),
                "DELETE": lambda: self.delete(ctx, oid),
            }
        else:
            return _unknown(request, ctx)
        handler = handlers.get(request.method)
        if handler is None:
            return ctx.error(
                405,
                "MethodNotAllowed",
                f"The HTTP method '{request.method}' is not allowed on /{version}/{self.path}"
                + ("" if not rest else "/{id}")
                + f"; allowed: {', '.join(handlers)}.",
                [("Allow", ", ".join(handlers))],
            )
        return handler()

    # ----------------------------------------------------------------- helpers

    def _entity(self, ctx: GraphContext, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "@odata.context": f"{ctx.base}/beta/$metadata#{self.path}/$entity",
            "@odata.type": self.spec.odata_type,
            **obj,
        }

    def _body(self, request: Request, ctx: GraphContext) -> dict[str, Any] | Response:
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return ctx.error(
                400,
                "BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set and "
                "payload is of valid JSON format.",
            )
        return body

    def _check(self, body: Mapping[str, Any], ctx: GraphContext, *, partial: bool) -> Response | None:
        problems: list[tuple[str, str]] = []
        odata_type = body.get("@odata.type")
        expected = self.spec.odata_type
        if odata_type is not None and odata_type != expected:
            problems.append(("@odata.type", f"{odata_type!r} is not allowed here; expected {expected!r}"))
        fields = {k: v for k, v in body.items() if not k.startswith("@odata.") or k == "@odata.type"}
        problems.extend(
            (key, "cannot be null") for key in self.null_refused if key in fields and fields[key] is None
        )
        problems.extend(self.spec.check_graph_body(fields, partial=partial, strict=self.strict_rules))
        if not problems:
            return None
        detail = "; ".join(f"{field}: {message}" for field, message in problems)
        return ctx.error(400, "BadRequest", f"Invalid request body: {detail}")

    # ----------------------------------------------------------------- operations

    def create(self, request: Request, ctx: GraphContext) -> Response:
        body = self._body(request, ctx)
        if isinstance(body, Response):
            return body
        bad = self._check(body, ctx, partial=False)
        if bad is not None:
            return bad
        obj: dict[str, Any] = {"id": str(uuid.uuid4())}
        for field in self.spec.fields:
            if field.graph_name in body:
                obj[field.graph_name] = field.kind.normalise_graph(body[field.graph_name])
            else:
                obj[field.graph_name] = self.defaults.get(field.graph_name)
        self.store.insert(ctx.tenant_id, obj, self.key)
        location = f"{ctx.base}/beta/{self.path}/{obj['id']}"
        return Response.json(201, self._entity(ctx, obj), [("Location", location)])

    def get(self, request: Request, ctx: GraphContext, oid: str) -> Response:
        try:
            selected = parse_select(self.spec, request.query.get("$select"))
        except FilterError as exc:
            return ctx.error(400, "BadRequest", str(exc))
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        return Response.json(200, self._entity(ctx, _project(obj, selected)))

    def update(self, request: Request, ctx: GraphContext, oid: str) -> Response:
        body = self._body(request, ctx)
        if isinstance(body, Response):
            return body
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        bad = self._check(body, ctx, partial=True)
        if bad is not None:
            return bad
        for key, value in body.items():
            if key in self.spec.by_graph_name:
                obj[key] = normalise(key, value, self.spec)
        if not self.store.replace(ctx.tenant_id, oid, obj, self.key):
            return self._not_found(ctx, oid)
        if self.patch_status == 200:
            return Response.json(200, self._entity(ctx, obj))
        return Response(204)

    def delete(self, ctx: GraphContext, oid: str) -> Response:
        if not self.store.delete(ctx.tenant_id, oid, self.key):
            return self._not_found(ctx, oid)
        return Response(204)

    def list(self, request: Request, ctx: GraphContext) -> Response:
        q = request.query
        try:
            equals = parse_filter(q["$filter"], self.filterable) if "$filter" in q else []
            after = _decode_skiptoken(q["$skiptoken"]) if "$skiptoken" in q else 0
        except FilterError as exc:
            return ctx.error(400, "BadRequest", f"Invalid filter clause: {exc}.")
        try:
            selected = parse_select(self.spec, q.get("$select"))
        except FilterError as exc:
            return ctx.error(400, "BadRequest", str(exc))
        size = self.page_size
        if "$top" in q:
            top = q["$top"].strip()
            if not top.isdigit():
                return ctx.error(
                    400, "BadRequest", f"Invalid value {q['$top']!r} for $top; expected a whole number."
                )
            size = min(int(top), self.page_size)
        rows = self.store.list(
            ctx.tenant_id, collection=self.key, equals=equals, after_seq=after, limit=size + 1
        )
        page, more = rows[:size], len(rows) > size
        payload: dict[str, Any] = {
            "@odata.context": f"{ctx.base}/beta/$metadata#{self.path}",
            "value": [{"@odata.type": self.spec.odata_type, **_project(obj, selected)} for _, obj in page],
        }
        if q.get("$count", "").strip().lower() == "true":  # Graph's total of matching objects
            payload["@odata.count"] = len(self.store.list(ctx.tenant_id, collection=self.key, equals=equals))
        if more and page:
            params = {k: v for k, v in q.items() if k in ("$filter", "$top", "$select")}
            params["$skiptoken"] = _encode_skiptoken(page[-1][0])
            payload["@odata.nextLink"] = f"{ctx.base}/beta/{self.path}?{urlencode(params)}"
        return Response.json(200, payload)

    def _not_found(self, ctx: GraphContext, oid: str) -> Response:
        name = self.spec.odata_type.rsplit(".", 1)[-1]
        return ctx.error(404, "ResourceNotFound", f"Resource not found: no {name} with id '{oid}'.")


def item_addressed(path: str) -> tuple[ResourceSpec, str] | None:
    """(spec, object id) when `path` (`/beta/<collection>/<id>` or `.../<collection>('<id>')`) names
    one object of a registered spec's collection, else None. For fault modes that act on items."""
    segments = [s for s in path.split("/") if s][1:]  # after the version segment
    for spec in specs():
        mine = spec.segments
        depth = len(mine)
        if len(segments) < depth or [s.lower() for s in segments[: depth - 1]] != [
            s.lower() for s in mine[:-1]
        ]:
            continue
        name, key = _split_key(segments[depth - 1])
        rest = segments[depth:] if key is None else [key, *segments[depth:]]
        if name.lower() == mine[-1].lower() and len(rest) == 1:
            return spec, rest[0]
    return None


def _split_key(segment: str) -> tuple[str, str | None]:
    """`derivedCredentials('abc')` → ("derivedCredentials", "abc")."""
    m = re.fullmatch(r"([^(]+)\('?([^')]*)'?\)", segment)
    if m is None:
        return segment, None
    return m.group(1), m.group(2)


def _unknown(request: Request, ctx: GraphContext) -> Response:
    return ctx.error(
        404, "UnknownRoute", f"The Graph emulator has no route for {request.method} {request.path}."
    )
