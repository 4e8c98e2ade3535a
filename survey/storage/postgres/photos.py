"""Board photos in PostgreSQL (``photos`` table, migration 0003): the ``PhotoStore`` methods
the app calls (``write``, ``read``), so every server of a shared instance sends back a photo
taken through another. A photo is ``bytea`` (at most 8 MB, checked before:
``services/fieldwork/photos.py``), committed before ``write`` returns.
"""

from __future__ import annotations

from pathlib import Path

from psycopg_pool import ConnectionPool


class PostgresPhotoStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def write(self, campaign_id: str, session_id: str, name: str, data: bytes) -> None:
        """Stored once under a new name each time (as the file store); the same name again
        replaces it, as an atomic file rename would."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO photos (campaign, session, name, data) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (campaign, session, name) DO UPDATE SET data = EXCLUDED.data",
                (campaign_id, session_id, name, data),
            )

    def read(self, campaign_id: str, session_id: str, name: str) -> bytes | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT data FROM photos WHERE campaign = %s AND session = %s AND name = %s",
                (campaign_id, session_id, name),
            ).fetchone()
        return bytes(row[0]) if row else None

    def names(self) -> list[tuple[str, str, str]]:
        """Every photo as (campaign, session, name): what ``survey data copy`` gives a folder."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT campaign, session, name FROM photos ORDER BY campaign, session, name"
            ).fetchall()
        return [(campaign, session, name) for campaign, session, name in rows]

    def take_in(self, folder: Path) -> int:
        """Photo files of a data folder (``<campaign>/<session>/<name>``: an instance from before,
        ``survey data copy``) into the table, those it lacks only; the files stay. At each start:
        a few hundred photos at most per structure, one query each only when new."""
        taken = 0
        for path in sorted(folder.glob("*/*/*")) if folder.is_dir() else []:
            if path.name.startswith(".") or not path.is_file():
                continue  # a temporary file of an atomic write
            campaign, session = path.parent.parent.name, path.parent.name
            if self.read(campaign, session, path.name) is None:
                self.write(campaign, session, path.name, path.read_bytes())
                taken += 1
        return taken
