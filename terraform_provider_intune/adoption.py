"""Rules for a create whose answer was lost: which object, if any, did our POST make?

When a POST reaches Graph but its response does not come back (a read timeout, a connection reset
after the body was sent, a 504 from a gateway), Graph may or may not have stored the object.
Posting again blindly could leave a duplicate. Instead the handler:

1. before posting, notes the ids of objects that already match the settings exactly (`before`);
2. after an ambiguous failure, lists objects with the same `displayName` (OData `$filter`) and keeps
   those that match every field, were not there before, and were not already claimed by another
   operation of this provider process (`CreateLedger`);
3. exactly one such candidate: adopts it. None (after waiting out list replication lag): Graph did
   not store it, so posting again cannot duplicate. More than one: fails, naming their ids.

Creates with identical settings are serialised inside one provider process so they cannot
mistake each other's objects for their own. Limit: another process (a second `terraform apply`, a
person in the portal) creating an identical object in the same seconds is indistinguishable from
ours; then the create fails naming the candidates rather than guessing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

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
    """Process-wide memory of creates: ids already owned by some operation, and one lock per set
    of identical settings."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed: set[str] = set()
        self._locks: dict[str, threading.Lock] = {}

    def claim(self, object_id: str) -> None:
        with self._lock:
            self._claimed.add(object_id)

    def claimed(self, object_id: str) -> bool:
        with self._lock:
            return object_id in self._claimed

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
