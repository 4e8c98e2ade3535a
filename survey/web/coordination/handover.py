"""The coordinator's two pages of a hand-over (issue 15 §4): on the shared instance, make
(and withdraw) the upload token for a campaign; on the laptop, send a campaign to the
instance with that token and read the report (``services/handover.py``)."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from ...model.structure import owner_of
from ...services import handover, handover_receive, structures
from ..access import audit, campaign_or_404, coordinator_required, current_account, services
from .blueprint import bp


@bp.route("/recevoir", methods=["GET", "POST"])
@coordinator_required
def handover_tokens():
    """« Recevoir une campagne d'un ordinateur portable »: the token is shown once, here."""
    svc, account = services(), current_account()
    error, token, campaign_id = None, None, ""
    if request.method == "POST":
        campaign_id = request.form.get("campagne", "").strip()
        try:
            owner = structures.token_structure(svc, account, campaign_id)
            token = handover_receive.make_token(
                svc, campaign_id, current_app.config["HANDOVER_TOKEN_DAYS"], g.coordinator, owner
            )
        except (handover_receive.HandoverRefused, structures.StructureError) as exc:
            error = exc.message
        else:
            audit("jeton d'envoi créé", f"campagne {campaign_id}", structure_id=owner)
    return render_template(
        "coordination/handover_tokens.html",
        error=error,
        token=token,
        campaign_id=campaign_id,
        days=current_app.config["HANDOVER_TOKEN_DAYS"],
        tokens=[t for t in handover_receive.tokens(svc) if structures.may_see_record(account, t)],
    ), (422 if error else 200)


@bp.route("/recevoir/<token_id>/retirer", methods=["POST"])
@coordinator_required
def revoke_handover_token(token_id: str):
    account = current_account()
    record = handover_receive.revoke_token(
        services(), token_id, lambda found: structures.may_see_record(account, found)
    )
    if record is None:
        flash("Ce jeton n'existe pas.")
    else:
        audit("jeton d'envoi retiré", f"campagne {record.get('campaign')}", structure_id=owner_of(record))
        flash(f"Le jeton de la campagne « {record.get('campaign')} » est retiré : il ne permet plus d'envoyer.")
    return redirect(url_for("coordination.handover_tokens"), code=303)


@bp.route("/campagnes/<campaign_id>/envoyer", methods=["GET", "POST"])
@coordinator_required
def handover_send(campaign_id: str):
    """« Envoyer cette campagne vers l'instance partagée »: the report is shown on the page."""
    campaign = campaign_or_404(campaign_id)
    error, report = None, None
    address = request.form.get("adresse", "").strip()
    if request.method == "POST":
        try:
            report = handover.send_campaign(
                services(),
                campaign.id,
                address,
                request.form.get("jeton", ""),
                batch=current_app.config["HANDOVER_BATCH"],
            )
        except handover.HandoverError as exc:
            error = exc.message
        else:
            audit("campagne envoyée", f"campagne {campaign.id} vers {address}")
    return render_template(
        "coordination/handover_send.html", campaign=campaign, address=address, error=error, report=report
    ), (422 if error else 200)
