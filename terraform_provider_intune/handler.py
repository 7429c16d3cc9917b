"""The custom resource: create/read/update/delete/import of derived credential settings.

Shaped like a Pulumi dynamic provider and free of any Terraform framework: it takes and returns
plain dicts keyed by Terraform attribute names (`id` plus the fields in `intune_model.FIELDS`).
The `tf` adapter is the only caller that knows about Terraform's protocol.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from intune_graph import AmbiguousCreate, Cancelled, GraphClient, GraphError, NotFound, odata
from intune_model import (
    COLLECTION_PATH,
    FIELDS,
    FIELDS_BY_GRAPH_NAME,
    from_graph,
    is_server_default,
    same_value,
    to_graph,
    validate_settings,
)
from terraform_provider_intune.adoption import LEDGER, CreateLedger

Props = dict[str, Any]
IMPORT_GRACE_S = 5.0
ADOPT_SEARCH_S = 15.0  # how long a lost POST's object may take to appear in a list
# issue 13 (scale-a): the fields a read needs, asked of the snapshot's listing with `$select`.
SNAPSHOT_SELECT = ("id", *FIELDS_BY_GRAPH_NAME)


class HandlerError(Exception):
    """A failure to show the user: a one-line summary, a detail, and the attribute if one applies."""

    def __init__(self, summary: str, detail: str = "", attribute: str | None = None):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail
        self.attribute = attribute


def reconcile(prior: Mapping[str, Any], server: Mapping[str, Any]) -> Props:
    """State after a read. Drift counts only on fields the user set: a field that is null in `prior`
    stays null whatever Graph holds (server defaults never diff); a set field keeps the user's
    spelling when Graph's value means the same (flags order, `none` vs empty)."""
    out: Props = {"id": server.get("id") or prior.get("id")}
    for spec in FIELDS:
        mine, theirs = prior.get(spec.name), server.get(spec.name)
        if mine is None and not spec.required:
            out[spec.name] = None
        elif mine is not None and same_value(spec.name, mine, theirs):
            out[spec.name] = mine
        else:
            out[spec.name] = theirs
    return out


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return [f.name for f in FIELDS if not same_value(f.name, old.get(f.name), new.get(f.name))]


def attribute_for(error: GraphError) -> str | None:
    """The Terraform attribute a Graph error is about: its `target`, else a property its message names."""
    for candidate in filter(None, (error.target,)):
        spec = FIELDS_BY_GRAPH_NAME.get(candidate)
        if spec:
            return spec.name
    for graph_name, spec in FIELDS_BY_GRAPH_NAME.items():
        if re.search(rf"\b{re.escape(graph_name)}\b", error.message):
            return spec.name
    return None


class DerivedCredentialHandler:
    """Thin and synchronous; one instance per call is cheap (the client is shared)."""

    collection = COLLECTION_PATH

    def __init__(
        self,
        client: GraphClient,
        warn: Callable[[str, str], None] | None = None,
        ledger: CreateLedger = LEDGER,
    ):
        self._client = client
        self._warn = warn or (lambda summary, detail: None)
        self._ledger = ledger

    def create(self, props: Mapping[str, Any]) -> tuple[str, Props]:
        """POST exactly once in effect, capture the server's id, then wait until the id is readable
        (replication lag), so the next refresh cannot mistake a new object for a deleted one.

        A POST whose answer was lost is not re-sent blindly: see `adoption` for the rule."""
        validate_settings({f.name: props.get(f.name) for f in FIELDS})
        body = to_graph(props)
        with self._client.operation(), self._ledger.exclusive(props):
            before = set(self._matching(props))
            while True:
                try:
                    created = self._client.create(self.collection, body)
                except AmbiguousCreate as lost:
                    adopted = self._find_lost_create(props, before, lost)
                    if adopted is None:
                        continue  # Graph did not store it: posting again cannot duplicate
                    new_id = adopted
                    break
                returned = created.get("id")
                if not isinstance(returned, str) or not returned:
                    raise HandlerError(
                        "Graph created the object but returned no id", f"response: {created!r}"
                    )
                new_id = returned
                break
            self._ledger.claim(new_id)
            self._wait_readable(new_id)
        return new_id, {**_fields(props), "id": new_id}

    def _matching(self, props: Mapping[str, Any]) -> list[str]:
        listed = self._client.list(self.collection, odata.eq("displayName", str(props["display_name"])))
        return self._ledger.candidates(props, listed, before=set())

    def _find_lost_create(
        self, props: Mapping[str, Any], before: set[str], lost: AmbiguousCreate
    ) -> str | None:
        """The id our lost POST created, or None once a search window shows it created nothing."""
        name = str(props["display_name"])
        give_up = min(time.monotonic() + ADOPT_SEARCH_S, self._client.deadline())
        delay = 0.25
        try:
            while True:
                found = [i for i in self._matching(props) if i not in before]
                if len(found) == 1:
                    self._warn(
                        "Adopted the object a lost create made",
                        f"Graph's answer to the POST was lost ({lost.cause}; client-request-id "
                        f"{lost.client_request_id}); the object with id {found[0]} matches every field "
                        "and did not exist before, so it was taken as this resource's.",
                    )
                    return found[0]
                if len(found) > 1:
                    raise HandlerError(
                        f"Several objects named {name!r} may have been created by this apply",
                        f"Graph's answer to the POST was lost ({lost.cause}; client-request-id "
                        f"{lost.client_request_id}) and {len(found)} identical new objects exist: "
                        f"{', '.join(found)}. Keep one: delete the others, then `terraform import` "
                        "the one you keep.",
                        "display_name",
                    )
                if time.monotonic() >= give_up:
                    return None
                self._client_sleep(min(delay, max(0.0, give_up - time.monotonic())))
                delay = min(delay * 2, 2.0)
        except (Cancelled, GraphError) as exc:
            raise HandlerError(
                f"Could not tell whether Graph created {name!r}",
                f"Graph's answer to the POST was lost ({lost.cause}; client-request-id "
                f"{lost.client_request_id}) and the search for the object it may have made failed: "
                f"{exc}. Look for a possible orphan with displayName {name!r} and `terraform import` "
                "or delete it.",
                "display_name",
            ) from exc

    def _wait_readable(self, new_id: str) -> None:
        try:
            readable = self._client.get_after_write(self.collection, new_id) is not None
        except Cancelled:
            readable = False  # stopping: the id is recorded in state anyway
        if not readable:
            self._warn(
                "Graph has not yet made the new object readable",
                f"id {new_id} was created but still answers 404; a later refresh should find it.",
            )

    def _client_sleep(self, seconds: float) -> None:
        if self._client.stop.wait(max(0.0, seconds)):
            raise Cancelled("stopped by Terraform")

    def read(self, item_id: str, prior: Mapping[str, Any]) -> Props | None:
        """None when Graph no longer has the object (Terraform then plans to create it again)."""
        with self._client.operation():
            # issue 13 (scale-a): served from the process's one paged listing of the collection; an id
            # missing from it, or written by this process, is read with its own GET, as before.
            found = self._client.snapshot(self.collection, SNAPSHOT_SELECT).get(item_id)
        return None if found is None else reconcile(prior, from_graph(found))

    def update(self, item_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Props:
        """PATCH only the changed fields (with `@odata.type`), then read back until Graph agrees."""
        changed = changed_fields(old, new)
        planned = {**_fields(new), "id": item_id}
        if not changed:
            return planned
        validate_settings({f.name: new.get(f.name) for f in FIELDS})
        with self._client.operation():
            echoed = self._client.update(self.collection, item_id, to_graph(new, only=changed))
            try:
                return self._confirm_update(item_id, new, changed, planned, echoed)
            except Cancelled:
                return planned  # the PATCH went through: state must say so even when stopping

    def _confirm_update(
        self,
        item_id: str,
        new: Mapping[str, Any],
        changed: list[str],
        planned: Props,
        echoed: dict[str, Any] | None,
    ) -> Props:
        """Read back until Graph shows the PATCH (bounded); warn if it never does."""
        give_up = time.monotonic() + self._client.retry.read_after_write_s
        server = echoed
        while True:
            if server is None:
                server = self._client.get_after_write(self.collection, item_id)
                if server is None:
                    raise HandlerError(
                        "The object disappeared during the update",
                        f"PATCH of {item_id} succeeded but the object now answers 404.",
                    )
            state = reconcile(new, from_graph(server))
            stale = [n for n in changed if not same_value(n, state.get(n), new.get(n))]
            if not stale:
                return planned
            if time.monotonic() >= give_up:
                self._warn(
                    "Graph does not yet show the update",
                    f"fields {', '.join(stale)} of {item_id} still read the old values; "
                    "the next plan will show any difference that remains.",
                )
                return planned
            self._client_sleep(0.5)
            server = None

    def delete(self, item_id: str) -> None:
        """A 404 means someone deleted it already: the goal is met."""
        with self._client.operation():
            self._client.delete(self.collection, item_id)

    def import_(self, item_id: str) -> Props:
        """All fields Graph holds, except those at Graph's defaults (treated as unset)."""
        try:
            with self._client.operation():
                found = self._client.fetch_after_write(self.collection, item_id, grace_s=IMPORT_GRACE_S)
        except NotFound as missing:
            raise HandlerError(
                f"no derived credential settings with id {item_id!r}",
                "Check the id (Intune admin center, or GET /beta/deviceManagement/derivedCredentials) "
                "and that the provider points at the right tenant.\n"
                f"request-id: {missing.request_id or '-'}; "
                f"client-request-id: {missing.client_request_id or '-'}",
            ) from None
        return adopted_state(found)


def adopted_state(found: Mapping[str, Any]) -> Props:
    """State of an adopted object (Graph JSON in): every field Graph holds, except those at Graph's
    defaults, which are treated as unset. Import and `intune-provider export` share it, so an
    exported configuration plans clean after import."""
    state = from_graph(found)
    for spec in FIELDS:
        if not spec.required and is_server_default(spec.name, state.get(spec.name)):
            state[spec.name] = None
    return state


def _fields(props: Mapping[str, Any]) -> Props:
    return {f.name: props.get(f.name) for f in FIELDS}
