"""The diagnostic report as a PDF (issue 17 §4): ``services/report.py``'s content in the
printables' A4 summary style, its charts the SVG of the pages (``services/charts.py``)."""

from __future__ import annotations

from markupsafe import Markup

from ..model.french_time import long_date
from ..services.charts import bar_chart, count_text
from ..services.demarches import KIND_LABELS
from ..services.report import Chart, ReportContent
from .render import Renderer

STYLESHEETS = ("synthese", "rapport")


def _svg(chart: Chart) -> Markup:
    return bar_chart(chart.bars, chart.title, unit="personnes")


def report_html(renderer: Renderer, content: ReportContent) -> str:
    kinds = [(KIND_LABELS[k], n) for k, n in content.figures.sessions_by_kind.items()]
    return renderer.html(
        "rapport.html",
        content=content,
        made=long_date(content.made_at[:10]) or content.made_at[:10],
        kinds=kinds if any(n for _, n in kinds) else [],
        number=count_text,
        svg=_svg,
    )


def report_pdf(renderer: Renderer, content: ReportContent) -> bytes:
    """The report's PDF bytes."""
    return renderer.render_html(report_html(renderer, content), STYLESHEETS)
