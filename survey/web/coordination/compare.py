"""« Comparer les lieux » in the coordinator space: for a campaign or a démarche, pick a closed
question and read the same chart for each place, side by side (stacked on a phone), each with
its table of counts, and the tags by place. Every count leads to the answers behind it: the
answers list filtered on the place and the choice (``services/reading.py`` « lieu », « choix »).

A plain GET form, as the cross-tab: a comparison can be bookmarked; no JavaScript.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, url_for

from ...exports.crosstab_files import MULTIPLE_NOTE
from ...services.charts import bar_chart, bars
from ...services.compare import Figure, closed_questions, compare_places, tags_by_place
from ...services.crosstab import CrosstabError
from ...services.demarches import demarche_campaigns
from ..access import campaign_or_404, coordinator_required, services
from .blueprint import bp
from .demarches import demarche_or_404

LABEL_CHARS = 30
CHART_WIDTH = 360  # drawn for a phone's width, so its type stays readable there and two to a row


def _page(campaigns, back_url: str, back_label: str, subject: str, action: str, *, demarche: bool = False):
    """A démarche names a question with its questionnaire (« questionnaire:question »), so that an
    address stays right when another questionnaire joins the démarche; a campaign by its id."""
    svc = services()
    choices = closed_questions(svc, campaigns)
    several = len({q.id for q, _, _ in choices}) > 1
    codes = {
        (f"{q.id}:{question.id}" if demarche else question.id): (q, group, question) for q, group, question in choices
    }
    asked = request.args.get("question", "")
    comparison, problem = None, ""
    if asked:
        if asked not in codes:
            problem = "Choisissez une question à choix dans la liste."
        else:
            questionnaire, group, question = codes[asked]
            zone = ZoneInfo(current_app.config["TIMEZONE"])
            try:
                comparison = compare_places(svc, group, questionnaire, question.id, zone)
            except CrosstabError as exc:
                problem = str(exc)
    titles = {c.id: c.title for c in campaigns}
    charts = []
    if comparison is not None:
        for n, place in enumerate(comparison.places, 1):
            items = bars([(label, place.figure(v).count, place.share(v)) for v, label in comparison.rows])
            title = f"{comparison.question.label} – {place.place}"
            chart = bar_chart(
                items, title, unit="personnes", chart_id=f"graphique-{n}", width=CHART_WIDTH, label_chars=LABEL_CHARS
            )
            charts.append((place, chart))

    def answers_links(
        figure: Figure, place: str, value: str | None = None, tag: str = ""
    ) -> list[tuple[str, int, str]]:
        """(campaign title, count, its answers list filtered on the place, and on the choice
        ``value`` (``""``: answered the question) or the tag)."""
        chosen = {}
        if comparison is not None and value is not None:
            chosen = {"choix": comparison.question.id, "valeur": value or None}
        if tag:
            chosen["etiquette"] = tag
        return [
            (titles.get(cid, cid), n, url_for("coordination.answers", campaign_id=cid, lieu=place, **chosen))
            for cid, n in figure.by_campaign.items()
            if n
        ]

    tags = tags_by_place(svc, campaigns)
    tag_places = sorted({p for counts in tags.values() for p in counts}, key=str.lower)
    return render_template(
        "coordination/compare_places.html",
        subject=subject,
        back_url=back_url,
        back_label=back_label,
        action=action,
        codes=codes,
        asked=asked,
        several=several,
        comparison=comparison,
        charts=charts,
        problem=problem,
        multiple_note=MULTIPLE_NOTE,
        answers_links=answers_links,
        tags=tags,
        tag_places=tag_places,
        many_campaigns=len(campaigns) > 1,
    ), (422 if problem else 200)


@bp.route("/campagnes/<campaign_id>/lieux")
@coordinator_required
def compare_campaign_places(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    return _page(
        [campaign],
        url_for("coordination.results", campaign_id=campaign.id),
        f"Résultats : {campaign.title}",
        campaign.title,
        url_for("coordination.compare_campaign_places", campaign_id=campaign.id),
    )


@bp.route("/demarches/<demarche_id>/lieux")
@coordinator_required
def compare_demarche_places(demarche_id: str):
    found = demarche_or_404(demarche_id)
    return _page(
        demarche_campaigns(services(), found),
        url_for("coordination.demarche", demarche_id=found.id),
        f"Chiffres clés : {found.title}",
        found.title,
        url_for("coordination.compare_demarche_places", demarche_id=found.id),
        demarche=True,
    )
