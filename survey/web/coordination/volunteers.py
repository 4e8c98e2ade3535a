"""The coordinator's page to hand out and revoke volunteer codes, and to set up a shared
kiosk tablet (the volunteers' own pages are ``web/volunteer.py``)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from ...services import kiosk_codes, site_settings, volunteers
from .. import kiosk
from ..access import audit, campaign_or_404, coordinator_required, services
from ..addresses import link_qr, public_address, public_url, wifi_qr
from ..field_errors import on
from .blueprint import bp


@bp.route("/campagnes/<campaign_id>/benevoles", methods=["GET", "POST"])
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
    return render_template(
        "coordination/volunteers.html",
        campaign=campaign,
        records=records,
        field_errors=on("pseudonyme", error),
        pseudonym=pseudonym,
        display_code=volunteers.display_code,
        is_active=volunteers.is_active,
        kiosk_code=kiosk_codes.kiosk_code(svc, campaign.id),
        kiosk_link=kiosk_link,
        address=public_address(),
        wifi=wifi,
        wifi_code=wifi_qr(wifi) if wifi else None,
        team_code=link_qr(public_url("volunteer.home"), "qr-equipe") if wifi else None,
    ), (422 if error else 200)


@bp.route("/campagnes/<campaign_id>/kiosque/code", methods=["POST"])
@coordinator_required
def new_kiosk_code(campaign_id: str):
    """A new code to leave kiosk mode; the previous one stops working at once."""
    campaign = campaign_or_404(campaign_id)
    svc = services()
    had_one = bool(kiosk_codes.kiosk_code(svc, campaign.id))
    code = kiosk_codes.set_kiosk_code(svc, campaign.id)
    audit("code kiosque " + ("changé" if had_one else "créé"), f"campagne {campaign.id}")
    flash(f"Code kiosque : {volunteers.display_code(code)}." + (" L'ancien ne fonctionne plus." if had_one else ""))
    return redirect(url_for("coordination.volunteer_codes", campaign_id=campaign.id, _anchor="kiosque"), code=303)


@bp.route("/campagnes/<campaign_id>/benevoles/<code>/retirer", methods=["POST"])
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
