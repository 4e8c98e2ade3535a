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
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable

from .answer_index import Stat
from .atomic import TEMP_PREFIX, remove_stale_temp_files

TEXTS = ".texts"


def remove_stale_texts(folder: Path) -> None:
    """Temporary files a killed search left in ``.texts/`` (caller holds the exclusive flock)."""
    if (folder / TEXTS).is_dir():
        remove_stale_temp_files(folder / TEXTS)


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

    def _path(self, number: int) -> Path:
        return self.folder / f"{number:06d}.txt"

    def text(self, number: int, stat: Stat) -> bytes | None:
        """The kept text of chunk ``number`` if it was made from the chunk with this stat."""
        try:
            raw = self._path(number).read_bytes()
        except FileNotFoundError:
            return None
        head, _, body = raw.partition(b"\n")
        try:
            key, ino, size, mtime, length = json.loads(head)
        except (ValueError, TypeError):
            return None
        if key != self.key or (ino, size, mtime) != tuple(stat) or length != len(body):
            return None
        return body

    def remember(self, number: int, stat: Stat, answers: list[dict]) -> bytes:
        """Make and keep the text of chunk ``number``, read with this stat; returns it (UTF-8)."""
        body = "\n".join(answer_text(a, self.fold) for a in answers).encode("utf-8")
        head = json.dumps([self.key, *stat, len(body)]).encode("utf-8")
        try:
            self.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.folder)
        except OSError:  # a cache: the search goes on without it
            return body
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(head + b"\n" + body)
            os.replace(tmp, self._path(number))
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        return body
