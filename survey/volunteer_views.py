"""Volunteers: entering a code (or following its link), their own counts, and the
coordinator's page to hand out and revoke codes, and to set up a shared kiosk tablet."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from zoneinfo import ZoneInfo

from . import kiosk, site_settings, volunteers
from .auth import audit, coordinator_required
from .campaigns import CHANNELS
from .coordination import bp as coordination_bp
from .results import collector_counts
from .scope import campaign_or_404, local_target
from .services import services
from .settings_views import link_qr, public_address, public_url, wifi_qr

bp = Blueprint("volunteer", __name__, url_prefix="/benevole")
BAD_CODE = ("Ce code n'est pas valable. Vérifiez-le (8 lettres et chiffres), ou demandez-en un "
            "nouveau à la personne qui coordonne la campagne.")


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
        return render_template("volunteer/enter.html", error=error,
                               then=local_target(request.values.get("suite"), "")), (422 if error else 200)
    campaign = svc.campaigns.get(record["campaign"])
    if campaign is None:
        volunteers.leave(session)
        return render_template("volunteer/enter.html", error=BAD_CODE), 422
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    today, overall = collector_counts(svc.answers.iter_answers(campaign.id), record["pseudonym"],
                                      datetime.now(zone).date(), zone)
    return render_template("volunteer/home.html", campaign=campaign, record=record, today=today,
                           overall=overall, ways=ways_to_collect(campaign), channels=CHANNELS,
                           sessions=upcoming_sessions(svc, campaign.id, datetime.now(zone).date()))


def ways_to_collect(campaign) -> list[str]:
    """What this campaign's volunteers do, in the order of a field day, from its channels."""
    ways = [c for c in ("tablette", "porte-a-porte", "porteur-de-parole", "post-it", "papier")
            if c in campaign.channels]
    if "porteur-de-parole" in campaign.channels or "post-it" in campaign.channels:
        ways.append("mur")
    return ways


def upcoming_sessions(svc, campaign_id: str, today) -> list:
    """Today's and later sessions, soonest first: where a scribe takes cards."""
    from .fieldwork.sessions import SessionRepository
    found = [s for s in SessionRepository(svc.records).for_campaign(campaign_id) if s.day >= today.isoformat()]
    return sorted(found, key=lambda s: (s.day, s.starts))[:5]


@bp.route("/<code>")
def link(code: str):
    """The link a coordinator hands out: same as typing the code."""
    svc = services()
    record = volunteers.find(svc, code)
    if record is None or svc.campaigns.get(record["campaign"]) is None:
        return render_template("volunteer/enter.html", error=BAD_CODE), 404
    return _start(record)


@bp.route("/sortir", methods=["POST"])
def leave():
    volunteers.leave(session)
    flash("Vous avez quitté l'espace bénévole sur cet appareil.")
    return redirect(url_for("volunteer.home"), code=303)


# -- coordinator side ---------------------------------------------------------

@coordination_bp.route("/campagnes/<campaign_id>/benevoles", methods=["GET", "POST"])
@coordinator_required
def volunteer_codes(campaign_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    error = None
    pseudonym = ""
    if request.method == "POST":
        pseudonym = request.form.get("pseudonyme", "")
        try:
            record = volunteers.create(svc, campaign.id, pseudonym, by=g.coordinator)
        except volunteers.VolunteerError as exc:
            error = str(exc)
        else:
            audit("code bénévole créé", f"campagne {campaign.id} : code pour « {record['pseudonym']} »")
            flash(f"Code créé pour « {record['pseudonym']} » : {volunteers.display_code(record['id'])}.")
            return redirect(url_for("coordination.volunteer_codes", campaign_id=campaign.id), code=303)
    records = volunteers.for_campaign(svc, campaign.id)
    # Links said on the public address, never the 127.0.0.1 the laptop's own browser uses.
    kiosk_link = public_url("public.answer_form", campaign_id=campaign.id, canal="tablette", **{kiosk.KIOSK_ARG: "1"})
    wifi = site_settings.team_wifi(svc.records)
    return render_template("coordination/volunteers.html", campaign=campaign, records=records, error=error,
                           pseudonym=pseudonym, display_code=volunteers.display_code,
                           is_active=volunteers.is_active, kiosk_code=kiosk.kiosk_code(svc, campaign.id),
                           kiosk_link=kiosk_link, address=public_address(), wifi=wifi,
                           wifi_code=wifi_qr(wifi) if wifi else None,
                           team_code=link_qr(public_url("volunteer.home"), "qr-equipe") if wifi else None), (422 if error else 200)


@coordination_bp.route("/campagnes/<campaign_id>/kiosque/code", methods=["POST"])
@coordinator_required
def new_kiosk_code(campaign_id: str):
    """A new code to leave kiosk mode; the previous one stops working at once."""
    campaign = campaign_or_404(campaign_id)
    svc = services()
    had_one = bool(kiosk.kiosk_code(svc, campaign.id))
    code = kiosk.set_kiosk_code(svc, campaign.id)
    audit("code kiosque " + ("changé" if had_one else "créé"), f"campagne {campaign.id}")
    flash(f"Code kiosque : {volunteers.display_code(code)}."
          + (" L'ancien ne fonctionne plus." if had_one else ""))
    return redirect(url_for("coordination.volunteer_codes", campaign_id=campaign.id, _anchor="kiosque"), code=303)


@coordination_bp.route("/campagnes/<campaign_id>/benevoles/<code>/retirer", methods=["POST"])
@coordinator_required
def revoke_code(campaign_id: str, code: str):
    campaign = campaign_or_404(campaign_id)
    record = volunteers.revoke(services(), campaign.id, code, by=g.coordinator)
    if record is None:
        flash("Ce code n'existe pas pour cette campagne, ou il est déjà retiré.")
    else:
        audit("code bénévole retiré", f"campagne {campaign.id} : code de « {record['pseudonym']} »")
        flash(f"Le code de « {record['pseudonym']} » est retiré : son accès s'arrête tout de suite.")
    return redirect(url_for("coordination.volunteer_codes", campaign_id=campaign.id), code=303)
