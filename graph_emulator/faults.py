"""Switchable faults for the emulator: what Microsoft Graph does under load and failure.

`FaultPlan` plugs into the emulator's `Faults` hook. Every fault is off by default; set them at
start or change them at run time (thread-safe)::

    from graph_emulator import FaultPlan, start_emulator

    with start_emulator(faults=FaultPlan(write_rate=5, write_burst=10)) as emu:
        ...
        emu.faults.update(error_rate=0.1, read_lag_s=2)   # from now on
        emu.faults.update(error_rate=0)                   # and off again

or from the CLI: `graph-emulator start --data-dir D --write-rate 5 --error-rate 0.1 ...`
(`graph-emulator serve --help` lists the flags).

* `throttle_every`: every Nth write (POST/PATCH/DELETE) per tenant is answered 429.
* `write_rate`, `write_burst`: a token bucket per tenant; writes beyond it are answered 429.
* `retry_after_s`: `Retry-After` of a 429 from `throttle_every` (the bucket computes its own).
* `retry_after_as_date`: send `Retry-After` as an HTTP date instead of seconds.
* `error_rate`, `error_statuses`: that fraction of Graph calls fails with a status drawn from
  `error_statuses`. A 503 is refused before any work; a 500/502/504 comes after the work was done
  (a gateway that timed out), so a POST answered 504 did store its object.
* `latency_s`: every Graph call is answered this much later (a `$batch` call once, not per item).
  Each connection has its own server thread, so concurrent calls wait side by side.
* `read_lag_s`: a new object 404s on GET, and is missing from lists, for this long after its POST.
* `drop_after_post_every`: every Nth successful POST is stored, then its connection is closed
  without an answer.
* `seed`: seeds the draws of `error_rate`, so a run can be repeated.
* `refuse_patch_status` (0, 400 or 405): every PATCH of an object (of any collection) is refused
  with this status and the body Intune sends for a method its route does not support (code `No
  method match route template`, with a request-id), as Microsoft365DSC reports for derived
  credential settings. Nothing is stored.
* `ignore_patch`: every PATCH of an object is answered 200 with the object as the request describes
  it, but nothing is stored (a later GET shows the old values).
* `revoke_tokens`: the next N distinct access tokens seen on Graph calls are refused from then on
  with `401 InvalidAuthenticationToken`, though unexpired (as after a revocation); only a newly
  issued token passes. Counted in `revoked`.

A 429 carries Graph's error body and `Retry-After`. What PATCH answers is a property of
`GraphEmulator`: by default 200 with the object, as Microsoft documents; `emu.patch_status = 204`
(CLI `--patch-status 204`) is the fault mode that answers 204 without a body, as generated clients
expect. Token lifetime is a `GraphEmulator` argument too (`token_lifetime`, CLI `--token-lifetime`).

Response shapes (answers that Microsoft documents or may send, which the provider must read or
refuse clearly; each applies to every object a GET answers, by id or in a list page):

* `wrap_get_body`: a GET by id answers `{"value": {...}}`, as the reference page's example shows.
* `drop_field`: this Graph property (e.g. `displayName`) is left out of every object answered.
* `unknown_enum_member`: this Graph property is answered with a member the model does not know,
  `unknownFutureValue` (a flags property gets it added: `"companyPortal,unknownFutureValue"`).
* `subtype_answers`: objects carry a derived `@odata.type` and a property the model does not have.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import math
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from graph_emulator._types import Faults, Request, Response
from graph_emulator.graph import graph_error, item_addressed
from intune_model.registry import specs
from intune_model.schema import Flags, ResourceSpec

WRITES = frozenset({"POST", "PATCH", "DELETE", "PUT"})


@dataclass
class FaultPlan(Faults):
    """Fault injection through the `Faults` hook; see the module docstring for each field."""

    throttle_every: int = 0
    write_rate: float = 0.0
    write_burst: float = 10.0
    retry_after_s: float = 1.0
    retry_after_as_date: bool = False
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (503,)
    latency_s: float = 0.0
    read_lag_s: float = 0.0
    drop_after_post_every: int = 0
    seed: int | None = None
    refuse_patch_status: int = 0
    ignore_patch: bool = False
    revoke_tokens: int = 0
    wrap_get_body: bool = False
    drop_field: str = ""
    unknown_enum_member: str = ""
    subtype_answers: bool = False
    # counters, for tests
    throttled: int = 0
    errors: int = 0
    dropped: int = 0
    refused_patches: int = 0
    ignored_patches: int = 0
    revoked: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)
    _writes: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _posts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False, compare=False)
    _created: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    _late: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    _revoked: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check()
        self._random.seed(self.seed)

    def update(self, **changes: Any) -> FaultPlan:
        """Change faults at run time, e.g. `update(error_rate=0.1)`; counters and buckets restart
        when the fields that drive them change."""
        names = {f.name for f in dataclasses.fields(self) if not f.name.startswith("_")}
        unknown = set(changes) - names
        if unknown:
            raise TypeError(
                f"unknown fault(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}"
            )
        with self._lock:
            for key, value in changes.items():
                setattr(self, key, tuple(value) if key == "error_statuses" else value)
            self._check()
            if "seed" in changes:
                self._random.seed(self.seed)
            if {"write_rate", "write_burst"} & set(changes):
                self._buckets.clear()
            if "throttle_every" in changes:
                self._writes.clear()
            if "drop_after_post_every" in changes:
                self._posts.clear()
        return self

    def _check(self) -> None:
        if not 0 <= self.error_rate <= 1:
            raise ValueError("error_rate must be between 0 and 1")
        if any(s not in (500, 502, 503, 504) for s in self.error_statuses):
            raise ValueError("error_statuses may hold 500, 502, 503 and 504")
        if self.refuse_patch_status not in (0, 400, 405):
            raise ValueError("refuse_patch_status must be 0 (off), 400 or 405")
        if self.revoke_tokens < 0:
            raise ValueError("revoke_tokens must not be negative")
        if min(self.throttle_every, self.drop_after_post_every) < 0 or self.write_rate < 0:
            raise ValueError("throttle_every, drop_after_post_every and write_rate must not be negative")

    # ------------------------------------------------------------------ the hook

    def before(self, request: Request, tenant_id: str) -> Response | None:
        if self.latency_s > 0 and not request.batch_item:
            time.sleep(self.latency_s)
        is_write = request.method in WRITES
        with self._lock:
            if self._token_revoked(request):
                return _error(
                    request,
                    401,
                    "InvalidAuthenticationToken",
                    "Access token validation failure. Invalid audience or the token has been revoked.",
                    [("WWW-Authenticate", 'Bearer realm="", error="invalid_token"')],
                )
            if is_write:
                wait = self._throttle(tenant_id)
                if wait is not None:
                    self.throttled += 1
                    return _error(
                        request,
                        429,
                        "TooManyRequests",
                        "Too many requests: the application exceeded the write limit for this tenant.",
                        [("Retry-After", self._retry_after(wait))],
                    )
            patched = item_addressed(request.path) if request.method == "PATCH" else None
            if patched is not None and self.refuse_patch_status:
                self.refused_patches += 1
                return _error(
                    request,
                    self.refuse_patch_status,
                    "No method match route template",
                    "No OData route exists that match template ~/singleton/navigation/key with http verb "
                    f"PATCH for request /StatelessDeviceFEService/{request.path.lstrip('/')}.",
                    [("Allow", "GET, DELETE")] if self.refuse_patch_status == 405 else None,
                )
            if patched is not None and self.ignore_patch:
                self.ignored_patches += 1
                return _echo(request, *patched)
            status = self._draw_error()
            if status == 503:
                self.errors += 1
                return _error(request, 503, "ServiceUnavailable", "The service is temporarily unavailable.")
            lagging = self._lagging_id(request)
            if status is not None and lagging is None:
                self._late[id(request)] = status  # answered after the work is done
        if lagging is not None:
            return _error(
                request,
                404,
                "ResourceNotFound",
                f"Resource not found: no deviceManagementDerivedCredentialSettings with id '{lagging}'.",
            )
        return None

    def after(self, request: Request, tenant_id: str, response: Response) -> Response:
        with self._lock:
            late_error = self._late.pop(id(request), None)
            created_id = None
            if request.method == "POST" and response.status == 201:
                created_id = _id_of(response)
                if created_id:
                    self._created[created_id] = time.monotonic()
            drop = False
            if created_id and self.drop_after_post_every:
                count = self._posts.get(tenant_id, 0) + 1
                self._posts[tenant_id] = count
                drop = count % self.drop_after_post_every == 0
            if drop:
                self.dropped += 1
                return Response(0, drop=True)
            if late_error is not None:
                self.errors += 1
                return _error(request, late_error, "GatewayTimeout", "The gateway timed out.")
            if request.method == "GET" and response.status == 200 and self.read_lag_s > 0:
                response = self._hide_lagging(response)
            if request.method == "GET" and response.status == 200 and self._reshapes():
                response = self._reshape(response)
        return response

    # ------------------------------------------------------------------ pieces (called under the lock)

    def _token_revoked(self, request: Request) -> bool:
        """Revoke the next `revoke_tokens` distinct tokens on first sight; refuse revoked ones."""
        token = (request.header("authorization") or "").partition(" ")[2].strip()
        if token in self._revoked:
            return True
        if self.revoke_tokens > 0 and token:
            self.revoke_tokens -= 1
            self.revoked += 1
            self._revoked.add(token)
            return True
        return False

    def _throttle(self, tenant_id: str) -> float | None:
        """Seconds the writer should wait, or None when the write may pass."""
        if self.throttle_every:
            count = self._writes.get(tenant_id, 0) + 1
            self._writes[tenant_id] = count
            if count % self.throttle_every == 0:
                return self.retry_after_s
        if self.write_rate > 0:
            now = time.monotonic()
            tokens, stamp = self._buckets.get(tenant_id, (self.write_burst, now))
            tokens = min(self.write_burst, tokens + (now - stamp) * self.write_rate)
            if tokens < 1:
                self._buckets[tenant_id] = (tokens, now)
                return (1 - tokens) / self.write_rate
            self._buckets[tenant_id] = (tokens - 1, now)
        return None

    def _retry_after(self, wait: float) -> str:
        seconds = max(1, math.ceil(wait))  # Retry-After is whole seconds (or a date)
        if self.retry_after_as_date:
            return email.utils.formatdate(time.time() + seconds, usegmt=True)
        return str(seconds)

    def _draw_error(self) -> int | None:
        if self.error_rate <= 0 or self._random.random() >= self.error_rate:
            return None
        return self._random.choice(self.error_statuses)

    def _lagging_id(self, request: Request) -> str | None:
        if request.method != "GET" or self.read_lag_s <= 0:
            return None
        oid = request.path.rstrip("/").rsplit("/", 1)[-1]
        created = self._created.get(oid)
        if created is not None and time.monotonic() - created < self.read_lag_s:
            return oid
        return None

    def _hide_lagging(self, response: Response) -> Response:
        try:
            payload = json.loads(response.body)
        except ValueError:
            return response
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            return response
        now = time.monotonic()
        kept = [
            o
            for o in payload["value"]
            if not (isinstance(o, dict) and now - self._created.get(str(o.get("id")), -1e9) < self.read_lag_s)
        ]
        if len(kept) == len(payload["value"]):
            return response
        payload["value"] = kept
        return Response(response.status, json.dumps(payload).encode(), list(response.headers))

    def _reshapes(self) -> bool:
        return self.wrap_get_body or bool(self.drop_field or self.unknown_enum_member) or self.subtype_answers

    def _reshape(self, response: Response) -> Response:
        """The answer in the shapes the response-shape faults ask for."""
        try:
            payload = json.loads(response.body)
        except ValueError:
            return response
        if not isinstance(payload, dict):
            return response
        listed = payload.get("value")
        if isinstance(listed, list):
            payload["value"] = [self._reshape_object(o) if isinstance(o, dict) else o for o in listed]
        elif "id" in payload:
            payload = self._reshape_object(payload)
            if self.wrap_get_body:
                payload = {"value": payload}
        return Response(response.status, json.dumps(payload).encode(), list(response.headers))

    def _reshape_object(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj = dict(obj)
        if self.drop_field:
            obj.pop(self.drop_field, None)
        member = self.unknown_enum_member
        if member and member in obj:
            current = obj[member]
            flags = _is_flags(member)
            obj[member] = f"{current},{UNKNOWN_MEMBER}" if flags and current else UNKNOWN_MEMBER
        if self.subtype_answers:
            obj["@odata.type"] = f"{obj.get('@odata.type') or '#microsoft.graph.entity'}{SUBTYPE_SUFFIX}"
            obj[SUBTYPE_PROPERTY] = True  # a property only the derived type has
        return obj


UNKNOWN_MEMBER = "unknownFutureValue"  # the member Graph adds to evolvable enums
SUBTYPE_SUFFIX = "Preview"  # a made-up derived type: `...DerivedCredentialSettingsPreview`
SUBTYPE_PROPERTY = "previewEnabled"  # a made-up property of that derived type


def _is_flags(graph_name: str) -> bool:
    """Whether a registered spec holds this Graph property as a flags enum."""
    kinds = [s.by_graph_name[graph_name].kind for s in specs() if graph_name in s.by_graph_name]
    return any(isinstance(k, Flags) for k in kinds)


def _echo(request: Request, spec: ResourceSpec, oid: str) -> Response:
    """A 200 that looks like a successful PATCH: the object as the request describes it."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = {}
    changes = body if isinstance(body, dict) else {}
    return Response.json(200, {"@odata.type": spec.odata_type, **changes, "id": oid})


def _id_of(response: Response) -> str | None:
    try:
        value = json.loads(response.body).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _error(
    request: Request, status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    rid = str(uuid.uuid4())
    return graph_error(status, code, message, rid, request.header("client-request-id") or rid, headers)
