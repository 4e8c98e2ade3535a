"""« Dessins »: the drawings of a campaign as a gallery (issue 16 §2), newest first, each leading
to its answer and saying whether it may be shown or reused (the two consents of a quote).

Routes of the ``coordination`` blueprint; the images come from ``coordination.medium``, which
checks access as the answer page does.
"""

from __future__ import annotations

from flask import render_template

from ...services.drawings import campaign_drawings, drawing_alt
from ..access import campaign_or_404, coordinator_required, questionnaire_or_404, services
from .blueprint import bp


@bp.record_once
def template_helpers(state) -> None:
    """``coordination/_media.html`` says a drawing's phrase as its alt text."""
    state.app.jinja_env.globals.update(drawing_alt=drawing_alt)


@bp.route("/campagnes/<campaign_id>/dessins")
@coordinator_required
def drawings(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    return render_template(
        "coordination/drawings.html",
        campaign=campaign,
        questionnaire=questionnaire,
        drawings=campaign_drawings(services(), campaign.id),
    )
