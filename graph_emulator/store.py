"""SQLite storage for Graph objects, one row per object, scoped by tenant.

The database lives at `<data_dir>/graph.sqlite3` (WAL mode) and survives restarts. One connection is
shared by all request threads behind a lock: the emulator's writes are tiny, so serialising them
costs less than a connection per thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DB_NAME = "graph.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_tenant_seq ON objects (tenant, seq);
"""

# Properties a `$filter` may compare, and the SQL expression for each. Only these names ever reach SQL.
FILTERABLE: dict[str, str] = {
    "id": "id",
    "displayName": "json_extract(body, '$.displayName')",
    "issuer": "json_extract(body, '$.issuer')",
}


class ObjectStore:
    """Tenant-scoped JSON objects keyed by id, listed in creation order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(self, tenant: str, obj: Mapping[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO objects (tenant, id, body) VALUES (?, ?, ?)",
                (tenant, str(obj["id"]), json.dumps(obj)),
            )

    def get(self, tenant: str | None, object_id: str) -> dict[str, Any] | None:
        sql, args = self._where(tenant, object_id)
        with self._lock:
            row = self._db.execute(f"SELECT body FROM objects WHERE {sql}", args).fetchone()
        return None if row is None else _load(row[0])

    def tenant_of(self, object_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT tenant FROM objects WHERE id = ?", (object_id,)).fetchone()
        return None if row is None else str(row[0])

    def replace(self, tenant: str | None, object_id: str, obj: Mapping[str, Any]) -> bool:
        sql, args = self._where(tenant, object_id)
        with self._lock:
            cur = self._db.execute(f"UPDATE objects SET body = ? WHERE {sql}", (json.dumps(obj), *args))
        return cur.rowcount > 0

    def delete(self, tenant: str | None, object_id: str) -> bool:
        sql, args = self._where(tenant, object_id)
        with self._lock:
            cur = self._db.execute(f"DELETE FROM objects WHERE {sql}", args)
        return cur.rowcount > 0

    def clear(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._db.execute("DELETE FROM objects")
            else:
                self._db.execute("DELETE FROM objects WHERE tenant = ?", (tenant,))

    def list(
        self,
        tenant: str | None,
        *,
        equals: Sequence[tuple[str, str]] = (),
        after_seq: int = 0,
        limit: int | None = None,
    ) -> list[tuple[int, dict[str, Any]]]:
        """Objects in creation order as (seq, object), after `after_seq`, matching every
        `(property, value)` in `equals` (properties from `FILTERABLE`)."""
        clauses = ["seq > ?"]
        args: list[Any] = [after_seq]
        if tenant is not None:
            clauses.append("tenant = ?")
            args.append(tenant)
        for prop, value in equals:
            clauses.append(f"{FILTERABLE[prop]} = ?")
            args.append(value)
        sql = f"SELECT seq, body FROM objects WHERE {' AND '.join(clauses)} ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [(int(seq), _load(body)) for seq, body in rows]

    @staticmethod
    def _where(tenant: str | None, object_id: str) -> tuple[str, tuple[str, ...]]:
        if tenant is None:
            return "id = ?", (object_id,)
        return "id = ? AND tenant = ?", (object_id, tenant)


def _load(text: str) -> dict[str, Any]:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value
