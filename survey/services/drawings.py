"""A drawing sent with an answer (issue 16 §2): drawn on the tablet's screen (PNG) or a photo of a
drawing on paper (JPEG), kept only once its pixels are copied into a new file.

Why re-encode rather than check: a phone's photo carries the place it was taken (GPS), the
device's make and model, the time; a PNG may carry text chunks. Copying the pixels alone into a
fresh image leaves all of that behind, whatever the file held. The type is read from the bytes,
never from the browser's word; the size limit is ``MEDIA_MAX_IMAGE_BYTES`` (``config.py``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalogs import N_
from ..config import DEFAULTS
from ..model.answer_record import is_answer_id
from ..model.consent import may_display, may_quote
from ..model.errors import SurveyError
from ..model.media import DRAWING, media_of
from .fieldwork.photos import PhotoError, check_dimensions, image_type

if TYPE_CHECKING:
    from PIL import Image

    from . import Services

# Formats a drawing may come in (the canvas gives PNG, a tablet's camera JPEG) → content type.
DRAWING_FORMATS = {"png": "image/png", "jpg": "image/jpeg"}
JPEG_QUALITY = 88
ANSWER_ID_LENGTH = 36  # a stored medium is named « <answer id (a UUID)>-<question>.<ext> »

EMPTY = N_("Aucun dessin n’a été reçu. Dessinez de nouveau, ou écrivez une petite phrase.")
TOO_BIG = N_(
    "Le dessin est trop lourd (%(size)s, au plus %(limit)s). Reprenez la photo de plus loin, ou dessinez sur l’écran."
)
NOT_AN_IMAGE = N_(
    "Ce fichier n’est pas un dessin que l’outil sait lire (formats acceptés : PNG, JPEG). "
    "Dessinez sur l’écran, ou prenez une photo du dessin."
)
UNREADABLE = N_(
    "Ce dessin ne peut pas être lu (fichier abîmé ou trop grand). Dessinez de nouveau, ou reprenez la photo."
)


class DrawingRefused(SurveyError, ValueError):
    """A drawing that is refused, said in French; ``template`` and ``values`` let a page say it in
    the person's language. ``services.media.checked_medium`` says it as its ``MediaRefused``
    (media imports this module, never the other way: no import cycle)."""

    status = 422

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template % values if values else template)
        self.template = template
        self.values: dict[str, object] = dict(values)


def clean_image(data: bytes, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The image's pixels alone, as a new PNG or JPEG, and its content type; ``DrawingRefused`` (in
    French) for an empty, too heavy, unknown or broken file."""
    limit = max_bytes or DEFAULTS["MEDIA_MAX_IMAGE_BYTES"]
    if not data:
        raise DrawingRefused(EMPTY)
    if len(data) > limit:
        raise DrawingRefused(TOO_BIG, size=_megabytes(len(data)), limit=_megabytes(limit))
    kind = image_type(data)
    if kind is None or kind[0] not in DRAWING_FORMATS:
        raise DrawingRefused(NOT_AN_IMAGE)
    ext = kind[0]
    try:
        check_dimensions(data)  # refuses a small file that announces huge pixels
    except PhotoError:
        raise DrawingRefused(UNREADABLE) from None
    return _pixels_only(data, ext), DRAWING_FORMATS[ext]


def _pixels_only(data: bytes, ext: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # A photo is shown the way it was held (the EXIF orientation is about to go).
                upright = ImageOps.exif_transpose(image) if ext == "jpg" else image
                upright.load()
                mode = _kept_mode(upright, ext)
                pixels = upright.convert(mode)
                # A new image holds no ``info`` (EXIF, GPS, ICC, text chunks, dpi): pixels only.
                clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DrawingRefused(UNREADABLE) from None
    out = io.BytesIO()
    if ext == "png":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _kept_mode(image: "Image.Image", ext: str) -> str:
    """RGB for a photo (grey stays grey); RGBA for a PNG with transparency, else RGB."""
    if ext == "jpg":
        return "L" if image.mode in ("1", "L") else "RGB"
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return "RGBA"
    return "L" if image.mode in ("1", "L") else "RGB"


# --- the coordinator's gallery ----------------------------------------------------------------
NO_PHRASE = "Dessin sans phrase"


def drawing_alt(answer: dict, question_id: str) -> str:
    """What a drawing says to someone who cannot see it: the person's phrase, else that it has none."""
    phrase = (answer.get("answers") or {}).get(question_id)
    return phrase.strip() if isinstance(phrase, str) and phrase.strip() else NO_PHRASE


@dataclass(frozen=True)
class GalleryDrawing:
    """One drawing of the gallery: its answer, its ``media`` entry, and whether it may leave the
    coordinator's pages (the two consents of a scribe's quote, ``model/consent.py``)."""

    answer: dict
    entry: dict

    @property
    def alt(self) -> str:
        return drawing_alt(self.answer, self.entry["question"])

    @property
    def displayable(self) -> bool:
        """May be shown today (the wall): the same consent as the words on the wall."""
        return may_display(self.answer)

    @property
    def reusable(self) -> bool:
        """May be reused in the report, the restitution, a card: the same consent as a quote."""
        return may_quote(self.answer)


def campaign_drawings(svc: "Services", campaign_id: str) -> list[GalleryDrawing]:
    """The campaign's drawings, newest answer first. Read from the media folder's names (one file
    per answer and question, ``<answer id>-<question>.png``), so the page costs the drawings it
    shows, not the campaign's answers; a file whose answer is gone is left out."""
    found: list[GalleryDrawing] = []
    answer_ids = []
    for name in svc.media.names(campaign_id):
        answer_id, dash = name[:ANSWER_ID_LENGTH], name[ANSWER_ID_LENGTH : ANSWER_ID_LENGTH + 1]
        if dash == "-" and name.rsplit(".", 1)[-1] in DRAWING_FORMATS and is_answer_id(answer_id):
            answer_ids.append(answer_id)
    for answer_id in dict.fromkeys(answer_ids):  # one answer may hold several drawings
        answer = svc.answers.get(campaign_id, answer_id)
        if answer is None:
            continue
        found.extend(GalleryDrawing(answer, entry) for entry in media_of(answer) if entry["kind"] == DRAWING)
    found.sort(key=lambda drawing: drawing.answer.get("submitted_at") or "", reverse=True)
    return found
