"""« Mots fréquents »: the most frequent meaningful words of the free-text answers, per
question and per tag, and the tags by place; each word leads to the answers that hold it
(the reading list searched for it). The counting is ``services/words.py``."""

from __future__ import annotations

from flask import render_template

from ...services.tags import campaign_tags
from ...services.words import SHOWN, frequent_words
from ..access import campaign_or_404, coordinator_required, questionnaire_or_404, services
from .blueprint import bp
from .results import session_places


@bp.route("/campagnes/<campaign_id>/mots")
@coordinator_required
def frequent_words_page(campaign_id: str):
    svc = services()
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    found = frequent_words(svc.answers, campaign, questionnaire, session_places(svc, campaign.id))
    places = sorted({place for counts in found.tags_by_place.values() for place in counts})
    return render_template(
        "coordination/words.html",
        campaign=campaign,
        questionnaire=questionnaire,
        found=found,
        places=places,
        tags=campaign_tags(svc, campaign.id),
        shown=SHOWN,
    )
