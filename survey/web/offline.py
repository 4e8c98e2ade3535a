"""Offline capture: the JSON door a tablet's queue sends answers through, and the service worker.

A finished answer waits in the browser (IndexedDB, ``static/offline.js``) and is sent here
one at a time when the server is reachable. The answer id makes a resend harmless:
201 new, 200 already stored, 409 same id with other content. The questionnaire's rules are
the form's own: checking and storing an answer sent as JSON is the use case
``services/queued_answers.py``, which ``survey import-queue`` uses too for a queue exported to a file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf

from .. import catalogs
from ..catalogs import N_
from ..forms import FIELD_PREFIX
from ..model.translations import direction
from ..services.media import media_questions
from ..services.queued_answers import (
    UnreadableJSON,
    collector_token,
    parse_json,
    receive,
)
from .access import services, team_today
from .media_uploads import answer_media

bp = Blueprint("offline", __name__)

STATIC = Path(__file__).resolve().parent.parent / "static"  # survey/static, the app's static folder
# The ES modules offline.js imports: the form page preloads them, the service worker keeps them.
OFFLINE_MODULES = ("offline/queue.js", "offline/sending.js")
# What the service worker keeps so that a form opens with no connection.
PRECACHED = ("style.css", "form.js", "offline.js", "kiosk.js", "readaloud.js", "record.js") + OFFLINE_MODULES
PRECACHED += ("draw.js", "draw.css")  # a drawing question's pad (loaded only on its pages)
NOT_FOUND = "Cette campagne n'existe pas, ou plus."


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

    # An answer with recordings or drawings comes as multipart: its JSON in « reponse », each file
    # as media-<question id> (static/offline/sending.js); checked from their bytes here.
    media_kinds = media_questions(questionnaire, campaign.voice_answers)
    try:
        if request.mimetype == "multipart/form-data":
            payload = parse_json(request.form.get("reponse", ""))
        else:
            payload = parse_json(request.get_data())  # kept: a request run again reads it again (provisional_look)
    except UnreadableJSON as exc:
        return _json(400, {"message": str(exc)})
    # Media stored by an earlier screen of this answer are named in the JSON (« kept_media »).
    given = payload if isinstance(payload, dict) else {}
    consents, kept = given.get("consents"), given.get("kept_media")
    media, refused = answer_media(
        media_kinds,
        campaign.id,
        str(given.get("answer_id")),
        consents if isinstance(consents, dict) else {},
        kept if isinstance(kept, dict) else {},
    )
    try:
        status, body = receive(
            svc,
            current_app.config,
            campaign,
            questionnaire,
            payload,
            collector,
            channel=lambda: channel_for(campaign),
            media=media,
            media_refused=refused,
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


OFFLINE_TITLE = N_("Pas de connexion")
OFFLINE_TEXT = N_(
    "Cette page n'a pas été ouverte sur cette tablette avant la coupure : elle n'est pas disponible "
    "hors connexion. Les réponses déjà faites restent gardées et partiront au retour de la connexion."
)


def offline_words() -> dict:
    """The service worker's « no connection » page in every interface language: it cannot ask
    the server then, so it carries them all (a few hundred bytes each)."""
    words = {}
    for code in catalogs.languages():
        said = catalogs.translations(code)
        words[code] = {
            "lang": code,
            "dir": direction(code),
            "title": said.gettext(OFFLINE_TITLE),
            "text": said.gettext(OFFLINE_TEXT),
        }
    return words


@bp.get("/sw.js")
def service_worker():
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    assets = [url_for("static", filename=name) for name in PRECACHED]
    source = source.replace("__VERSION__", assets_version()).replace("__ASSETS__", json.dumps(assets))
    source = source.replace("__OFFLINE_WORDS__", json.dumps(offline_words(), ensure_ascii=False))
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
