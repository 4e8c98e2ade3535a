"""Checking and storing the media of an answer (issue 16 §2): what a recording may be, read from
its bytes and never from the browser's word, and the entries an answer record gets.

A recording is WebM (Chrome, Firefox, Android), Ogg (Firefox) or MP4 audio (Safari) carrying an
audio codec, at most ``MEDIA_MAX_RECORDING_BYTES``. A drawing is DRAWING's to check
(``services/drawings.py`` ``clean_image``). Media are written durably by ``Services.media``
before the answer that names them is saved: an acknowledged answer never names a missing file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..catalogs import N_
from ..config import DEFAULTS
from ..model.errors import SurveyError
from ..model.media import (
    CONTENT_TYPES,
    DRAWING,
    MEDIA_KINDS,
    RECORDING,
    file_name,
    media_entry,
    media_of,
    takes_recording,
)
from ..model.questionnaire import Questionnaire

if TYPE_CHECKING:
    from . import Services

# Where an audio codec is named in a recording's header: WebM's CodecID, Ogg's first packet.
_HEADER = 4096
_WEBM_AUDIO = (b"A_OPUS", b"A_VORBIS", b"A_AAC", b"A_MPEG")
_OGG_AUDIO = (b"OpusHead", b"\x01vorbis", b"\x7fFLAC", b"Speex   ")
_MP4_BRANDS = (b"M4A ", b"mp42", b"mp41", b"isom", b"iso5", b"iso6", b"dash", b"3gp4", b"3gp5")


EMPTY_RECORDING = N_("L’enregistrement est vide. Enregistrez de nouveau, ou écrivez votre réponse.")
TOO_BIG_RECORDING = N_(
    "L’enregistrement est trop long (%(size)s, au plus %(limit)s). Enregistrez une réponse plus courte."
)
NOT_A_RECORDING = N_(
    "Ce fichier n’est pas un enregistrement de voix que l’outil sait lire. Enregistrez de nouveau, ou écrivez votre réponse."
)
NO_RECORDING_CONSENT = N_(
    "Cochez « J’accepte que ma voix soit enregistrée » pour envoyer l’enregistrement, ou supprimez-le."
)
NOT_ACCEPTED = N_("Ce type de fichier n’est pas accepté ici.")
KEPT_MISSING = N_(
    "L’enregistrement joint plus tôt n’a pas été retrouvé. Enregistrez de nouveau, ou écrivez votre réponse."
)
# A medium stored before its answer (the step-by-step form, a form shown again to correct it) is
# named on the next screens by a hidden field: a file cannot travel in one.
KEPT_PREFIX = "media-garde-"
# The box a person ticks before recording (``record.js``), sent with the form: its value.
CONSENT_PREFIX = "accord-voix-"
CONSENT_VALUE = "oui"


class MediaRefused(SurveyError, ValueError):
    """A recording or a drawing that is refused, said in French for the person who sent it.
    ``template`` and ``values`` let a page say it in the person's language (``gettext``)."""

    status = 422

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template % values if values else template)
        self.template = template
        self.values = values


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo" if size >= 1024 * 1024 else f"{size // 1024} Ko"


def recording_type(data: bytes) -> str | None:
    """The content type of an audio recording from its first bytes, or None when it is not one."""
    head = data[:_HEADER]
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska or WebM
        if b"webm" in head[:64] and any(codec in head for codec in _WEBM_AUDIO):
            return "audio/webm"
        return None
    if head.startswith(b"OggS"):
        return "audio/ogg" if any(codec in head for codec in _OGG_AUDIO) else None
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "audio/mp4"
    return None


def checked_recording(data: bytes, max_bytes: int | None = None) -> tuple[bytes, str]:
    limit = max_bytes or DEFAULTS["MEDIA_MAX_RECORDING_BYTES"]
    if not data:
        raise MediaRefused(EMPTY_RECORDING)
    if len(data) > limit:
        raise MediaRefused(TOO_BIG_RECORDING, size=megabytes(len(data)), limit=megabytes(limit))
    content_type = recording_type(data)
    if content_type is None:
        raise MediaRefused(NOT_A_RECORDING)
    return data, content_type


def checked_medium(
    kind: str, data: bytes, declared_type: str | None = None, max_bytes: int | None = None
) -> tuple[bytes, str]:
    """The bytes to store and their checked content type, or ``MediaRefused``. ``declared_type``
    (the browser's) is never trusted; ``max_bytes`` is the app's limit for a recording."""
    if kind == RECORDING:
        return checked_recording(data, max_bytes)
    if kind == DRAWING:
        from .drawings import DrawingRefused, clean_image  # DRAWING's part: PNG/JPEG, metadata stripped

        try:
            return clean_image(data)
        except DrawingRefused as exc:
            raise MediaRefused(exc.template, **exc.values) from None
    raise MediaRefused(NOT_ACCEPTED)


def media_kind(question: Any, voice_on_open_questions: bool) -> str | None:
    """The kind of medium a question takes, or None."""
    if getattr(question, "is_drawing", False):
        return DRAWING
    if takes_recording(question, voice_on_open_questions):
        return RECORDING
    return None


def media_questions(questionnaire: Questionnaire, voice_on_open_questions: bool) -> dict[str, str]:
    """Question id → the kind of medium it takes, for the questions that take one."""
    found = {}
    for question in questionnaire.answerable:
        kind = media_kind(question, voice_on_open_questions)
        if kind:
            found[question.id] = kind
    return found


Checked = dict[str, tuple[str, bytes, str]]


def check_uploads(
    kinds: dict[str, str],
    uploads: dict[str, tuple[bytes, str | None]],
    consents: set[str] | frozenset[str],
    max_recording_bytes: int | None = None,
) -> tuple[Checked, dict[str, MediaRefused]]:
    """The media of a posted answer, checked: question id → (kind, bytes, content type), and the
    refusals by question id. ``uploads``: question id → (bytes, declared type), non-empty files
    only; a file for a question that takes none is ignored. ``consents``: ids of the questions
    whose « J'accepte que ma voix soit enregistrée » is ticked (a recording needs it)."""
    checked: Checked = {}
    refused: dict[str, MediaRefused] = {}
    for question_id, (data, declared) in uploads.items():
        kind = kinds.get(question_id)
        if kind is None:
            continue
        try:
            if kind == RECORDING and question_id not in consents:
                raise MediaRefused(NO_RECORDING_CONSENT)
            content, content_type = checked_medium(kind, data, declared, max_recording_bytes)
        except MediaRefused as refusal:
            refused[question_id] = refusal
            continue
        checked[question_id] = (kind, content, content_type)
    return checked, refused


def kept_media(
    svc: "Services", campaign_id: str, answer_id: str, kinds: dict[str, str], names: Mapping[str, Any]
) -> tuple[Checked, dict[str, MediaRefused]]:
    """The media an earlier screen of this answer stored (``names``: question id → the file named
    by a hidden field), read back: only the name this answer and question give is looked at, so a
    hidden field cannot reach another answer's file. A file gone meanwhile is said, never skipped."""
    checked: Checked = {}
    refused: dict[str, MediaRefused] = {}
    for question_id, name in names.items():
        kind = kinds.get(question_id)
        content_type = CONTENT_TYPES.get(str(name).rsplit(".", 1)[-1]) if isinstance(name, str) else None
        if kind is None or content_type is None or name != file_name(answer_id, question_id, content_type):
            continue
        data = svc.media.read(campaign_id, name)
        if data is None:
            refused[question_id] = MediaRefused(KEPT_MISSING)
        else:
            checked[question_id] = (kind, data, content_type)
    return checked, refused


def keep_media(svc: "Services", campaign_id: str, answer_id: str, checked: Checked) -> list[dict]:
    """Store the checked media of an answer before the answer itself, and return its ``media``
    entries. An answer already stored under that id keeps its files as they are (a resend
    changes nothing; another content with the same id is the answer store's conflict)."""
    items = [(qid, kind, data, ctype) for qid, (kind, data, ctype) in checked.items()]
    if svc.answers.get(campaign_id, answer_id) is not None:
        return [
            media_entry(qid, kind, file_name(answer_id, qid, ctype), ctype, len(data))
            for qid, kind, data, ctype in items
        ]
    return store_media(svc, campaign_id, answer_id, items)


def store_media(
    svc: "Services", campaign_id: str, answer_id: str, media: Iterable[tuple[str, str, bytes, str]]
) -> list[dict]:
    """Write each checked medium ``(question id, kind, bytes, content type)`` durably and return the
    entries of ``answer["media"]``. Names come from the answer id and the question: a retried answer
    rewrites the same file, never a second one."""
    svc.confirm_look()  # as every write: never on a request's look that nobody checked
    entries = []
    for question_id, kind, data, content_type in media:
        if kind not in MEDIA_KINDS:
            raise MediaRefused("Ce type de fichier n’est pas accepté ici.")
        name = file_name(answer_id, question_id, content_type)
        svc.media.write(campaign_id, name, data)
        entries.append(media_entry(question_id, kind, name, content_type, len(data)))
    return entries


def delete_media_of(svc: "Services", answers: Iterable[dict[str, Any]]) -> int:
    """Delete the files of these answers (deleted, erased on request, purged): none outlives its
    answer. Returns how many entries were deleted."""
    deleted = 0
    for answer in answers:
        for entry in media_of(answer):
            svc.media.delete(answer.get("campaign", ""), entry["file"])
            deleted += 1
    return deleted


def delete_orphan_media(svc: "Services", campaign_id: str) -> int:
    """Delete the files no stored answer names: kept for a step-by-step answer, or a form shown
    again, that was never sent. Run by the retention purge; an answer still being written then
    says « L'enregistrement joint plus tôt n'a pas été retrouvé » instead of losing it silently."""
    deleted = 0
    for name in svc.media.names(campaign_id):
        answer = svc.answers.get(campaign_id, name[:36])
        if answer is None or not any(entry["file"] == name for entry in media_of(answer)):
            svc.media.delete(campaign_id, name)
            deleted += 1
    return deleted
