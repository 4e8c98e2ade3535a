"""Answers, stored so that an acknowledged answer is never lost.

Layout: ``<data>/answers/<campaign>/000001.json``, ``000002.json``… Each file
is a TinyDB database of at most ``chunk_size`` answers. An insert rewrites only
the last file (atomically), so saving costs the same whether the campaign
holds ten answers or a million, and other campaigns cost nothing.

Concurrency: one flock per campaign (other processes: a second worker, the
CLI) and one thread at a time per campaign inside this process. Answers that
arrive while a write is under way are written together by the next writer
(group commit), so throughput grows with load instead of queueing on fsync.

Idempotency: the answer id is fixed when the form opens. The same id with the
same content is "already stored"; with other content it is a conflict. The
index ``answer id -> chunk`` (``answer_index.IdIndex``, saved in ``.id-index``)
says which chunk to read to find out; writes start from the file on disk, or
from the content this process wrote into the last chunk when nothing touched it
since (same generation, same stat: ``_Campaign.tail``).

Seeing other processes' writes without looking at every chunk: every write
first replaces the 16 random bytes held by ``.lock`` (under the exclusive
flock taken on that same file, before touching a chunk). A process that finds the bytes it last saw
knows nothing changed; otherwise the lock file's list of the last writes names the chunks to
look at again (two server processes taking turns), or, when it no longer does, it lists the
folder and re-reads the chunks whose (inode, size, mtime) changed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import operator
import os
import re
import struct
import threading
from array import array
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from tinydb import Query, TinyDB

from ..model.errors import SurveyError
from . import atomic
from .answer_index import IdIndex, Stat
from .atomic import AtomicJSONStorage, atomic_write_bytes, dumps, read_json, remove_stale_temp_files
from .locks import file_lock
from .parts_cache import BLOCK as PARTS_BLOCK
from .parts_cache import PartsCache
from .records import replaced_by
from .search_text import (
    ChunkTexts,
    ChunkTrigrams,
    answer_spans,
    forget_text,
    matching_lines,
    remove_stale_texts,
)

TABLE = "answers"
T = TypeVar("T")
_CHUNK = re.compile(r"^(\d{6})\.json$")
_CAMPAIGN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LOCK = ".lock"  # the flock's file; its content is the generation: 16 random bytes replaced by every write
# After the generation, the lock file remembers the last CHANGES writes: (generation, chunk number)
# each, in a ring (the next slot's number first), so that a process that saw an older generation
# looks again at those chunks only, not at the folder's 10 000 (chunk 0: unknown, list the folder).
CHANGES = 256
_CHANGE = struct.Struct("<16sI")
_RING_AT = 20  # 16 bytes of generation, 4 of the next slot
_LOCK_SIZE = _RING_AT + CHANGES * _CHANGE.size
# A page that starts within this many chunks' worth of answers from the newest reads them rather
# than keep counts per chunk (``iter_newest_matching``): up to 10 chunks, a few milliseconds.
DEEP_PAGE = 10
INDEX = ".id-index"  # answer_index.IdIndex.to_bytes()
# Chunks re-read or written since the index file was saved before it is saved again (or 5 % of
# the chunks if more: at a million answers a save costs 0.16 s, a start-up re-reading 500 chunks 0.3 s).
SAVE_AFTER = 50
# What makes two submissions "the same answer": not the server's timestamps.
FINGERPRINT_KEYS = (
    "campaign",
    "questionnaire",
    "version",
    "channel",
    "answers",
    "session",
    "consent_display",
    "consent_report",
    "first_name",
    "age_band",
    "quartier",
)


class AnswerConflict(SurveyError):
    """The same answer id was already stored with other content (``answer_id``)."""

    status = 409

    def __init__(self, answer_id: str) -> None:
        super().__init__("Une autre réponse a déjà été enregistrée avec le même identifiant.")
        self.answer_id = answer_id


def fingerprint(answer: dict) -> str:
    canonical = json.dumps(
        {k: answer.get(k) for k in FINGERPRINT_KEYS}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=12).hexdigest()


def chunk_name(number: int) -> str:
    return f"{number:06d}.json"


def chunk_docs(data: dict | None) -> list[dict]:
    """The answers of a chunk's content, in stored order."""
    docs = (data or {}).get(TABLE, {})
    return [docs[k] for k in sorted(docs, key=int)]


def chunk_bytes(path: Path) -> tuple[Stat, bytes]:
    """A chunk file's stat and bytes, of the same file (a rename in between cannot mix them):
    a search parses from them only the answers it needs."""
    with open(path, "rb") as handle:
        return stat_key(os.fstat(handle.fileno())), handle.read()


def with_inserted(data: dict, answers: list[dict]) -> dict:
    """A chunk's content with ``answers`` added as TinyDB's ``insert_multiple`` adds them (ids
    after the largest, as strings, at the end), without TinyDB's re-reading the file several
    times: the bytes written are the same, and TinyDB still reads the chunk. ``data`` is left
    as it was."""
    table = dict(data.get(TABLE, {}))
    first = max(map(int, table), default=0) + 1
    for offset, answer in enumerate(answers):
        table[str(first + offset)] = dict(answer)
    return {**data, TABLE: table}


def appended_bytes(encoded: bytes, data: dict, answers: list[dict]) -> bytes | None:
    """``dumps(with_inserted(data, answers))``, made from ``encoded`` (``dumps(data)``) without
    encoding the whole chunk again; None when the answers' table is not ``data``'s last key."""
    table = data.get(TABLE)
    if not table or next(reversed(data)) != TABLE or not encoded.endswith(b"}}"):
        return None
    first = max(map(int, table)) + 1
    added = b"".join(b',"%d":%s' % (first + offset, dumps(answer)) for offset, answer in enumerate(answers))
    return encoded[:-2] + added + b"}}"


def stat_key(st: os.stat_result) -> Stat:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_generation(folder: Path) -> bytes | None:
    try:
        with open(folder / LOCK, "rb") as handle:
            return handle.read(16) or None
    except FileNotFoundError:
        return None


def bump_generation(folder: Path, number: int = 0) -> bytes:
    """Tell other processes that chunk ``number`` of this campaign is about to change (0: any
    chunk; they will list the folder).

    Called under the exclusive flock before a chunk is written (so a writer killed in
    between only costs the others one look at that chunk). Not fsynced: after a power
    cut every process starts afresh and checks each chunk's stat against the index file.
    Anything that writes chunks itself (a restore, a benchmark's builder) calls this too.
    """
    token = os.urandom(16)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        raw = os.pread(fd, _LOCK_SIZE, 0)
        ring = bytearray(raw[_RING_AT:] if len(raw) == _LOCK_SIZE else bytes(_LOCK_SIZE - _RING_AT))
        slot = int.from_bytes(raw[16:_RING_AT], "little") % CHANGES if len(raw) == _LOCK_SIZE else 0
        _CHANGE.pack_into(ring, slot * _CHANGE.size, token, number)
        os.pwrite(fd, token + ((slot + 1) % CHANGES).to_bytes(4, "little") + ring, 0)  # one write
    finally:
        os.close(fd)
    return token


def written_since(folder: Path, seen: bytes) -> tuple[bytes | None, set[int] | None]:
    """(the generation now, the chunks written since generation ``seen``), from the lock file
    (caller holds an flock); None for the chunks when they are not all known: ``seen`` is no
    longer remembered, a write named no chunk, or a writer bumped only the first 16 bytes."""
    try:
        with open(folder / LOCK, "rb") as handle:
            raw = handle.read(_LOCK_SIZE + 1)
    except FileNotFoundError:
        return None, None
    generation = raw[:16] or None
    if len(raw) != _LOCK_SIZE:
        return generation, None
    slot = int.from_bytes(raw[16:_RING_AT], "little") % CHANGES
    at = _RING_AT + slot * _CHANGE.size
    changes = list(_CHANGE.iter_unpack(raw[at:] + raw[_RING_AT:at]))  # oldest first
    if changes[-1][0] != generation:
        return generation, None
    for k in range(len(changes) - 2, -1, -1):
        if changes[k][0] == seen:
            numbers = {number for _, number in changes[k + 1 :]}
            return generation, None if 0 in numbers else numbers
    return generation, None


@dataclass
class _Request:
    answer: dict
    done: bool = False
    created: bool = False
    error: Exception | None = None


@dataclass
class _Campaign:
    """What this process knows of one campaign's folder."""

    parts: PartsCache
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    queue_lock: threading.Lock = field(default_factory=threading.Lock)
    pending: list = field(default_factory=list)
    index: IdIndex | None = None  # None: not loaded yet (or forgotten after a failed write)
    generation: bytes | None = None  # the lock file's bytes when ``index`` was last brought up to date
    unsaved: set = field(default_factory=set)  # chunk numbers re-read or written since the index file was saved
    # (chunk number, generation, stat, content, its bytes) of the chunk this process wrote last:
    # the next batch appends to it without reading, parsing and encoding it again (``_chunk_content``).
    tail: tuple | None = None
    # fold key -> the search's word filter (``search_text.ChunkTrigrams``), loaded on the first search
    trigrams: dict = field(default_factory=dict)
    # ((index token, changes), [(chunk number, stat)…] newest first): what a search walks, made
    # again only when the index changed (10 000 pairs at a million answers: 6 ms a search)
    newest_stats: tuple | None = None


@dataclass
class _FoundChunk:
    """A chunk that may hold a search's words: the answers (by position) whose line of its folded
    text holds them (None: every answer), and its answers, parsed whole, or one by one from the
    chunk's bytes where ``spans`` (``search_text.answer_spans``) says they lie."""

    count: int
    hits: list[int] | None = None
    docs: list[dict] | None = None
    raw: bytes = b""
    spans: list[int] | None = None

    def doc(self, k: int) -> dict:
        if self.docs is None and self.spans is not None:
            return json.loads(self.raw[self.spans[2 * k] : self.spans[2 * k + 1]])
        return self.all()[k]

    def all(self) -> list[dict]:
        if self.docs is None:
            self.docs = chunk_docs(json.loads(self.raw) if self.raw.strip() else None)
        return self.docs


class ChunkedAnswerStore:
    """The local answer store: implements ``interfaces.AnswerStore``, the interface a
    PostgreSQL backend implements for a hosted instance."""

    def __init__(self, folder: Path, chunk_size: int = 100, parts_block: int = PARTS_BLOCK):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.chunk_size = chunk_size
        self.parts_block = parts_block
        self._campaigns: dict[str, _Campaign] = {}
        self._registry_lock = threading.Lock()

    # -- public interface -------------------------------------------------

    def add(self, answer: dict, held: dict[str, int] | None = None) -> bool:
        """Store an answer durably. True if new, False if already stored.

        Raises AnswerConflict when the id is stored with other content. ``held`` is always None
        here (the files' looks are never provisional).
        """
        campaign_id = answer["campaign"]
        state = self._state(campaign_id)
        request = _Request(dict(answer, fingerprint=fingerprint(answer)))
        with state.queue_lock:
            state.pending.append(request)
        with state.write_lock:
            if not request.done:
                with state.queue_lock:
                    batch, state.pending = state.pending, []
                self._write_batch(campaign_id, state, batch)
        if request.error is not None:
            raise request.error
        return request.created

    def get(self, campaign_id: str, answer_id: str) -> dict | None:
        """One answer: the index names its chunk, and only that chunk is read."""
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            index = self._sync(campaign_id, state)
            found = self._find(campaign_id, index, answer_id, {})
        return found[1] if found else None

    def count(self, campaign_id: str) -> int:
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            return self._sync(campaign_id, state).total

    def chunk_numbers(self, campaign_id: str) -> list[int]:
        """The campaign's chunk numbers, ascending, from the index (no folder listing when
        nothing was written since the last look)."""
        if not self._dir(campaign_id).is_dir():
            return []
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            return list(self._sync(campaign_id, state).numbers)

    def read_chunk(self, campaign_id: str, number: int) -> list[dict]:
        """The answers of one chunk, in stored order (empty if it is gone)."""
        with self._lock(campaign_id, shared=True):
            return chunk_docs(read_json(self._dir(campaign_id) / chunk_name(number)))

    def iter_answers(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of a campaign, oldest first, one chunk in memory at a time."""
        for number in self.chunk_numbers(campaign_id):
            yield from self.read_chunk(campaign_id, number)

    def iter_newest(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of a campaign, newest stored first, read one chunk at a time from the
        last: a page of the newest answers reads only the last chunks."""
        for number in reversed(self.chunk_numbers(campaign_id)):
            yield from reversed(self.read_chunk(campaign_id, number))

    def iter_newest_matching(
        self, campaign_id: str, key: str, test: Callable[[dict], bool], skip: int = 0
    ) -> Iterator[dict]:
        """The answers that pass ``test``, newest first, less the first ``skip`` of them: a deep
        page of a list starts reading at the chunk that holds its first answer. How many answers
        of each chunk pass ``test`` (named by ``key``, as for ``partials``) is kept by
        ``partials``, merged as one array per campaign; the chunks newer than the page are not
        opened. A skip within the newest ``DEEP_PAGE`` chunks reads from the newest end, counting
        nothing: the counts' first reading is every chunk (once per key, as the first dashboard)."""
        if skip < DEEP_PAGE * self.chunk_size:
            yield from islice(filter(test, self.iter_newest(campaign_id)), skip, None)
            return

        def passing(docs: list[dict]) -> array:
            return array("I", [sum(1 for d in docs if test(d))])

        parts = self.partials(campaign_id, f"positions/{key}", passing, operator.add)
        numbers = self.chunk_numbers(campaign_id)
        counts = parts[0] if parts else array("I")
        if len(counts) != len(numbers):  # a chunk came or went in between: count while reading
            yield from islice(filter(test, self.iter_newest(campaign_id)), skip, None)
            return
        position = len(numbers)
        while position and counts[position - 1] <= skip:
            position -= 1
            skip -= counts[position]
        for number in reversed(numbers[:position]):
            for doc in reversed(self.read_chunk(campaign_id, number)):
                if test(doc):
                    if skip:
                        skip -= 1
                        continue
                    yield doc

    def iter_newest_containing(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[dict]:
        """``iter_newest``, skipping the chunks where some word cannot occur: at least every
        answer whose free texts (the strings of its ``answers``, joined by a space, then
        ``fold``) contain every one of ``words`` (already folded, without spaces); the caller
        still tests each answer. Each chunk's folded text is kept in ``.texts/`` beside the
        chunks (``search_text.ChunkTexts``) and made again when the chunk's stat changed, so a
        search after the first reads small text files, and whole chunks only where it may find
        something. ``key`` names ``fold`` (with its version), as for ``partials``."""
        for chunk in self._chunks_containing(campaign_id, words, fold, key):
            yield from reversed(chunk.all())

    def iter_newest_found(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[tuple[int, dict | None]]:
        """``iter_newest_containing`` answer by answer: of the chunks it opens, only the answers
        whose own line of the kept text holds every word (parsed alone from the chunk's bytes
        when the text file says where each lies), each with how many answers of those chunks
        were passed to reach it (itself included), and at the end of a chunk the answers passed
        since (with None), so that a search bounds its count ahead exactly as if it had been
        given them all, without testing the others."""
        for chunk in self._chunks_containing(campaign_id, words, fold, key):
            above = chunk.count  # answers from ``above`` up are passed
            for k in reversed(range(chunk.count) if chunk.hits is None else chunk.hits):
                yield above - k, chunk.doc(k)
                above = k
            if above:
                yield above, None

    def _chunks_containing(
        self, campaign_id: str, words: Sequence[str], fold: Callable[[str], str], key: str
    ) -> Iterator[_FoundChunk]:
        """Newest first, the chunks that may hold every word (all of them with no word), with
        the answers whose line of the chunk's folded text holds them when there are words."""
        wanted = [w for w in words if w]
        if not self._dir(campaign_id).is_dir():
            return
        if not wanted:
            for number in reversed(self.chunk_numbers(campaign_id)):
                docs = self.read_chunk(campaign_id, number)
                yield _FoundChunk(len(docs), docs=docs)
            return
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            index = self._sync(campaign_id, state)
            seen = (index.token, index.changes)
            if state.newest_stats is None or state.newest_stats[0] != seen:
                state.newest_stats = (seen, [(n, index.chunks[n].stat) for n in reversed(index.numbers)])
            stats = state.newest_stats[1]
            texts = ChunkTexts(self._dir(campaign_id), key, fold)
            trigrams = state.trigrams.get(key)
            if trigrams is None:
                trigrams = state.trigrams[key] = ChunkTrigrams(texts)
        wanted_bytes = [w.encode("utf-8") for w in wanted]
        trigrams.ensure(stats)
        # A chunk covered by the filter for its current stat, whose bit is not set, cannot
        # hold every word: skipped without opening its text (None: words too short to filter).
        found = trigrams.candidates(wanted_bytes)
        folder = self._dir(campaign_id)
        for number, st in stats:
            if found is not None and found.rules_out(number, st):
                continue
            kept = texts.text_and_spans(number, st)
            text, spans = kept if kept is not None else (None, None)
            if text is not None:
                trigrams.add(number, st, text)
                if not all(w in text for w in wanted_bytes):
                    continue
            path = folder / chunk_name(number)
            chunk = None
            if text is not None and spans is not None:  # no lock: the bytes and stat of one file
                try:
                    st_now, raw = chunk_bytes(path)
                except FileNotFoundError:
                    continue
                if st_now == st:
                    chunk = _FoundChunk(len(spans) // 2, raw=raw, spans=spans)
            if chunk is None:  # under the lock: a change's removal of the text cannot come between
                with self._lock(campaign_id, shared=True):
                    try:
                        st_now, raw = chunk_bytes(path)
                    except FileNotFoundError:
                        continue
                    data = json.loads(raw) if raw.strip() else None
                    docs = chunk_docs(data)
                    chunk = _FoundChunk(len(docs), docs=docs)
                    if text is None or st_now != st:  # the text of these very answers, line by line
                        table = data.get(TABLE) if isinstance(data, dict) and list(data) == [TABLE] else None
                        spans = answer_spans(raw, table) if isinstance(table, dict) else None
                        text = texts.remember(number, st_now, docs, spans)
                        trigrams.add(number, st_now, text)
            assert text is not None  # the lock-free read needs a kept text; the locked one makes it
            if all(w in text for w in wanted_bytes):
                if text.count(b"\n") + 1 == chunk.count:  # one line per answer
                    chunk.hits = matching_lines(text, wanted_bytes)
                yield chunk

    def partials(
        self,
        campaign_id: str,
        key: str,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        """``summarise`` applied to each part of the campaign's answers, in stored order.

        The caller merges the parts (counts add up). ``key`` names what ``summarise``
        computes (with its parameters): a chunk whose (inode, size, mtime) did not change
        since the last call with the same key is served from memory. With ``merge`` (which
        must return a new value and leave its arguments alone, as ``Counter.__add__``), the
        parts of whole blocks of older chunks are kept merged, so the memory kept per key
        stays small, and one part comes back: the whole campaign's, kept until an answer
        changes (``parts_cache``). The parts returned are the cached ones: the caller must
        not change them."""
        if not self._dir(campaign_id).is_dir():
            return []
        state = self._state(campaign_id)

        def read_locked(number: int) -> tuple[Stat | None, list[dict]]:
            path = self._dir(campaign_id) / chunk_name(number)
            try:
                st = stat_key(os.stat(path))
            except FileNotFoundError:
                return None, []
            return st, chunk_docs(read_json(path))

        def read(number: int) -> tuple[Stat | None, list[dict]]:
            with self._lock(campaign_id, shared=True):
                return read_locked(number)

        with state.write_lock, self._lock(campaign_id, shared=True):
            index = self._sync(campaign_id, state)
            # Nothing or a few chunks changed since this key was last asked: brought up to
            # date here, in the time of those chunks (under the locks, so nobody writes meanwhile).
            quick = state.parts.quick(key, index, read_locked, summarise, merge)
            if quick is not None:
                return quick
            stats = [(n, index.chunks[n].stat) for n in index.numbers]
            seen = (index.token, index.changes)
        return state.parts.parts(key, stats, read, summarise, merge, seen)

    def change(self, campaign_id: str, answer_id: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one stored answer as one operation (tags, hidden flag…).

        Under the campaign's thread lock and flock, ``fn`` gets a copy of the answer as on
        disk and changes it in place or returns the new answer; its id and fingerprint stay.
        Returns the answer as stored, None if absent. An exception raised by ``fn`` leaves
        the answer as it was and reaches the caller.
        """
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id):
            index = self._sync(campaign_id, state)
            found = self._find(campaign_id, index, answer_id, {})
            if found is None:
                return None
            number = found[0]
            path = self._dir(campaign_id) / chunk_name(number)
            db = TinyDB(path, storage=AtomicJSONStorage)
            table = db.table(TABLE, cache_size=0)
            doc = table.get(Query().id == answer_id)
            result = None
            if doc is not None:
                working = copy.deepcopy(dict(doc))
                returned = fn(working)
                result = dict(working if returned is None else returned, id=answer_id)
                if "fingerprint" in doc:  # what a resent copy is compared with: the content as sent
                    result["fingerprint"] = doc["fingerprint"]
                if result != dict(doc):
                    self._will_write(campaign_id, state, number)
                    table.update(replaced_by(result), doc_ids=[doc.doc_id])  # one atomic write
                    forget_text(self._dir(campaign_id), number)
            db.close()
            self._reindex(campaign_id, state, number)
            return result

    # The former name, kept for callers not yet moved to ``change``.
    update = change

    def delete(self, campaign_id: str, answer_id: str) -> bool:
        return self.delete_many(campaign_id, [answer_id]) == 1

    def delete_many(self, campaign_id: str, answer_ids: Iterable[str]) -> int:
        """Delete answers (a purge, a request); one rewrite per chunk touched. Returns how many."""
        wanted = set(answer_ids)
        if not wanted:
            return 0
        state = self._state(campaign_id)
        deleted = 0
        with state.write_lock, self._lock(campaign_id):
            index = self._sync(campaign_id, state)
            by_chunk: dict[int, list[str]] = {}
            for answer_id in wanted:
                for number in index.candidates(answer_id):
                    by_chunk.setdefault(number, []).append(answer_id)
            for number, ids in sorted(by_chunk.items()):
                path = self._dir(campaign_id) / chunk_name(number)
                db = TinyDB(path, storage=AtomicJSONStorage)
                self._will_write(campaign_id, state, number)
                deleted += len(db.table(TABLE, cache_size=0).remove(Query().id.one_of(ids)))
                db.close()
                forget_text(self._dir(campaign_id), number)
                self._reindex(campaign_id, state, number)
        return deleted

    def warm(self) -> None:
        """Load every campaign's index now (from its file, checked against the chunks'
        stats), so the first answer is not the slow one."""
        for campaign_id in self.campaigns():
            self.count(campaign_id)

    def campaigns(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir() and _CAMPAIGN.match(p.name))

    # -- internals --------------------------------------------------------

    def _dir(self, campaign_id: str) -> Path:
        if not _CAMPAIGN.match(campaign_id):
            raise ValueError(f"identifiant de campagne invalide : {campaign_id!r}")
        return self.folder / campaign_id

    def _lock(self, campaign_id: str, shared: bool = False) -> AbstractContextManager[None]:
        folder = self._dir(campaign_id)
        folder.mkdir(exist_ok=True)
        return file_lock(folder / LOCK, shared=shared)

    def _state(self, campaign_id: str) -> _Campaign:
        with self._registry_lock:
            state = self._campaigns.get(campaign_id)
            if state is None:
                state = self._campaigns[campaign_id] = _Campaign(parts=PartsCache(self.parts_block))
                folder = self._dir(campaign_id)
                if folder.is_dir():
                    with file_lock(folder / LOCK):
                        remove_stale_temp_files(folder)
                        remove_stale_texts(folder)
                        if read_generation(folder) is None:  # a folder from before the generation
                            bump_generation(folder)
            return state

    def _sync(self, campaign_id: str, state: _Campaign) -> IdIndex:
        """The campaign's index, up to date with the folder (caller holds the thread lock and
        an flock). When the lock file still holds the bytes seen last time, nothing was
        written since: no listing, no stat. Otherwise the index file is loaded if needed, and
        the chunks whose stat differs from the index are re-read."""
        folder = self._dir(campaign_id)
        generation = read_generation(folder)
        if state.index is not None and generation is not None and generation == state.generation:
            return state.index
        if state.index is not None and state.generation is not None:
            # Another process wrote: the lock file names the chunks, if it still remembers them all.
            generation, written = written_since(folder, state.generation)
            if generation is not None and written is not None:
                last = None
                for number in sorted(written):
                    last = self._restat(folder, state, number)
                state.generation = generation
                if last is not None and last[0] == state.index.last():
                    # the chunk the next save appends to, as just read: it is not parsed twice
                    state.tail = (last[0], generation, *last[1:])
                self._save_if_due(folder, state)
                return state.index
        if state.index is None:
            state.index = self._load_index(folder)
            state.unsaved.clear()
        index = state.index
        seen = set()
        with os.scandir(folder) as entries:
            for item in entries:
                if not _CHUNK.match(item.name):
                    continue
                number = int(item.name[:6])
                seen.add(number)
                try:
                    st = stat_key(item.stat(follow_symlinks=False))
                except FileNotFoundError:
                    continue
                if index.stat(number) != st:
                    index.put(number, st, [d["id"] for d in chunk_docs(read_json(folder / item.name))])
                    state.unsaved.add(number)
        for number in [n for n in index.numbers if n not in seen]:
            index.drop(number)
            state.unsaved.add(number)
        state.generation = generation
        self._save_if_due(folder, state)
        return index

    @staticmethod
    def _restat(folder: Path, state: _Campaign, number: int) -> tuple | None:
        """Bring the index up to date with chunk ``number`` as on disk (caller holds an flock).
        When the chunk was read: (number, stat, content, bytes), the bytes only when they are
        TinyDB's layout (``{"answers":{…}}`` and nothing else), which ``appended_bytes`` extends."""
        assert state.index is not None
        path = folder / chunk_name(number)
        try:
            st = stat_key(os.stat(path))
            raw = path.read_bytes() if state.index.stat(number) != st else None
        except FileNotFoundError:
            if state.index.stat(number) is not None:
                state.index.drop(number)
                state.unsaved.add(number)
            return None
        if raw is None:
            return None
        data = json.loads(raw) if raw.strip() else None
        state.index.put(number, st, [d["id"] for d in chunk_docs(data)])
        state.unsaved.add(number)
        if not isinstance(data, dict) or list(data) != [TABLE]:
            return None
        return number, st, data, raw if raw.startswith(b'{"%s":{' % TABLE.encode()) else None

    @staticmethod
    def _load_index(folder: Path) -> IdIndex:
        try:
            raw = (folder / INDEX).read_bytes()
        except FileNotFoundError:
            return IdIndex()
        return IdIndex.from_bytes(raw) or IdIndex()

    @staticmethod
    def _save_if_due(folder: Path, state: _Campaign) -> None:
        """Save the index beside the chunks once enough chunks changed since the last save
        (caller holds the thread lock and an flock). Any saved index is consistent: each
        chunk's ids go with the stat they were read under, and loading re-checks the stats."""
        if state.index is None or len(state.unsaved) < max(1, SAVE_AFTER, len(state.index.numbers) // 20):
            return
        try:
            atomic_write_bytes(folder / INDEX, state.index.to_bytes())
        except OSError:  # only a shortcut for the next start: the chunks are what counts
            return
        state.unsaved.clear()

    def _will_write(self, campaign_id: str, state: _Campaign, number: int) -> None:
        """About to change chunk ``number`` (caller holds the exclusive flock): tell the others first."""
        state.generation = bump_generation(self._dir(campaign_id), number)

    def _reindex(self, campaign_id: str, state: _Campaign, number: int) -> None:
        """Chunk ``number`` was (perhaps) just rewritten by this process: read it again."""
        assert state.index is not None
        path = self._dir(campaign_id) / chunk_name(number)
        try:
            st = stat_key(os.stat(path))
        except FileNotFoundError:
            state.index.drop(number)
            return
        if state.index.stat(number) != st:
            state.index.put(number, st, [d["id"] for d in chunk_docs(read_json(path))])
            state.unsaved.add(number)
            self._save_if_due(path.parent, state)

    def _find(
        self, campaign_id: str, index: IdIndex, answer_id: str, read: dict[int, list[dict]]
    ) -> tuple[int, dict] | None:
        """(chunk number, answer) for a stored id, confirmed by reading its chunk (``read``
        keeps the chunks already read in this operation)."""
        for number in index.candidates(answer_id):
            if number not in read:
                read[number] = chunk_docs(read_json(self._dir(campaign_id) / chunk_name(number)))
            for doc in read[number]:
                if doc.get("id") == answer_id:
                    return number, doc
        return None

    @staticmethod
    def _chunk_content(state: _Campaign, number: int, path: Path) -> tuple[dict, bytes | None]:
        """The content of chunk ``number`` before appending to it (caller holds the exclusive
        flock, after ``_sync``): what this process wrote last if the lock file still holds the
        generation of that write and the file the stat it had (nobody wrote since, not even
        a tool that forgot to bump the generation), with the bytes written (or, after another
        process wrote it, as ``_sync`` read them); otherwise the file, read and parsed (and no
        bytes: it is encoded again)."""
        tail = state.tail
        if tail is not None and tail[0] == number and tail[1] == state.generation:
            try:
                if stat_key(os.stat(path)) == tail[2]:
                    return tail[3], tail[4]
            except FileNotFoundError:
                pass
        return read_json(path) or {TABLE: {}}, None

    def _write_batch(self, campaign_id: str, state: _Campaign, batch: list[_Request]) -> None:
        try:
            with self._lock(campaign_id):
                index = self._sync(campaign_id, state)
                folder = self._dir(campaign_id)
                fresh: list[_Request] = []
                batch_ids: dict[str, _Request] = {}
                read: dict[int, list[dict]] = {}
                for request in batch:
                    answer = request.answer
                    twin = batch_ids.get(answer["id"])
                    if twin is not None:
                        stored = twin.answer["fingerprint"]
                    else:
                        found = self._find(campaign_id, index, answer["id"], read)
                        stored = found[1].get("fingerprint") if found is not None else None
                    if twin is not None or stored is not None:
                        if stored != answer["fingerprint"]:
                            request.error = AnswerConflict(answer["id"])
                        continue
                    batch_ids[answer["id"]] = request
                    fresh.append(request)
                number = index.last() or 1
                while fresh:
                    path = folder / chunk_name(number)
                    data, encoded = self._chunk_content(state, number, path)
                    tail = state.tail  # what this process wrote last: ``encoded`` comes from it
                    was = tail[2] if encoded is not None and tail is not None else None
                    room = self.chunk_size - len(data.get(TABLE, {}))
                    if room <= 0:
                        number += 1
                        continue
                    part, fresh = fresh[:room], fresh[room:]
                    answers = [r.answer for r in part]
                    working = with_inserted(data, answers)
                    raw = (encoded and appended_bytes(encoded, data, answers)) or dumps(working)
                    self._will_write(campaign_id, state, number)
                    state.tail = None
                    atomic.atomic_write_bytes(path, raw)  # through the module, as TinyDB's storage: one place to fail
                    for r in part:
                        r.created = True
                    st = stat_key(os.stat(path))
                    if was is not None and index.stat(number) == was:
                        # appended to what this process wrote last, as the index has it: add the new ids
                        index.extend(number, st, [a["id"] for a in answers])
                    else:
                        index.put(number, st, [d["id"] for d in working[TABLE].values()])
                    state.unsaved.add(number)
                    state.tail = (number, state.generation, st, working, raw)
                self._save_if_due(folder, state)
        except Exception as exc:  # disk full, permissions…: nobody in the batch is acknowledged
            for request in batch:
                if request.error is None:
                    request.error = exc
                request.created = False
            state.index = None  # start again from the index file and the chunks' stats
            state.generation = None
            state.tail = None
        finally:
            for request in batch:
                request.done = True
