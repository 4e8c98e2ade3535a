"""The connection pool every PostgreSQL store borrows from, saying « database away » in the
storage's own words.

A restart of the database, or a cut to it, reaches the app as psycopg's ``OperationalError``
(a connection closed under a query, a server starting up) or the pool's ``PoolTimeout`` (no
connection could be made in time). Both become ``StorageUnavailable`` (503) when they leave a
``with pool.connection()`` block, so no page shows a traceback and the web layer never
imports the driver. The pool recovers by itself: ``check_connection`` tests a connection
before lending it (one cut by a restart is replaced, not used), and the pool keeps trying to
open new ones until the database is back.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..unavailable import StorageUnavailable

AWAY = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


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
        check=ConnectionPool.check_connection,  # a connection cut by a database restart is replaced, not used
        timeout=wait,
        open=True,
        name="survey",
    )
