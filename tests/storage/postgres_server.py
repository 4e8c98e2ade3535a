"""A real PostgreSQL for the tests: ``survey.local_postgres`` (Debian's ``initdb``/``pg_ctl``)
on a cluster made in a temporary folder, listening on a unix socket only (no TCP port to
clash with another run), stopped at the end of the session. Each test module gets a database.

Without the binaries the tests that need it are skipped, never on CI (``CI=true``), where they
fail, as ``tests/lan.py`` does for its network. The cluster runs with ``fsync=off``: it is
thrown away, and the tests check the app's promises, not the disk's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from survey import local_postgres

SUPERUSER = "survey_test"


def unavailable() -> str | None:
    """Why a PostgreSQL server cannot be started here (None: it can)."""
    reason = local_postgres.unavailable()
    if reason:
        return reason
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg est absent (make setup)"
    return None


def require_postgres() -> None:
    reason = unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL impossible en CI : {reason}")
        pytest.skip(reason)


class PostgresServer:
    """One throw-away cluster; ``new_database()`` gives the URL of a fresh, empty database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="survey-pg-"))  # short: a socket path has 107 bytes
        self.cluster = local_postgres.LocalPostgres(self.folder, superuser=SUPERUSER, throwaway=True)
        self.socket_dir = self.cluster.socket_dir
        self.cluster.create()
        self.cluster.start()

    def url(self, database: str = "postgres") -> str:
        return self.cluster.url(database)

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)

    def restart(self, mode: str = "immediate") -> None:
        self.cluster.restart(mode)

    def stop(self) -> None:
        try:
            self.cluster.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
