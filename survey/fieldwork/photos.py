"""A photo of the whole board, attached to a session: stored locally, size-limited,
and accepted only when its bytes really are an image."""

from __future__ import annotations

import uuid
from pathlib import Path

from ..storage.atomic import atomic_write_bytes

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS_PER_SESSION = 20
_SIGNATURES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
TYPES = {ext: mime for _, ext, mime in _SIGNATURES} | {"webp": "image/webp"}


class PhotoError(ValueError):
    """A French message about a photo that is refused."""


def image_type(data: bytes) -> tuple[str, str] | None:
    for signature, ext, mime in _SIGNATURES:
        if data.startswith(signature):
            return ext, mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def save_photo(data_dir: Path, campaign_id: str, session_id: str, data: bytes, already: int) -> dict:
    if not data:
        raise PhotoError("Aucune photo reçue. Choisissez une photo puis envoyez-la.")
    if len(data) > MAX_PHOTO_BYTES:
        size = f"{len(data) / (1024 * 1024):.1f}".replace(".", ",")
        raise PhotoError(f"La photo est trop lourde ({size} Mo). "
                         f"Maximum : {MAX_PHOTO_BYTES // (1024 * 1024)} Mo.")
    if already >= MAX_PHOTOS_PER_SESSION:
        raise PhotoError(f"Cette session a déjà {MAX_PHOTOS_PER_SESSION} photos.")
    kind = image_type(data)
    if kind is None:
        raise PhotoError("Ce fichier n'est pas une photo (formats acceptés : JPEG, PNG, WebP).")
    ext, mime = kind
    folder = photo_dir(data_dir, campaign_id, session_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{ext}"
    atomic_write_bytes(folder / name, data)
    return {"file": name, "type": mime, "size": len(data)}


def photo_dir(data_dir: Path, campaign_id: str, session_id: str) -> Path:
    return Path(data_dir) / "photos" / campaign_id / session_id
