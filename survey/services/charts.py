"""Horizontal bar charts as SVG, drawn on the server.

No JavaScript and no colour-only meaning: every bar carries its label, its count
and its percentage as text, so the chart reads the same on screen, on paper and
in a PDF. The SVG has ``role="img"`` and an ``aria-label`` that says all the
figures for screen readers. Presentation attributes only (no ``style=``), as the
CSP forbids inline styles.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from markupsafe import Markup, escape

from .results import percent, percent_text

if TYPE_CHECKING:
    from .results import QuestionResult

WIDTH = 640
LABEL_CHARS = 62  # characters per label line before wrapping
LINE = 20  # height of a label line
BAR = 24  # height of a bar
GAP = 14  # space between two rows
VALUE_SPACE = 150  # room right of the longest bar for « 1 234 (100 %) »
FONT = 16
INK = "#1a1a1a"
BAR_FILL = "#0b5394"
TRACK_FILL = "#e3e9f0"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float

    @property
    def value_text(self) -> str:
        return f"{count_text(self.count)} ({percent_text(self.percent)})"


def count_text(n: int) -> str:
    """1234 → « 1 234 » (French thousands separator, no-break)."""
    return f"{n:,}".replace(",", "\u00a0")


def bars(rows: Iterable, total: int | None = None) -> list[Bar]:
    """Bars from (label, count) pairs or from objects with label/count/percent."""
    made = []
    rows = list(rows)
    for row in rows:
        if isinstance(row, tuple):
            label, count = row[0], row[1]
            share = percent(count, total) if total is not None else (row[2] if len(row) > 2 else 0.0)
        else:
            label, count, share = row.label, row.count, row.percent
        made.append(Bar(str(label), int(count), float(share)))
    return made


def describe(title: str, items: list[Bar], unit: str = "réponses") -> str:
    """The sentence a screen reader says for the chart (``unit`` in the plural)."""

    def units(n: int) -> str:
        return unit if n > 1 else unit.removesuffix("s")

    parts = [f"{b.label} : {count_text(b.count)} {units(b.count)} ({percent_text(b.percent)})" for b in items]
    if not parts:
        return f"{title} : aucune réponse."
    joiner = " " if title.rstrip()[-1:] in "?!.:" else ". "
    return title.rstrip() + joiner + " ; ".join(parts) + "."


def bar_chart(
    items: list[Bar],
    title: str,
    *,
    unit: str = "réponses",
    chart_id: str = "",
    width: int = WIDTH,
    label_chars: int = LABEL_CHARS,
) -> Markup:
    """One horizontal bar chart; the bar length is the percentage. A narrower ``width`` (with
    fewer ``label_chars`` per line) keeps the type readable on a phone's screen."""
    label = describe(title, items, unit)
    y = 8
    body = []
    bar_room = width - VALUE_SPACE
    for bar in items:
        lines = textwrap.wrap(bar.label, label_chars) or [""]
        for line in lines:
            y += LINE
            body.append(f'<text x="0" y="{y - 5}" font-size="{FONT}" fill="{INK}">{escape(line)}</text>')
        length = round(bar_room * max(0.0, min(bar.percent, 100.0)) / 100.0, 1)
        if bar.count and length < 2:
            length = 2.0  # a bar that exists stays visible
        body.append(f'<rect x="0" y="{y}" width="{bar_room}" height="{BAR}" fill="{TRACK_FILL}"/>')
        body.append(f'<rect class="bar" x="0" y="{y}" width="{length}" height="{BAR}" fill="{BAR_FILL}"/>')
        body.append(
            f'<text class="value" x="{length + 8}" y="{y + BAR - 6}" font-size="{FONT}" '
            f'font-weight="bold" fill="{INK}">{escape(bar.value_text)}</text>'
        )
        y += BAR + GAP
    height = max(y, 40)
    id_attr = f' id="{escape(chart_id)}"' if chart_id else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart"{id_attr} role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="DejaVu Sans, Verdana, sans-serif">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )
    return Markup(svg)


def question_chart(result: QuestionResult, *, chart_id: str = "", **size: int) -> Markup:
    """The chart of one closed question from ``results.QuestionResult`` (``size``: ``width``
    and ``label_chars`` of ``bar_chart``)."""
    return bar_chart(bars(result.options), result.question.label, unit="personnes", chart_id=chart_id, **size)
