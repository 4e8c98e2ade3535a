"""Each chunk's free text, folded, kept beside the chunks so a search skips the chunks where
its words cannot be.

A search at a million answers used to read and parse all 10 000 chunks (about 430 MB of
JSON). The folded text of a chunk is about a quarter of it and needs no parsing: checking
every chunk's text with ``in`` takes a fraction of a second, and only the chunks where every
word occurs are read. ``.texts/000001.txt`` holds a JSON header line ``[key, inode, size,
mtime_ns, length]`` (the fold's name and the chunk's stat when it was read), then the text:
one line per answer. A file whose header does not match the chunk's stat, or whose length
is not the one announced, is ignored and made again. These files are a cache: written by
rename without fsync, and losing them only costs reading the chunks again.

Reading 10 000 text files still cost 150 ms for a word found nowhere: ``ChunkTrigrams``
(``.texts/trigrams``) says, without opening them, which chunks cannot hold a word.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable, Sequence

from .answer_index import Stat
from .atomic import TEMP_PREFIX, dumps, remove_stale_temp_files

TEXTS = ".texts"
# The layout of a text file, in its header beside the fold's key: 2 added, on the line after the
# header, where each answer lies in the chunk's bytes (``answer_spans``), so a search parses only
# the answers whose line holds its words. A file of another layout is made again.
TEXT_LAYOUT = 2


def remove_stale_texts(folder: Path) -> None:
    """Temporary files a killed search left in ``.texts/`` (caller holds the exclusive flock)."""
    if (folder / TEXTS).is_dir():
        remove_stale_temp_files(folder / TEXTS)


def forget_text(folder: Path, number: int) -> None:
    """Drop the kept text of chunk ``number`` when an answer in it was changed or deleted
    (caller holds the exclusive flock): a deletion on request must not leave the person's
    words in a cache until the next search. The word filter keeps only hashed trigrams."""
    (folder / TEXTS / f"{number:06d}.txt").unlink(missing_ok=True)


def answer_spans(raw: bytes, docs: dict) -> list[int] | None:
    """Where each answer of a chunk lies in its bytes ``raw``, in stored order: [start, end,
    start, end…], or None when the bytes are not exactly ``atomic.dumps`` of ``{"answers": docs}``
    with the answers in stored order (then a search parses the whole chunk, as before)."""
    keys = list(docs)
    if keys != sorted(keys, key=int) or not raw.startswith(b'{"answers":{') or not raw.endswith(b"}}"):
        return None
    spans: list[int] = []
    at = len(b'{"answers":{')
    for k, key in enumerate(keys):
        head = b'%s"%s":' % (b"," if k else b"", key.encode("utf-8"))
        if not raw.startswith(head, at):
            return None
        at += len(head)
        encoded = dumps(docs[key])
        if not raw.startswith(encoded, at):
            return None
        spans += [at, at + len(encoded)]
        at += len(encoded)
    return spans if at == len(raw) - 2 else None


def matching_lines(text: bytes, words: Sequence[bytes]) -> list[int]:
    """The numbers (from 0, ascending) of the lines of ``text`` that hold every one of
    ``words`` (at least one): found by searching the text for the first word, not by walking
    every line, so a chunk costs its matches."""
    first, rest = words[0], words[1:]
    found: list[int] = []
    line = counted = 0  # the line number of position ``counted``
    at = text.find(first)
    while at != -1:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end == -1 else end
        line += text.count(b"\n", counted, start)
        counted = start
        if all(w in text[start:end] for w in rest):
            found.append(line)
        at = text.find(first, end)
    return found


def answer_text(answer: dict, fold: Callable[[str], str]) -> str:
    """What a search may find in an answer: its written strings, joined, folded, on one line."""
    values = [v for v in (answer.get("answers") or {}).values() if isinstance(v, str) and v]
    return fold(" ".join(values)).replace("\n", " ")


class ChunkTexts:
    """The folded texts of one campaign's chunks. Reading needs no lock (a file is replaced
    whole, and checked against the chunk's stat); ``remember`` is called under the flock."""

    def __init__(self, folder: Path, key: str, fold: Callable[[str], str]) -> None:
        self.folder = folder / TEXTS
        self.key = key
        self.fold = fold
        self._named = str(self.folder) + os.sep
        self._key_json = json.dumps([key, TEXT_LAYOUT]).encode("utf-8")

    def _path(self, number: int) -> Path:
        return self.folder / f"{number:06d}.txt"

    def text(self, number: int, stat: Stat) -> bytes | None:
        """The kept text of chunk ``number`` if it was made from the chunk with this stat."""
        found = self.text_and_spans(number, stat)
        return found[0] if found is not None else None

    def text_and_spans(self, number: int, stat: Stat) -> tuple[bytes, list[int] | None] | None:
        """The kept text of chunk ``number`` if it was made from the chunk with this stat, and
        where its answers lie in the chunk's bytes (``answer_spans``; None if unknown).

        A search at a million answers reads thousands of these: the header is compared with
        the one ``remember`` writes (``json.dumps`` of the key and four integers), not parsed."""
        try:
            with open(f"{self._named}{number:06d}.txt", "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            return None
        head, _, body = raw.partition(b"\n")
        ino, size, mtime = stat
        if head != b"[%s, %d, %d, %d, %d]" % (self._key_json, ino, size, mtime, len(body)):
            return None
        where, _, text = body.partition(b"\n")
        try:
            spans = [int(n) for n in where.split()] if where != b"-" else None
        except ValueError:
            return None
        return text, spans

    def remember(self, number: int, stat: Stat, answers: list[dict], spans: list[int] | None = None) -> bytes:
        """Make and keep the text of chunk ``number``, read with this stat (with where its
        answers lie in the chunk's bytes, if known); returns the text (UTF-8)."""
        text = "\n".join(answer_text(a, self.fold) for a in answers).encode("utf-8")
        where = b" ".join(b"%d" % n for n in spans) if spans and len(spans) == 2 * len(answers) else b"-"
        body = where + b"\n" + text
        head = json.dumps([[self.key, TEXT_LAYOUT], *stat, len(body)]).encode("utf-8")
        try:
            self.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.folder)
        except OSError:  # a cache: the search goes on without it
            return text
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(head + b"\n" + body)
            os.replace(tmp, self._path(number))
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        return text


# The word filter: which chunks may hold a word, without opening their text files.
TRIGRAMS = "trigrams"  # in ``.texts/``: the filter of the last key searched
_TRIGRAMS_MAGIC = b"survey-trigrams-1\n"
BUCKET_BITS = 12  # 4 096 buckets of trigrams: 512 bytes per chunk (5 MB at a million answers, 8 KB for 10 chunks)
_DIGEST = 16
# Chunks newly covered by a filter before it is saved again (a save writes the whole file).
TRIGRAMS_SAVE_AFTER = 50


def _bucket(a: int, b: int, c: int) -> int:
    """The bucket of a three-byte sequence: a multiplicative hash, the same in every process."""
    return (((a << 16 | b << 8 | c) * 0x9E3779B1) & 0xFFFFFFFF) >> (32 - BUCKET_BITS)


def text_buckets(text: bytes) -> set[int]:
    """The buckets of every three bytes inside a word of ``text`` (words split at ASCII
    whitespace: a searched word holds none, so it always lies within one of them)."""
    trigrams: set[tuple[int, int, int]] = set()
    for word in set(text.split()):
        if len(word) > 2:
            trigrams.update(zip(word, word[1:], word[2:]))
    return {_bucket(*t) for t in trigrams}


class Candidates:
    """What a filter said for one search: a bitmap (bit ``n`` of byte ``n // 8``) and the
    chunks it covered then, with their stat (taken together: a chunk another thread covers
    later may hold the words, and its bits are not in this bitmap)."""

    def __init__(self, bitmap: bytes, covered: dict[int, Stat]) -> None:
        self.bitmap = bitmap
        self.covered = covered

    def rules_out(self, number: int, stat: Stat) -> bool:
        """True when chunk ``number``, with this stat, cannot hold every word."""
        byte = number >> 3
        return (
            byte < len(self.bitmap) and not self.bitmap[byte] >> (number & 7) & 1 and self.covered.get(number) == stat
        )


class ChunkTrigrams:
    """Per bucket of trigrams, a bitmap of the chunks whose folded text holds one of them.

    A chunk is *covered* for the stat its text was made from; for a covered chunk, a word
    whose buckets are not all set cannot occur, and the chunk is skipped unopened. Bits are
    only ever added (a chunk rewritten adds its new text's), so a bit may be stale but never
    missing: the filter names a superset of the chunks, and the text decides. Kept in
    ``.texts/trigrams`` (magic line, JSON header: key, buckets, bytes per bitmap, covered
    chunks with their stat; the bitmaps; a 16-byte blake2b), loaded on the first search
    and made again from the text files when missing, damaged or of another key or layout.
    A cache: replaced by rename, not fsynced. Safe across threads (one lock)."""

    def __init__(self, texts: ChunkTexts) -> None:
        self.texts = texts
        self.path = texts.folder / TRIGRAMS
        self._lock = threading.Lock()
        self._loaded = False
        self._stride = 0  # bytes per bitmap
        self._maps = bytearray()  # the buckets' bitmaps one after the other, ``_stride`` bytes each
        self._covered: dict[int, Stat] = {}
        self._unsaved = 0

    def ensure(self, stats: list[tuple[int, Stat]]) -> None:
        """Load the file on the first call; when it cannot be used, cover every chunk whose
        text file is up to date (the others are covered as a search reads them) and save."""
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            if self._load():
                return
            for number, st in stats:
                text = self.texts.text(number, st)
                if text is not None:
                    self._add(number, st, text)
            self._save()

    def candidates(self, words: Sequence[bytes]) -> Candidates | None:
        """The chunks where every word of 3 bytes or more may occur; None when no word is that
        long (no filter)."""
        buckets: set[int] = set()
        for word in words:
            if len(word) > 2:
                buckets |= {_bucket(*t) for t in zip(word, word[1:], word[2:])}
        if not buckets:
            return None
        with self._lock:
            found = -1
            for b in buckets:
                found &= int.from_bytes(self._maps[b * self._stride : (b + 1) * self._stride], "little")
            return Candidates(found.to_bytes(self._stride, "little") if self._stride else b"", dict(self._covered))

    def add(self, number: int, stat: Stat, text: bytes) -> None:
        """Chunk ``number``, with this stat, holds ``text``: set its bits (none cleared)."""
        with self._lock:
            if self._covered.get(number) == stat:
                return
            self._add(number, stat, text)
            if self._unsaved >= TRIGRAMS_SAVE_AFTER:
                self._save()

    def _add(self, number: int, stat: Stat, text: bytes) -> None:
        if number // 8 >= self._stride:
            stride = number // 8 + 1 + number // 64  # room for an eighth more chunks
            old, grow = self._stride, stride - self._stride
            self._maps = bytearray().join(
                self._maps[b * old : (b + 1) * old] + bytes(grow) for b in range(1 << BUCKET_BITS)
            )
            self._stride = stride
        byte, bit, stride, maps = number // 8, 1 << (number % 8), self._stride, self._maps
        for b in text_buckets(text):
            maps[b * stride + byte] |= bit
        self._covered[number] = stat
        self._unsaved += 1

    def _header(self) -> bytes:
        covered = [[n, *st] for n, st in sorted(self._covered.items())]
        head = {"key": self.texts.key, "buckets": 1 << BUCKET_BITS, "stride": self._stride, "chunks": covered}
        return json.dumps(head, separators=(",", ":")).encode("utf-8")

    def _save(self) -> None:
        body = _TRIGRAMS_MAGIC + self._header() + b"\n" + self._maps
        raw = body + hashlib.blake2b(body, digest_size=_DIGEST).digest()
        try:
            self.texts.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.texts.folder)
        except OSError:  # a cache: the search goes on without it
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            return
        self._unsaved = 0

    def _load(self) -> bool:
        """Take the saved filter if it is whole and of this key and layout."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return False
        body, digest = memoryview(raw)[:-_DIGEST], raw[-_DIGEST:]
        if not raw.startswith(_TRIGRAMS_MAGIC) or hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
            return False
        end = raw.find(b"\n", len(_TRIGRAMS_MAGIC))
        if end < 0:
            return False
        try:
            head = json.loads(raw[len(_TRIGRAMS_MAGIC) : end])
            stride = int(head["stride"])
            covered = {int(c[0]): (int(c[1]), int(c[2]), int(c[3])) for c in head["chunks"]}
        except (ValueError, KeyError, TypeError, IndexError):
            return False
        buckets = 1 << BUCKET_BITS
        if head.get("key") != self.texts.key or head.get("buckets") != buckets:
            return False
        if len(body) != end + 1 + buckets * stride or any(n // 8 >= stride for n in covered):
            return False
        start = end + 1
        self._maps = bytearray(body[start:])
        self._stride, self._covered, self._unsaved = stride, covered, 0
        return True
