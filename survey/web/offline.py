"""Offline capture: the JSON door a tablet's queue sends answers through, and the service worker.

A finished answer waits in the browser (IndexedDB, ``static/offline.js``) and is sent here
one at a time when the server is reachable. The answer id makes a resend harmless:
201 new, 200 already stored, 409 same id with other content. The questionnaire's rules are
the form's own (``forms.py``, fed a MultiDict): 422 with a French message per question.
``receive`` is also what ``survey import-queue`` uses for a queue exported to a file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from ..services.answer_channel import ChannelRefused
from ..model.answer_record import is_answer_id, new_answer
from ..model.campaign import Campaign
from ..model.clock import parse_time, stamp, utc_now
from ..forms import FIELD_PREFIX, field_name, form_class_for
from ..model.errors import SurveyError
from ..model.questionnaire import Questionnaire
from .access import services, team_today
from ..storage import AnswerConflict

bp = Blueprint("offline", __name__)

STATIC = Path(__file__).resolve().parent.parent / "static"  # survey/static, the app's static folder
# The ES modules offline.js imports: the form page preloads them, the service worker keeps them.
OFFLINE_MODULES = ("offline/queue.js", "offline/sending.js")
# What the service worker keeps so that a form opens with no connection.
PRECACHED = ("style.css", "form.js", "offline.js", "kiosk.js", "readaloud.js") + OFFLINE_MODULES
MAX_META = 80  # characters kept of channel, collector, session and poster
NOT_FOUND = "Cette campagne n'existe pas, ou plus."


def _time_or_now(value) -> str:
    """A client's time if readable and not in the future (a tablet's clock may be wrong)."""
    moment = parse_time(value) if isinstance(value, str) else None
    now = datetime.now(timezone.utc)
    if moment is None or moment > now + timedelta(minutes=5):
        return utc_now()
    return stamp(moment)


def _text(value, default=None):
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_META]
    return default


def formdata_of(answers: dict) -> MultiDict:
    """Answers keyed by question id (as stored) into the form's field names."""
    data = MultiDict()
    for key, value in answers.items():
        name = f"{FIELD_PREFIX}{key}"
        for item in value if isinstance(value, list) else [value]:
            if item is None or isinstance(item, (dict, list)):
                continue
            data.add(name, str(item))
    return data


def _signer(secret_key) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="porteur-de-parole/collecteur")


def collector_token(secret_key, campaign_id: str, pseudonym: str, channel: str | None = None) -> str:
    """Who sends the answers, sealed: the volunteer who signs them and the channel the server
    gave the page (``answer_channel``). A queued answer keeps both after a browser restart
    (new session), and nobody can put another name or channel in their place."""
    if not pseudonym and not channel:
        return ""
    return _signer(secret_key).dumps([campaign_id, pseudonym or "", channel or ""])


def _sealed(secret_key, campaign_id: str, token) -> list | None:
    """[pseudonym, channel] of a token of this campaign (older tokens have no channel)."""
    try:
        sealed = _signer(secret_key).loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(sealed, list) or len(sealed) not in (2, 3) or sealed[0] != campaign_id:
        return None
    values = sealed[1:] + [""] * (3 - len(sealed))
    return values if all(isinstance(v, str) for v in values) else None


def collector_of(secret_key, campaign_id: str, token) -> str | None:
    sealed = _sealed(secret_key, campaign_id, token)
    return sealed[0] if sealed and sealed[0] else None


def channel_of(secret_key, campaign_id: str, token) -> str | None:
    sealed = _sealed(secret_key, campaign_id, token)
    return sealed[1] if sealed and sealed[1] else None


def receive(
    svc, config, campaign: Campaign, questionnaire: Questionnaire, payload, collector: str = "", channel=None
) -> tuple[int, dict]:
    """Validate and store one answer sent as JSON; (HTTP status, JSON body in French).

    ``collector`` is the session's signer and ``channel`` a function giving the channel of
    this sender (``answer_channel``; it may raise ``ChannelRefused``). The sealed
    ``collector`` of the payload (made when the page was served, see ``collector_token``)
    wins for both, since the session may be gone by then. Without ``channel`` (a queue file
    imported by the coordinator), the payload's channel is kept when the campaign has it."""
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

    form_class = form_class_for(svc, questionnaire, config["MAX_TEXT_LENGTH"], csrf=False)
    data = formdata_of(payload.get("answers") or {})
    data["answer_id"] = answer_id
    form = form_class(formdata=data)  # plain Python: ``survey import-queue`` has no request
    if not form.validate_questions(only):
        errors = {
            q.id: form.question_field(q).errors[0]
            for q in form.visible_questions(only)
            if form.question_field(q).errors
        }
        if form.empty_error:
            return 422, {"message": form.empty_error, "errors": {}, "fields": {}}
        count = len(errors)
        return 422, {
            "message": f"{count} réponse{'s' if count > 1 else ''} à corriger.",
            "errors": errors,
            "fields": {q_id: field_name(questionnaire.question(q_id)) for q_id in errors},
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
    )
    try:
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


def parse_json(raw: bytes | str):
    """The parsed JSON, or ``UnreadableJSON``: 2 KB of brackets makes ``json`` recurse until
    Python gives up (RecursionError), which must be a refusal, never a crash."""
    try:
        data = json.loads(raw)
        # A lone surrogate (``"\\ud800"``) is valid JSON but no text: it could never be stored.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        raise UnreadableJSON("Cette réponse n'est pas lisible (format inattendu).") from None
    return data


def _json(status: int, body: dict) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/c/<campaign_id>/reponses")
def submit(campaign_id: str):
    svc = services()
    campaign = svc.campaigns.get(campaign_id)
    questionnaire = svc.questionnaire_for(campaign) if campaign else None
    if campaign is None or questionnaire is None:
        return _json(404, {"message": NOT_FOUND})
    if not campaign.accepts_answers(team_today()):
        return _json(410, {"message": "Ce questionnaire est fermé : il ne reçoit plus de réponses."})
    collector = (session.get("collector") or {}).get(campaign.id, "")
    from .public import channel_for

    try:
        payload = parse_json(request.get_data(cache=False))
    except UnreadableJSON as exc:
        return _json(400, {"message": str(exc)})
    try:
        status, body = receive(
            svc, current_app.config, campaign, questionnaire, payload, collector, channel=lambda: channel_for(campaign)
        )
    except OSError:
        current_app.logger.exception("answer not saved")
        status, body = 503, {"message": "La réponse n'a pas pu être enregistrée. Elle reste sur la tablette."}
    return _json(status, body)


@bp.get("/api/jeton")
def token():
    """A fresh CSRF token: after a browser restart the cached page's token is stale."""
    return _json(200, {"token": generate_csrf()})


@bp.errorhandler(CSRFError)
def csrf_error(error):
    return _json(400, {"message": "Jeton de sécurité périmé : la tablette en redemande un.", "csrf": True})


def assets_version() -> str:
    """Changes whenever a cached file changes, so tablets drop the old cache (not the queue)."""
    cache = current_app.extensions.setdefault("offline", {})
    if "version" not in cache or current_app.debug:
        digest = hashlib.sha256()
        for name in PRECACHED + ("sw.js",):
            path = STATIC / name
            digest.update(name.encode())
            digest.update(path.read_bytes() if path.exists() else b"")
        cache["version"] = digest.hexdigest()[:12]
    return cache["version"]


@bp.get("/sw.js")
def service_worker():
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    assets = [url_for("static", filename=name) for name in PRECACHED]
    source = source.replace("__VERSION__", assets_version()).replace("__ASSETS__", json.dumps(assets))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def add_hooks(app) -> None:
    @app.context_processor
    def sealed_collector():
        def sealed(campaign_id: str, channel: str | None = None) -> str:
            pseudonym = (session.get("collector") or {}).get(campaign_id, "")
            return collector_token(current_app.config["SECRET_KEY"], campaign_id, pseudonym, channel)

        # field_prefix: offline.js reads the answers from the field names by it (data-field-prefix).
        return {"sealed_collector": sealed, "offline_modules": OFFLINE_MODULES, "field_prefix": FIELD_PREFIX}
