"""The connection pool every PostgreSQL store borrows from, saying « database away » in the
storage's own words.

A restart of the database, or a cut to it, reaches the app as psycopg's ``OperationalError``
(a connection closed under a query, a server starting up) or the pool's ``PoolTimeout`` (no
connection could be made in time). Both become ``StorageUnavailable`` (503) when they leave a
``with pool.connection()`` block, so no page shows a traceback and the web layer never
imports the driver. The pool recovers by itself: ``check_if_cut`` tests a connection
before lending it (one cut by a restart is replaced, not used), and the pool keeps trying to
open new ones until the database is back.

A request borrows one connection and gives it back when it ends (``begin_request``,
``end_request``): its first borrow is checked, its later ones (the answer's INSERT after the
look at the versions) take the same connection again, idle, with no check and no trip through
the pool. Each check and each trip releases the interpreter lock, and under load every release
lets another thread of the worker in: a respondent's POST waited for the lock after each.
"""

from __future__ import annotations

import select
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
from psycopg.pq import TransactionStatus
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


class _Request(threading.local):
    """One thread's request: whether it keeps a connection between its borrows (``active``),
    and the one it keeps, idle (None: none kept now)."""

    active = False
    kept: psycopg.Connection | None = None


class SurveyPool(ConnectionPool):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request = _Request()

    def begin_request(self) -> None:
        """A request starts on this thread: a connection it gives back is kept for its next
        borrow, until ``end_request``."""
        self._request.active = True

    def end_request(self) -> None:
        """The request ended: the connection it kept goes back to the pool."""
        request = self._request
        request.active = False
        conn, request.kept = request.kept, None
        if conn is not None:
            self.putconn(conn)

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        request = self._request
        conn, request.kept = request.kept, None  # the request's own, idle: nobody else uses it
        try:
            if conn is None:
                conn = self.getconn(timeout)  # checked (check_if_cut)
            with conn:
                yield conn
        except AWAY as error:
            raise StorageUnavailable() from error
        finally:
            if conn is not None:
                self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection) -> None:
        """Kept for the request's next borrow if it is idle and whole (a borrow within a borrow
        gives its own back to the pool); else back to the pool, which drops a broken one."""
        request = self._request
        idle = not conn.closed and not conn.broken and conn.info.transaction_status == TransactionStatus.IDLE
        if request.active and request.kept is None and idle:
            request.kept = conn
        else:
            self.putconn(conn)


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
