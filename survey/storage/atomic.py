"""Durable file writes: a reader sees the old file or the new one, never a mix.

The recipe is the POSIX one: write a temporary file in the same folder, fsync
it, rename it over the old name, then fsync the folder so the rename itself
survives a power cut. An answer is acknowledged only after this returns.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

TEMP_PREFIX = ".tmp-"


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def dumps(data: Any) -> bytes:
    # json.dumps (the C encoder) then one write: json.dump would use the slow
    # pure-Python encoder, and a failure to serialise leaves the file untouched.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_json(path: Path) -> Any:
    """The parsed content of a JSON file, or None when it does not exist or is empty."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    return json.loads(raw) if raw.strip() else None


def remove_stale_temp_files(folder: Path) -> int:
    """Temporary files left by a killed writer are garbage: the real file is intact."""
    removed = 0
    for tmp in Path(folder).glob(TEMP_PREFIX + "*"):
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never leaves a half-written file.

    TinyDB's own JSONStorage rewrites the file in place, which a crash can
    leave unreadable; this one replaces the file atomically on every write.
    """

    def __init__(self, path: str | Path, initial: dict | None = None) -> None:
        self.path = Path(path)
        self._initial = initial

    def read(self) -> dict | None:
        if self._initial is not None:
            data, self._initial = self._initial, None
            return data
        return read_json(self.path)

    def write(self, data: dict) -> None:
        atomic_write_bytes(self.path, dumps(data))

    def close(self) -> None:
        pass
