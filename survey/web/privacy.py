"""The public processing notice of each campaign: what is collected, what for, by whom,
for how long, and the person's rights (the coordinator's side is ``coordination/privacy.py``)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import ngettext

from ..services.structure_identity import identity_for
from .access import services
from .languages import campaign_in_language, language_arg

bp = Blueprint("privacy", __name__)


@bp.route("/c/<campaign_id>/confidentialite")
def notice(campaign_id: str):
    """What is collected, what for, by whom, for how long, and the person's rights."""
    campaign, reference, questionnaire, _language = campaign_in_language(campaign_id)
    return render_template(
        "public/privacy.html",
        campaign=campaign,
        questionnaire=questionnaire,
        lang_args=language_arg(questionnaire, reference),
        retention=retention_words(campaign.retention_months),
        identity=identity_for(services(), campaign, with_logo=False),  # who runs it, the RGPD contact
    )


def retention_words(months: int) -> str:
    """« 1 an », « 18 mois »: how long answers are kept, in the page's language."""
    months = int(months)
    if months % 12 == 0:
        return ngettext("%(num)s an", "%(num)s ans", months // 12)
    return ngettext("%(num)s mois", "%(num)s mois", months)
