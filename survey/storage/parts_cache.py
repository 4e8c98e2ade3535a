"""Summaries of chunks kept in memory, so that a dashboard re-reads only the chunks that changed.

``ChunkedAnswerStore.partials`` gives each chunk's (inode, size, mtime) as the index knows
it; a summary computed from a chunk is kept with the stat the chunk had when it was read,
and served again while the chunk keeps that stat. With a merge function, the summaries of
whole blocks of older chunks (``block`` chunks each; the block holding the last chunk,
where answers arrive, stays chunk by chunk) are kept merged: at a million answers a key
keeps about 160 block summaries instead of 10 000. At most ``max_parts`` summaries are
kept over all keys; the keys used least recently are forgotten first.

What a key returned is kept too, with the index's ``(token, changes)`` it was made at: when
nothing changed since, it is returned again without looking at any chunk (``quick``); when
only chunks of the last block changed (a save), only those are read again. With a merge,
the parts come back as one: the merge of every chunk before the last (kept while no chunk
before the last changes) merged with the last chunk's, so a page after a save pays one merge,
not one per block. The blocks are kept merged by halves (``_Tree``): a block that changed costs
its way up, not one merge per block.
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
QUICK_MAX = 16  # chunks of the last block read again by ``quick``, under the store's locks; more: ``parts``

ChunkStats = list[tuple[int, Stat]]  # (chunk number, stat), ascending
Reader = Callable[[int], tuple[Stat | None, list[dict]]]  # chunk number -> (stat read under the lock, answers)


@dataclass
class _KeyParts:
    chunks: dict[int, tuple[Stat, Any]] = field(default_factory=dict)
    blocks: dict[int, tuple[tuple, Any]] = field(default_factory=dict)  # block -> ((number, stat)…, merged)
    seen: tuple[int, int] | None = None  # the index's (token, changes) that ``result`` is up to date with
    result: list = field(default_factory=list)
    tail: int | None = None  # with a merge: the last block, the one kept chunk by chunk
    older: Any = None  # with a merge: every block before ``tail`` merged (None: there is none)
    head: tuple[int, Any] | None = None  # with a merge: (last chunk, everything before it merged)
    tree: _Tree | None = None  # with a merge: the blocks before ``tail``, merged by halves

    def size(self) -> int:
        return len(self.chunks) + len(self.blocks) + (self.tree.capacity if self.tree is not None else 0)


class _Tree:
    """Block summaries merged by pairs, pairs of pairs…, up to the merge of them all: a block
    that changed costs a dozen merges (its way up), not one per block of the campaign.
    Leaf ``b`` is block ``b``'s summary (None: no such block); the order is kept."""

    def __init__(self, leaves: list, merge: Callable[[Any, Any], Any]) -> None:
        self.merge = merge
        self.capacity = 1
        while self.capacity < len(leaves):
            self.capacity *= 2
        self.nodes: list = [None] * self.capacity + list(leaves) + [None] * (self.capacity - len(leaves))
        for i in range(self.capacity - 1, 0, -1):
            self.nodes[i] = self._pair(self.nodes[2 * i], self.nodes[2 * i + 1])

    def _pair(self, left: Any, right: Any) -> Any:
        if left is None or right is None:
            return right if left is None else left
        return self.merge(left, right)

    def leaf(self, b: int) -> Any:
        return self.nodes[self.capacity + b]

    def set(self, b: int, value: Any) -> None:
        i = self.capacity + b
        self.nodes[i] = value
        i //= 2
        while i:
            self.nodes[i] = self._pair(self.nodes[2 * i], self.nodes[2 * i + 1])
            i //= 2

    @property
    def total(self) -> Any:
        return self.nodes[1] if self.capacity > 1 else self.nodes[-1]


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
        seen: tuple[int, int] | None = None,
    ) -> list[T]:
        """The summaries of every chunk of ``stats`` in chunk order (with ``merge``: all of
        them merged, in a list of one), reading only the chunks whose stat is not the cached
        one. ``seen``: the index's (token, changes) that ``stats`` were taken at."""
        with self._lock:
            kept = self._keys.pop(key, None) or _KeyParts()
            self._keys[key] = kept
            out: list[T] = []
            rest = stats
            kept.older = kept.head = kept.tail = None
            if merge is None:
                kept.blocks.clear()
            elif stats:
                tail = kept.tail = self._block_of(stats[-1][0])
                groups: dict[int, ChunkStats] = {}
                for number, st in stats:
                    b = self._block_of(number)
                    if b < tail:
                        groups.setdefault(b, []).append((number, st))
                for b in list(kept.blocks):
                    if b not in groups:
                        del kept.blocks[b]
                leaves: list = [None] * tail
                for b, members in groups.items():
                    merged = self._block(kept, b, members, read, summarise, merge)
                    leaves[b] = merged
                    if merged is not None:
                        out.append(merged)
                kept.tree = self._grown(kept.tree, leaves, merge)
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
            if merge is None:
                kept.tree = None
            elif out:
                kept.older = kept.tree.total if kept.tree is not None else None
                out = [self._total(kept, merge)]
            kept.seen, kept.result = seen, out
            self._evict()
            return list(out)

    def quick(
        self,
        key: str,
        index: Any,
        read: Reader,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None,
    ) -> list[T] | None:
        """What ``parts`` would return for ``index`` (an ``IdIndex``, which the caller keeps
        from changing meanwhile), when this key was made from the same index and nothing
        changed since, or (with a merge) only up to ``QUICK_MAX`` chunks of the last block;
        otherwise None (call ``parts``). None too while another thread fills the cache (the
        first reading after a start may take seconds): the caller then waits in ``parts``,
        outside the store's locks, so that saving answers does not wait."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return self._quick(key, index, read, summarise, merge)
        finally:
            self._lock.release()

    def _quick(
        self,
        key: str,
        index: Any,
        read: Reader,
        summarise: Callable[[list[dict]], T],
        merge: Callable[[T, T], T] | None,
    ) -> list[T] | None:
        kept = self._keys.get(key)
        if kept is None or kept.seen is None or kept.seen[0] != index.token:
            return None
        changed = index.changed_since(kept.seen[1])
        if changed is None:
            return None
        self._keys.move_to_end(key)
        if not changed:
            kept.seen = (index.token, index.changes)
            return list(kept.result)
        last = index.last()
        if merge is None or last is None or len(changed) > QUICK_MAX or kept.tail != self._block_of(last):
            return None
        if any(self._block_of(n) != kept.tail for n in changed):
            return None
        for number in sorted(changed):
            st = index.stat(number)
            cached = kept.chunks.get(number)
            if cached is not None and cached[0] == st:
                continue
            real, docs = read(number) if st is not None else (None, [])
            if real is None:
                kept.chunks.pop(number, None)
                continue
            kept.chunks[number] = (real, summarise(docs))
        if kept.head is not None and any(n < kept.head[0] for n in changed):
            kept.head = None
        kept.result = [self._total(kept, merge)] if kept.chunks or kept.older is not None else []
        kept.seen = (index.token, index.changes)
        return list(kept.result)

    @staticmethod
    def _total(kept: _KeyParts, merge: Callable[[Any, Any], Any]) -> Any:
        """Every part of ``kept`` merged in order; what comes before the last chunk is kept
        merged (``head``) while that chunk stays the last and nothing before it changes."""
        numbers = sorted(kept.chunks)
        if not numbers:
            return kept.older
        last = numbers[-1]
        if kept.head is None or kept.head[0] != last:
            before = _merge_all([kept.chunks[n][1] for n in numbers[:-1]], merge)
            if kept.older is not None:
                before = kept.older if before is None else merge(kept.older, before)
            kept.head = (last, before)
        head = kept.head[1]
        return kept.chunks[last][1] if head is None else merge(head, kept.chunks[last][1])

    @staticmethod
    def _grown(tree: _Tree | None, leaves: list, merge: Callable[[Any, Any], Any]) -> _Tree:
        """``tree`` with these leaves: only the leaves that are not the same objects as before
        are set (a block served from the cache is), unless the tree must be made again (first
        time, more blocks than it holds, another merge)."""
        if tree is None or tree.capacity < len(leaves) or tree.merge is not merge:
            return _Tree(leaves, merge)
        for b in range(tree.capacity):
            value = leaves[b] if b < len(leaves) else None
            if tree.leaf(b) is not value:
                tree.set(b, value)
        return tree

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


def _merge_all(parts: list, merge: Callable[[Any, Any], Any]) -> Any:
    """The parts merged in order (None for none): the small ones first, the big one last."""
    if not parts:
        return None
    merged = parts[0]
    for part in parts[1:]:
        merged = merge(merged, part)
    return merged
