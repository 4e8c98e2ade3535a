"""Answers in PostgreSQL: implements ``interfaces.AnswerStore`` with the local store's promises.

One row per answer (``migrations/0001_initial.sql``): its campaign and id (unique together),
the order it was stored in (``received``), its fingerprint and the whole answer as JSONB.

- « Stored once »: ``INSERT … ON CONFLICT DO NOTHING``; when the row was there, its
  fingerprint says « already stored » (same content) or ``AnswerConflict``. Two servers
  sending the same id at once are ordered by the unique constraint, not by a lock of ours.
- Durable before returning: each write commits before the method returns.
- Read-modify-write (``change``) is ``SELECT … FOR UPDATE`` and the ``UPDATE`` in one
  transaction.
- Reading newest first walks ``(campaign, received)`` by keyset pagination (index of migration
  0002), one page per short transaction: no answer list in memory, and a reader that stops
  half-way (a page of the reading list) holds no connection. The whole campaign oldest first
  (exports) is one server-side cursor.
- Counts: ``partials`` keeps summaries per part of ``PART_ROWS`` answers, valid while the
  part's version (bumped by a trigger in each write's transaction, migration 0004) is the
  same, in memory and in ``answer_summaries`` (``summaries.py``). The kept counts and the
  parts' versions are split in shards by writing connection (migration 0005), so that the
  answers of one campaign are not written one after the other, and both are bumped by the
  trigger from the rows a statement really wrote (migration 0008): an answer is one statement.
- Search: a trigram index over the folded text (migration 0004), never skipping an answer.
"""

from __future__ import annotations

import copy
import json
import queue
import re
import threading
import time
from typing import Any, Callable, Generic, Iterable, Iterator, Sequence, TypeVar, cast

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from ..answer_index import Stat
from ..answers import AnswerConflict, fingerprint
from ..looks import StaleLook
from ..parts_cache import ChunkStats, PartsCache
from . import summaries
from .values import has_unstorable, jsonb, jsonb_text

T = TypeVar("T")
# Bodies are read as text and parsed by json: measured on 100 000 answers, 2.5 times faster than
# psycopg's jsonb loader (3.6 s against 8.9 s on a busy machine). By raw_decode, as json.loads
# does after skipping white space that jsonb's text never has: a fifth less CPU per body. One
# body at a time: a json.loads of a batch of 1 000 (one array) costs less in a bare process but
# 40 % more in the server, whose garbage collector then walks the batch's dicts held together.
_decode = json.JSONDecoder().raw_decode
PAGE = 500  # answers read per query when streaming
STREAM_ROWS = 1000  # rows per fetch of iter_answers' server-side cursor
PART_ROWS = 500  # answers per part of a campaign, whose summaries are kept (migration 0004 says 500 too)
# A process gives its next answers the part it last read, for at most a tenth of a part's
# answers and a second, before reading it again (``_insert_in_its_part``).
PART_KEPT_SHARE = 10
PART_KEPT_SECONDS = 1.0
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
        self._plain_agrees: dict[str, bool] = {}  # fold key → the indexes' plain characters fold alike
        self._parts: dict[str, PartsCache] = {}  # campaign → summaries of its parts kept in memory
        self._parts_lock = threading.Lock()
        self._kept_parts: dict[str, tuple[int, int, float]] = {}  # campaign → (part, uses left, read at)

    # -- writes -------------------------------------------------------------

    def add(self, answer: dict, held: dict[str, int] | None = None) -> bool:
        """Store ``answer`` (committed before returning): True if new, False if the same id
        holds the same content; ``AnswerConflict`` when it holds other content. ``held``: the
        stored versions a provisional request read under (``records.py``), checked in the same
        statement; ``StaleLook``, and nothing stored, when one changed."""
        stored = dict(answer, fingerprint=fingerprint(answer))
        campaign_id, answer_id = stored["campaign"], stored["id"]
        # One statement, committed by itself (the pool's connections are in autocommit): the
        # trigger of migration 0008 bumps the part's version and the campaign's kept counts from
        # the rows it really inserted.
        values = (campaign_id, answer_id, stored["fingerprint"], jsonb_text(stored))
        with self.pool.connection() as conn:
            if self._insert_in_its_part(conn, campaign_id, values, held):
                return True
            row = conn.execute(
                "SELECT fingerprint FROM answers WHERE campaign = %s AND id = %s", (campaign_id, answer_id)
            ).fetchone()
        if row is None:  # deleted between the two statements: sent again, it is new again
            return self.add(answer, held)
        if row[0] != stored["fingerprint"]:
            raise AnswerConflict(answer_id)
        return False

    def _insert_in_its_part(
        self, conn: psycopg.Connection, campaign_id: str, values: tuple, held: dict[str, int] | None
    ) -> bool:
        """Insert ``values`` (campaign, id, fingerprint, body) in its part; False if the id was there.

        An answer's part is how many answers its campaign received before it, by PART_ROWS, so
        that a campaign's older parts stop changing and their summaries stay valid. Reading that
        count is a sum over the campaign's 16 shards of kept counts, rows that every insert's
        trigger updates: read at every insert, writers queued on that page (measured: a tenth
        fewer answers per second with 2 workers). So the part is read with the insert that
        needs it and the process's next answers take it too, for at most a tenth of PART_ROWS
        answers and PART_KEPT_SECONDS: a part may then grow past PART_ROWS by what arrives
        meanwhile, as when two servers add at once (parts need not be equal), and an answer
        never goes to a part older than its process last read."""
        kept = self._kept_parts.get(campaign_id)
        now = time.monotonic()
        part_values: tuple[Any, ...]
        if kept is not None and kept[1] > 0 and now - kept[2] < PART_KEPT_SECONDS:
            self._kept_parts[campaign_id] = (kept[0], kept[1] - 1, kept[2])
            part, part_values, reads_part = "%s", (kept[0],), False
        else:
            part = "coalesce((SELECT sum(added)::bigint FROM answer_campaigns WHERE campaign = %s), 0) / %s"
            part_values, reads_part = (campaign_id, PART_ROWS), True
        if held is None:
            row = conn.execute(
                "INSERT INTO answers (campaign, id, fingerprint, body, part)"
                f" VALUES (%s, %s, %s, %s::jsonb, {part})"
                " ON CONFLICT ON CONSTRAINT answers_once DO NOTHING RETURNING part",
                (*values, *part_values),
            ).fetchone()
        else:
            found = conn.execute(  # the versions compared and the row inserted in one statement
                "WITH held AS (SELECT coalesce((SELECT jsonb_object_agg(collection, version) FROM record_versions),"
                " '{}'::jsonb) = %s::jsonb AS same),"
                " stored AS (INSERT INTO answers (campaign, id, fingerprint, body, part)"
                f" SELECT %s, %s, %s, %s::jsonb, {part} FROM held WHERE held.same"
                " ON CONFLICT ON CONSTRAINT answers_once DO NOTHING RETURNING part)"
                " SELECT (SELECT same FROM held), (SELECT part FROM stored)",
                (json.dumps(held), *values, *part_values),
            ).fetchone()
            if found is None or not found[0]:  # (a SELECT without FROM: always one row)
                raise StaleLook()
            row = None if found[1] is None else (found[1],)
        if row is None:
            return False
        if reads_part:  # the next answers of this process take it too
            self._kept_parts[campaign_id] = (int(row[0]), PART_ROWS // PART_KEPT_SHARE, now)
        return True

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
        """Delete these answers and lower the kept count, in one statement."""
        wanted = sorted(set(answer_ids))
        if not wanted:
            return 0
        with self.pool.connection() as conn:  # the trigger (migration 0008) lowers the kept count
            return conn.execute(
                "DELETE FROM answers WHERE campaign = %s AND id = ANY(%s)", (campaign_id, wanted)
            ).rowcount

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
        """The kept count (``answer_campaigns``, summed over its shards), not a ``count(*)``."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT sum(total) FROM answer_campaigns WHERE campaign = %s", (campaign_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def campaigns(self) -> list[str]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT campaign FROM answer_campaigns ORDER BY campaign")]

    def iter_answers(self, campaign_id: str) -> Iterator[dict]:
        """Oldest first, through a server-side cursor (``STREAM_ROWS`` rows a fetch): one
        query and one snapshot for the whole campaign (an export sees no answer twice nor
        half a change), holding one connection of the pool until the reader is done or
        dropped. The rows are fetched by a thread of its own, one batch ahead, and parsed
        here: the database makes the next batch's text while the reader writes its rows (an
        export of a million answers waited for the database otherwise, docs/BENCHMARKS.md)."""
        batches: queue.Queue[list[str] | BaseException] = queue.Queue(maxsize=2)
        done = threading.Event()

        def fetch() -> None:
            try:
                with self.pool.connection() as conn, conn.transaction():
                    with conn.cursor(name="answers_oldest_first") as cursor:
                        cursor.execute(
                            "SELECT body::text FROM answers WHERE campaign = %s ORDER BY received", (campaign_id,)
                        )
                        while not done.is_set():
                            rows = cursor.fetchmany(STREAM_ROWS)
                            batches.put([row[0] for row in rows])
                            if not rows:
                                return
            except BaseException as error:  # noqa: BLE001 - handed to the reader, who raises it
                batches.put(error)

        reader = threading.Thread(target=fetch, name=f"answers-{campaign_id}", daemon=True)
        reader.start()
        try:
            while True:
                batch = batches.get()
                if isinstance(batch, BaseException):
                    raise batch
                if not batch:
                    return
                for text in batch:
                    yield _decode(text)[0]
        finally:
            done.set()
            while reader.is_alive():  # a fetch waiting for room in the queue is let through
                try:
                    batches.get_nowait()
                except queue.Empty:
                    reader.join(0.05)

    def iter_newest(self, campaign_id: str) -> Iterator[dict]:
        """Newest first; the first page is small (``FIRST_PAGE``), so a page of the reading
        list reads about that."""
        return self._pages(campaign_id, newest=True)

    def iter_newest_matching(
        self, campaign_id: str, key: str, test: Callable[[dict], bool], skip: int = 0
    ) -> Iterator[dict]:
        """``iter_newest`` filtered by ``test``, less the first ``skip`` (no kept count per part
        here: ``key`` is unused; an SQL filter with OFFSET is the follow-up for deep pages)."""
        for answer in self.iter_newest(campaign_id):
            if test(answer):
                if skip:
                    skip -= 1
                else:
                    yield answer

    def iter_newest_found(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[tuple[int, dict | None]]:
        """Every answer of ``iter_newest_containing``, each counted as one answer passed."""
        for answer in self.iter_newest_containing(campaign_id, words, fold, key):
            yield 1, answer

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
        (as ``services.reading.fold`` does).

        When every character the indexes of migration 0004 call plain folds alike, the test
        is theirs: the trigram index over ``survey_fold`` finds the words, and the partial
        index gives the answers holding any other character (always returned); a page of a
        search then costs its matches, not the campaign. Else the same test without them."""
        wanted = [w for w in words if w and not _ESCAPED.search(w)]
        if not wanted:
            return self._pages(campaign_id, newest=True)
        unfoldable = self._unfoldable_class(fold, key)
        patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in wanted]
        if self._plain_agrees[key]:
            each = " AND ".join(["survey_fold((body->'answers')::text) LIKE %s"] * len(patterns))
            condition = f"(survey_plain((body->'answers')::text) IS FALSE OR ({each}))"
            return self._pages(campaign_id, newest=True, where=condition, params=tuple(patterns))
        condition = "((body->'answers')::text ~ %s OR lower(unaccent((body->'answers')::text)) LIKE ALL(%s))"
        return self._pages(campaign_id, newest=True, where=condition, params=(unfoldable, patterns))

    def partials(
        self,
        campaign_id: str,
        key: str,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        """``summarise`` over each part of the campaign (``PART_ROWS`` answers received in a
        row, ``answer_parts``), in stored order, re-read only for the parts whose version
        changed: each write gives its part a new version in the same transaction (a trigger),
        so the sum is exactly a recount. Summaries are kept in this process (``PartsCache``,
        as the local store's chunks, merged by blocks with ``merge``) and in the database
        (``answer_summaries``), so a server that starts adds up kept summaries instead of
        reading every answer (docs/DESIGN.md « PostgreSQL »)."""
        with self.pool.connection() as conn:
            versions = conn.execute(
                "SELECT part, sum(version) FROM answer_parts WHERE campaign = %s GROUP BY part ORDER BY part",
                (campaign_id,),
            ).fetchall()
        if not versions:
            return []
        with self._parts_lock:
            cache = self._parts.get(campaign_id)
            if cache is None:
                cache = self._parts[campaign_id] = PartsCache()
        kept: _KeptSummaries[T] = _KeptSummaries(self.pool, campaign_id, key, {int(p): int(v) for p, v in versions})
        # PartsCache numbers chunks from 1; a part's "stat" is its version.
        stats: ChunkStats = [(int(part) + 1, cast(Stat, int(version))) for part, version in versions]

        def read(number: int) -> tuple[Stat | None, list[dict]]:
            return kept.read(number - 1)

        def summary_of(rows: list[dict]) -> T:
            return kept.summary_of(rows, summarise)

        try:
            return cache.parts(key, stats, read, summary_of, merge)
        finally:
            kept.save()

    def warm(self) -> None:
        """Wait for the pool's first connections, so the first answer is not the slow one."""
        self.pool.wait()

    # -- internals ----------------------------------------------------------

    def _pages(
        self, campaign_id: str, newest: bool, where: str = "TRUE", params: tuple[Any, ...] = ()
    ) -> Iterator[dict]:
        order, beyond = ("DESC", "<") if newest else ("ASC", ">")
        query = (
            f"SELECT received, body::text FROM answers WHERE campaign = %s AND received {beyond} %s AND {where}"
            f" ORDER BY received {order} LIMIT %s"
        )
        last = 2**63 - 1 if newest else 0
        size = FIRST_PAGE if newest else PAGE
        while True:
            with self.pool.connection() as conn:
                rows: list[TupleRow] = conn.execute(query.encode(), (campaign_id, last, *params, size)).fetchall()
            for row in rows:
                yield _decode(row[1])[0]
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
                plain = conn.execute("SELECT survey_plain_characters()").fetchone()
            agree = [ord(c) for c, folded in rows if folded == fold(c)]
            self._plain_agrees[key] = plain is not None and _expanded(plain[0]) <= set(agree)
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


def _expanded(bracket: str) -> set[int]:
    """The code points of the inside of a regex bracket expression made of characters and
    ``a-z`` ranges (``survey_plain_characters()``)."""
    points: set[int] = set()
    i = 0
    while i < len(bracket):
        if i + 2 < len(bracket) and bracket[i + 1] == "-":
            points.update(range(ord(bracket[i]), ord(bracket[i + 2]) + 1))
            i += 3
        else:
            points.add(ord(bracket[i]))
            i += 1
    return points


def _bracket(point: int) -> str:
    c = chr(point)
    return "\\" + c if c in "\\]^-[" else c


class _Rows(list):
    """A part's answers as read, with the part and version they were read at."""

    def __init__(self, part: int, version: int, answers: list[dict]) -> None:
        super().__init__(answers)
        self.part, self.version = part, version


class _Kept(list):
    """A part's summary found in ``answer_summaries``: no answer read (an empty list to
    ``PartsCache``, which hands it to ``summary_of``)."""

    def __init__(self, summary: Any) -> None:
        super().__init__()
        self.summary = summary


class _KeptSummaries(Generic[T]):
    """The parts ``partials`` must summarise again, for one call: their summaries are looked
    for in ``answer_summaries`` first (one query for a few parts; after ``BULK`` misses, one
    query for every kept summary of the key), else read and summarised, then saved."""

    BULK = 3
    SAVE_EVERY = 50

    def __init__(self, pool: ConnectionPool, campaign_id: str, key: str, versions: dict[int, int]) -> None:
        self.pool, self.campaign_id, self.key, self.versions = pool, campaign_id, key, versions
        self.misses = 0
        self.loaded: dict[int, tuple[int, Any]] | None = None
        self.made: list[tuple[int, int, Any]] = []

    def read(self, part: int) -> tuple[Stat | None, list[dict]]:
        with self.pool.connection() as conn:
            found = self._stored(conn, part)
            if found is not None:
                return cast(Stat, found[0]), _Kept(found[1])
            # The version and the rows in one statement: one snapshot, so the summary is
            # exactly of the version it is kept under.
            rows = conn.execute(
                "SELECT p.version, a.body::text FROM"
                " (SELECT sum(version) AS version FROM answer_parts WHERE campaign = %s AND part = %s) p"
                " LEFT JOIN answers a ON a.campaign = %s AND a.part = %s ORDER BY a.received",
                (self.campaign_id, part, self.campaign_id, part),
            ).fetchall()
        if not rows or rows[0][0] is None:
            return None, []
        version = int(rows[0][0])
        return cast(Stat, version), _Rows(part, version, [_decode(r[1])[0] for r in rows if r[1] is not None])

    def _stored(self, conn: psycopg.Connection, part: int) -> tuple[int, Any] | None:
        """The kept summary of ``part`` if it was made from the version ``partials`` read
        (if the part changed since, the next call finds the new version and reads it)."""
        self.misses += 1
        if self.loaded is None and self.misses > self.BULK:
            self.loaded = summaries.stored(conn, self.campaign_id, self.key, None)
        if self.loaded is not None:
            kept = self.loaded.get(part)
        else:
            kept = summaries.stored(conn, self.campaign_id, self.key, [part]).get(part)
        return kept if kept is not None and kept[0] == self.versions.get(part) else None

    def summary_of(self, rows: list[dict], summarise: Callable[[list[dict]], T]) -> T:
        if isinstance(rows, _Kept):
            return cast(T, rows.summary)
        summary = summarise(rows)
        if isinstance(rows, _Rows):
            self.made.append((rows.part, rows.version, summary))
            if len(self.made) >= self.SAVE_EVERY:  # a first reading cut short keeps what it made
                self.save()
        return summary

    def save(self) -> None:
        if self.made:
            with self.pool.connection() as conn:
                summaries.keep(conn, self.campaign_id, self.key, self.made)
            self.made = []
