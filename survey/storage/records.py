"""Small collections (campaigns, accounts, audit log…), one TinyDB file each.

They stay small, so each operation opens the file afresh under a file lock:
no cache can go stale when the CLI writes while the server runs. ``get`` alone
keeps what it read, checked against the file's stamp at every call (every write
renames a new file into place).

A change that depends on what is stored (a counter, a list, a flag set only
once) goes through ``change``, which reads, changes and writes under one lock:
a ``get`` then ``put`` would let two writers both start from the same record
and keep only the second one's change.
"""

from __future__ import annotations

import copy
import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Hashable, Iterator, MutableMapping

from tinydb import Query, TinyDB
from tinydb.table import Table

from .atomic import AtomicJSONStorage
from .locks import file_lock


def replaced_by(record: dict) -> Callable[[MutableMapping], None]:
    """A TinyDB update that makes the document exactly ``record`` (keys removed too)."""

    def replace(doc: MutableMapping) -> None:
        doc.clear()
        doc.update(record)

    return replace


KEPT_RECORDS = 1000  # records ``get`` keeps per collection (lookups of many ids start afresh)
SETTLED_NS = 1_000_000_000  # a file written this recently is not kept (see ``_kept_stamp``)


def _kept_stamp(stamp: Hashable) -> bool:
    """Whether what was read under this stamp may be kept. Every write renames a new file into
    place, so a new stamp tells a change, but a freed inode number may come back with the same
    size within one tick of the file system's clock: a file written in the last second is read
    again each time, so that no later write can look like it."""
    return time.time_ns() - stamp[2] > SETTLED_NS  # type: ignore[index]


class RecordStore:
    """Each collection in ``<folder>/<name>.json``; implements ``interfaces.RecordCollections``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # name -> (the file's stamp, {key: the record as JSON}): what ``get`` read from that file.
        self._kept: dict[str, tuple[Hashable, dict[str, str]]] = {}

    @contextmanager
    def _table(self, name: str, shared: bool = False) -> Iterator[Table]:
        with file_lock(self.folder / f".{name}.lock", shared=shared):
            db = TinyDB(self.folder / f"{name}.json", storage=AtomicJSONStorage)
            try:
                yield db.table(name, cache_size=0)
            finally:
                db.close()

    def all(self, name: str) -> list[dict]:
        if not (self.folder / f"{name}.json").exists():
            return []
        with self._table(name, shared=True) as table:
            return [dict(doc) for doc in table.all()]

    def get(self, name: str, key: str) -> dict | None:
        """The record ``key``, a fresh copy. Each page a respondent opens looks its campaign up:
        the records read are kept (as JSON text, so no caller can change what is kept) with the
        file's stamp, and read again only when the file changed (``_kept_stamp``)."""
        stamp = self.stamp(name)
        if stamp is None:
            return None
        kept = self._kept.get(name)
        if kept is not None and kept[0] == stamp and key in kept[1]:
            return json.loads(kept[1][key])
        with self._table(name, shared=True) as table:
            doc = table.get(Query().id == key)
            record = dict(doc) if doc else None
        if record is not None and _kept_stamp(stamp):
            if kept is None or kept[0] != stamp or len(kept[1]) >= KEPT_RECORDS:
                kept = self._kept[name] = (stamp, {})
            kept[1][key] = json.dumps(record)
        return record

    def put(self, name: str, record: dict) -> None:
        """Insert or replace the record with this ``id``."""
        with self._table(name) as table:
            table.upsert(record, Query().id == record["id"])

    def add(self, name: str, record: dict) -> bool:
        """Insert a record whose ``id`` is new; False if the id is taken."""
        with self._table(name) as table:
            if table.contains(Query().id == record["id"]):
                return False
            table.insert(record)
            return True

    def append(self, name: str, record: dict) -> None:
        """Insert a record without an id check (logs)."""
        with self._table(name) as table:
            table.insert(record)

    def change(self, name: str, key: str, fn: Callable[[dict], dict | None], create: bool = False) -> dict | None:
        """Read, change and write one record as one operation (threads and processes).

        ``fn`` gets a copy of the stored record (``{"id": key}`` when there is none and
        ``create`` is true) and changes it in place or returns the new record. Returns the
        record as stored, or None when there is none (and ``create`` is false). An
        exception raised by ``fn`` leaves the record as it was and reaches the caller.
        ``fn`` runs under the collection's lock: it must not use the same collection
        (it would wait for its own lock), and should be quick.
        """
        with self._table(name) as table:
            doc = table.get(Query().id == key)
            if doc is None and not create:
                return None
            working = copy.deepcopy(dict(doc)) if doc is not None else {"id": key}
            result = fn(working)
            record = dict(working if result is None else result, id=key)
            if doc is None:
                table.insert(record)
            elif record != dict(doc):
                table.update(replaced_by(record), doc_ids=[doc.doc_id])  # one atomic write
            return record

    def begin_look(self, provisional: bool = False) -> None:
        """Nothing to do: ``get`` already checks the file's stamp, one ``stat`` a lookup (never
        provisional: nothing to save)."""

    def held_look(self) -> None:
        return None

    def look_held(self) -> None:
        """Nothing to do (see ``begin_look``)."""

    def confirm_look(self) -> None:
        """Nothing to do (see ``begin_look``)."""

    def end_look(self) -> None:
        """Nothing to do (see ``begin_look``)."""

    def stamp(self, name: str) -> Hashable | None:
        """The collection file's (inode, size, mtime): every write renames a new file into place."""
        try:
            info = (self.folder / f"{name}.json").stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def names(self) -> list[str]:
        """Every ``<name>.json`` of the folder (lock and temporary files start with a dot)."""
        return sorted(p.stem for p in self.folder.glob("*.json") if not p.name.startswith("."))

    def delete(self, name: str, key: str) -> bool:
        with self._table(name) as table:
            return bool(table.remove(Query().id == key))

    def delete_where(self, name: str, test: Callable[[dict], bool]) -> int:
        """Delete every record for which ``test`` is true, in one write; how many were deleted."""
        if not (self.folder / f"{name}.json").exists():
            return 0
        with self._table(name) as table:
            return len(table.remove(doc_ids=[doc.doc_id for doc in table.all() if test(dict(doc))]))
