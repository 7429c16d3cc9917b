"""Graph JSON batching: `POST /beta/$batch` with up to 20 requests in one call.

Shape (learn.microsoft.com/graph/json-batching): the body is `{"requests": [{"id", "method", "url",
"headers"?, "body"?, "dependsOn"?}]}` with `url` relative to the version (`/deviceManagement/...`);
the answer is 200 with `{"responses": [{"id", "status", "headers", "body"?}]}`. Each item is judged
on its own (a 404 or a 429 inside a 200 batch); an item whose `dependsOn` failed is answered 424.
A malformed batch (not JSON, no `requests`, more than 20, a duplicate or missing id) is a 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from graph_emulator._types import Request, Response

MAX_REQUESTS = 20
BATCH_SEGMENT = "$batch"

Answer = Callable[[Request], Response]
Refuse = Callable[[str], Response]


def answer_batch(outer: Request, version: str, answer: Answer, refuse: Refuse) -> Response:
    """Answer every item of the batch in `outer` through `answer` (the emulator's single request
    path, minus authentication, which the batch call already passed); `refuse(message)` is the 400."""
    parsed = _parse(outer.body)
    if isinstance(parsed, str):
        return refuse(parsed)
    statuses: dict[str, int] = {}
    responses: list[dict[str, Any]] = []
    for item in parsed:
        rid = str(item["id"])
        failed = [d for d in item.get("dependsOn") or [] if statuses.get(str(d), 424) >= 400]
        if failed:
            status, headers, body = 424, {}, _error_body("FailedDependency", f"dependsOn {failed[0]} failed")
        else:
            sub = _sub_request(outer, version, item)
            resp = answer(sub)
            status, headers, body = resp.status, dict(resp.headers), _decoded(resp.body)
        statuses[rid] = status
        entry: dict[str, Any] = {"id": rid, "status": status, "headers": headers}
        if body is not None:
            entry["body"] = body
        responses.append(entry)
    return Response.json(200, {"responses": responses})


def _parse(raw: bytes) -> list[Mapping[str, Any]] | str:
    try:
        payload = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        return "Invalid batch payload: the body is not JSON."
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        return "Invalid batch payload: expected a non-empty 'requests' array."
    if len(requests) > MAX_REQUESTS:
        return f"Invalid batch payload: {len(requests)} requests; the maximum is {MAX_REQUESTS}."
    seen: set[str] = set()
    for item in requests:
        if not isinstance(item, dict) or not all(item.get(k) for k in ("id", "method", "url")):
            return "Invalid batch payload: every request needs 'id', 'method' and 'url'."
        rid = str(item["id"])
        if rid in seen:
            return f"Invalid batch payload: duplicate request id '{rid}'."
        seen.add(rid)
        url = str(item["url"])
        if "://" in url:
            return f"Invalid batch payload: url '{url}' must be relative, e.g. /deviceManagement/..."
        depends = item.get("dependsOn")
        if depends is not None and (
            not isinstance(depends, list) or any(str(d) not in seen - {rid} for d in depends)
        ):
            return f"Invalid batch payload: request '{rid}' depends on an id that does not come before it."
    return requests


def _sub_request(outer: Request, version: str, item: Mapping[str, Any]) -> Request:
    parts = urlsplit(str(item["url"]))
    path = "/" + version + "/" + unquote(parts.path).lstrip("/")
    headers = {k.lower(): v for k, v in outer.headers.items() if k.lower() in ("authorization",)}
    sub_headers = item.get("headers")
    if isinstance(sub_headers, dict):
        headers.update({str(k).lower(): str(v) for k, v in sub_headers.items()})
    body = item.get("body")
    return Request(
        method=str(item["method"]).upper(),
        path=path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        raw_query=parts.query,
        headers=headers,
        body=b"" if body is None else json.dumps(body).encode(),
        batch_item=True,
    )


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body.decode(errors="replace")


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
