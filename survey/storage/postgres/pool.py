"""The connection pool every PostgreSQL store borrows from, saying « database away » in the
storage's own words.

A restart of the database, or a cut to it, reaches the app as psycopg's ``OperationalError``
(a connection closed under a query, a server starting up) or the pool's ``PoolTimeout`` (no
connection could be made in time). Both become ``StorageUnavailable`` (503) when they leave a
``with pool.connection()`` block, so no page shows a traceback and the web layer never
imports the driver. The pool recovers by itself: ``check_if_cut`` tests a connection
before lending it (one cut by a restart is replaced, not used), and the pool keeps trying to
open new ones until the database is back.
"""

from __future__ import annotations

import select
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..unavailable import StorageUnavailable

AWAY = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


def check_if_cut(conn: psycopg.Connection) -> None:
    """Before lending a connection: test it by a round trip only when its socket has something
    to read. An idle connection has nothing to say; one that the server closed (a restart, a
    killed backend) is readable (its goodbye, or the end of the stream), and the round trip then
    fails, so the pool replaces it. A request saves a round trip per borrowed connection."""
    if conn.closed or conn.broken or select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


class SurveyPool(ConnectionPool):
    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        try:
            with super().connection(timeout) as conn:
                yield conn
        except AWAY as error:
            raise StorageUnavailable() from error


def open_pool(url: str, size: int, wait: float) -> SurveyPool:
    """At most ``size`` connections; a request waits ``wait`` seconds for one, then is told
    the database is away (rather than hanging while it is)."""
    return SurveyPool(
        url,
        min_size=1,
        max_size=max(1, size),
        kwargs={"autocommit": True},
        check=check_if_cut,  # a connection cut by a database restart is replaced, not used
        timeout=wait,
        open=True,
        name="survey",
    )
