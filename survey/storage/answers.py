"""Answers, stored so that an acknowledged answer is never lost.

Layout: ``<data>/answers/<campaign>/000001.json``, ``000002.json``… Each file
is a TinyDB database of at most ``chunk_size`` answers. An insert rewrites only
the last file (atomically), so saving costs the same whether the campaign
holds ten answers or fifty thousand, and other campaigns cost nothing.

Concurrency: one flock per campaign (other processes: a second worker, the
CLI) and one thread at a time per campaign inside this process. Answers that
arrive while a write is under way are written together by the next writer
(group commit), so throughput grows with load instead of queueing on fsync.

Idempotency: the answer id is fixed when the form opens. The same id with the
same content is "already stored"; with other content it is a conflict. An
index ``answer id -> (chunk, digest)`` per campaign is rebuilt from any chunk
whose (inode, size, mtime) changed, so writes by other processes are seen.
Writes always start from the file on disk, never from a cache.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from tinydb import Query
from tinydb import TinyDB

from .atomic import AtomicJSONStorage
from .atomic import read_json
from .atomic import remove_stale_temp_files
from .locks import file_lock
from .records import replaced_by

TABLE = "answers"
T = TypeVar("T")
_CHUNK = re.compile(r"^(\d{6})\.json$")
_CAMPAIGN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
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


class AnswerConflict(Exception):
    """The same answer id was already stored with other content."""


def fingerprint(answer: dict) -> str:
    canonical = json.dumps(
        {k: answer.get(k) for k in FINGERPRINT_KEYS}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=12).hexdigest()


@dataclass
class _Request:
    answer: dict
    done: bool = False
    created: bool = False
    error: Exception | None = None


@dataclass
class _Campaign:
    """What this process knows of one campaign's folder."""

    write_lock: threading.Lock = field(default_factory=threading.Lock)
    queue_lock: threading.Lock = field(default_factory=threading.Lock)
    pending: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # chunk name -> (ino, size, mtime_ns)
    chunk_ids: dict = field(default_factory=dict)  # chunk name -> {answer id: digest}
    where: dict = field(default_factory=dict)  # answer id -> chunk name
    sealed_before: str = ""  # chunks named below this were already full at the last look


class ChunkedAnswerStore:
    """The local answer store: implements ``interfaces.AnswerStore``, the interface a
    PostgreSQL backend implements for a hosted instance."""

    def __init__(self, folder: Path, chunk_size: int = 100):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.chunk_size = chunk_size
        self._campaigns: dict[str, _Campaign] = {}
        self._registry_lock = threading.Lock()

    # -- public interface -------------------------------------------------

    def add(self, answer: dict) -> bool:
        """Store an answer durably. True if new, False if already stored.

        Raises AnswerConflict when the id is stored with other content.
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
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            self._refresh(campaign_id, state)
            chunk = state.where.get(answer_id)
        if chunk is None:
            return None
        data = read_json(self._dir(campaign_id) / chunk) or {}
        for doc in data.get(TABLE, {}).values():
            if doc.get("id") == answer_id:
                return doc
        return None

    def count(self, campaign_id: str) -> int:
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id, shared=True):
            self._refresh(campaign_id, state)
            return len(state.where)

    def iter_answers(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of a campaign, oldest first, one chunk in memory at a time."""
        folder = self._dir(campaign_id)
        if not folder.is_dir():
            return
        for name in self._chunk_names(folder):
            with self._lock(campaign_id, shared=True):
                data = read_json(folder / name) or {}
            docs = data.get(TABLE, {})
            for key in sorted(docs, key=int):
                yield docs[key]

    def iter_newest(self, campaign_id: str) -> Iterator[dict]:
        """Every answer of a campaign, newest stored first, read one chunk at a time from the
        last: a page of the newest answers reads only the last chunks."""
        folder = self._dir(campaign_id)
        if not folder.is_dir():
            return
        for name in reversed(self._chunk_names(folder)):
            with self._lock(campaign_id, shared=True):
                data = read_json(folder / name) or {}
            docs = data.get(TABLE, {})
            for key in sorted(docs, key=int, reverse=True):
                yield docs[key]

    def partials(self, campaign_id: str, key: str, summarise: Callable[[list[dict]], T]) -> list[T]:
        """``summarise`` applied to each part of the campaign's answers, in stored order.

        The caller merges the parts (counts add up). ``key`` names what ``summarise``
        computes (with its parameters): a part whose answers did not change since the
        last call with the same key may be served from memory instead of re-read."""
        folder = self._dir(campaign_id)
        if not folder.is_dir():
            return []
        parts = []
        for name in self._chunk_names(folder):
            with self._lock(campaign_id, shared=True):
                data = read_json(folder / name) or {}
            docs = data.get(TABLE, {})
            parts.append(summarise([docs[k] for k in sorted(docs, key=int)]))
        return parts

    def change(self, campaign_id: str, answer_id: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one stored answer as one operation (tags, hidden flag…).

        Under the campaign's thread lock and flock, ``fn`` gets a copy of the answer as on
        disk and changes it in place or returns the new answer; its id and fingerprint stay.
        Returns the answer as stored, None if absent. An exception raised by ``fn`` leaves
        the answer as it was and reaches the caller.
        """
        state = self._state(campaign_id)
        with state.write_lock, self._lock(campaign_id):
            self._refresh(campaign_id, state)
            name = state.where.get(answer_id)
            if name is None:
                return None
            path = self._dir(campaign_id) / name
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
                    table.update(replaced_by(result), doc_ids=[doc.doc_id])  # one atomic write
            db.close()
            self._index(state, name, read_json(path) or {}, self._stat_key(path))
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
            self._refresh(campaign_id, state)
            by_chunk: dict[str, list[str]] = {}
            for answer_id in wanted:
                if answer_id in state.where:
                    by_chunk.setdefault(state.where[answer_id], []).append(answer_id)
            for name, ids in sorted(by_chunk.items()):
                path = self._dir(campaign_id) / name
                db = TinyDB(path, storage=AtomicJSONStorage)
                deleted += len(db.table(TABLE, cache_size=0).remove(Query().id.one_of(ids)))
                db.close()
                self._index(state, name, read_json(path) or {}, self._stat_key(path))
        return deleted

    def warm(self) -> None:
        """Build every campaign's index now, so the first answer is not the slow one."""
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
        return file_lock(folder / ".lock", shared=shared)

    def _state(self, campaign_id: str) -> _Campaign:
        with self._registry_lock:
            state = self._campaigns.get(campaign_id)
            if state is None:
                state = self._campaigns[campaign_id] = _Campaign()
                folder = self._dir(campaign_id)
                if folder.is_dir():
                    with file_lock(folder / ".lock"):
                        remove_stale_temp_files(folder)
            return state

    @staticmethod
    def _chunk_names(folder: Path) -> list[str]:
        return sorted(name for name in os.listdir(folder) if _CHUNK.match(name))

    def _refresh(self, campaign_id: str, state: _Campaign, full: bool = True) -> list[str]:
        """Bring the id index up to date with the folder (caller holds the locks).

        Inserts only ever go to the last chunk, so for the write path (``full``
        false) chunks that were already full at the last look are skipped: they
        can only have lost answers (deletions), never gained one. Reads look at all.
        """
        folder = self._dir(campaign_id)
        names = self._chunk_names(folder)
        for gone in set(state.stats) - set(names):
            self._forget(state, gone)
        for name in names:
            if not full and name < state.sealed_before and name in state.stats:
                continue
            st = os.stat(folder / name)
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
            if state.stats.get(name) != key:
                data = read_json(folder / name) or {}
                self._index(state, name, data, key)
        state.sealed_before = names[-1] if names else ""
        return names

    @staticmethod
    def _forget(state: _Campaign, name: str) -> None:
        for answer_id in state.chunk_ids.pop(name, {}):
            if state.where.get(answer_id) == name:
                del state.where[answer_id]
        state.stats.pop(name, None)

    def _index(self, state: _Campaign, name: str, data: dict, key: tuple[int, int, int]) -> None:
        self._forget(state, name)
        ids = {doc["id"]: doc.get("fingerprint") for doc in data.get(TABLE, {}).values()}
        state.chunk_ids[name] = ids
        for answer_id in ids:
            state.where[answer_id] = name
        state.stats[name] = key

    def _stat_key(self, path: Path) -> tuple[int, int, int]:
        st = os.stat(path)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _write_batch(self, campaign_id: str, state: _Campaign, batch: list[_Request]) -> None:
        try:
            with self._lock(campaign_id):
                names = self._refresh(campaign_id, state, full=False)
                folder = self._dir(campaign_id)
                fresh: list[_Request] = []
                batch_ids: dict[str, _Request] = {}
                for request in batch:
                    answer = request.answer
                    known = state.where.get(answer["id"])
                    twin = batch_ids.get(answer["id"])
                    if known is not None or twin is not None:
                        stored = (
                            state.chunk_ids[known][answer["id"]]
                            if known is not None
                            else twin.answer["fingerprint"]
                            if twin is not None
                            else None
                        )
                        if stored != answer["fingerprint"]:
                            request.error = AnswerConflict(answer["id"])
                        continue
                    batch_ids[answer["id"]] = request
                    fresh.append(request)
                while fresh:
                    name = names[-1] if names else "000001.json"
                    path = folder / name
                    data = read_json(path) or {TABLE: {}}
                    room = self.chunk_size - len(data.get(TABLE, {}))
                    if room <= 0:
                        name = f"{int(name[:6]) + 1:06d}.json"
                        names.append(name)
                        continue
                    part, fresh = fresh[:room], fresh[room:]
                    working = {**data, TABLE: dict(data.get(TABLE, {}))}
                    db = TinyDB(path, storage=AtomicJSONStorage, initial=working)
                    db.table(TABLE, cache_size=0).insert_multiple(r.answer for r in part)
                    db.close()
                    for r in part:
                        r.created = True
                    self._index(state, name, self._after_write(path, data, part), self._stat_key(path))
                    if not names:
                        names.append(name)
        except Exception as exc:  # disk full, permissions…: nobody in the batch is acknowledged
            for request in batch:
                if request.error is None:
                    request.error = exc
                request.created = False
            state.stats.clear()
            state.chunk_ids.clear()
            state.where.clear()
            state.sealed_before = ""
        finally:
            for request in batch:
                request.done = True

    @staticmethod
    def _after_write(path: Path, before: dict, part: list[_Request]) -> dict:
        """The chunk's content after inserting ``part`` (without reading it back)."""
        docs = dict(before.get(TABLE, {}))
        for i, r in enumerate(part):
            docs[f"new{i}"] = r.answer
        return {TABLE: docs}
