"""The recordings and drawings of a tablet's queue exported to a file (« Exporter la file »,
``static/offline/queue.js``), read back by ``survey import-queue`` (issue 16 §2).

A JSON file cannot hold a ``File``: the export writes each medium of an answer as
``"media": {question id: {"type": …, "base64": …}}`` beside the answer's JSON. Here they are
decoded and checked exactly as a file posted with the form is (``media.check_uploads``: the
bytes, never the declared type; the voice consent ticked on the tablet), and the media an
earlier screen had already stored on the server (``kept_media``) are taken as the queue's own
sending does. ``queued_answers.receive`` then stores them before the answer.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Mapping

from ..model.campaign import Campaign
from ..model.questionnaire import Questionnaire
from .media import CONSENT_PREFIX, CONSENT_VALUE, Checked, check_uploads, kept_media, media_questions

if TYPE_CHECKING:
    from . import Services

UNREADABLE = "Le fichier joint à cette réponse n’est pas lisible dans l’export de la file (base64 attendu)."


def decoded(value: Any, limit: int) -> bytes | None:
    """The bytes of one exported medium, at most ``limit`` + 1 of them (enough for the checks to
    say « trop long » without decoding a huge text), or None when it is not base64."""
    text = value.get("base64") if isinstance(value, dict) else None
    if not isinstance(text, str):
        return None
    keep = (limit + 1 + 2) // 3 * 4  # base64 characters for limit + 1 bytes, whole groups
    try:
        return base64.b64decode(text[:keep], validate=True)[: limit + 1]
    except (binascii.Error, ValueError):
        return None


def _mapping(value: Any) -> dict:
    """A part of an exported answer that should be an object, or nothing (the file is untrusted)."""
    return value if isinstance(value, dict) else {}


def media_of_item(
    svc: "Services", config: Mapping[str, Any], campaign: Campaign, questionnaire: Questionnaire, item: Any
) -> tuple[Checked, dict[str, str]]:
    """The checked media of one exported answer (question id → kind, bytes, content type) and the
    French refusal of each one that is not kept, for ``queued_answers.receive``."""
    kinds = media_questions(questionnaire, campaign.voice_answers)
    if not kinds or not isinstance(item, dict):
        return {}, {}
    limit = max(config["MEDIA_MAX_RECORDING_BYTES"], config["MEDIA_MAX_IMAGE_BYTES"])
    sent = _mapping(item.get("media"))
    uploads: dict[str, tuple[bytes, str | None]] = {}
    unreadable: dict[str, str] = {}
    for question_id, value in sent.items():
        if question_id not in kinds:
            continue  # as the form: a file for a question that takes none is ignored
        data = decoded(value, limit)
        if data is None:
            unreadable[question_id] = UNREADABLE
        elif data:
            declared = value.get("type")
            uploads[question_id] = (data, declared if isinstance(declared, str) else None)
    ticks = _mapping(item.get("consents"))
    consents = {qid for qid in kinds if ticks.get(CONSENT_PREFIX + qid) == CONSENT_VALUE}
    checked, refused = check_uploads(kinds, uploads, consents, config["MEDIA_MAX_RECORDING_BYTES"])
    names = _mapping(item.get("kept_media"))
    kept, kept_refused = kept_media(svc, campaign.id, str(item.get("answer_id")), kinds, names)
    media = {**kept, **checked}
    messages = {qid: refusal.message for qid, refusal in kept_refused.items() if qid not in media}
    messages.update({qid: refusal.message for qid, refusal in refused.items()})
    messages.update(unreadable)
    return media, messages
