"""A real Redis for the tests (issue 15: the rate limits of several workers counted together):
Debian's ``redis-server`` in a temporary folder, on a free loopback port, saving nothing to
disk, stopped at the end. ``stop()`` and ``start()`` again (same port) let a test take it away
and bring it back.

Without the binary the tests that need it are skipped with the reason, never on CI
(``CI=true``; ``scripts/system-packages.sh`` installs it), where they fail, as
``tests/storage/postgres_server.py`` does for PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import free_port


def require_redis() -> str:
    """The path of ``redis-server``; skips (fails on CI) without it."""
    binary = shutil.which("redis-server")
    if binary:
        return binary
    reason = "redis-server est absent (paquet Debian redis-server : scripts/system-packages.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"Redis impossible en CI : {reason}")
    pytest.skip(reason)


class RedisServer:
    """One throw-away Redis; ``url`` is its ``redis://`` address (database 0)."""

    def __init__(self) -> None:
        self.binary = require_redis()
        self.folder = Path(tempfile.mkdtemp(prefix="survey-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        """Start (or start again, same port) and wait until it answers PING."""
        import redis

        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.folder / "log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError("redis-server stopped: " + (self.folder / "log").read_text(errors="replace"))
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Kill it at once (as a crash would): the counts it held are gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    yield server
    server.close()
