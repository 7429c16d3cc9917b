"""The emulated Graph collections: one per registered spec (`intune_model.registry`), e.g.
`/beta/deviceManagement/derivedCredentials`; the specs of a mixed collection
(`/beta/deviceManagement/deviceConfigurations`) share it, told apart by `@odata.type`.

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
from urllib.parse import urlencode, urlsplit

from graph_emulator._types import Request, Response
from graph_emulator.store import ObjectStore
from intune_model.registry import specs
from intune_model.schema import ObjectSet, Reference, ResourceSpec

ODATA_TYPE = "@odata.type"  # the store keeps it for the objects of a mixed collection


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


def normalise(prop: str, value: Any, spec: ResourceSpec) -> Any:
    """A property value as Graph stores it (flags in declaration order)."""
    field = spec.by_graph_name.get(prop)
    return value if field is None else field.kind.normalise_graph(value)


def parse_expand(spec: ResourceSpec, text: str | None) -> dict[str, frozenset[str] | None]:
    """`$expand=a,b($select=id)` as {navigation property: its `$select` or None}; a name the spec
    does not expand is refused, as Graph does."""
    if text is None:
        return {}
    expandable = {f.graph_name for f in spec.fields if f.kind.expand(f.graph_name) is not None}
    out: dict[str, frozenset[str] | None] = {}
    for item in re.findall(r"[^,(]+(?:\([^)]*\))?", text):
        m = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9]*)\s*(?:\((.*)\))?\s*", item)
        if m is None or m.group(1) not in expandable:
            name = item.strip() if m is None else m.group(1)
            raise FilterError(f"Could not find a navigation property named '{name}' to expand.")
        options = m.group(2)
        selected: frozenset[str] | None = None
        if options:
            key, _, value = options.partition("=")
            if key.strip().lower() != "$select":
                raise FilterError(f"Only $select is supported inside $expand, got {options!r}.")
            selected = frozenset(v.strip() for v in value.split(",") if v.strip())
        out[m.group(1)] = selected
    return out


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
        seen: set[str] = set()
        for collection in self.collections:  # the first spec of a mixed collection lists it uncast
            collection.lists_uncast = collection.key not in seen
            seen.add(collection.key)
        self.page_size = page_size
        self.patch_status = patch_status
        self.strict_rules = strict_rules

    def route(self, request: Request, ctx: GraphContext, segments: list[str]) -> Response:
        """`segments` follow the version segment, e.g. ["deviceManagement", "derivedCredentials", id]."""
        for collection in self.collections:
            response = collection.route(request, ctx, segments)
            if response is not None:
                return response
        path = "/".join(segments).lower()
        mixed = [c for c in self.collections if c.spec.mixed_collection and c.key.lower() == path]
        if mixed and request.method == "POST":  # a type no spec of this collection serves
            types = ", ".join(c.spec.odata_type for c in mixed)
            return ctx.error(400, "BadRequest", f"Invalid request body: @odata.type must be one of {types}.")
        if mixed or self._item_of_mixed(ctx, segments):
            return ctx.error(404, "ResourceNotFound", f"Resource not found for the segment '{segments[-1]}'.")
        return _unknown(request, ctx)

    def _item_of_mixed(self, ctx: GraphContext, segments: list[str]) -> bool:
        return any(
            c.spec.mixed_collection and "/".join(segments).lower().startswith(c.key.lower() + "/")
            for c in self.collections
        )

    def collection_of(self, spec: ResourceSpec) -> Collection:
        return next(c for c in self.collections if c.spec is spec)


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
        self.key = self.path  # the store's collection column (shared by the specs of a mixed one)
        self.cast = spec.odata_type.lstrip("#")  # `microsoft.graph.x`: a list cast to this type
        self.lists_uncast = True  # answers the uncast list of a mixed collection (set by the router)
        self.actions = {
            f.kind.codec.action: f
            for f in spec.fields
            if isinstance(f.kind, ObjectSet) and f.kind.codec.action
        }
        self.references = {f.graph_name: f for f in spec.fields if isinstance(f.kind, Reference)}
        self.defaults = spec.graph_defaults()  # Graph values of the fields nobody set on create
        # Optional properties Graph will not store null in: those with a server default. (The spec
        # itself refuses null for required ones.)
        self.null_refused = frozenset(self.defaults)
        names = (spec.lookup_field, spec.adoption_key, *spec.list_filters)
        self.filterable = ("id", *dict.fromkeys(spec.by_name[n].graph_name for n in names))
        for prop in (*self.filterable, *((ODATA_TYPE,) if spec.mixed_collection else ())):
            store.index(prop)

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
        cast = False
        if self.spec.mixed_collection:
            if rest and rest[0].lower() == self.cast.lower():
                rest, cast = rest[1:], True
            elif rest and rest[0].lower().startswith("microsoft.graph."):
                return None  # cast to another type of the collection
            if not rest and not cast and request.method == "POST" and not self._posts_mine(request):
                return None
            if not rest and not cast and request.method == "GET" and not self.lists_uncast:
                return None
            if rest and not self._holds(ctx, rest[0]):
                return None
        if len(rest) == 0:
            handlers: dict[str, Callable[[], Response]] = {
                "GET": lambda: self.list(request, ctx, typed=cast or not self.spec.mixed_collection),
                "POST": lambda: self.create(request, ctx),
            }
        elif len(rest) == 1:
            oid = rest[0]
            handlers = {
                "GET": lambda: self.get(request, ctx, oid),
                "PATCH": lambda: self.update(request, ctx, oid),
                "DELETE": lambda: self.delete(ctx, oid),
            }
        elif len(rest) == 2 and rest[1] in self.actions:
            oid, action = rest
            handlers = {"POST": lambda: self.act(request, ctx, oid, action)}
        elif len(rest) == 2 and rest[1] in {f.graph_name for f in self.actions.values()}:
            oid, nav = rest
            handlers = {"GET": lambda: self.navigation(ctx, oid, nav)}
        elif len(rest) == 2 and rest[1] in self.references:
            oid, nav = rest
            handlers = {"GET": lambda: self.related(ctx, oid, nav)}
        elif len(rest) == 3 and rest[1] in self.references and rest[2] == "$ref":
            oid, nav, _ = rest
            handlers = {"PUT": lambda: self.put_ref(request, ctx, oid, nav)}
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

    def _posts_mine(self, request: Request) -> bool:
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return True  # this collection reports the unreadable body
        return not isinstance(body, dict) or body.get("@odata.type") == self.spec.odata_type

    def _holds(self, ctx: GraphContext, oid: str) -> bool:
        """Whether the object `oid` of a mixed collection is of this spec's type (or absent)."""
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        return obj is None or obj.get("@odata.type") in (None, self.spec.odata_type)

    def _entity(self, ctx: GraphContext, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "@odata.context": f"{ctx.base}/beta/$metadata#{self.path}/$entity",
            "@odata.type": self.spec.odata_type,
            **obj,
        }

    def _present(
        self,
        ctx: GraphContext,
        obj: Mapping[str, Any],
        selected: frozenset[str] | None,
        expanded: Mapping[str, frozenset[str] | None],
    ) -> dict[str, Any]:
        """An object as Graph answers it: relationships and action-written sets only when expanded
        (a reference as the related object, with its own `$select`)."""
        hidden = {*self.references, *(f.graph_name for f in self.actions.values())}
        out = _project({k: v for k, v in obj.items() if k not in hidden}, selected)
        for name, inner in expanded.items():
            if name in self.references:
                out[name] = self._related_object(ctx, obj.get(name), name, inner)
            else:
                out[name] = list(obj.get(name) or [])
        return out

    def _related_object(
        self, ctx: GraphContext, target_id: Any, name: str, selected: frozenset[str] | None
    ) -> dict[str, Any] | None:
        kind = self.references[name].kind
        assert isinstance(kind, Reference) and kind.target is not None
        if not isinstance(target_id, str):
            return None
        found = self.store.get(ctx.tenant_id, target_id, kind.target.collection_path.strip("/"))
        if found is None:
            return None
        return {"@odata.type": kind.target.odata_type, **_project(found, selected)}

    def _bound(self, ctx: GraphContext, name: str, url: Any) -> str | Response:
        """The id an `@odata.bind` (or `$ref`) URL names, or Graph's error when it names no object of
        the reference's target (in the caller's tenant)."""
        kind = self.references[name].kind
        assert isinstance(kind, Reference) and kind.target is not None
        target = kind.target.collection_path.strip("/")
        path = urlsplit(url).path if isinstance(url, str) else ""
        tail = path.rstrip("/").rsplit("/", 1)
        if len(tail) != 2 or not tail[0].lower().endswith(target.lower()):
            return ctx.error(
                400,
                "BadRequest",
                f"Invalid request body: {name}@odata.bind: {url!r} is not the URL of an object of "
                f"{kind.target.collection_path}.",
            )
        if self.store.get(ctx.tenant_id, tail[1], target) is None:
            return ctx.error(
                404,
                "ResourceNotFound",
                f"Resource not found: {name}@odata.bind names no "
                f"{kind.target.odata_type.rsplit('.', 1)[-1]} with id '{tail[1]}'.",
            )
        return tail[1]

    def _stamp(self, obj: dict[str, Any], *, created: bool) -> None:
        """Graph's own values of the read-only fields after a write."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for field in self.spec.read_only:
            obj[field.graph_name] = field.kind.written(obj.get(field.graph_name), created=created, now=now)

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
        if self.spec.mixed_collection:
            obj["@odata.type"] = self.spec.odata_type  # what tells the types of the collection apart
        for field in self.spec.fields:
            member = field.kind.body_member(field.graph_name)
            if field.read_only:
                obj[field.graph_name] = self.defaults.get(field.graph_name)
            elif field.graph_name in self.references and member in body:
                bound = self._bound(ctx, field.graph_name, body[member])
                if isinstance(bound, Response):
                    return bound
                obj[field.graph_name] = bound
            elif member is not None and member in body:
                obj[field.graph_name] = field.kind.normalise_graph(body[member])
            elif member is None:
                obj[field.graph_name] = []  # written by its action, none yet
            else:
                obj[field.graph_name] = self.defaults.get(field.graph_name)
        self._stamp(obj, created=True)
        self.store.insert(ctx.tenant_id, obj, self.key)
        location = f"{ctx.base}/beta/{self.path}/{obj['id']}"
        return Response.json(
            201, self._entity(ctx, self._present(ctx, obj, None, {})), [("Location", location)]
        )

    def get(self, request: Request, ctx: GraphContext, oid: str) -> Response:
        try:
            selected = parse_select(self.spec, request.query.get("$select"))
            expanded = parse_expand(self.spec, request.query.get("$expand"))
        except FilterError as exc:
            return ctx.error(400, "BadRequest", str(exc))
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        return Response.json(200, self._entity(ctx, self._present(ctx, obj, selected, expanded)))

    def act(self, request: Request, ctx: GraphContext, oid: str, action: str) -> Response:
        """A bound action that writes a whole object set (`POST …/{id}/assign`): the set is replaced;
        Graph answers 200 with the items as stored."""
        body = self._body(request, ctx)
        if isinstance(body, Response):
            return body
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        field = self.actions[action]
        kind = field.kind
        assert isinstance(kind, ObjectSet)
        raw = body.get(kind.codec.action_member)
        unknown = sorted(set(body) - {kind.codec.action_member})
        if unknown or not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
            what = f"unknown property {unknown[0]!r}" if unknown else "expected a list of objects"
            return ctx.error(400, "BadRequest", f"Invalid request body: {kind.codec.action_member}: {what}.")
        items = [kind.codec.from_graph(i) for i in raw]
        problem = (
            "a target this service does not know" if any(i is None for i in items) else kind.check(items)
        )
        if problem:
            return ctx.error(
                400, "BadRequest", f"Invalid request body: {kind.codec.action_member}: {problem}."
            )
        stored = [{**kind.codec.to_graph(i), "id": f"{oid}_{n}"} for n, i in enumerate(kind.plain(items))]
        obj[field.graph_name] = stored
        self._stamp(obj, created=False)
        self.store.replace(ctx.tenant_id, oid, obj, self.key)
        return Response.json(
            200, {"@odata.context": f"{ctx.base}/beta/$metadata#Collection", "value": stored}
        )

    def navigation(self, ctx: GraphContext, oid: str, nav: str) -> Response:
        """`GET …/{id}/assignments`: the set an action wrote."""
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        return Response.json(
            200, {"@odata.context": f"{ctx.base}/beta/$metadata#{nav}", "value": obj.get(nav) or []}
        )

    def related(self, ctx: GraphContext, oid: str, nav: str) -> Response:
        """`GET …/{id}/derivedCredentialSettings`: the related object (404 when none is bound)."""
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        related = self._related_object(ctx, obj.get(nav), nav, None)
        if related is None:
            return ctx.error(404, "ResourceNotFound", f"Resource not found for the segment '{nav}'.")
        return Response.json(200, related)

    def put_ref(self, request: Request, ctx: GraphContext, oid: str, nav: str) -> Response:
        """`PUT …/{id}/<navigation>/$ref` with `{"@odata.id": url}`: bind another object (204)."""
        body = self._body(request, ctx)
        if isinstance(body, Response):
            return body
        obj = self.store.get(ctx.tenant_id, oid, self.key)
        if obj is None:
            return self._not_found(ctx, oid)
        bound = self._bound(ctx, nav, body.get("@odata.id"))
        if isinstance(bound, Response):
            return bound
        obj[nav] = bound
        self._stamp(obj, created=False)
        self.store.replace(ctx.tenant_id, oid, obj, self.key)
        return Response(204)

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
            field = self.spec.by_body_member.get(key)
            if field is None or field.read_only:
                continue
            if field.graph_name in self.references:
                bound = self._bound(ctx, field.graph_name, value)
                if isinstance(bound, Response):
                    return bound
                obj[field.graph_name] = bound
            else:
                obj[field.graph_name] = normalise(field.graph_name, value, self.spec)
        self._stamp(obj, created=False)
        if not self.store.replace(ctx.tenant_id, oid, obj, self.key):
            return self._not_found(ctx, oid)
        if self.patch_status == 200:
            return Response.json(200, self._entity(ctx, self._present(ctx, obj, None, {})))
        return Response(204)

    def delete(self, ctx: GraphContext, oid: str) -> Response:
        if not self.store.delete(ctx.tenant_id, oid, self.key):
            return self._not_found(ctx, oid)
        return Response(204)

    def list(self, request: Request, ctx: GraphContext, *, typed: bool = True) -> Response:
        """The collection's objects; in a mixed collection, only this spec's type when `typed` (a
        list cast to it), else every type's, each with its own `@odata.type`."""
        q = request.query
        try:
            equals = parse_filter(q["$filter"], self.filterable) if "$filter" in q else []
            after = _decode_skiptoken(q["$skiptoken"]) if "$skiptoken" in q else 0
        except FilterError as exc:
            return ctx.error(400, "BadRequest", f"Invalid filter clause: {exc}.")
        if self.spec.mixed_collection and typed:
            equals = [*equals, (ODATA_TYPE, self.spec.odata_type)]
        try:
            selected = parse_select(self.spec, q.get("$select")) if typed else None
            expanded = parse_expand(self.spec, q.get("$expand")) if typed else {}
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
            "value": [
                {"@odata.type": self.spec.odata_type, **self._present(ctx, obj, selected, expanded)}
                for _, obj in page
            ],
        }
        if q.get("$count", "").strip().lower() == "true":  # Graph's total of matching objects
            payload["@odata.count"] = len(self.store.list(ctx.tenant_id, collection=self.key, equals=equals))
        if more and page:
            params = {k: v for k, v in q.items() if k in ("$filter", "$top", "$select", "$expand")}
            params["$skiptoken"] = _encode_skiptoken(page[-1][0])
            cast = f"/{self.cast}" if self.spec.mixed_collection and typed else ""
            payload["@odata.nextLink"] = f"{ctx.base}/beta/{self.path}{cast}?{urlencode(params)}"
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
        if spec.mixed_collection and rest and rest[0].lower().startswith("microsoft.graph."):
            continue  # a cast of the collection, not an object
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
