"""Results of a campaign: the dashboard, the printable summary and its PDF.

Routes of the ``coordination`` blueprint; the counting is ``results.summarise``
and the charts ``charts.question_chart`` (both reusable by exports and printing).
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone

from flask import Response, current_app, render_template

from ...services.charts import bar_chart, bars, question_chart
from ...services.results import NO_PLACE, campaign_summary
from ...services.structure_identity import identity_for
from ...services.tags import campaign_tags
from ..access import audit, campaign_or_404, coordinator_required, questionnaire_or_404, services
from ..errors import render_error
from .blueprint import bp

DASHBOARD_TEXTS = 10  # latest free-text answers shown per question on the dashboard


def session_places(svc, campaign_id: str) -> dict[str, str]:
    """Field-session id → where it took place (« marché Europe »)."""

    return {s.id: s.place for s in svc.sessions.for_campaign(campaign_id)}


def campaign_results(campaign, questionnaire, max_texts: int | None = DASHBOARD_TEXTS):
    """The campaign's counts (``results.campaign_summary``: kept per part of the answers,
    only what changed is read again), with its tags and session places."""
    svc = services()
    return campaign_summary(
        svc.answers,
        campaign.id,
        questionnaire,
        tz=current_app.config["TIMEZONE"],
        max_texts=max_texts,
        tags=campaign_tags(svc, campaign.id),
        session_places=session_places(svc, campaign.id),
        default_place=campaign.place or NO_PLACE,
    )


def charts_for(results) -> dict[str, object]:
    """question id → SVG chart, for the closed questions."""
    return {
        r.question.id: question_chart(r, chart_id=f"graphique-{r.question.id}") for r in results.questions if r.closed
    }


@bp.route("/campagnes/<campaign_id>/resultats")
@coordinator_required
def results(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    summary = campaign_results(campaign, questionnaire)
    return render_template(
        "coordination/results.html",
        campaign=campaign,
        questionnaire=questionnaire,
        results=summary,
        charts=charts_for(summary),
    )


def printing_available() -> bool:
    return (
        importlib.util.find_spec("survey.printing") is not None and importlib.util.find_spec("weasyprint") is not None
    )


def _summary_context(campaign_id: str) -> dict:
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    summary = campaign_results(campaign, questionnaire, max_texts=0)
    channel_chart = (
        bar_chart(bars(summary.by_channel), "Réponses par canal de collecte") if summary.by_channel else None
    )
    return dict(
        campaign=campaign,
        questionnaire=questionnaire,
        results=summary,
        charts=charts_for(summary),
        channel_chart=channel_chart,
        made_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        pdf=printing_available(),
        identity=identity_for(services(), campaign, with_logo=False),  # who prepared it; the PDF adds the logo
    )


@bp.route("/campagnes/<campaign_id>/synthese")
@coordinator_required
def summary(campaign_id: str):
    """Key figures, charts and chosen quotes, ready to print for a restitution."""
    return render_template("coordination/summary.html", **_summary_context(campaign_id))


def _renderer():
    """The app's one WeasyPrint renderer, shared with the printables (fonts are loaded once)."""
    return current_app.extensions["printing"].renderer()


@bp.route("/campagnes/<campaign_id>/synthese.pdf")
@coordinator_required
def summary_pdf(campaign_id: str):
    context = _summary_context(campaign_id)
    if not context["pdf"]:
        return render_error(
            404,
            "Le PDF n'est pas disponible sur cette installation : imprimez la page de synthèse depuis le navigateur.",
        )
    from ...printing import PrintError

    context["identity"] = identity_for(services(), context["campaign"])
    html = render_template("coordination/summary_pdf.html", **context)
    try:
        pdf = _renderer().render_html(html, ("synthese",))
    except PrintError as exc:
        return render_error(500, str(exc))
    campaign = context["campaign"]
    audit("export", f"synthèse PDF de la campagne {campaign.id}")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="synthese-{campaign.id}.pdf"'},
    )
