"""The coordinator's privacy pages: « Données personnelles » with the purge button, and the
audit log (the public notice is ``web/privacy.py``)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from ...services.privacy import expired_ids, purge_campaign, retention_sentence
from ...services.reading import newest_first, page_number
from ...services.structures import journal_entries
from ..access import campaign_or_404, coordinator_required, current_account, services
from .blueprint import bp

JOURNAL_PAGE = 50


@bp.route("/campagnes/<campaign_id>/donnees")
@coordinator_required
def data(campaign_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    ids, undated, cutoff = expired_ids(svc, campaign)
    return render_template(
        "coordination/data.html",
        campaign=campaign,
        expired=len(ids),
        undated=undated,
        cutoff=cutoff,
        count=svc.answers.count(campaign.id),
        retention=retention_sentence(campaign.retention_months),
    )


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
    """Who did what, when: logins, exports, deletions, purges (newest first); a structure's
    coordinator reads the entries of their structure only."""
    svc, account = services(), current_account()
    page = newest_first(lambda: journal_entries(svc, account), page_number(request.args.get("page")), JOURNAL_PAGE)
    return render_template("coordination/journal.html", page=page)
