"""The emulated Graph resource: `/beta/deviceManagement/derivedCredentials`.

Request bodies are judged by `intune_model` (the project's single schema); this module adds only
what Graph itself does around the fields: server-assigned ids and defaults, the normalised flags
string, OData collection options (`$filter` with `eq`/`and` on `displayName`, `issuer`, `id`;
`$top`; `$count=true`; `$select`; `$skiptoken` paging with `@odata.nextLink`) and Graph's error shape.
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
from graph_emulator.store import FILTERABLE, ObjectStore
from intune_model import FIELDS, FIELDS_BY_GRAPH_NAME, ODATA_TYPE, check_graph_body, notification_flags
from intune_model.settings import SERVER_DEFAULTS, to_graph

SEGMENT = "derivedCredentials"
COLLECTION = f"deviceManagement/{SEGMENT}"

# Graph values of the fields nobody set on create ("none", 0), derived from the schema.
_DEFAULTS: dict[str, Any] = {
    k: v for k, v in to_graph(SERVER_DEFAULTS, only=list(SERVER_DEFAULTS)).items() if k != "@odata.type"
}
# Optional properties Graph will not store null in: those with a server default. (The schema itself
# refuses null for required ones.)
_NULL_REFUSED = frozenset(_DEFAULTS)
_FLAGS = frozenset(f.graph_name for f in FIELDS if f.kind == "set_of_string")


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


def parse_filter(text: str) -> list[tuple[str, str]]:
    """`displayName eq 'A' and issuer eq 'purebred'` as [(property, value), ...]. Only `eq` on
    `FILTERABLE` properties with string literals, joined by `and`, is supported."""
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
        if k1 != "word" or prop not in FILTERABLE:
            raise FilterError(f"filtering on {prop!r} is not supported; supported: {', '.join(FILTERABLE)}")
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


def parse_select(text: str | None) -> frozenset[str] | None:
    """`$select=displayName,issuer` as the set of properties to return (`id` always comes back);
    None when absent. An unknown property is refused, as Graph does."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n != "id" and n not in FIELDS_BY_GRAPH_NAME]
    if unknown or not names:
        raise FilterError(
            f"Could not find a property named '{(unknown or [text])[0]}' on type '{ODATA_TYPE.lstrip('#')}'."
        )
    return frozenset(names)


def _project(obj: Mapping[str, Any], selected: frozenset[str] | None) -> dict[str, Any]:
    if selected is None:
        return dict(obj)
    return {k: v for k, v in obj.items() if k == "id" or k in selected}


def normalise(prop: str, value: Any) -> Any:
    """A property value as Graph stores it (flags in declaration order)."""
    if prop in _FLAGS and isinstance(value, str):
        return notification_flags(p.strip() for p in value.split(",") if p.strip())
    return value


class DerivedCredentials:
    """Handlers for the collection and its items. Stateless apart from the store."""

    def __init__(self, store: ObjectStore, *, page_size: int = 100, patch_status: int = 204) -> None:
        if patch_status not in (200, 204):
            raise ValueError("patch_status must be 200 or 204")
        self.store = store
        self.page_size = page_size
        self.patch_status = patch_status

    # ----------------------------------------------------------------- routing

    def route(self, request: Request, ctx: GraphContext, segments: list[str]) -> Response:
        """`segments` follow the version segment, e.g. ["deviceManagement", "derivedCredentials", id]."""
        version = "beta"
        lowered = [s.lower() for s in segments]
        if lowered[:1] != ["devicemanagement"] or len(segments) < 2:
            return _unknown(request, ctx)
        name, key = _split_key(segments[1])
        if name.lower() != SEGMENT.lower():
            return _unknown(request, ctx)
        rest = segments[2:]
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
                f"The HTTP method '{request.method}' is not allowed on /{version}/{COLLECTION}"
                + ("" if not rest else "/{id}")
                + f"; allowed: {', '.join(handlers)}.",
                [("Allow", ", ".join(handlers))],
            )
        return handler()

    # ----------------------------------------------------------------- helpers

    def _entity(self, ctx: GraphContext, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "@odata.context": f"{ctx.base}/beta/$metadata#{COLLECTION}/$entity",
            "@odata.type": ODATA_TYPE,
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
        if odata_type is not None and odata_type != ODATA_TYPE:
            problems.append(("@odata.type", f"{odata_type!r} is not allowed here; expected {ODATA_TYPE!r}"))
        fields = {k: v for k, v in body.items() if not k.startswith("@odata.") or k == "@odata.type"}
        problems.extend(
            (key, "cannot be null") for key in _NULL_REFUSED if key in fields and fields[key] is None
        )
        problems.extend(check_graph_body(fields, partial=partial))
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
        for spec in FIELDS:
            if spec.graph_name in body:
                obj[spec.graph_name] = normalise(spec.graph_name, body[spec.graph_name])
            else:
                obj[spec.graph_name] = _DEFAULTS.get(spec.graph_name)
        self.store.insert(ctx.tenant_id, obj)
        location = f"{ctx.base}/beta/{COLLECTION}/{obj['id']}"
        return Response.json(201, self._entity(ctx, obj), [("Location", location)])

    def get(self, request: Request, ctx: GraphContext, oid: str) -> Response:
        try:
            selected = parse_select(request.query.get("$select"))
        except FilterError as exc:
            return ctx.error(400, "BadRequest", str(exc))
        obj = self.store.get(ctx.tenant_id, oid)
        if obj is None:
            return _not_found(ctx, oid)
        return Response.json(200, self._entity(ctx, _project(obj, selected)))

    def update(self, request: Request, ctx: GraphContext, oid: str) -> Response:
        body = self._body(request, ctx)
        if isinstance(body, Response):
            return body
        obj = self.store.get(ctx.tenant_id, oid)
        if obj is None:
            return _not_found(ctx, oid)
        bad = self._check(body, ctx, partial=True)
        if bad is not None:
            return bad
        for key, value in body.items():
            if key in FIELDS_BY_GRAPH_NAME:
                obj[key] = normalise(key, value)
        if not self.store.replace(ctx.tenant_id, oid, obj):
            return _not_found(ctx, oid)
        if self.patch_status == 200:
            return Response.json(200, self._entity(ctx, obj))
        return Response(204)

    def delete(self, ctx: GraphContext, oid: str) -> Response:
        if not self.store.delete(ctx.tenant_id, oid):
            return _not_found(ctx, oid)
        return Response(204)

    def list(self, request: Request, ctx: GraphContext) -> Response:
        q = request.query
        try:
            equals = parse_filter(q["$filter"]) if "$filter" in q else []
            after = _decode_skiptoken(q["$skiptoken"]) if "$skiptoken" in q else 0
        except FilterError as exc:
            return ctx.error(400, "BadRequest", f"Invalid filter clause: {exc}.")
        try:
            selected = parse_select(q.get("$select"))
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
        rows = self.store.list(ctx.tenant_id, equals=equals, after_seq=after, limit=size + 1)
        page, more = rows[:size], len(rows) > size
        payload: dict[str, Any] = {
            "@odata.context": f"{ctx.base}/beta/$metadata#{COLLECTION}",
            "value": [{"@odata.type": ODATA_TYPE, **_project(obj, selected)} for _, obj in page],
        }
        if q.get("$count", "").strip().lower() == "true":  # Graph's total of matching objects
            payload["@odata.count"] = len(self.store.list(ctx.tenant_id, equals=equals))
        if more and page:
            params = {k: v for k, v in q.items() if k in ("$filter", "$top", "$select")}
            params["$skiptoken"] = _encode_skiptoken(page[-1][0])
            payload["@odata.nextLink"] = f"{ctx.base}/beta/{COLLECTION}?{urlencode(params)}"
        return Response.json(200, payload)


def _split_key(segment: str) -> tuple[str, str | None]:
    """`derivedCredentials('abc')` → ("derivedCredentials", "abc")."""
    m = re.fullmatch(r"([^(]+)\('?([^')]*)'?\)", segment)
    if m is None:
        return segment, None
    return m.group(1), m.group(2)


def _not_found(ctx: GraphContext, oid: str) -> Response:
    return ctx.error(
        404,
        "ResourceNotFound",
        f"Resource not found: no deviceManagementDerivedCredentialSettings with id '{oid}'.",
    )


def _unknown(request: Request, ctx: GraphContext) -> Response:
    return ctx.error(
        404, "UnknownRoute", f"The Graph emulator has no route for {request.method} {request.path}."
    )
