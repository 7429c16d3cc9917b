"""Rules for a create whose answer was lost: which object, if any, did our POST make?

When a POST reaches Graph but its response does not come back (a read timeout, a connection reset
after the body was sent, a 504 from a gateway), Graph may or may not have stored the object.
Posting again blindly could leave a duplicate. Instead the handler:

1. before posting, notes the ids of objects that already match the settings exactly (`before`);
   those no resource of this state holds are named to the user (`unmanaged_match`: a warning, or
   an error that stops the create);
2. after an ambiguous failure, lists objects with the same `displayName` (OData `$filter`) and keeps
   those that match every field, were not there before, and were not already claimed by another
   operation of this provider process (`CreateLedger`);
3. adopts a candidate only when it is provably the only one: the listing has settled (Graph's
   replicas may hide a new object for `RetryPolicy.absent_after_s` after its create, so the search
   waits that long after the POST failed before it believes a listing is complete) and exactly one
   candidate remains for this process's one unanswered create. More than one (another process, a
   second state, the portal, created an identical object in the same seconds): fails naming every
   candidate, the POST's request ids and the import command, and records nothing. None (after
   `ADOPT_SEARCH_S`): Graph did not store it, so posting again cannot duplicate.

Creates with identical settings are serialised inside one provider process so they cannot
mistake each other's objects for their own. Limits: an object that stays unlisted for longer than
the windows above is not seen; and when our POST was not stored while another process created an
identical object in the same window, that object is the only candidate and is adopted.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from intune_model.address import PROVIDER_TYPE
from intune_model.arguments import UNMANAGED_MATCH_ERROR
from intune_model.schema import ResourceSpec


def matches(props: Mapping[str, Any], graph_object: Mapping[str, Any], spec: ResourceSpec) -> bool:
    """True when a Graph object holds exactly the settings in `props` (Terraform names): every set
    field has the same value, every unset field is at Graph's default. Fields Graph writes by an
    action (assignments) are written after the create, so a lost create's object has none yet."""
    server = spec.from_graph(graph_object)
    for f in spec.settable:
        if f in spec.action_fields:
            continue
        mine, theirs = props.get(f.name), server.get(f.name)
        if mine is None:
            if not spec.is_server_default(f.name, theirs):
                return False
        elif not spec.same_value(f.name, mine, theirs):
            return False
    return True


def fingerprint(props: Mapping[str, Any], spec: ResourceSpec) -> str:
    canonical = {
        f.name: sorted(v, key=repr) if isinstance(v := props.get(f.name), list) else v
        for f in spec.settable
        if props.get(f.name) is not None
    }
    return hashlib.sha256(json.dumps([spec.name, canonical], sort_keys=True).encode()).hexdigest()


class CreateLedger:
    """Process-wide memory of creates: ids already owned by some operation, ids the state holds
    (read, imported or updated by this process), and one lock per set of identical settings."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed: set[str] = set()
        self._held: set[str] = set()
        self._locks: dict[str, threading.Lock] = {}

    def claim(self, object_id: str) -> None:
        with self._lock:
            self._claimed.add(object_id)

    def claimed(self, object_id: str) -> bool:
        with self._lock:
            return object_id in self._claimed

    def hold(self, object_id: str) -> None:
        """`object_id` is in this run's state: refresh read it, or it was imported or updated."""
        with self._lock:
            self._held.add(object_id)

    def unmanaged(self, object_ids: Iterable[str]) -> list[str]:
        """Those of `object_ids` that no resource of this run's state holds, as far as this process
        has seen (refresh reads every resource before an apply; `-refresh=false` skips that)."""
        with self._lock:
            return [i for i in object_ids if i not in self._claimed and i not in self._held]

    @contextmanager
    def exclusive(self, props: Mapping[str, Any], spec: ResourceSpec) -> Iterator[None]:
        """Hold while creating: no other create with the same settings runs in this process."""
        key = fingerprint(props, spec)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield

    def candidates(
        self,
        props: Mapping[str, Any],
        listed: Iterable[Mapping[str, Any]],
        before: set[str],
        spec: ResourceSpec,
    ) -> list[str]:
        """Ids of listed objects that our lost POST may have created, oldest first."""
        return [
            str(obj["id"])
            for obj in listed
            if obj.get("id")
            and str(obj["id"]) not in before
            and not self.claimed(str(obj["id"]))
            and matches(props, obj, spec)
        ]


LEDGER = CreateLedger()


def import_hint(spec: ResourceSpec, object_ids: Iterable[str], tenant: str | None = None) -> str:
    """How to take existing objects into state: the command and the `import` block (Terraform 1.5+),
    with the resource's address left for the user to fill in. The id carries `tenant/` when the
    resource names another tenant than the provider's."""
    address = f"{PROVIDER_TYPE}_{spec.name}.<name>"
    ids = [f"{tenant}/{i}" if tenant else i for i in object_ids]
    commands = "; ".join(f"terraform import '{address}' {i}" for i in ids)
    return (
        f"To manage one of them with this resource, import it: {commands} "
        f'(or an import block: import {{ to = {address}  id = "{ids[0]}" }}).'
    )


def unmanaged_message(
    spec: ResourceSpec, name: str, object_ids: list[str], mode: str, tenant: str | None = None
) -> tuple[str, str]:
    """(summary, detail) for exact matches of a planned create that no resource of this state holds."""
    many = len(object_ids) > 1
    summary = (
        f"{len(object_ids) if many else 'An'} existing {spec.title} object{'s' if many else ''} "
        f"with {name!r} and the same settings {'are' if many else 'is'} not in this state"
    )
    if mode == UNMANAGED_MATCH_ERROR:
        outcome = 'Nothing was created (provider argument unmanaged_match = "error").'
    else:
        outcome = (
            "This apply creates another one. To stop instead, set the provider argument "
            'unmanaged_match = "error" (or INTUNE_UNMANAGED_MATCH=error).'
        )
    detail = (
        f"Graph already holds {', '.join(object_ids)}, matching every field of this resource, and no "
        "resource of this state manages "
        f"{'them' if many else 'it'}: left by an apply that was killed before it could record "
        f"{'them' if many else 'it'}, made in the portal, or managed by another configuration. "
        f"{outcome} {import_hint(spec, object_ids, tenant)}"
    )
    return summary, detail
