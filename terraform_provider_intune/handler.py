"""The custom resource: create/read/update/delete/import of one Graph resource, generic over its spec.

Shaped like a Pulumi dynamic provider and free of any Terraform framework: it takes and returns
plain dicts keyed by Terraform attribute names (`id` plus the spec's fields). The plugin package
(`terraform_provider_intune.plugin`) is the only caller that knows about Terraform's protocol.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from intune_graph import AmbiguousCreate, Cancelled, GraphClient, GraphError, NotFound, odata
from intune_graph.client import Updated
from intune_graph.errors import UnexpectedResponse
from intune_graph.retry import ADOPT_SEARCH_S, IMPORT_GRACE_S, poll  # every window lives there
from intune_model.arguments import DEFAULT_UNMANAGED_MATCH, UNMANAGED_MATCH_ERROR
from intune_model.errors import IntuneError
from intune_model.schema import ObjectSet, ResourceSpec
from terraform_provider_intune import updates
from terraform_provider_intune.adoption import LEDGER, CreateLedger, import_hint, unmanaged_message

Props = dict[str, Any]


class PartialCreate(IntuneError):
    """The object was created but a later step (its assignments) failed: `state` records the object
    (without what failed), so Terraform keeps it (tainted) instead of leaving an orphan."""

    def __init__(self, item_id: str, state: Props, cause: Exception):
        detail = f"The object was created with id {item_id}; {cause}"
        super().__init__("Created the object, but could not finish writing it", detail)
        self.state = state


class HandlerError(IntuneError):
    """A failure to show the user: a one-line summary, a detail, and the attribute if one applies."""

    def __init__(self, summary: str, detail: str = "", attribute: str | None = None):
        super().__init__(summary, detail, attribute)
        self.summary = summary
        self.detail = detail
        self.attribute = attribute


def reconcile(prior: Mapping[str, Any], server: Mapping[str, Any], spec: ResourceSpec) -> Props:
    """State after a read. Drift counts only on fields the user set: a field that is null in `prior`
    stays null whatever Graph holds (server defaults never diff); a set field keeps the user's
    spelling when Graph's value means the same (flags order, `none` vs empty). Read-only fields are
    Graph's."""
    out: Props = {"id": server.get("id") or prior.get("id")}
    for f in spec.fields:
        mine, theirs = prior.get(f.name), server.get(f.name)
        if f.read_only:
            out[f.name] = theirs
        elif mine is None and not f.required:
            out[f.name] = None
        elif mine is not None and spec.same_value(f.name, mine, theirs):
            out[f.name] = mine
        else:
            out[f.name] = theirs
    return out


def attribute_for(error: GraphError, spec: ResourceSpec) -> str | None:
    """The Terraform attribute a Graph error is about: its `target`, else a property its message names."""
    if error.target and error.target in spec.by_graph_name:
        return spec.by_graph_name[error.target].name
    for graph_name, f in spec.by_graph_name.items():
        if re.search(rf"\b{re.escape(graph_name)}\b", error.message):
            return f.name
    return None


class Handler:
    """Thin and synchronous; one instance per call is cheap (the client is shared)."""

    def __init__(
        self,
        client: GraphClient,
        warn: Callable[[str, str], None] | None = None,
        ledger: CreateLedger = LEDGER,
        *,
        spec: ResourceSpec,
        unmanaged_match: str = DEFAULT_UNMANAGED_MATCH,
        tenant: str | None = None,
    ):
        """`unmanaged_match`: what a create does about existing exact matches no state resource
        holds (see `adoption`); `tenant`: the tenant a resource names, only for import ids in
        messages (None: the provider's)."""
        self.spec = spec
        self.collection = self.spec.collection_path  # writes and single reads
        self.listing = self.spec.list_path  # lists: cast to the type in a mixed collection
        self._client = client
        self._warn = warn or (lambda summary, detail: None)
        self._ledger = ledger
        self._unmanaged_match = unmanaged_match
        self._tenant = tenant

    def create(self, props: Mapping[str, Any]) -> tuple[str, Props]:
        """POST exactly once in effect, capture the server's id, then wait until the id is readable
        (replication lag), so the next refresh cannot mistake a new object for a deleted one.

        Exact matches that exist before the POST and that no resource of this state holds are named
        first (a warning, or an error with `unmanaged_match = "error"`). A POST whose answer was
        lost is not re-sent blindly: see `adoption` for the rule. Fields Graph writes through an
        action of the object (assignments) are written once it is readable."""
        self.spec.check(self.spec.fields_of(props))
        body = self.spec.to_graph(props, service_root=self._client.base_url)
        with self._client.operation(), self._ledger.exclusive(props, self.spec):
            before = set(self._matching(props))
            self._name_unmanaged(props, sorted(before))
            while True:
                try:
                    created = self._client.create(self.collection, body, judge=self.spec.entity)
                except AmbiguousCreate as lost:
                    failed_at = time.monotonic()
                    what = (
                        f"Graph's answer to the POST was lost ({lost.cause}; "
                        f"client-request-id {lost.client_request_id})"
                    )
                    adopted = self._find_lost_create(props, before, what, failed_at)
                    if adopted is None:
                        continue  # Graph did not store it: posting again cannot duplicate
                    new_id = adopted
                    break
                except UnexpectedResponse as unreadable:
                    new_id = self._adopt_unreadable_create(props, before, unreadable)
                    break
                new_id = created["id"]  # the judge made sure of a non-empty string
                break
            self._ledger.claim(new_id)
            server = self._wait_readable(new_id)
            state = {**self.spec.fields_of(props), "id": new_id}
            try:
                written = self._write_actions(new_id, {}, props)
            except (GraphError, Cancelled) as exc:
                # The object exists: state must record it, with nothing of what failed (the next plan
                # shows that difference and the next apply writes it again).
                partial = self._with_read_only(state, server, clear=self.spec.action_fields)
                raise PartialCreate(new_id, partial, exc) from exc
            if written:
                server = self._read_back(new_id)
        return new_id, self._with_read_only(state, server)

    def _with_read_only(
        self, state: Mapping[str, Any], server: Mapping[str, Any] | None, clear: tuple[Any, ...] = ()
    ) -> Props:
        """`state` with Graph's read-only values (version, timestamps) from its answer `server`, and
        the fields in `clear` emptied (a set of nested blocks is empty, never null, in Terraform)."""
        out = dict(state)
        read = self.spec.from_graph(server) if server is not None else {}
        for f in self.spec.read_only:
            out[f.name] = read.get(f.name)
        for f in clear:
            out[f.name] = [] if f.kind.block_fields() else None
        return out

    def _read_back(self, item_id: str) -> dict[str, Any] | None:
        return self._client.get_after_write(
            self.collection, item_id, judge=self.spec.entity, expand=self.spec.graph_expand
        )

    def _write_actions(self, item_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        """Write the action-written fields (assignments) that differ between `old` and `new`, each
        with its whole value (Graph replaces the set); True if anything was written. On create (`old`
        empty) an empty set is not written: a new object has none."""
        written = False
        for f in self.spec.action_fields:
            before, after = old.get(f.name), new.get(f.name)
            if f.kind.same(before, after) or (not old and not after):
                continue
            kind = f.kind
            assert isinstance(kind, ObjectSet)  # what `action_fields` holds
            body = kind.action_body(after)
            try:
                self._client.action(self.collection, item_id, kind.codec.action, body)
            except AmbiguousCreate:  # the action replaces the whole set: sending it again is safe
                self._client.action(self.collection, item_id, kind.codec.action, body)
            written = True
        return written

    def _name_unmanaged(self, props: Mapping[str, Any], matching: list[str]) -> None:
        """Warn about (or, with `unmanaged_match = "error"`, refuse) a create whose exact matches
        already exist outside this state: another one would be a duplicate of an object an
        interrupted apply left, or share a name with another configuration's."""
        unmanaged = self._ledger.unmanaged(matching)
        if not unmanaged:
            return
        key = self.spec.by_name[self.spec.adoption_key]
        summary, detail = unmanaged_message(
            self.spec, str(props[key.name]), unmanaged, self._unmanaged_match, self._tenant
        )
        if self._unmanaged_match == UNMANAGED_MATCH_ERROR:
            raise HandlerError(summary, detail, key.name)
        self._warn(summary, detail)

    def _matching(self, props: Mapping[str, Any]) -> list[str]:
        key = self.spec.by_name[self.spec.adoption_key]
        listed = self._client.list(
            self.listing, odata.eq(key.graph_name, str(props[key.name])), expand=self.spec.graph_expand
        )
        return self._ledger.candidates(props, listed, before=set(), spec=self.spec)

    def _adopt_unreadable_create(
        self, props: Mapping[str, Any], before: set[str], unreadable: UnexpectedResponse
    ) -> str:
        """Graph took the POST (2xx) but its answer has no readable id, so the object it made can only
        be found by its fields: adopt the one new match, or fail naming the request-id. Never re-POST:
        the same answer would come back, with one more object behind it."""
        what = (
            f"Graph answered the POST {unreadable.status} with a body the provider cannot read "
            f"({unreadable.message}; request-id {unreadable.request_id or '-'}; "
            f"client-request-id {unreadable.client_request_id or '-'})"
        )
        adopted = self._find_lost_create(
            props,
            before,
            what,
            time.monotonic(),
            "Adopted the object a create answered without a readable id",
        )
        if adopted is None:
            key = self.spec.by_name[self.spec.adoption_key]
            raise HandlerError(
                unreadable.summary(),
                f"{unreadable.detail()}\nNo new object with {key.graph_name} {str(props[key.name])!r} "
                f"appeared within {ADOPT_SEARCH_S:g} s, so none was recorded. If one appears later, "
                "`terraform import` it or delete it before applying again.",
                key.name,
            )
        return adopted

    def _find_lost_create(
        self,
        props: Mapping[str, Any],
        before: set[str],
        what: str,
        failed_at: float,
        adopted: str = "Adopted the object a lost create made",
    ) -> str | None:
        """The id our POST created, or None once a search window shows it created nothing. `what`
        says why the POST's own answer gave no id, with its request ids, for the messages;
        `failed_at` is when it failed (monotonic): Graph stored the object, if at all, before then.

        Adopts only what it can prove is its own: a listing taken before `failed_at` plus Graph's
        lag (`absent_after_s`) may still hide an identical object another process created in the
        same seconds, so a single candidate is adopted only once a listing after that point still
        shows it alone. This process has one unanswered create with these settings (`exclusive`):
        two or more new matches fail, naming each."""
        key = self.spec.by_name[self.spec.adoption_key]
        name = str(props[key.name])
        settled_at = failed_at + self._client.retry.absent_after_s
        give_up = min(max(failed_at + ADOPT_SEARCH_S, settled_at), self._client.deadline())
        found: list[str] = []

        def search() -> str | None:
            listed_at = time.monotonic()
            found[:] = [i for i in self._matching(props) if i not in before]
            if len(found) > 1:
                raise self._unprovable(props, found, what)
            if len(found) == 1 and listed_at >= settled_at:
                self._warn(
                    adopted,
                    f"{what}; the object with id {found[0]} matches every field, did not exist "
                    "before, and stayed the only such object until Graph's listing had settled, "
                    "so it was taken as this resource's.",
                )
                return found[0]
            return None

        try:
            mine = poll(search, give_up, self._client_sleep)
            if mine is None and found:  # the deadline came before the listing settled: no proof
                raise self._unprovable(props, found, what)
            return mine
        except (Cancelled, GraphError) as exc:
            raise HandlerError(
                f"Could not tell whether Graph created {name!r}",
                f"{what} and the search for the object it may have made failed: "
                f"{exc}. Look for a possible orphan with {key.graph_name} {name!r} and `terraform import` "
                "or delete it.",
                key.name,
            ) from exc

    def _unprovable(self, props: Mapping[str, Any], found: list[str], what: str) -> HandlerError:
        """The failure of a lost create that cannot tell which new object is its own."""
        key = self.spec.by_name[self.spec.adoption_key]
        name = str(props[key.name])
        if len(found) > 1:
            why = (
                f"{len(found)} identical objects appeared after it: {', '.join(found)}. This provider "
                "made one POST with these settings, so another process (a second configuration or "
                "state, a pipeline, the portal) created the others in the same seconds, and nothing "
                "shows which one is this resource's."
            )
        else:
            why = (
                f"the object {found[0]} appeared, but the operation's deadline came before Graph's "
                "listing had settled, so another identical object may still appear."
            )
        return HandlerError(
            f"Cannot tell which object with {key.name} {name!r} this create made",
            f"{what}; {why} Nothing was recorded in state. Decide which object each configuration "
            f"manages and delete any that none does. {import_hint(self.spec, found, self._tenant)}",
            key.name,
        )

    def _wait_readable(self, new_id: str) -> dict[str, Any] | None:
        """The new object as Graph reads it (None while it still answers 404, with a warning)."""
        try:
            found = self._read_back(new_id)
        except Cancelled:
            found = None  # stopping: the id is recorded in state anyway
        if found is None:
            self._warn(
                "Graph has not yet made the new object readable",
                f"id {new_id} was created but still answers 404; a later refresh should find it.",
            )
        return found

    def _client_sleep(self, seconds: float) -> None:
        if self._client.stop.wait(max(0.0, seconds)):
            raise Cancelled("stopped by Terraform")

    def read(self, item_id: str, prior: Mapping[str, Any], created_at: float | None = None) -> Props | None:
        """None when Graph no longer has the object (Terraform then plans to create it again). The
        answer is judged by `ResourceSpec.entity`: a body it cannot read fails with the request-id
        instead of reaching state; an enum member the model does not know is kept, so it shows as drift.

        `created_at` (wall-clock seconds, from the resource's private state) is when this state's
        apply created the object: until `read_after_write_s` after it, a 404 is Graph's replication
        lag (the apply may have been interrupted before the object became readable), not a deletion
        that would plan it again as a duplicate."""
        with self._client.operation():
            # Served from the process's one paged `$select` listing of the collection; an id missing
            # from it, or written by this process, is read with its own GET, as before.
            snapshot = self._client.snapshot(
                self.listing,
                self.spec.graph_select,
                judge=self.spec.entity,
                expand=self.spec.graph_expand,
                items=self.collection,
            )
            found = snapshot.get(item_id)
            young_for = self._young_for(created_at)
            if found is None and young_for > 0:
                found = self._client.get_after_write(
                    self.collection,
                    item_id,
                    grace_s=young_for,
                    judge=self.spec.entity,
                    expand=self.spec.graph_expand,
                )
        if found is None:
            return None
        self._ledger.hold(item_id)
        return reconcile(prior, self.spec.from_graph(found), self.spec)

    def _young_for(self, created_at: float | None) -> float:
        """Seconds an object created at `created_at` (wall clock) may still 404 from replication lag."""
        if created_at is None:
            return 0.0
        return max(0.0, created_at + self._client.retry.read_after_write_s - time.time())

    def update(self, item_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Props:
        """PATCH only the changed fields (with `@odata.type`), then read back until Graph shows them.

        A PATCH that Graph refuses, or accepts but never applies within the read-after-write window,
        fails with its request-id and points at `update_strategy = "replace"`; the state then keeps
        the old values (see `updates`)."""
        self._ledger.hold(item_id)
        changed = self.spec.changed_fields(old, new)
        planned = {**self.spec.fields_of(new), "id": item_id}
        if not changed:
            return {**planned, **{f.name: old.get(f.name) for f in self.spec.read_only}}
        self.spec.check(self.spec.fields_of(new))
        in_body = [n for n in changed if self.spec.by_name[n] not in self.spec.action_fields]
        with self._client.operation():
            try:
                answer = (
                    self._client.update(
                        self.collection,
                        item_id,
                        self.spec.to_graph(new, only=in_body, service_root=self._client.base_url),
                    )
                    if in_body
                    else Updated(body=None, request_id=None, client_request_id="")
                )
                self._write_actions(item_id, old, new)
            except GraphError as exc:
                if not updates.patch_refused(exc):
                    raise
                summary, detail = updates.refused_message(self.spec.title, item_id, exc)
                raise HandlerError(summary, detail, attribute_for(exc, self.spec)) from None
            try:
                return self._confirm_update(item_id, new, changed, planned, answer)
            except Cancelled:
                return planned  # the PATCH went through: state must say so even when stopping

    def _confirm_update(
        self, item_id: str, new: Mapping[str, Any], changed: list[str], planned: Props, answer: Updated
    ) -> Props:
        """Read back (GET, never trusting PATCH's echo) until Graph shows every changed field; fail
        when it still does not at the end of the read-after-write window or the operation's deadline."""
        started = time.monotonic()
        give_up = min(started + self._client.retry.read_after_write_s, self._client.deadline())
        stale: list[str] = []

        def shows_the_change() -> Props | None:
            server = self._read_back(item_id)
            if server is None:
                raise HandlerError(
                    "The object disappeared during the update",
                    f"PATCH of {item_id} succeeded but the object now answers 404.",
                )
            state = reconcile(new, self.spec.from_graph(server), self.spec)
            stale[:] = [n for n in changed if not self.spec.same_value(n, state.get(n), new.get(n))]
            return None if stale else self._with_read_only(planned, server)

        confirmed = poll(shows_the_change, give_up, self._client_sleep)
        if confirmed is not None:
            return confirmed
        summary, detail = updates.ignored_message(
            self.spec.title,
            item_id,
            stale,
            time.monotonic() - started,
            answer.request_id,
            answer.client_request_id,
        )
        raise HandlerError(summary, detail, stale[0])

    def delete(self, item_id: str) -> None:
        """A 404 means someone deleted it already: the goal is met."""
        with self._client.operation():
            self._client.delete(self.collection, item_id)

    def import_(self, item_id: str) -> Props:
        """All fields Graph holds, except those at Graph's defaults (treated as unset)."""
        try:
            with self._client.operation():
                found = self._client.fetch_after_write(
                    self.collection,
                    item_id,
                    grace_s=IMPORT_GRACE_S,
                    judge=self.spec.entity,
                    expand=self.spec.graph_expand,
                )
        except NotFound as missing:
            raise HandlerError(
                f"no {self.spec.title} with id {item_id!r}",
                f"Check the id (Intune admin center, or GET /beta{self.collection}) "
                "and that the provider points at the right tenant.\n"
                f"request-id: {missing.request_id or '-'}; "
                f"client-request-id: {missing.client_request_id or '-'}",
            ) from None
        self._ledger.hold(item_id)
        return adopted_state(found, self.spec)


def adopted_state(found: Mapping[str, Any], spec: ResourceSpec) -> Props:
    """State of an adopted object (Graph JSON in): every field Graph holds, except those at Graph's
    defaults, which are treated as unset. Import and `intune-provider export` share it, so an
    exported configuration plans clean after import."""
    state = spec.from_graph(found)
    for f in spec.fields:
        if not f.required and not f.read_only and spec.is_server_default(f.name, state.get(f.name)):
            state[f.name] = None
    return state
