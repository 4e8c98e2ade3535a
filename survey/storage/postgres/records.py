"""Small collections in PostgreSQL: implements ``interfaces.RecordCollections``.

One table for every collection, ``records(collection, key, body JSONB)``, unique by
(collection, key), rather than one table per collection: services name collections at run
time (``walls``, ``short_codes``, ``settings``…) and a new name must need no schema change;
the collections are small, and the primary key makes each lookup one index probe anyway.
``seq`` keeps the order records were first written in, which ``all`` returns (the journal is
read in the order written, as in the local store).

``stamp`` is ``record_versions.version``, bumped in the same transaction as every write that
changes the collection: every server sees another's write at its next look. Bumping also
takes that row's lock, so the writes of one collection commit one after the other (as the
local store's file lock makes them).
"""

from __future__ import annotations

import copy
import uuid
from typing import Callable, Hashable

import psycopg
from psycopg_pool import ConnectionPool

from .values import has_unstorable, jsonb


class PostgresRecordCollections:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def all(self, name: str) -> list[dict]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute("SELECT body FROM records WHERE collection = %s ORDER BY seq", (name,))]

    def get(self, name: str, key: str) -> dict | None:
        if has_unstorable(key):  # no record can have it (an id typed in an address: a 404, not a 500)
            return None
        with self.pool.connection() as conn:
            row = conn.execute("SELECT body FROM records WHERE collection = %s AND key = %s", (name, key)).fetchone()
        return row[0] if row else None

    def put(self, name: str, record: dict) -> None:
        """Insert or replace the record with this ``id`` (its place in ``all`` stays)."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)"
                " ON CONFLICT ON CONSTRAINT records_once DO UPDATE SET body = EXCLUDED.body",
                (name, record["id"], jsonb(record)),
            )
            self._bump(conn, name)

    def add(self, name: str, record: dict) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            inserted = conn.execute(
                "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)"
                " ON CONFLICT ON CONSTRAINT records_once DO NOTHING",
                (name, record["id"], jsonb(record)),
            ).rowcount
            if inserted:
                self._bump(conn, name)
        return bool(inserted)

    def append(self, name: str, record: dict) -> None:
        """Insert without an id check: the record's key is its id when free, else a generated
        one (``get`` finds an appended record by its id only in the first case)."""
        key = record.get("id")
        with self.pool.connection() as conn, conn.transaction():
            inserted = 0
            if isinstance(key, str):
                inserted = conn.execute(
                    "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)"
                    " ON CONFLICT ON CONSTRAINT records_once DO NOTHING",
                    (name, key, jsonb(record)),
                ).rowcount
            if not inserted:
                conn.execute(
                    "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)",
                    (name, f"\x01appended-{uuid.uuid4().hex}", jsonb(record)),
                )
            self._bump(conn, name)

    def change(self, name: str, key: str, fn: Callable[[dict], dict | None], create: bool = False) -> dict | None:
        """One transaction: with ``create``, ``INSERT … ON CONFLICT DO NOTHING`` of ``{"id": key}``
        first, so that there is always a row to lock; then ``SELECT … FOR UPDATE``, ``fn``, and
        the ``UPDATE``. Two writers of one record take turns on its row lock; an exception from
        ``fn`` rolls everything back (the placeholder too)."""
        with self.pool.connection() as conn, conn.transaction():
            created = 0
            if create:
                created = conn.execute(
                    "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)"
                    " ON CONFLICT ON CONSTRAINT records_once DO NOTHING",
                    (name, key, jsonb({"id": key})),
                ).rowcount
            row = conn.execute(
                "SELECT body FROM records WHERE collection = %s AND key = %s FOR UPDATE", (name, key)
            ).fetchone()
            if row is None:
                return None
            doc = row[0]
            working = copy.deepcopy(doc)
            returned = fn(working)
            record = dict(working if returned is None else returned, id=key)
            if created or record != doc:
                conn.execute(
                    "UPDATE records SET body = %s WHERE collection = %s AND key = %s", (jsonb(record), name, key)
                )
                self._bump(conn, name)
            return record

    def delete(self, name: str, key: str) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            deleted = conn.execute("DELETE FROM records WHERE collection = %s AND key = %s", (name, key)).rowcount
            if deleted:
                self._bump(conn, name)
        return bool(deleted)

    def delete_where(self, name: str, test: Callable[[dict], bool]) -> int:
        """Every record is read ``FOR UPDATE`` and tested in Python (``test`` is a Python
        function), then the chosen ones deleted, in one transaction."""
        with self.pool.connection() as conn, conn.transaction():
            rows = conn.execute("SELECT seq, body FROM records WHERE collection = %s FOR UPDATE", (name,)).fetchall()
            doomed = [seq for seq, body in rows if test(body)]
            if not doomed:
                return 0
            self._bump(conn, name)
            return conn.execute("DELETE FROM records WHERE seq = ANY(%s)", (doomed,)).rowcount

    def stamp(self, name: str) -> Hashable | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT version FROM record_versions WHERE collection = %s", (name,)).fetchone()
        return int(row[0]) if row else None

    def names(self) -> list[str]:
        """Every collection with a version row (every write makes one) or a record."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT collection FROM record_versions UNION SELECT DISTINCT collection FROM records ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    @staticmethod
    def _bump(conn: psycopg.Connection, name: str) -> None:
        conn.execute(
            "INSERT INTO record_versions (collection, version) VALUES (%s, 1)"
            " ON CONFLICT (collection) DO UPDATE SET version = record_versions.version + 1",
            (name,),
        )
