"""A PostgreSQL server of its own in a folder, for the shared instance on one machine
(``survey instance-locale``) and for the tests: Debian's server binaries (``initdb``,
``pg_ctl``), a cluster in ``<folder>/cluster``, listening on a unix socket only (no TCP port
to clash with another server), trusted for the local user.

initdb refuses to run as root: as root, the cluster belongs to the ``postgres`` user and the
binaries run through ``runuser`` (the folder is given to that user).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

SUPERUSER = "survey"
MAX_SOCKET_FOLDER = 90  # a unix socket path holds 107 bytes; the file is .s.PGSQL.5432


class LocalPostgresError(RuntimeError):
    """Said in French to whoever started it."""


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
    return None


class LocalPostgres:
    """The cluster of ``folder``: made by ``create`` if new, then ``start``/``stop``.
    ``throwaway`` turns off fsync (tests: they check the app's promises, not the disk's)."""

    def __init__(self, folder: Path, superuser: str = SUPERUSER, throwaway: bool = False) -> None:
        reason = unavailable()
        if reason:
            raise LocalPostgresError(reason)
        self.bin = find_binaries()
        self.folder = Path(folder).resolve()
        if len(str(self.folder)) > MAX_SOCKET_FOLDER:
            raise LocalPostgresError(f"Chemin trop long pour la prise de PostgreSQL : {self.folder}")
        self.data = self.folder / "cluster"
        self.socket_dir = self.folder
        self.superuser, self.throwaway = superuser, throwaway
        self.as_root = os.geteuid() == 0

    def create(self) -> bool:
        """initdb if the folder holds no cluster yet; True when it made one."""
        if (self.data / "PG_VERSION").exists():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.folder)])
            if reachable.returncode != 0:
                raise LocalPostgresError(
                    f"l'utilisateur postgres ne peut pas entrer dans {self.folder} (un dossier parent lui est "
                    "fermé, comme /root) : choisissez un dossier ailleurs, par exemple /srv/shared-db"
                )
        sync = ["--no-sync"] if self.throwaway else []
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", self.superuser, "-E", "UTF8", "--locale=C.UTF-8", *sync
        )
        return True

    def start(self) -> None:
        options = f"-k {self.socket_dir} -c listen_addresses='' -c max_connections=200"
        if self.throwaway:
            options += " -c fsync=off -c full_page_writes=off"
        log = self.folder / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        if not (self.data / "postmaster.pid").exists():
            return  # already stopped
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "immediate") -> None:
        # pg_ctl keeps the start's options (postmaster.opts) but not its log file: without -l
        # the server would write to our captured output and hold it open for ever.
        log = self.folder / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-l", str(log), "-w", "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.superuser}@/{database}?host={self.socket_dir}"

    def ensure_database(self, name: str) -> None:
        """Create the database ``name`` unless it exists (``createdb``; ``psql`` asks first)."""
        listed = self._run(
            "psql",
            "-h",
            str(self.socket_dir),
            "-U",
            self.superuser,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        )
        if listed.strip() != "1":
            self._run("createdb", "-h", str(self.socket_dir), "-U", self.superuser, "-E", "UTF8", name)

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # A session of its own: Ctrl-C in the terminal stops the app servers, not PostgreSQL
        # under them; whoever started it stops it after them.
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder, start_new_session=True)
        if done.returncode != 0:
            raise LocalPostgresError(f"{program} a échoué : {done.stdout}\n{done.stderr}")
        return done.stdout
