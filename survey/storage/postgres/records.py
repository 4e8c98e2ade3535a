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

A request reads every collection's version once (``begin_look``: one query, at its first
lookup), then ``stamp`` and ``get`` answer from that look: a record read under the version
the look found is kept (as JSON text) and given again without a query. A respondent's answer
looked its campaign and the questionnaires' version up in two round trips; it now takes one.
What a request sees is the database as it was at its first lookup, never older: another
server's write is seen by the next request; this process's own writes forget the look, so
the request that wrote reads what it wrote. Outside a request (the command line, a script),
every call asks the database.

A respondent's posted answer needs no look of its own (``begin_look(provisional=True)``): it
reads under the versions this process found last, and its INSERT holds them
(``held_look``: the answer is stored only if every version is still the one read, in the
same statement). A POST then takes one round trip, not two. The versions only grow: if they
are the same at the INSERT, they were the same when the request began, so the answer was
checked against the database as it was then, as with a look of its own. When one changed,
nothing is stored and ``StaleLook`` makes the web layer run the request again with a real
look. A provisional request that writes a record, or ends without the INSERT (a form shown
again with its errors, a closed campaign), has its look checked first (``confirm_look``).
"""

from __future__ import annotations

import copy
import functools
import json
import threading
import uuid
from typing import Any, Callable, Hashable, TypeVar, cast

import psycopg

from ..looks import StaleLook
from .pool import SurveyPool
from .values import has_unstorable, jsonb

# What ``get`` keeps in a process: past either bound, all is forgotten and read again.
KEPT_RECORDS = 4096
KEPT_CHARACTERS = 8_000_000  # of JSON text (a wall of paroles can be large)
F = TypeVar("F", bound=Callable[..., Any])


def _write(method: F) -> F:
    """A write: a provisional look is checked first (a write never rests on versions nobody
    checked), and the look is forgotten after it (the request reads what it wrote)."""

    @functools.wraps(method)
    def write(self: PostgresRecordCollections, *args: Any, **kwargs: Any) -> Any:
        self.confirm_look()
        try:
            return method(self, *args, **kwargs)
        finally:
            self._wrote()

    return cast(F, write)


class _Look(threading.local):
    """One thread's request: whether it looks (``active``), the versions it found (None: not
    read yet), and whether they are this process's last ones, not yet checked
    (``provisional``)."""

    active = False
    versions: dict[str, int] | None = None
    provisional = False


class PostgresRecordCollections:
    def __init__(self, pool: SurveyPool) -> None:
        self.pool = pool
        self._look = _Look()
        # (collection, key) -> (the collection's version, the record as JSON text or None)
        self._kept: dict[tuple[str, str], tuple[int, str | None]] = {}
        self._kept_characters = 0
        self._last_versions: dict[str, int] | None = None  # the last any thread of this process read

    def begin_look(self, provisional: bool = False) -> None:
        """A request starts: its first lookup reads every collection's version, on the
        connection the request then keeps (``SurveyPool.begin_request``); ``provisional``: it
        takes this process's last versions instead, held by its INSERT (module docstring)."""
        look = self._look
        look.active = True
        look.versions = self._last_versions if provisional else None
        look.provisional = look.versions is not None
        self.pool.begin_request()

    def end_look(self) -> None:
        self._look.active = False
        self._look.versions = None
        self._look.provisional = False
        self.pool.end_request()

    def held_look(self) -> dict[str, int] | None:
        """The versions a provisional request read under, which its INSERT must find unchanged;
        None once they were checked (or when the request looked for itself)."""
        look = self._look
        return look.versions if look.active and look.provisional else None

    def look_held(self) -> None:
        """The INSERT found the versions unchanged: the request's look is as good as its own."""
        self._look.provisional = False

    def confirm_look(self) -> None:
        """A provisional request's versions, checked: ``StaleLook`` if one changed."""
        held = self.held_look()
        if held is None:
            return
        if self._read_versions() != held:
            raise StaleLook()
        self._look.provisional = False

    def _read_versions(self) -> dict[str, int]:
        with self.pool.connection() as conn:
            versions = dict(conn.execute("SELECT collection, version FROM record_versions").fetchall())
        self._last_versions = versions
        return versions

    def _versions(self) -> dict[str, int] | None:
        look = self._look
        if not look.active:
            return None
        if look.versions is None:
            look.versions = self._read_versions()
        return look.versions

    def _wrote(self) -> None:
        """After this process's own write: the request's next lookup reads the versions again,
        and so does the next provisional request (the last versions are now behind)."""
        self._look.versions = None
        self._look.provisional = False
        self._last_versions = None

    def all(self, name: str) -> list[dict]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute("SELECT body FROM records WHERE collection = %s ORDER BY seq", (name,))]

    def get(self, name: str, key: str) -> dict | None:
        if has_unstorable(key):  # no record can have it (an id typed in an address: a 404, not a 500)
            return None
        versions = self._versions()
        if versions is not None:
            kept = self._kept.get((name, key))
            if kept is not None and kept[0] == versions.get(name):
                return None if kept[1] is None else json.loads(kept[1])
        with self.pool.connection() as conn:
            row = conn.execute(  # one statement: the record as of the version read with it
                "SELECT (SELECT version FROM record_versions WHERE collection = %s),"
                " (SELECT body::text FROM records WHERE collection = %s AND key = %s)",
                (name, name, key),
            ).fetchone()
        version, text = row if row is not None else (None, None)  # a SELECT without FROM: always one row
        if version is not None:
            self._keep((name, key), int(version), text)
        return None if text is None else json.loads(text)

    def _keep(self, where: tuple[str, str], version: int, text: str | None) -> None:
        size = len(text or "")
        if len(self._kept) >= KEPT_RECORDS or self._kept_characters + size > KEPT_CHARACTERS:
            self._kept.clear()
            self._kept_characters = 0
        self._kept[where] = (version, text)
        self._kept_characters += size

    @_write
    def put(self, name: str, record: dict) -> None:
        """Insert or replace the record with this ``id`` (its place in ``all`` stays)."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO records (collection, key, body) VALUES (%s, %s, %s)"
                " ON CONFLICT ON CONSTRAINT records_once DO UPDATE SET body = EXCLUDED.body",
                (name, record["id"], jsonb(record)),
            )
            self._bump(conn, name)

    @_write
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

    @_write
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

    @_write
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

    @_write
    def delete(self, name: str, key: str) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            deleted = conn.execute("DELETE FROM records WHERE collection = %s AND key = %s", (name, key)).rowcount
            if deleted:
                self._bump(conn, name)
        return bool(deleted)

    @_write
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
        versions = self._versions()
        if versions is not None:
            return versions.get(name)
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
