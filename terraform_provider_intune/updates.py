"""Update semantics (issue 12): when a PATCH counts as refused or ignored, what the user is told,
and which planned changes force a replacement under `update_strategy = "replace"`.

Graph documents `PATCH …/derivedCredentials/{id}` → 200 with the object. Microsoft365DSC never
updates this resource ("UPDATE is not supported API, it always creates a new instance"), and Intune
is known to answer an unsupported PATCH with 400 `No method match route template`. Nobody here can
settle which a tenant does, so the provider fails clearly when PATCH does not work and offers
replacement instead. Pure logic: no Terraform framework, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from intune_graph.errors import GraphError

# Statuses with which Graph refuses a PATCH it will not apply (Intune answers an unsupported route
# with 400; 405 is HTTP's own "method not allowed"; 403 may be a permission or a policy).
REFUSED_STATUSES = frozenset({400, 403, 405})
_NOT_SUPPORTED = re.compile(
    r"not[\s_]*supported|unsupported|not[\s_]*allowed|no method match|no odata route", re.IGNORECASE
)

REPLACE_ADVICE = (
    "If this tenant does not support updating derived credential settings in place, set update_strategy "
    '= "replace" in the provider block: every change then replaces the object (Terraform deletes it '
    "and creates a new one; add lifecycle { create_before_destroy = true } to create the new one "
    "first). Nothing was changed by this update; the state keeps the previous values."
)


def patch_refused(error: GraphError) -> bool:
    """True when Graph's answer to a PATCH says it will not update the object this way."""
    return error.status in REFUSED_STATUSES or bool(
        _NOT_SUPPORTED.search(error.code) or _NOT_SUPPORTED.search(error.message)
    )


def refused_message(item_id: str, error: GraphError) -> tuple[str, str]:
    """(summary, detail) for a refused PATCH: Graph's words and ids, then what to do."""
    return (
        f"Graph refused to update derived credential settings {item_id} in place "
        f"({error.status} {error.code})",
        f"{error.detail()}\n\n{REPLACE_ADVICE}",
    )


def ignored_message(
    item_id: str, stale: Iterable[str], waited_s: float, request_id: str | None, client_request_id: str
) -> tuple[str, str]:
    """(summary, detail) for a PATCH Graph accepted (2xx) but never applied within the window."""
    return (
        f"Graph accepted the update of derived credential settings {item_id} but did not apply it",
        f"PATCH answered success, yet after {waited_s:.0f} s of reading back, fields "
        f"{', '.join(stale)} still hold their old values.\n"
        f"request-id: {request_id or '-'}; client-request-id: {client_request_id or '-'}\n\n"
        + REPLACE_ADVICE.replace("Nothing was changed by this update; ", "")
        + " Run `terraform plan` to see what Graph holds now.",
    )


def fields_forcing_replacement(
    prior: Mapping[str, Any] | None, proposed: Mapping[str, Any] | None, names: Iterable[str]
) -> list[str]:
    """The attributes among `names` whose proposed value differs from the prior state, as Terraform
    sent them (a value unknown at plan time counts as a change). Empty for a create or a destroy."""
    if prior is None or proposed is None:
        return []
    return [n for n in names if _comparable(prior.get(n)) != _comparable(proposed.get(n))]


def _comparable(value: Any) -> Any:
    """Sets arrive as lists; numbers as int or float."""
    if isinstance(value, list):
        try:
            return ("set", tuple(sorted(value)))
        except TypeError:  # an unknown element: compare as given
            return ("list", tuple(value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
