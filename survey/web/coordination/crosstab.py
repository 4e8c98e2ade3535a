"""Cross-tabulation in the coordinator space: pick the rows (a closed question) and the
columns (another question, the channel, the place, the age band or the month); read counts
and column percentages, a chart per column, and download the table (CSV or XLSX).

A plain GET form, so a table can be bookmarked or sent to a colleague; no JavaScript.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template, request

from ...exports.crosstab_files import CSV_MIMETYPE, MULTIPLE_NOTE, XLSX_MIMETYPE, crosstab_csv, crosstab_xlsx
from ...services.charts import bar_chart, bars
from ...services.crosstab import DIMENSIONS, CrosstabError, crossable, crosstab
from ..access import audit, campaign_or_404, coordinator_required, questionnaire_or_404, services
from .blueprint import bp
from .results import session_places


def _table(campaign, questionnaire):
    """The table the query asks for; None before a choice; a French problem if it cannot be made."""
    row, column = request.args.get("lignes", ""), request.args.get("colonnes", "")
    if not row and not column:
        return None, None
    svc = services()
    try:
        table = crosstab(
            svc.answers,
            campaign,
            questionnaire,
            row,
            column,
            zone=ZoneInfo(current_app.config["TIMEZONE"]),
            session_places=session_places(svc, campaign.id),
        )
    except CrosstabError as exc:
        return None, str(exc)
    return table, None


@bp.route("/campagnes/<campaign_id>/croisement")
@coordinator_required
def crosstab_page(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    table, problem = _table(campaign, questionnaire)
    charts = []
    if table is not None:
        for key, label in table.columns:
            items = bars(
                [(row_label, table.count(value, key), table.share(value, key)) for value, row_label in table.rows]
            )
            charts.append((label, bar_chart(items, f"{table.column_title} : {label}", unit="personnes")))
    return render_template(
        "coordination/crosstab.html",
        campaign=campaign,
        questions=crossable(questionnaire),
        dimensions=DIMENSIONS,
        args=request.args,
        table=table,
        problem=problem,
        charts=charts,
        multiple_note=MULTIPLE_NOTE,
    ), (422 if problem else 200)


@bp.route("/campagnes/<campaign_id>/croisement.<fmt>")
@coordinator_required
def crosstab_file(campaign_id: str, fmt: str):
    campaign = campaign_or_404(campaign_id)
    questionnaire = questionnaire_or_404(campaign)
    if fmt not in ("csv", "xlsx"):
        return crosstab_page(campaign_id)
    table, problem = _table(campaign, questionnaire)
    if table is None:
        return crosstab_page(campaign_id)
    audit("export", f"{campaign.id} · tableau croisé {table.row.id} × {request.args.get('colonnes', '')} · {fmt}")
    content = crosstab_csv(table) if fmt == "csv" else crosstab_xlsx(table)
    name = f"{campaign.id}-croisement-{table.row.id}.{fmt}"
    return Response(
        content,
        content_type=CSV_MIMETYPE if fmt == "csv" else XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
