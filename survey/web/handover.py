"""The shared instance's door for a laptop's hand-over (issue 15 §4): ``/api/remise/<campaign>/…``.

JSON, authenticated only by ``Authorization: Bearer <jeton d'envoi>`` (made by a coordinator of
the instance for one campaign: ``services/handover_receive.py``), so it is exempt from CSRF
like the tablets' API (no cookie is read), and limited per client address like it. Every
refusal is a French JSON message with its status (400 unreadable, 401 no or dead token, 403
another campaign's token, 404, 409, 413, 415); bad input is never a 500.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from ..services import handover_receive as receive
from ..services.fieldwork.photos import MAX_PHOTO_BYTES
from ..services.queued_answers import UnreadableJSON, parse_json
from .access import services
from .ratelimit import limit_view

bp = Blueprint("handover", __name__, url_prefix="/api/remise/<campaign_id>")


def _json(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.url_value_preprocessor
def _authorised(endpoint, values):
    """Every route: the token must be alive and made for the campaign of the address (and
    for its structure, when the campaign is already on the instance)."""
    g.upload_token = receive.check_token(
        services(), request.headers.get("Authorization"), (values or {}).get("campaign_id", "")
    )


def _body(key: str | None = None):
    request.max_content_length = current_app.config["HANDOVER_MAX_BATCH_BYTES"]
    try:
        data = parse_json(request.get_data(cache=False))
    except UnreadableJSON:
        raise receive.HandoverRefused("Ce contenu n'est pas lisible (JSON attendu).") from None
    if key is None:
        return data
    if not isinstance(data, dict) or key not in data:
        raise receive.HandoverRefused(f"Ce contenu n'est pas lisible (liste « {key} » attendue).")
    return data[key]


@bp.put("/campagne")
def campaign(campaign_id: str):
    # The campaign received belongs to the structure of the coordinator who made the token.
    structure_id = g.upload_token.get("structure_id", "")
    return _json(200, receive.receive_campaign(services(), campaign_id, _body(), structure_id))


@bp.put("/versions")
def versions(campaign_id: str):
    return _json(200, receive.receive_versions(services(), campaign_id, _body("versions")))


@bp.post("/reponses")
def answers(campaign_id: str):
    return _json(200, receive.receive_answers(services(), campaign_id, _body("reponses")))


@bp.post("/sessions")
def sessions(campaign_id: str):
    return _json(200, receive.receive_sessions(services(), campaign_id, _body("sessions")))


@bp.put("/photos/<session_id>/<name>")
def photo(campaign_id: str, session_id: str, name: str):
    request.max_content_length = MAX_PHOTO_BYTES + 1024
    data = request.get_data(cache=False)
    return _json(200, receive.receive_photo(services(), campaign_id, session_id, name, data))


@bp.put("/medias/<answer_id>/<name>")
def medium(campaign_id: str, answer_id: str, name: str):
    config = current_app.config
    request.max_content_length = max(config["MEDIA_MAX_RECORDING_BYTES"], config["MEDIA_MAX_IMAGE_BYTES"]) + 1024
    data = request.get_data(cache=False)
    return _json(200, receive.receive_answer_medium(services(), campaign_id, answer_id, name, data))


@bp.get("/bilan")
def summary(campaign_id: str):
    return _json(200, receive.campaign_summary(services(), campaign_id))


@bp.errorhandler(receive.HandoverRefused)
def refused(error: receive.HandoverRefused):
    return _json(error.status, {"message": error.message})


@bp.errorhandler(413)
def too_large(error):
    return _json(413, {"message": "Envoi trop gros : l'ordinateur portable l'envoie en plus petits lots."})


@bp.errorhandler(405)
def wrong_method(error):
    return _json(405, {"message": "Cette adresse ne s'utilise pas ainsi."})


@bp.errorhandler(OSError)
def not_written(error):
    current_app.logger.exception("hand-over not stored")
    return _json(503, {"message": "L'instance n'a pas pu enregistrer cet envoi. Il sera retenté."})


def add_hooks(app) -> None:
    """No cookie is read here: CSRF does not apply (the token is the proof)."""
    app.extensions["csrf"].exempt(bp)


def limit_views(app, limiter) -> None:
    """One shared count per client address for every route (``web.register`` calls this with
    the other limits, once the views exist)."""
    limit = limiter.shared_limit(lambda: current_app.config["HANDOVER_RATE_LIMIT"], scope="handover")
    for endpoint in list(app.view_functions):
        if endpoint.startswith("handover."):
            limit_view(app, endpoint, limit)
