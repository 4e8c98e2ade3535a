"""PostgreSQL storage (issue 15): the two storage interfaces over one database, chosen by
``DATABASE_URL`` (``SURVEY_DATABASE_URL``, ``survey serve --database``).

``open_database(url)`` upgrades the schema (``migrations.py``, under an advisory lock) and
returns the answer store and the record collections over one connection pool. Only this
package imports psycopg (a ``lint-imports`` contract): services call ``open_database``.
Board photos are rows too (``photos.py``), so that every server sends them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from . import migrations
from .answers import PostgresAnswerStore
from .media import PostgresMediaStore
from .photos import PostgresPhotoStore
from .pool import open_pool
from .records import PostgresRecordCollections


@dataclass
class Database:
    """What ``open_database`` opened: close it to end the pool's connections and threads."""

    pool: ConnectionPool
    answers: PostgresAnswerStore
    records: PostgresRecordCollections
    photos: PostgresPhotoStore
    media: PostgresMediaStore

    def close(self) -> None:
        self.pool.close()


def open_database(url: str, pool_size: int = 8, upgrade: bool = True, wait: float = 5.0) -> Database:
    """The stores over a new pool to ``url``; the schema is brought up to date first
    (``upgrade``), as ``survey db upgrade`` does, so a server never runs on an old one. A
    request waits ``wait`` seconds for a connection, then gets ``StorageUnavailable``."""
    if upgrade:
        migrations.upgrade_url(url)
    pool = open_pool(url, pool_size, wait)
    return Database(
        pool,
        PostgresAnswerStore(pool),
        PostgresRecordCollections(pool),
        PostgresPhotoStore(pool),
        PostgresMediaStore(pool),
    )


__all__ = [
    "Database",
    "PostgresAnswerStore",
    "PostgresMediaStore",
    "PostgresPhotoStore",
    "PostgresRecordCollections",
    "open_database",
]
