"""Answers in PostgreSQL: implements ``interfaces.AnswerStore`` with the local store's promises.

One row per answer (``migrations/0001_initial.sql``): its campaign and id (unique together),
the order it was stored in (``received``), its fingerprint and the whole answer as JSONB.

- « Stored once »: ``INSERT … ON CONFLICT DO NOTHING``; when the row was there, its
  fingerprint says « already stored » (same content) or ``AnswerConflict``. Two servers
  sending the same id at once are ordered by the unique constraint, not by a lock of ours.
- Durable before returning: each write commits before the method returns.
- Read-modify-write (``change``) is ``SELECT … FOR UPDATE`` and the ``UPDATE`` in one
  transaction.
- Reading walks ``(campaign, received)`` by keyset pagination (index of migration 0002), one
  page per short transaction: no answer list in memory, and a reader that stops half-way
  (a page of the reading list) holds no connection.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from ..answers import AnswerConflict, fingerprint
from .values import has_unstorable, jsonb

T = TypeVar("T")
PAGE = 500  # answers read per query when streaming
FIRST_PAGE = 50  # the first page of iter_newest: a page of the reading list costs about that
# Characters a search fold is checked against (the local fold's fast table: Latin letters,
# punctuation, €); a text holding any other character is always returned to the caller.
_CHECKED = [chr(c) for start, end in ((0x01, 0x250), (0x2000, 0x2070), (0x20AC, 0x20AD)) for c in range(start, end)]
# What jsonb's text escapes: a word holding one of them cannot be looked for in that text.
_ESCAPED = re.compile(r'["\\\x00-\x1f]')


class PostgresAnswerStore:
    """Every campaign's answers in the table ``answers`` (``storage/postgres/``)."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self._unfoldable: dict[str, str] = {}  # fold key → regex class of characters SQL folds otherwise

    # -- writes -------------------------------------------------------------

    def add(self, answer: dict) -> bool:
        """Store ``answer`` (committed before returning): True if new, False if the same id
        holds the same content; ``AnswerConflict`` when it holds other content."""
        stored = dict(answer, fingerprint=fingerprint(answer))
        campaign_id, answer_id = stored["campaign"], stored["id"]
        with self.pool.connection() as conn, conn.transaction():
            inserted = conn.execute(
                "INSERT INTO answers (campaign, id, fingerprint, body) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT ON CONSTRAINT answers_once DO NOTHING",
                (campaign_id, answer_id, stored["fingerprint"], jsonb(stored)),
            ).rowcount
            if inserted:
                self._count(conn, campaign_id, 1)
                return True
            row = conn.execute(
                "SELECT fingerprint FROM answers WHERE campaign = %s AND id = %s", (campaign_id, answer_id)
            ).fetchone()
        if row is None:  # deleted between the two statements: sent again, it is new again
            return self.add(answer)
        if row[0] != stored["fingerprint"]:
            raise AnswerConflict(answer_id)
        return False

    def change(self, campaign_id: str, answer_id: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read (``FOR UPDATE``), change and write one answer in one transaction; its id and
        fingerprint stay. An exception from ``fn`` rolls back and reaches the caller."""
        with self.pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT body FROM answers WHERE campaign = %s AND id = %s FOR UPDATE", (campaign_id, answer_id)
            ).fetchone()
            if row is None:
                return None
            doc = row[0]
            working = copy.deepcopy(doc)
            returned = fn(working)
            result = dict(working if returned is None else returned, id=answer_id)
            if "fingerprint" in doc:
                result["fingerprint"] = doc["fingerprint"]
            if result != doc:
                conn.execute(
                    "UPDATE answers SET body = %s WHERE campaign = %s AND id = %s",
                    (jsonb(result), campaign_id, answer_id),
                )
            return result

    update = change  # the local store's former name

    def delete(self, campaign_id: str, answer_id: str) -> bool:
        return self.delete_many(campaign_id, [answer_id]) == 1

    def delete_many(self, campaign_id: str, answer_ids: Iterable[str]) -> int:
        """Delete these answers and lower the kept count, in one transaction."""
        wanted = sorted(set(answer_ids))
        if not wanted:
            return 0
        with self.pool.connection() as conn, conn.transaction():
            deleted = conn.execute(
                "DELETE FROM answers WHERE campaign = %s AND id = ANY(%s)", (campaign_id, wanted)
            ).rowcount
            if deleted:
                self._count(conn, campaign_id, -deleted)
        return deleted

    @staticmethod
    def _count(conn: psycopg.Connection, campaign_id: str, delta: int) -> None:
        conn.execute(
            "INSERT INTO answer_campaigns (campaign, total) VALUES (%s, %s)"
            " ON CONFLICT (campaign) DO UPDATE SET total = answer_campaigns.total + EXCLUDED.total",
            (campaign_id, delta),
        )

    # -- reads --------------------------------------------------------------

    def get(self, campaign_id: str, answer_id: str) -> dict | None:
        if has_unstorable(campaign_id) or has_unstorable(answer_id):  # no answer can have it
            return None
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT body FROM answers WHERE campaign = %s AND id = %s", (campaign_id, answer_id)
            ).fetchone()
        return row[0] if row else None

    def count(self, campaign_id: str) -> int:
        """The kept count (``answer_campaigns``), not a ``count(*)``."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT total FROM answer_campaigns WHERE campaign = %s", (campaign_id,)).fetchone()
        return int(row[0]) if row else 0

    def campaigns(self) -> list[str]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute("SELECT campaign FROM answer_campaigns ORDER BY campaign")]

    def iter_answers(self, campaign_id: str) -> Iterator[dict]:
        """Oldest first, ``PAGE`` answers at a time."""
        return self._pages(campaign_id, newest=False)

    def iter_newest(self, campaign_id: str) -> Iterator[dict]:
        """Newest first; the first page is small (``FIRST_PAGE``), so a page of the reading
        list reads about that."""
        return self._pages(campaign_id, newest=True)

    def iter_newest_containing(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[dict]:
        """``iter_newest``, keeping in SQL the answers whose ``answers`` JSON text, passed
        through ``lower(unaccent(…))``, contains every word. Never skips one the caller would
        find: the database's fold is compared with ``fold`` once per ``key`` on every Latin
        character (``_CHECKED``); an answer holding a character where they differ, or any
        character outside them, is returned whatever it says (the caller tests each answer).
        Words holding a character jsonb escapes (« " », « \\ », control characters) are left
        to the caller. ``fold`` is assumed to work character by character on ``_CHECKED``
        (as ``services.reading.fold`` does). A trigram index is the follow-up at scale."""
        wanted = [w for w in words if w and not _ESCAPED.search(w)]
        if not wanted:
            return self._pages(campaign_id, newest=True)
        unfoldable = self._unfoldable_class(fold, key)
        patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in wanted]
        condition = "((body->'answers')::text ~ %s OR lower(unaccent((body->'answers')::text)) LIKE ALL(%s))"
        return self._pages(campaign_id, newest=True, where=condition, params=(unfoldable, patterns))

    def partials(
        self,
        campaign_id: str,
        key: str,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        """``summarise`` over each page of ``PAGE`` answers, streamed oldest first; with
        ``merge`` the pages are merged as they come, so one part comes back and memory holds
        one page. Nothing is cached (``key`` is unused): the figures are always summarised
        afresh. The target for the dashboard at a million answers is SQL aggregates over
        the JSONB (issue 15, a follow-up), not this Python pass."""
        parts: list[T] = []
        page: list[dict] = []

        def flush() -> None:
            part = summarise(page)
            if merge is not None and parts:
                parts[0] = merge(parts[0], part)
            else:
                parts.append(part)

        for answer in self.iter_answers(campaign_id):
            page.append(answer)
            if len(page) >= PAGE:
                flush()
                page = []
        if page:
            flush()
        return parts

    def warm(self) -> None:
        """Wait for the pool's first connections, so the first answer is not the slow one."""
        self.pool.wait()

    # -- internals ----------------------------------------------------------

    def _pages(
        self, campaign_id: str, newest: bool, where: str = "TRUE", params: tuple[Any, ...] = ()
    ) -> Iterator[dict]:
        order, beyond = ("DESC", "<") if newest else ("ASC", ">")
        query = (
            f"SELECT received, body FROM answers WHERE campaign = %s AND received {beyond} %s AND {where}"
            f" ORDER BY received {order} LIMIT %s"
        )
        last = 2**63 - 1 if newest else 0
        size = FIRST_PAGE if newest else PAGE
        while True:
            with self.pool.connection() as conn:
                rows: list[TupleRow] = conn.execute(query.encode(), (campaign_id, last, *params, size)).fetchall()
            for row in rows:
                yield row[1]
            if len(rows) < size:
                return
            last = rows[-1][0]
            size = PAGE

    def _unfoldable_class(self, fold: Callable[[str], str], key: str) -> str:
        """A regex class matching every character whose ``lower(unaccent(c))`` in this database
        is not ``fold(c)``, or that was not checked at all: the complement of those that agree."""
        found = self._unfoldable.get(key)
        if found is None:
            with self.pool.connection() as conn:
                rows = conn.execute("SELECT c, lower(unaccent(c)) FROM unnest(%s::text[]) AS c", (_CHECKED,)).fetchall()
            agree = [ord(c) for c, folded in rows if folded == fold(c)]
            found = self._unfoldable[key] = "[^" + "".join(_ranges(agree)) + "]"
        return found


def _ranges(points: list[int]) -> Iterator[str]:
    """``a-z``-style pieces of a regex bracket expression covering these code points."""
    points = sorted(points)
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = _bracket(points[i]), _bracket(points[j])
        yield first if i == j else f"{first}-{last}"
        i = j + 1


def _bracket(point: int) -> str:
    c = chr(point)
    return "\\" + c if c in "\\]^-[" else c
