"""Summaries of chunks kept in memory, so that a dashboard re-reads only the chunks that changed.

``ChunkedAnswerStore.partials`` gives each chunk's (inode, size, mtime) as the index knows
it; a summary computed from a chunk is kept with the stat the chunk had when it was read,
and served again while the chunk keeps that stat. With a merge function, the summaries of
whole blocks of older chunks (``block`` chunks each; the block holding the last chunk,
where answers arrive, stays chunk by chunk) are kept merged: at a million answers a key
keeps about 160 block summaries instead of 10 000. At most ``max_parts`` summaries are
kept over all keys; the keys used least recently are forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .answer_index import Stat

T = TypeVar("T")
BLOCK = 64
MAX_PARTS = 50_000

ChunkStats = list[tuple[int, Stat]]  # (chunk number, stat), ascending
Reader = Callable[[int], tuple[Stat | None, list[dict]]]  # chunk number -> (stat read under the lock, answers)


@dataclass
class _KeyParts:
    chunks: dict[int, tuple[Stat, Any]] = field(default_factory=dict)
    blocks: dict[int, tuple[tuple, Any]] = field(default_factory=dict)  # block -> ((number, stat)…, merged)

    def size(self) -> int:
        return len(self.chunks) + len(self.blocks)


class PartsCache:
    def __init__(self, block: int = BLOCK, max_parts: int = MAX_PARTS) -> None:
        self.block = block
        self.max_parts = max_parts
        self._keys: OrderedDict[str, _KeyParts] = OrderedDict()
        self._lock = threading.Lock()

    def parts(
        self,
        key: str,
        stats: ChunkStats,
        read: Reader,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None,
    ) -> list[T]:
        """The summaries of every chunk of ``stats`` (merged by block when ``merge`` is
        given), in chunk order, reading only the chunks whose stat is not the cached one."""
        with self._lock:
            kept = self._keys.pop(key, None) or _KeyParts()
            self._keys[key] = kept
            out: list[T] = []
            rest = stats
            if merge is None:
                kept.blocks.clear()
            elif stats:
                tail = self._block_of(stats[-1][0])
                groups: dict[int, ChunkStats] = {}
                for number, st in stats:
                    b = self._block_of(number)
                    if b < tail:
                        groups.setdefault(b, []).append((number, st))
                for b in list(kept.blocks):
                    if b not in groups:
                        del kept.blocks[b]
                for b, members in groups.items():
                    merged = self._block(kept, b, members, read, summarise, merge)
                    if merged is not None:
                        out.append(merged)
                rest = [(n, st) for n, st in stats if self._block_of(n) >= tail]
            wanted = {n for n, _ in rest}
            for number in [n for n in kept.chunks if n not in wanted]:
                del kept.chunks[number]
            for number, st in rest:
                cached = kept.chunks.get(number)
                if cached is not None and cached[0] == st:
                    out.append(cached[1])
                    continue
                real, docs = read(number)
                if real is None:
                    kept.chunks.pop(number, None)
                    continue
                part = summarise(docs)
                kept.chunks[number] = (real, part)
                out.append(part)
            self._evict()
            return out

    def _block_of(self, number: int) -> int:
        return (number - 1) // self.block

    def _block(
        self,
        kept: _KeyParts,
        b: int,
        members: ChunkStats,
        read: Reader,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T],
    ) -> T | None:
        """One block's merged summary: the cached one if none of its chunks changed."""
        cached = kept.blocks.get(b)
        if cached is not None and cached[0] == tuple(members):
            return cached[1]
        seen = []
        merged: T | None = None
        for number, st in members:
            single = kept.chunks.pop(number, None)
            if single is not None and single[0] == st:
                real, part = st, single[1]
            else:
                stat_read, docs = read(number)
                if stat_read is None:
                    continue
                real, part = stat_read, summarise(docs)
            seen.append((number, real))
            merged = part if merged is None else merge(merged, part)
        if merged is None:
            kept.blocks.pop(b, None)
        else:
            kept.blocks[b] = (tuple(seen), merged)
        return merged

    def _evict(self) -> None:
        total = sum(k.size() for k in self._keys.values())
        while total > self.max_parts and len(self._keys) > 1:
            _, dropped = self._keys.popitem(last=False)
            total -= dropped.size()
