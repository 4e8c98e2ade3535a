"""Which chunk holds an answer id: a million answers in about 20 MB, saved beside the chunks.

A dict of every id took 280 MB at a million answers and had to be rebuilt by reading
every chunk at start-up. Here an id is reduced to a 40-bit key (blake2b); an *entry* is
that key with the chunk number in its low 24 bits, so one 64-bit integer says « this
id may be in that chunk ». Entries live in sorted ``array('Q')`` buckets (by their top
bits) for look-ups, and per chunk for forgetting a chunk that changed. Two ids may share
a key: a look-up returns every candidate chunk, and the caller always confirms by
reading the chunk, so a shared key costs one more read, never a wrong answer.

The file (``.id-index`` in the campaign's folder, written atomically) holds, after a
magic line: the number of chunks and of entries; per chunk its number, inode, size,
modification time (ns) and count; the entries chunk by chunk; the same entries sorted;
a blake2b digest of all that. A file that is missing, truncated or does not match its
digest is ignored (the store rebuilds from the chunks), and each chunk's stat is
compared with the folder on loading, so a chunk changed since the file was written is
re-read.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import struct
import sys
from array import array
from dataclasses import dataclass
from typing import Iterable

CHUNK_BITS = 24  # chunk numbers up to 16 million
KEY_BITS = 64 - CHUNK_BITS
BUCKET_SHIFT = 64 - 12  # 4 096 buckets: a few hundred entries each at a million answers
CHUNK_MASK = (1 << CHUNK_BITS) - 1
MAGIC = b"survey-answer-index-1-" + sys.byteorder.encode() + b"\n"
_COUNTS = struct.Struct("<QQ")
_DIGEST = 16
LOG_MAX = 4096  # chunk changes remembered for ``changed_since``; a reader further behind starts afresh
_TOKENS = itertools.count(1)

Stat = tuple[int, int, int]  # (inode, size, mtime_ns): changes whenever a chunk is rewritten


def id_key(answer_id: str) -> int:
    digest = hashlib.blake2b(answer_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> CHUNK_BITS


def entry(answer_id: str, number: int) -> int:
    return id_key(answer_id) << CHUNK_BITS | number


@dataclass
class ChunkEntry:
    stat: Stat
    entries: array  # array('Q'): one entry per answer of the chunk


class IdIndex:
    """Answer ids → chunk numbers for one campaign, with each chunk's stat when it was read."""

    def __init__(self) -> None:
        self.chunks: dict[int, ChunkEntry] = {}
        self.numbers: list[int] = []  # chunk numbers, ascending
        self.total = 0
        self._buckets: dict[int, array] = {}
        # What changed, for readers that keep something per chunk (``storage.parts_cache``):
        # ``token`` names this index (a reloaded index is another one), ``changes`` counts the
        # chunks put or dropped since it was made, ``_log`` holds the last of their numbers.
        self.token = next(_TOKENS)
        self.changes = 0
        self._log: list[int] = []

    # -- look-ups ---------------------------------------------------------

    def candidates(self, answer_id: str) -> list[int]:
        """The chunks that may hold this id (usually none or one), ascending."""
        low = id_key(answer_id) << CHUNK_BITS
        bucket = self._buckets.get(low >> BUCKET_SHIFT)
        if bucket is None:
            return []
        found = []
        i = bisect.bisect_left(bucket, low)
        while i < len(bucket) and bucket[i] >> CHUNK_BITS == low >> CHUNK_BITS:
            found.append(bucket[i] & CHUNK_MASK)
            i += 1
        return sorted(set(found))

    def stat(self, number: int) -> Stat | None:
        chunk = self.chunks.get(number)
        return chunk.stat if chunk is not None else None

    def last(self) -> int | None:
        return self.numbers[-1] if self.numbers else None

    def changed_since(self, seen: int) -> set[int] | None:
        """The chunk numbers put or dropped after change number ``seen`` (``changes`` then);
        None when they are no longer all remembered (the reader compares every chunk)."""
        behind = self.changes - seen
        if behind < 0 or behind > len(self._log):
            return None
        return set(self._log[len(self._log) - behind :]) if behind else set()

    def _changed(self, number: int) -> None:
        self.changes += 1
        self._log.append(number)
        if len(self._log) > LOG_MAX:
            del self._log[: LOG_MAX // 2]

    # -- changes ----------------------------------------------------------

    def put(self, number: int, stat: Stat, answer_ids: Iterable[str]) -> None:
        """Chunk ``number`` now holds exactly these ids (as read with this stat)."""
        self._forget(number)
        self._changed(number)
        entries = array("Q", sorted(entry(a, number) for a in answer_ids))
        self.chunks[number] = ChunkEntry(stat, entries)
        bisect.insort(self.numbers, number)
        self.total += len(entries)
        for e in entries:
            bisect.insort(self._bucket(e), e)

    def extend(self, number: int, stat: Stat, answer_ids: Iterable[str]) -> None:
        """Chunk ``number`` now holds the ids it held plus these (an append, as re-read with this
        stat): only the new ids are hashed and sorted in, where ``put`` redoes the whole chunk
        (a hundred ids at every answer saved into a chunk that is filling up)."""
        chunk = self.chunks.get(number)
        if chunk is None:
            self.put(number, stat, answer_ids)
            return
        self._changed(number)
        added = sorted(entry(a, number) for a in answer_ids)
        merged = array("Q", sorted(itertools.chain(chunk.entries, added)))
        self.chunks[number] = ChunkEntry(stat, merged)
        self.total += len(added)
        for e in added:
            bisect.insort(self._bucket(e), e)

    def drop(self, number: int) -> None:
        if number in self.chunks:
            self._changed(number)
        self._forget(number)

    def _forget(self, number: int) -> None:
        chunk = self.chunks.pop(number, None)
        if chunk is None:
            return
        del self.numbers[bisect.bisect_left(self.numbers, number)]
        self.total -= len(chunk.entries)
        for e in chunk.entries:
            bucket = self._buckets[e >> BUCKET_SHIFT]
            del bucket[bisect.bisect_left(bucket, e)]
            if not bucket:
                del self._buckets[e >> BUCKET_SHIFT]

    def _bucket(self, e: int) -> array:
        bucket = self._buckets.get(e >> BUCKET_SHIFT)
        if bucket is None:
            bucket = self._buckets[e >> BUCKET_SHIFT] = array("Q")
        return bucket

    # -- the file ---------------------------------------------------------

    def to_bytes(self) -> bytes:
        table = array("q")
        by_chunk = array("Q")
        for number in self.numbers:
            chunk = self.chunks[number]
            table.extend((number, *chunk.stat, len(chunk.entries)))
            by_chunk.extend(chunk.entries)
        ordered = array("Q")
        for b in sorted(self._buckets):
            ordered.extend(self._buckets[b])
        body = b"".join(
            (
                MAGIC,
                _COUNTS.pack(len(self.numbers), len(by_chunk)),
                table.tobytes(),
                by_chunk.tobytes(),
                ordered.tobytes(),
            )
        )
        return body + hashlib.blake2b(body, digest_size=_DIGEST).digest()

    @classmethod
    def from_bytes(cls, raw: bytes) -> IdIndex | None:
        """The index a file holds, or None if it is not a whole, intact index file."""
        head = len(MAGIC) + _COUNTS.size
        if len(raw) < head + _DIGEST or not raw.startswith(MAGIC):
            return None
        body, digest = memoryview(raw)[:-_DIGEST], raw[-_DIGEST:]  # a view: no copy of 16 MB
        if hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
            return None
        n_chunks, n_entries = _COUNTS.unpack_from(raw, len(MAGIC))
        if len(body) != head + 8 * (5 * n_chunks + 2 * n_entries):
            return None
        table, by_chunk, ordered = array("q"), array("Q"), array("Q")
        at = head
        for arr, n in ((table, 5 * n_chunks), (by_chunk, n_entries), (ordered, n_entries)):
            arr.frombytes(body[at : at + 8 * n])
            at += 8 * n
        index = cls()
        start = 0
        for i in range(n_chunks):
            number, ino, size, mtime, count = table[5 * i : 5 * i + 5]
            index.chunks[number] = ChunkEntry((ino, size, mtime), by_chunk[start : start + count])
            index.numbers.append(number)
            start += count
        if start != n_entries or index.numbers != sorted(set(index.numbers)):
            return None
        index.total = n_entries
        lo = 0
        while lo < n_entries:
            b = ordered[lo] >> BUCKET_SHIFT
            hi = bisect.bisect_left(ordered, (b + 1) << BUCKET_SHIFT, lo) if b + 1 < 1 << 12 else n_entries
            index._buckets[b] = ordered[lo:hi]
            lo = hi
        return index
