"""Recordings and drawings of answers, as files: ``<folder>/<campaign>/<name>``.

Files rather than records, as board photos (``photos.py``): a recording is up to a few
megabytes, sent back as it is. Each is written atomically and durably before ``write`` returns
(``atomic.py``), so an answer is acknowledged only once its media are on disk. What a medium may
be is checked before (``services/media.py``); names come from ``model/media.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..model.media import is_safe_name
from .atomic import TEMP_PREFIX, atomic_write_bytes, fsync_dir


class MediaStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, campaign_id: str, name: str) -> Path:
        if not is_safe_name(name) or not campaign_id or "/" in campaign_id or campaign_id.startswith("."):
            raise ValueError(f"not a medium's name: {campaign_id!r}/{name!r}")
        return self.folder / campaign_id / name

    def write(self, campaign_id: str, name: str, data: bytes) -> None:
        """Store the medium durably before returning; the same name again replaces it whole."""
        path = self._path(campaign_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)

    def read(self, campaign_id: str, name: str) -> bytes | None:
        try:
            return self._path(campaign_id, name).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def digest(self, campaign_id: str, name: str) -> str | None:
        """The medium's SHA-256 (hex), read in blocks: what a hand-over or a data copy compares on
        both sides without holding a recording in memory; None if there is none."""
        try:
            with open(self._path(campaign_id, name), "rb") as handle:
                return hashlib.file_digest(handle, "sha256").hexdigest()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, campaign_id: str, name: str) -> None:
        """Gone for good (an erasure on request, a purge, a deleted answer); no error if absent."""
        try:
            path = self._path(campaign_id, name)
            path.unlink()
        except (FileNotFoundError, ValueError):
            return
        fsync_dir(path.parent)

    def names(self, campaign_id: str) -> list[str]:
        folder = self.folder / campaign_id
        if not campaign_id or "/" in campaign_id or not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(TEMP_PREFIX))
