"""One gunicorn worker of a shared instance SIGKILLed under load (issue 15, section 5), over real
HTTP: ``survey serve --database … --workers 2``; its workers, never the master (the arbiter),
are killed while tablets post, and gunicorn starts others.

The torture pattern of ``test_postgres_faults.py`` (its tablets, servers and check): a tablet
forgets an answer only once acknowledged (200/201) and sends it again, with the same answer id,
after any other outcome (a connection cut by the kill, a 503). Then, read in the database:
every answer sent is stored exactly once, and every answer acknowledged is committed.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.storage.test_postgres_faults import CLIENTS, Outcomes, QuietServer, Tablet, run_tablets, stored_once

pytestmark = pytest.mark.slow

WORKERS = 2
KILLS = 4


def workers_of(master: int) -> set[int]:
    """The live child processes of ``master`` (gunicorn's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == master and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def wait_for_workers(master: int, count: int, not_among: set[int] = frozenset(), timeout: float = 30) -> set[int]:
    """Wait until ``master`` has ``count`` workers, none of them in ``not_among``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = workers_of(master)
        if len(now) == count and not now & not_among:
            return now
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not replace its workers: {workers_of(master)}, killed {not_among}")


@pytest.fixture(scope="module")
def database(postgres_server):
    return postgres_server.new_database()


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_DATABASE_WAIT_SECONDS", "1")
        data = tmp_path_factory.mktemp("hote") / "data"
        started = QuietServer(data, "--database", database, "--demo", "--workers", str(WORKERS))
    yield started
    started.stop()


def test_a_worker_killed_again_and_again_under_load_loses_and_doubles_nothing(server, database):
    master = server.process.pid  # survey serve runs gunicorn's arbiter in its own process
    first = wait_for_workers(master, WORKERS)
    outcomes = Outcomes()
    killed: set[int] = set()

    def kill_workers() -> None:
        for i in range(KILLS):
            time.sleep(0.4)
            victim = sorted(workers_of(master))[i % WORKERS]
            os.kill(victim, signal.SIGKILL)
            killed.add(victim)
            wait_for_workers(master, WORKERS, not_among=killed)
        time.sleep(0.3)

    sent = run_tablets([Tablet(server, outcomes) for _ in range(CLIENTS)], kill_workers)
    assert server.process.poll() is None, "the master stopped"
    assert killed & first and not workers_of(master) & killed
    assert outcomes.unexpected == []  # never a 500, never English
    assert outcomes.acknowledged == set(sent)
    stored_once(database, sent)


def test_a_pooled_connection_whose_server_process_was_killed_is_replaced_before_use(database):
    """The pool lends a connection without a round trip when nothing was said on it; one whose
    PostgreSQL process was killed meanwhile is still never lent (no 503 for that request)."""
    import psycopg

    from survey.storage.postgres.pool import open_pool

    pool = open_pool(database, 1, 2)
    try:
        with pool.connection() as conn:
            killed = conn.info.backend_pid
        with psycopg.connect(database, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (killed,))
        deadline = time.monotonic() + 10
        while Path(f"/proc/{killed}").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != killed
    finally:
        pool.close()
