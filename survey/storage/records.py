"""Small collections (campaigns, accounts, audit log…), one TinyDB file each.

They stay small, so each operation opens the file afresh under a file lock:
no cache can go stale when the CLI writes while the server runs.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tinydb import Query
from tinydb import TinyDB

from .atomic import AtomicJSONStorage
from .locks import file_lock


class RecordStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def _table(self, name: str, shared: bool = False):
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

    def update(self, name: str, key: str, changes: dict) -> bool:
        with self._table(name) as table:
            return bool(table.update(changes, Query().id == key))

    def delete(self, name: str, key: str) -> bool:
        with self._table(name) as table:
            return bool(table.remove(Query().id == key))
