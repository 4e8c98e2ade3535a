"""Small collections (campaigns, accounts, audit log…), one TinyDB file each.

They stay small, so each operation opens the file afresh under a file lock:
no cache can go stale when the CLI writes while the server runs.

A change that depends on what is stored (a counter, a list, a flag set only
once) goes through ``change``, which reads, changes and writes under one lock:
a ``get`` then ``put`` would let two writers both start from the same record
and keep only the second one's change.
"""

from __future__ import annotations

import copy
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


class RecordStore:
    """Each collection in ``<folder>/<name>.json``; implements ``interfaces.RecordCollections``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

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
        if not (self.folder / f"{name}.json").exists():
            return None
        with self._table(name, shared=True) as table:
            doc = table.get(Query().id == key)
            return dict(doc) if doc else None

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
