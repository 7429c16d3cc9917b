"""One listing of a collection per process, from which single reads are answered.

Terraform refreshes every resource with its own read, ten at a time; against a Graph that answers
150 ms late, 200 settings cost 200 GETs. A `CollectionSnapshot` lists the collection once (paged,
`$select` of the fields the reader needs) on its first read, while the other readers wait for it,
and answers later reads from memory. It is a cache of presence only, so it never decides alone:

* an id missing from the snapshot is read with a GET before anyone is told it is gone, and a 404
  counts only once it persists (`RetryPolicy.absent_after_s`: replicas lag behind a create);
* an id this process wrote (created, patched, deleted, or waited for after a write) is read with a
  GET, as before, so a write is never hidden by an older listing;
* a snapshot older than `max_age_s` answers nothing: reads go back to GETs (it is not listed again);
* a listing that fails leaves every read to its own GET (whose error, if any, is the one reported).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from intune_graph.retry import SNAPSHOT_MAX_AGE_S

if TYPE_CHECKING:
    from intune_graph.client import GraphClient, Judge

MAX_AGE_S = SNAPSHOT_MAX_AGE_S  # past this, trust only fresh GETs (the window: `intune_graph.retry`)


class CollectionSnapshot:
    """Thread-safe; made by `GraphClient.snapshot(collection, select)`."""

    def __init__(
        self,
        client: GraphClient,
        collection: str,
        select: Sequence[str] | None = None,
        judge: Judge | None = None,
        max_age_s: float = MAX_AGE_S,
        *,
        expand: Sequence[str] = (),
        items: str | None = None,
    ) -> None:
        self._client = client
        self._collection = collection
        self._items = items or collection  # where one object is read (the uncast collection)
        self._select = tuple(select) if select else None
        self._expand = tuple(expand)
        self._judge = judge  # a listed object it refuses fails the listing: reads then GET (and judge)
        self._max_age_s = max_age_s
        self._lock = threading.Lock()
        self._objects: dict[str, dict[str, Any]] | None = None
        self._listed_at = 0.0
        self._tried = False
        self.listings = 0  # how many listings were made (at most one)
        self.served = 0  # reads answered from memory

    def get(self, item_id: str) -> dict[str, Any] | None:
        """The object as a GET would return it (the selected fields), or None when a GET says 404."""
        if not self._client.wrote(item_id):
            objects = self._objects_now()
            if objects is not None and item_id in objects:
                with self._lock:
                    self.served += 1
                return dict(objects[item_id])
        # The truth for absence and for writes: a GET, whose 404 must persist (`get_confirmed`).
        return self._client.get_confirmed(self._items, item_id, judge=self._judge, expand=self._expand)

    def _objects_now(self) -> dict[str, dict[str, Any]] | None:
        if not self._tried:
            with self._lock:  # the first reader lists; the others wait here for its result
                if not self._tried:
                    self._objects = self._list()
                    self._tried = True  # only now: a reader that sees it finds the listing done
        if self._objects is None or time.monotonic() - self._listed_at > self._max_age_s:
            return None
        return self._objects

    def _list(self) -> dict[str, dict[str, Any]] | None:
        """Called once, under the lock."""
        self.listings += 1
        try:
            listed = self._client.list(
                self._collection, judge=self._judge, select=self._select, expand=self._expand
            )
        except Exception:  # each read's own GET reports the failure, if it persists
            return None
        self._listed_at = time.monotonic()
        return {str(o["id"]): o for o in listed if isinstance(o, dict) and isinstance(o.get("id"), str)}
