"""Update semantics (issue 12): when a PATCH counts as refused or ignored, and what the user is told.

Graph documents `PATCH …/derivedCredentials/{id}` → 200 with the object. Microsoft365DSC never
updates that resource ("UPDATE is not supported API, it always creates a new instance"), and Intune
is known to answer an unsupported PATCH with 400 `No method match route template`. Nobody here can
settle which a tenant does, so the handler fails clearly when PATCH does not work and points at
`update_strategy = "replace"` (planned by `plugin.provider`). Pure logic, generic over specs (the
resource is named by its spec's title): no Terraform framework, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intune_graph.errors import GraphError

# Statuses with which Graph refuses a PATCH it will not apply (Intune answers an unsupported route
# with 400; 405 is HTTP's own "method not allowed"; 403 may be a permission or a policy).
REFUSED_STATUSES = frozenset({400, 403, 405})
_NOT_SUPPORTED = re.compile(
    r"not[\s_]*supported|unsupported|not[\s_]*allowed|no method match|no odata route", re.IGNORECASE
)

NOTHING_CHANGED = "Nothing was changed by this update; the state keeps the previous values."


def replace_advice(title: str) -> str:
    """What to do when a tenant will not update `title` objects in place."""
    return (
        f"If this tenant does not support updating {title} in place, set update_strategy "
        '= "replace" in the provider block: every change then replaces the object (Terraform deletes '
        "it and creates a new one; add lifecycle { create_before_destroy = true } to create the new "
        "one first)."
    )


def patch_refused(error: GraphError) -> bool:
    """True when Graph's answer to a PATCH says it will not update the object this way (a missing
    permission is not that: replacing the object would need the same permission)."""
    if error.permission_missing:
        return False
    return error.status in REFUSED_STATUSES or bool(
        _NOT_SUPPORTED.search(error.code) or _NOT_SUPPORTED.search(error.message)
    )


def refused_message(title: str, item_id: str, error: GraphError) -> tuple[str, str]:
    """(summary, detail) for a refused PATCH of a `title` object: Graph's words and ids, then what to do."""
    return (
        f"Graph refused to update {title} {item_id} in place ({error.status} {error.code})",
        f"{error.detail()}\n\n{replace_advice(title)} {NOTHING_CHANGED}",
    )


def ignored_message(
    title: str,
    item_id: str,
    stale: Iterable[str],
    waited_s: float,
    request_id: str | None,
    client_request_id: str,
) -> tuple[str, str]:
    """(summary, detail) for a PATCH Graph accepted (2xx) but never applied within the window."""
    return (
        f"Graph accepted the update of {title} {item_id} but did not apply it",
        f"PATCH answered success, yet after {waited_s:.0f} s of reading back, fields "
        f"{', '.join(stale)} still hold their old values.\n"
        f"request-id: {request_id or '-'}; client-request-id: {client_request_id or '-'}\n\n"
        + replace_advice(title)
        + " The state keeps the previous values. Run `terraform plan` to see what Graph holds now.",
    )
