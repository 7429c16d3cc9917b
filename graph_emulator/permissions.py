"""Graph's permission check, as Intune makes it: each collection's operations need the application
permissions its spec names (`intune_model.permissions`: `…ReadWrite.All` to write, `…Read.All` or
`…ReadWrite.All` to read), judged from the token's `roles` claim; otherwise 403 `Forbidden` whose
`message` is, as Intune answers, its own error document serialised as a JSON string."""

from __future__ import annotations

import json
from collections.abc import Collection

from graph_emulator._types import Request, Response
from graph_emulator.graph import GraphContext
from intune_model import permissions
from intune_model.registry import specs

NO_OPERATION_ID = "00000000-0000-0000-0000-000000000000"  # what Intune prints there in public reports


def default_roles() -> tuple[str, ...]:
    """What an app registered without `roles=` holds: every registered spec's write permission."""
    return tuple(dict.fromkeys(s.permission for s in specs() if s.permission))


def forbidden(request: Request, ctx: GraphContext, roles: Collection[str]) -> Response | None:
    """Graph's 403 when the token's `roles` allow no permission `request` needs; None when allowed
    (or when no spec's collection holds the path: that answer is the router's)."""
    path = request.path
    for spec in permissions.specs_at(path):
        allowed = permissions.accepted(spec, request.method)
        if allowed and not set(allowed) & set(roles):
            return ctx.error(403, "Forbidden", intune_message(ctx, allowed, f"{ctx.base}{path}"))
    return None


def intune_message(ctx: GraphContext, allowed: tuple[str, ...], url: str) -> str:
    """Intune's error document as the JSON string Graph puts in `message` (indented, CRLF lines)."""
    document = {
        "_version": 3,
        "Message": (
            "Application is not authorized to perform this operation. Application must have one of "
            f"the following scopes: {', '.join(allowed)} - Operation ID (for customer support): "
            f"{NO_OPERATION_ID} - Activity ID: {ctx.client_request_id} - Url: {url}"
        ),
        "CustomApiErrorPhrase": "",
        "RetryAfter": None,
        "ErrorSourceService": "",
        "HttpHeaders": "{}",
    }
    return json.dumps(document, indent=2).replace("\n", "\r\n")
