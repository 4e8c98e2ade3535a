"""Kiosk mode: one tablet passed from hand to hand at an event (``?kiosque=1``).

Opening a form with ``kiosque=1`` locks this browser's session to that campaign: any other
page of the site sends it back to the form, until a volunteer types a code on
« Quitter le mode kiosque ». Accepted codes: the campaign's kiosk code (made on the
team codes page or by ``survey code-kiosque``, kept in the ``kiosk_codes`` collection, so
editing the campaign does not lose it: ``services/kiosk_codes.py``) or an active volunteer code of that campaign
(``volunteers.py``); a coordinator already logged in leaves without one. Kiosk pages are
sent ``no-store``: the back button cannot bring the previous person's page out of the cache.
The countdown to the next person and the reset of the form are in ``static/kiosk.js`` and
``static/offline.js``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..catalogs import N_
from ..services.kiosk_codes import code_opens, has_any_code
from .access import CARRIED_ARGS, services
from .field_errors import on
from .throttle import app_throttle, wait_words

bp = Blueprint("kiosk", __name__)

SESSION_KEY = "kiosk"
KIOSK_ARG = "kiosque"
# Reachable while locked: the campaign's form and thank-you page, files, the answer door.
OPEN_ENDPOINTS = {"static", "offline.service_worker", "offline.submit", "offline.token", "kiosk.leave"}
CAMPAIGN_ENDPOINTS = {"public.answer_form", "public.thanks"}
CAMPAIGN_PAGES = {"privacy.notice"}  # about the campaign, reachable from its form


def locked_campaign() -> str | None:
    state = session.get(SESSION_KEY)
    return state.get("campaign") if isinstance(state, dict) else None


def kiosk_url(state: dict) -> str:
    args = {k: v for k, v in (state.get("args") or {}).items() if isinstance(v, str)}
    args[KIOSK_ARG] = "1"
    return url_for("public.answer_form", campaign_id=state["campaign"], **args)


def _lock() -> None:
    """Keep a kiosk session on its campaign; start one when a form opens with ``kiosque=1``."""
    endpoint = request.endpoint or ""
    view_args = request.view_args or {}
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict):
        if endpoint == "public.answer_form" and request.args.get(KIOSK_ARG) == "1" and request.method == "GET":
            args = {k: request.args[k] for k in CARRIED_ARGS if request.args.get(k) and k != KIOSK_ARG}
            session[SESSION_KEY] = {"campaign": view_args.get("campaign_id"), "args": args}
        return None
    if endpoint in OPEN_ENDPOINTS:
        return None
    same_campaign = view_args.get("campaign_id") == state.get("campaign")
    if endpoint in CAMPAIGN_PAGES and same_campaign:
        return None
    if endpoint in CAMPAIGN_ENDPOINTS and same_campaign:
        if request.method == "GET" and request.args.get(KIOSK_ARG) != "1":
            return redirect(kiosk_url(state), code=303)
        return None
    return redirect(kiosk_url(state), code=303)


def kiosk_requested() -> bool:
    """``kiosque=1`` in the address or the posted form (a form too big to read is not one)."""
    if request.args.get(KIOSK_ARG) == "1":
        return True
    if request.method != "POST":
        return False
    try:
        return request.form.get(KIOSK_ARG) == "1"
    except HTTPException:
        return False


def _no_store(response):
    if kiosk_requested() or (request.endpoint or "").startswith("kiosk."):
        response.headers["Cache-Control"] = "no-store"
    return response


def _context() -> dict:
    in_kiosk = kiosk_requested() or locked_campaign() is not None
    return {"kiosk_mode": in_kiosk, "kiosk_delay": current_app.config["KIOSK_DELAY_SECONDS"]}


@bp.route("/c/<campaign_id>/kiosque/quitter", methods=["GET", "POST"])
def leave(campaign_id: str):
    svc = services()
    campaign = svc.campaigns.get(campaign_id) if locked_campaign() == campaign_id or not locked_campaign() else None
    if campaign is None:
        abort(404, description=N_("Cette page n'existe pas. Vérifiez l'adresse."))
    from .access import coordinates

    needs_code = has_any_code(svc, campaign.id) and not coordinates(campaign)
    error = None
    if request.method == "POST":
        # Counted on the server: a replayed cookie gives no fresh tries.
        throttle, address = app_throttle("kiosk", "KIOSK"), request.remote_addr or ""
        wait = throttle.blocked_for(address, campaign.id) if needs_code else 0
        if wait:
            error = gettext("Trop d'essais. Attendez %(wait)s avant de réessayer.", wait=wait_words(wait))
        elif needs_code and not code_opens(svc, campaign.id, request.form.get("code")):
            throttle.fail(address, campaign.id)
            error = gettext("Ce code n'ouvre pas le mode kiosque de cette campagne. Vérifiez-le et réessayez.")
        else:
            throttle.forget(address, campaign.id)
            session.pop(SESSION_KEY, None)
            return redirect(url_for("public.answer_form", campaign_id=campaign.id), code=303)
    back = (
        kiosk_url(session[SESSION_KEY])
        if isinstance(session.get(SESSION_KEY), dict)
        else url_for("public.answer_form", campaign_id=campaign.id)
    )
    return render_template(
        "public/kiosk_exit.html", campaign=campaign, needs_code=needs_code, field_errors=on("code", error), back=back
    ), (422 if error else 200)


def add_hooks(app) -> None:
    app.before_request(_lock)
    app.after_request(_no_store)
    app.context_processor(_context)
