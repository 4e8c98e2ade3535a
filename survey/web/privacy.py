"""The public processing notice of each campaign: what is collected, what for, by whom,
for how long, and the person's rights (the coordinator's side is ``coordination/privacy.py``)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..services.privacy import retention_sentence
from .access import load_campaign

bp = Blueprint("privacy", __name__)


@bp.route("/c/<campaign_id>/confidentialite")
def notice(campaign_id: str):
    """What is collected, what for, by whom, for how long, and the person's rights."""
    campaign, questionnaire = load_campaign(campaign_id)
    return render_template(
        "public/privacy.html",
        campaign=campaign,
        questionnaire=questionnaire,
        retention=retention_sentence(campaign.retention_months),
    )
