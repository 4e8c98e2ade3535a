"""An answer sent as JSON, checked and stored: what a tablet's queue sends (``web/offline.py``)
and what ``survey import-queue`` reads from a queue exported to a file.

The answer id makes a resend harmless: 201 new, 200 already stored, 409 same id with other
content. The questionnaire's rules are the form's own (``forms.py``, fed a MultiDict): 422
with a French message per question. Who sent it (the volunteer who signs, the channel the
server gave the page) travels sealed with the app's secret key, so a queued answer keeps both
after a browser restart and nobody can put another name or channel in their place.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from ..forms import FIELD_PREFIX, field_name, form_class_for
from ..model.answer_record import is_answer_id, new_answer
from ..model.campaign import Campaign
from ..model.clock import parse_time, stamp, utc_now
from ..model.errors import SurveyError
from ..model.questionnaire import Questionnaire
from ..storage import AnswerConflict
from .answer_channel import ChannelRefused
from .media import Checked, keep_media

if TYPE_CHECKING:
    from . import Services

MAX_META = 80  # characters kept of channel, collector, session and poster


def _time_or_now(value: Any) -> str:
    """A client's time if readable and not in the future (a tablet's clock may be wrong)."""
    moment = parse_time(value) if isinstance(value, str) else None
    now = datetime.now(timezone.utc)
    if moment is None or moment > now + timedelta(minutes=5):
        return utc_now()
    return stamp(moment)


def _text(value: Any, default: str | None = None) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_META]
    return default


def formdata_of(answers: dict) -> MultiDict:
    """Answers keyed by question id (as stored) into the form's field names."""
    data: MultiDict = MultiDict()
    for key, value in answers.items():
        name = f"{FIELD_PREFIX}{key}"
        for item in value if isinstance(value, list) else [value]:
            if item is None or isinstance(item, (dict, list)):
                continue
            data.add(name, str(item))
    return data


def _signer(secret_key: str | bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="porteur-de-parole/collecteur")


def collector_token(secret_key: str | bytes, campaign_id: str, pseudonym: str, channel: str | None = None) -> str:
    """Who sends the answers, sealed: the volunteer who signs them and the channel the server
    gave the page (``answer_channel``). A queued answer keeps both after a browser restart
    (new session), and nobody can put another name or channel in their place."""
    if not pseudonym and not channel:
        return ""
    return _signer(secret_key).dumps([campaign_id, pseudonym or "", channel or ""])


def _sealed(secret_key: str | bytes, campaign_id: str, token: Any) -> list | None:
    """[pseudonym, channel] of a token of this campaign (older tokens have no channel)."""
    try:
        sealed = _signer(secret_key).loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(sealed, list) or len(sealed) not in (2, 3) or sealed[0] != campaign_id:
        return None
    values = sealed[1:] + [""] * (3 - len(sealed))
    return values if all(isinstance(v, str) for v in values) else None


def collector_of(secret_key: str | bytes, campaign_id: str, token: Any) -> str | None:
    sealed = _sealed(secret_key, campaign_id, token)
    return sealed[0] if sealed and sealed[0] else None


def channel_of(secret_key: str | bytes, campaign_id: str, token: Any) -> str | None:
    sealed = _sealed(secret_key, campaign_id, token)
    return sealed[1] if sealed and sealed[1] else None


def receive(
    svc: Services,
    config: Mapping[str, Any],
    campaign: Campaign,
    questionnaire: Questionnaire,
    payload: Any,
    collector: str = "",
    channel: Callable[[], str] | None = None,
    media: Checked | None = None,
    media_refused: Mapping[str, str] | None = None,
) -> tuple[int, dict]:
    """Validate and store one answer sent as JSON; (HTTP status, JSON body in French).

    ``collector`` is the session's signer and ``channel`` a function giving the channel of
    this sender (``answer_channel``; it may raise ``ChannelRefused``). The sealed
    ``collector`` of the payload (made when the page was served, see ``collector_token``)
    wins for both, since the session may be gone by then. Without ``channel`` (a queue file
    imported by the coordinator), the payload's channel is kept when the campaign has it.
    ``media``: the recordings and drawings sent with it, checked (``services/media.py``), stored
    before the answer; ``media_refused``: the French refusal of each file that was not."""
    if not isinstance(payload, dict) or not isinstance(payload.get("answers", {}), dict):
        return 400, {"message": "Cette réponse n'est pas lisible (format inattendu)."}
    sealed_channel = channel_of(config["SECRET_KEY"], campaign.id, payload.get("collector"))
    if sealed_channel in campaign.channels:
        answer_channel = sealed_channel
    elif channel is not None:
        try:
            answer_channel = channel()
        except ChannelRefused as refused:
            return 410, {"message": str(refused)}
    else:
        sent = payload.get("channel")
        answer_channel = sent if sent in campaign.channels else campaign.default_channel()
    answer_id = payload.get("answer_id")
    if not is_answer_id(answer_id):
        return 422, {"message": "Cette réponse n'a pas d'identifiant valable.", "errors": {}}
    answer_id = str(answer_id)
    only = None
    if payload.get("question"):
        single = questionnaire.question(str(payload["question"]))
        if single is None or not single.answerable:
            return 422, {"message": "Cette question n'existe pas dans ce questionnaire.", "errors": {}}
        only = {single.id}

    form_class = form_class_for(svc, questionnaire, config["MAX_TEXT_LENGTH"])
    data = formdata_of(payload.get("answers") or {})
    data["answer_id"] = answer_id
    form = form_class(formdata=data)  # plain Python: ``survey import-queue`` has no request
    media = media or {}
    form.media_answered = frozenset(media)
    valid = form.validate_questions(only)
    for question in form.visible_questions(only):
        if question.id in (media_refused or {}):
            form.question_field(question).errors = [media_refused[question.id]]  # type: ignore[index]
            valid = False
    if not valid:
        errors = {
            q.id: form.question_field(q).errors[0]
            for q in form.visible_questions(only)
            if form.question_field(q).errors
        }
        if form.empty_error and not errors:  # a refused recording is said first: it is why it is empty
            return 422, {"message": form.empty_error, "errors": {}, "fields": {}}
        count = len(errors)
        return 422, {
            "message": f"{count} réponse{'s' if count > 1 else ''} à corriger.",
            "errors": errors,
            "fields": {q.id: field_name(q) for q in form.visible_questions(only) if q.id in errors},
        }

    answer = new_answer(
        campaign,
        questionnaire,
        answer_id=answer_id,
        answers=form.answers(only),
        channel=answer_channel,
        collector=collector_of(config["SECRET_KEY"], campaign.id, payload.get("collector")) or collector,
        session=_text(payload.get("session")),
        poster=_text(payload.get("poster")),
        started_at=_time_or_now(payload.get("started_at")),
        submitted_at=_time_or_now(payload.get("submitted_at")),
        language=payload.get("language") if isinstance(payload.get("language"), str) else None,  # the page's
    )
    visible = {q.id for q in form.visible_questions(only)}
    shown_media = {qid: item for qid, item in media.items() if qid in visible}
    try:
        if shown_media:  # on disk before the answer that names them is acknowledged
            answer["media"] = keep_media(svc, campaign.id, answer_id, shown_media)
        new = svc.save_answer(questionnaire, answer)
    except AnswerConflict:
        return 409, {
            "message": "Une autre réponse a déjà été enregistrée avec le même identifiant. "
            "Celle-ci est gardée de côté sur la tablette.",
            "id": answer_id,
        }
    if new:
        return 201, {"message": "Réponse enregistrée.", "id": answer_id}
    return 200, {"message": "Cette réponse était déjà enregistrée.", "id": answer_id}


class UnreadableJSON(SurveyError, ValueError):
    """A body or file that is not JSON, or nested deeper than any answer could be."""


def parse_json(raw: bytes | str) -> Any:
    """The parsed JSON, or ``UnreadableJSON``: 2 KB of brackets makes ``json`` recurse until
    Python gives up (RecursionError), which must be a refusal, never a crash."""
    try:
        data = json.loads(raw)
        # A lone surrogate (``"\\ud800"``) is valid JSON but no text: it could never be stored.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        raise UnreadableJSON("Cette réponse n'est pas lisible (format inattendu).") from None
    return data
