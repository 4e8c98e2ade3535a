"""Photos of field sessions, as files: ``<folder>/<campaign>/<session>/<name>``.

Files rather than records: a board photo is several megabytes, sent back as it is.
Each is written atomically (``atomic.py``); what a photo may be is checked before
(``services/fieldwork/photos.py``).
"""

from __future__ import annotations

from pathlib import Path

from .atomic import atomic_write_bytes


class PhotoStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def folder_of(self, campaign_id: str, session_id: str) -> Path:
        return self.folder / campaign_id / session_id

    def write(self, campaign_id: str, session_id: str, name: str, data: bytes) -> None:
        """Store the photo durably before returning (a new name each time)."""
        folder = self.folder_of(campaign_id, session_id)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / name, data)

    def path(self, campaign_id: str, session_id: str, name: str) -> Path:
        """Where a stored photo is, to send it back."""
        return self.folder_of(campaign_id, session_id) / name

    def read(self, campaign_id: str, session_id: str, name: str) -> bytes | None:
        """The stored photo's bytes, or None: what the page sends back, on both storages
        (``storage/postgres/photos.py`` keeps them in the database)."""
        try:
            return self.path(campaign_id, session_id, name).read_bytes()
        except FileNotFoundError:
            return None
