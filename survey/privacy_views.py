"""Privacy pages: the public processing notice of each campaign, the coordinator's
« Données personnelles » page with the purge button, and the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from .auth import AUDIT, coordinator_required
from .coordination import bp
from .privacy import expired_ids, purge_campaign, retention_sentence
from .public import load_campaign
from .reading import newest_first, page_number
from .scope import campaign_or_404
from .services import services

public_bp = Blueprint("privacy", __name__)
JOURNAL_PAGE = 50


@public_bp.route("/c/<campaign_id>/confidentialite")
def notice(campaign_id: str):
    """What is collected, what for, by whom, for how long, and the person's rights."""
    campaign, questionnaire = load_campaign(campaign_id)
    return render_template("public/privacy.html", campaign=campaign, questionnaire=questionnaire,
                           retention=retention_sentence(campaign.retention_months))


@bp.route("/campagnes/<campaign_id>/donnees")
@coordinator_required
def data(campaign_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    ids, undated, cutoff = expired_ids(svc, campaign)
    return render_template("coordination/data.html", campaign=campaign, expired=len(ids), undated=undated,
                           cutoff=cutoff, count=svc.answers.count(campaign.id),
                           retention=retention_sentence(campaign.retention_months))


@bp.route("/campagnes/<campaign_id>/purger", methods=["POST"])
@coordinator_required
def purge(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    result = purge_campaign(services(), campaign, audit_as=g.coordinator)
    flash(f"Purge faite : {result.summary}.")
    return redirect(url_for("coordination.data", campaign_id=campaign.id), code=303)


@bp.route("/journal")
@coordinator_required
def journal():
    """Who did what, when: logins, exports, deletions, purges (newest first)."""
    records = services().records
    page = newest_first(lambda: records.all(AUDIT), page_number(request.args.get("page")), JOURNAL_PAGE)
    return render_template("coordination/journal.html", page=page)
