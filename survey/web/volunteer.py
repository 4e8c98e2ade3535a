"""Volunteers: entering a code (or following its link), and their own counts (the
coordinator's page that hands codes out is ``coordination/volunteers.py``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext

from ..catalogs import N_, SOURCE_LANGUAGE
from ..model.campaign import CHANNELS
from ..services import volunteers
from ..services.results import campaign_collector_counts
from .access import local_target, services, team_today
from .field_errors import on

bp = Blueprint("volunteer", __name__, url_prefix="/benevole")
BAD_CODE = N_(
    "Ce code n'est pas valable. Vérifiez-le (8 lettres et chiffres), ou demandez-en un "
    "nouveau à la personne qui coordonne la campagne."
)


@bp.before_app_request
def load_volunteer():
    """Each request re-reads the code: a revoked code ends the access at once."""
    g.volunteer = None
    if request.endpoint == "static" or not session.get(volunteers.SESSION_KEY):
        return
    g.volunteer = volunteers.check_session(services(), session)


def _start(record: dict, then: str | None = None):
    """Sign the volunteer in, then their home (or the campaign's wall, for a wall screen)."""
    volunteers.enter(session, record)
    wall = url_for("terrain.wall", campaign_id=record["campaign"])
    return redirect(then if then and then.split("?")[0] == wall else url_for("volunteer.home"), code=303)


@bp.route("/", methods=["GET", "POST"])
def home():
    """With a code in the session: my counts. Without: the box to type the code."""
    svc = services()
    error = None
    if request.method == "POST":
        record = volunteers.find(svc, request.form.get("code", ""))
        if record is not None and svc.campaigns.get(record["campaign"]) is not None:
            return _start(record, local_target(request.form.get("suite"), ""))
        error = BAD_CODE
    record = g.volunteer
    if record is None:
        return render_template(
            "volunteer/enter.html",
            field_errors=on("code", error and gettext(error)),
            then=local_target(request.values.get("suite"), ""),
        ), (422 if error else 200)
    campaign = svc.campaigns.get(record["campaign"])
    if campaign is None:
        volunteers.leave(session)
        return render_template("volunteer/enter.html", field_errors=on("code", gettext(BAD_CODE))), 422
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    day = team_today()
    today, overall = campaign_collector_counts(svc.answers, campaign.id, record["pseudonym"], day, zone)
    return render_template(
        "volunteer/home.html",
        campaign=campaign,
        record=record,
        today=today,
        overall=overall,
        ways=ways_to_collect(campaign),
        channels=CHANNELS,
        sessions=upcoming_sessions(svc, campaign.id, day),
    )


def ways_to_collect(campaign) -> list[str]:
    """What this campaign's volunteers do, in the order of a field day, from its channels."""
    ways = [
        c for c in ("tablette", "porte-a-porte", "porteur-de-parole", "post-it", "papier") if c in campaign.channels
    ]
    if "porteur-de-parole" in campaign.channels or "post-it" in campaign.channels:
        ways.append("mur")
    return ways


def upcoming_sessions(svc, campaign_id: str, today) -> list:
    """Today's and later sessions, soonest first: where a scribe takes cards."""

    found = [s for s in svc.sessions.for_campaign(campaign_id) if s.day >= today.isoformat()]
    return sorted(found, key=lambda s: (s.day, s.starts))[:5]


@bp.route("/<code>")
def link(code: str):
    """The link a coordinator hands out: same as typing the code."""
    svc = services()
    record = volunteers.find(svc, code)
    if record is None or svc.campaigns.get(record["campaign"]) is None:
        return render_template("volunteer/enter.html", field_errors=on("code", gettext(BAD_CODE))), 404
    return _start(record)


@bp.route("/sortir", methods=["POST"])
def leave():
    volunteers.leave(session)
    flash(gettext("Vous avez quitté l'espace bénévole sur cet appareil."))
    language = str(get_locale() or SOURCE_LANGUAGE)  # the page the volunteer left from speaks it: so does the next
    return redirect(url_for("volunteer.home", **({"lang": language} if language != SOURCE_LANGUAGE else {})), code=303)
