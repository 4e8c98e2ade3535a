"""A real PostgreSQL for the tests: Debian's server binaries (``initdb``, ``pg_ctl``) on a
cluster made in a temporary folder, listening on a unix socket only (no TCP port to clash
with another run), stopped at the end of the session. Each test module gets a database.

initdb refuses to run as root: as root, the cluster belongs to the ``postgres`` user and the
binaries run through ``runuser``. Without the binaries the tests that need it are skipped,
never on CI (``CI=true``), where they fail, as ``tests/lan.py`` does for its network.
The cluster runs with ``fsync=off``: it is thrown away, and the tests check the app's
promises, not the disk's.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

SUPERUSER = "survey_test"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def unavailable() -> str | None:
    """Why a PostgreSQL server cannot be started here (None: it can)."""
    if find_binaries() is None:
        return "PostgreSQL est absent (paquet Debian postgresql : scripts/system-packages.sh)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "root sans runuser : initdb refuse de tourner en root"
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
        self.bin = find_binaries()
        assert self.bin is not None
        self.folder = Path(tempfile.mkdtemp(prefix="survey-pg-"))  # short: a socket path has 107 bytes
        self.data = self.folder / "cluster"
        self.socket_dir = self.folder
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{program} a échoué : {done.stdout}\n{done.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)

    def restart(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
