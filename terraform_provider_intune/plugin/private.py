"""A resource's private state: bytes Terraform stores beside the state, never shows, and hands back
on every read, plan and apply of that resource instance (protocol 6 `private`).

`tf` 1.2.0 exposes none of it: its servicer drops `ReadResource.private` and
`PlanResourceChange.prior_private` and answers every read, plan and apply without one, so Terraform
stores an empty private. `plugin.server` wires it through: each of those calls runs inside
`serving(bytes)`, and the resource reads and changes `current()` (a JSON object) during the call.
A computed attribute would not do: it would show in plans and `terraform show`, and users could
set or depend on it.

What it holds: `created_at`, the wall-clock time (seconds) this state's apply created the object,
so a refresh moments later keeps believing in an object Graph has not yet made readable.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from typing import Any

CREATED_AT = "created_at"

_current: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "intune_private_state", default=None
)


def decode(raw: bytes) -> dict[str, Any]:
    """The private state as a JSON object; {} for none, or for bytes another version wrote that are
    not one (private state is a hint, never a reason to fail)."""
    if not raw:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode() if data else b""


@contextlib.contextmanager
def serving(raw: bytes) -> Iterator[dict[str, Any]]:
    """Run one gRPC call with `raw` as its private state; yields the dict the resource may change
    (encode it for the response)."""
    data = decode(raw)
    token = _current.set(data)
    try:
        yield data
    finally:
        _current.reset(token)


def current() -> dict[str, Any] | None:
    """The private state of the call being served; None outside one (an in-process test)."""
    return _current.get()


def created_at() -> float | None:
    """When this state's apply created the object (wall clock), if it recorded that."""
    value = (current() or {}).get(CREATED_AT)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def record_created(when: float) -> None:
    data = current()
    if data is not None:
        data[CREATED_AT] = when
