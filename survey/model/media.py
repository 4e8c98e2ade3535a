"""Answers that need no writing: a recording or a drawing kept beside an answer (issue 16 §2).

Pure rules, no I/O: the kinds, the name a medium is stored under, the entries an answer record
carries (``answer["media"]``), the transcriptions a facilitator types (``answer["transcriptions"]``)
and which questions take a recording. The bytes are checked in ``services/media.py`` and stored
by ``storage/media.py``; the contract between the two parts is ``notes/media_contract.md``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

from .consent import may_display, may_quote

if TYPE_CHECKING:
    from .questionnaire import Question, Questionnaire

RECORDING = "enregistrement"
DRAWING = "dessin"
MEDIA_KINDS = (RECORDING, DRAWING)

# A checked content type → the extension of the stored file (the browser's word is never used).
EXTENSIONS = {
    "audio/webm": "webm",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
    "image/png": "png",
    "image/jpeg": "jpg",
}
CONTENT_TYPES = {ext: ctype for ctype, ext in EXTENSIONS.items()}

# The file field of the form that carries a question's medium.
FIELD_PREFIX = "media-"

# What a stored name may be: the answer id, the question id, the extension. Nothing else reaches
# the disk nor a URL (no slash, no dot-dot).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}\.(?:webm|ogg|m4a|png|jpg)")


def field_name(question_id: str) -> str:
    return FIELD_PREFIX + question_id


def file_name(answer_id: str, question_id: str, content_type: str) -> str:
    """``<answer>-<question>.<ext>``: one file per answer and question, so a retried answer
    writes the same name again and never a second file."""
    return f"{answer_id}-{question_id}.{EXTENSIONS[content_type]}"


def is_safe_name(name: Any) -> bool:
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def media_entry(question_id: str, kind: str, name: str, content_type: str, size: int) -> dict:
    """One entry of ``answer["media"]``."""
    return {"question": question_id, "kind": kind, "file": name, "type": content_type, "size": size}


def media_of(answer: dict) -> list[dict]:
    """The answer's media entries that are well formed (an old or odd record gives none)."""
    entries = answer.get("media")
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and e.get("kind") in MEDIA_KINDS and is_safe_name(e.get("file"))]


def medium_for(answer: dict, question_id: str) -> dict | None:
    for entry in media_of(answer):
        if entry.get("question") == question_id:
            return entry
    return None


def public_media(answer: dict) -> list[dict]:
    """The media a public page (the wall, quote cards, a restitution) may show or reuse: none unless
    the person gave both consents of a scribe's card, as for quoting their words
    (``consent.may_display`` and ``consent.may_quote``). Coordinators' reading pages use ``media_of``."""
    return media_of(answer) if may_display(answer) and may_quote(answer) else []


def has_medium(answer: dict, name: str) -> bool:
    """Whether ``name`` is one of the answer's files: the only files a page may send back."""
    return any(entry["file"] == name for entry in media_of(answer))


def media_names(answers: Iterable[dict]) -> list[str]:
    return [entry["file"] for answer in answers for entry in media_of(answer)]


def transcription_of(answer: dict, question_id: str) -> dict | None:
    """``{"text", "by", "at"}`` typed by a facilitator for that question's recording, or None."""
    found = (answer.get("transcriptions") or {}).get(question_id)
    return found if isinstance(found, dict) and found.get("text") else None


def with_transcription(answer: dict, question_id: str, text: str, by: str, at: str) -> dict:
    """The answer with that transcription (an empty text removes it); the record is not changed."""
    changed = dict(answer)
    kept = dict(answer.get("transcriptions") or {})
    if text.strip():
        kept[question_id] = {"text": text.strip(), "by": by, "at": at}
    else:
        kept.pop(question_id, None)
    changed["transcriptions"] = kept
    return changed


def takes_recording(question: "Question", voice_on_open_questions: bool = False) -> bool:
    """A question answered by voice: it says so (``vocal: oui``), or it is open and the campaign
    allows voice on open questions (``Campaign.voice_answers``)."""
    if getattr(question, "voice", False):
        return True
    return bool(voice_on_open_questions) and question.is_open


def recording_questions(questionnaire: "Questionnaire", voice_on_open_questions: bool = False) -> list["Question"]:
    return [q for q in questionnaire.questions if takes_recording(q, voice_on_open_questions)]
