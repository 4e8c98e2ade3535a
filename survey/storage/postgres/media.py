"""Recordings and drawings in PostgreSQL (``media`` table, migration 0007): the ``MediaStore``
methods (``write``, ``read``, ``delete``, ``names``), so every server of a shared instance sends
back a medium received through another. Committed before ``write`` returns.
"""

from __future__ import annotations

from pathlib import Path

from psycopg_pool import ConnectionPool

from ...model.media import is_safe_name


class PostgresMediaStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def write(self, campaign_id: str, name: str, data: bytes) -> None:
        """The same name again replaces it, as an atomic file rename would."""
        if not is_safe_name(name):
            raise ValueError(f"not a medium's name: {name!r}")
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO media (campaign, name, data) VALUES (%s, %s, %s)"
                " ON CONFLICT (campaign, name) DO UPDATE SET data = EXCLUDED.data",
                (campaign_id, name, data),
            )

    def read(self, campaign_id: str, name: str) -> bytes | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT data FROM media WHERE campaign = %s AND name = %s", (campaign_id, name)
            ).fetchone()
        return bytes(row[0]) if row else None

    def digest(self, campaign_id: str, name: str) -> str | None:
        """The medium's SHA-256 (hex) computed by the database: a hand-over or a data copy compares
        media without their bytes crossing the network."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT encode(sha256(data), 'hex') FROM media WHERE campaign = %s AND name = %s", (campaign_id, name)
            ).fetchone()
        return row[0] if row else None

    def delete(self, campaign_id: str, name: str) -> None:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM media WHERE campaign = %s AND name = %s", (campaign_id, name))

    def names(self, campaign_id: str) -> list[str]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT name FROM media WHERE campaign = %s ORDER BY name", (campaign_id,)).fetchall()
        return [name for (name,) in rows]

    def take_in(self, folder: Path) -> int:
        """Media files of a data folder (``<campaign>/<name>``, from a laptop before) into the
        table, those it lacks only; the files stay."""
        taken = 0
        for path in sorted(folder.glob("*/*")) if folder.is_dir() else []:
            if not path.is_file() or not is_safe_name(path.name):
                continue  # a temporary file of an atomic write
            with self.pool.connection() as conn:  # one statement: those it holds are left as they are
                taken += conn.execute(
                    "INSERT INTO media (campaign, name, data) VALUES (%s, %s, %s) ON CONFLICT (campaign, name) DO NOTHING",
                    (path.parent.name, path.name, path.read_bytes()),
                ).rowcount
        return taken
