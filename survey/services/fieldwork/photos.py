"""A photo of the whole board, attached to a session: stored locally, size-limited,
and accepted only when its bytes really are an image."""

from __future__ import annotations

import io
import uuid
import warnings

from ...model.errors import SurveyError
from ...storage.photos import PhotoStore

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS_PER_SESSION = 20
# Pixels, read from the file's header: a small file can claim 60000×60000 and make every
# tablet that shows it decode gigabytes. A 50-megapixel phone photo passes.
MAX_PHOTO_SIDE = 12_000
MAX_PHOTO_PIXELS = 60_000_000
_SIGNATURES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
TYPES = {ext: mime for _, ext, mime in _SIGNATURES} | {"webp": "image/webp"}


class PhotoError(SurveyError, ValueError):
    """A French message about a photo that is refused."""


def image_type(data: bytes) -> tuple[str, str] | None:
    for signature, ext, mime in _SIGNATURES:
        if data.startswith(signature):
            return ext, mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


UNREADABLE = "Cette photo ne peut pas être lue (fichier abîmé ou trop grand). Reprenez la photo puis envoyez-la."


def check_dimensions(data: bytes, unreadable: str = UNREADABLE) -> None:
    """Refuse an image whose header announces too many pixels, without decoding it
    (``unreadable``: what to say of a file Pillow cannot read, a logo is no photo)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        raise PhotoError(f"Cette image est trop grande. Maximum : {MAX_PHOTO_SIDE} pixels de côté.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoError(unreadable) from None
    if max(width, height) > MAX_PHOTO_SIDE or width * height > MAX_PHOTO_PIXELS:
        raise PhotoError(
            f"Cette image est trop grande ({width} × {height} pixels). Maximum : {MAX_PHOTO_SIDE} pixels de côté."
        )


def save_photo(photos: PhotoStore, campaign_id: str, session_id: str, data: bytes, already: int) -> dict:
    if not data:
        raise PhotoError("Aucune photo reçue. Choisissez une photo puis envoyez-la.")
    if len(data) > MAX_PHOTO_BYTES:
        size = f"{len(data) / (1024 * 1024):.1f}".replace(".", ",")
        raise PhotoError(f"La photo est trop lourde ({size} Mo). Maximum : {MAX_PHOTO_BYTES // (1024 * 1024)} Mo.")
    if already >= MAX_PHOTOS_PER_SESSION:
        raise PhotoError(f"Cette session a déjà {MAX_PHOTOS_PER_SESSION} photos.")
    kind = image_type(data)
    if kind is None:
        raise PhotoError("Ce fichier n'est pas une photo (formats acceptés : JPEG, PNG, WebP).")
    ext, mime = kind
    check_dimensions(data)
    name = f"{uuid.uuid4().hex}.{ext}"
    photos.write(campaign_id, session_id, name, data)
    return {"file": name, "type": mime, "size": len(data)}
