"""The database's schema, made and upgraded by numbered SQL files (``migrations/0001_*.sql``…).

``schema_version`` holds one row per file applied. ``upgrade`` applies the missing ones in
order, each in its own transaction with its row, under a session advisory lock: two servers
starting together (or a server and ``survey db upgrade``) take turns, and the second finds
nothing left to do. A file is never edited once released: a change is a new file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ...model.errors import SurveyError

FOLDER = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# pg_advisory_lock's key for schema changes: any constant the app uses for nothing else.
LOCK_KEY = 0x5355525645590001


class DatabaseUnreachable(SurveyError):
    """The database at the URL could not be reached or refused the connection."""

    status = 503

    def __init__(self, reason: str) -> None:
        super().__init__(f"Impossible de joindre la base de données ({reason}).")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def available(folder: Path = FOLDER) -> list[Migration]:
    """Every migration file, by version (two files with one number are a mistake)."""
    found: dict[int, Migration] = {}
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if match is None:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations numbered {version}: {found[version].path.name}, {path.name}")
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


def latest(folder: Path = FOLDER) -> int:
    return max((m.version for m in available(folder)), default=0)


def current_version(conn: psycopg.Connection) -> int:
    """The database's schema version (0: empty, never upgraded)."""
    with conn.transaction():
        exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def upgrade(conn: psycopg.Connection, target: int | None = None, folder: Path = FOLDER) -> list[int]:
    """Apply the migrations the database lacks, up to ``target`` (default: all), under the
    advisory lock; the versions applied (empty when it was up to date). ``conn`` must be in
    autocommit mode (each migration is its own transaction)."""
    applied = []
    conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        with conn.transaction():
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        done = current_version(conn)
        for migration in available(folder):
            if migration.version <= done or (target is not None and migration.version > target):
                continue
            with conn.transaction():
                conn.execute(migration.sql().encode("utf-8"))  # several statements: no parameters
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (%s, %s)", (migration.version, migration.name)
                )
            applied.append(migration.version)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    return applied


def upgrade_url(url: str, target: int | None = None) -> tuple[int, list[int]]:
    """``upgrade`` on a connection of its own: (version before, versions applied)."""
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(str(exc).strip()) from None
    with conn:
        before = current_version(conn)
        return before, upgrade(conn, target)
