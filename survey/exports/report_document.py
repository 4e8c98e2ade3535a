"""The diagnostic report as an editable OpenDocument text (ODT), written with odfpy.

ODT rather than DOCX: it is the open format LibreOffice writes by default (the laptops of the
social centres), Word opens and saves it too, and odfpy writes it with no office suite
installed. The content is ``services/report.py``'s, laid out with the document's own heading
styles (« Titre 1 », « Titre 2 »…), so that the team edits a plain document: its table of
contents, its styles, its charts as pictures (``report_charts.py``) with their counts written
under them as a table a screen reader reads.
"""

from __future__ import annotations

import io

from odf.draw import Frame
from odf.draw import Image as DrawImage
from odf.opendocument import OpenDocumentText
from odf.style import (
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.svg import Desc, Title
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from ..model.french_time import long_date
from ..services.charts import count_text
from ..services.demarches import KIND_LABELS
from ..services.report import ReportContent
from ..services.results import percent_text
from ..spreadsheet import xml_safe
from .report_charts import chart_png

MIMETYPE = "application/vnd.oasis.opendocument.text"
PICTURE_WIDTH_CM = 16.0
BLUE = "#0b5394"


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    made = {}
    for level, size in ((1, "20pt"), (2, "15pt"), (3, "12.5pt")):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        style.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm", keepwithnext="always"))
        style.addElement(TextProperties(fontsize=size, fontweight="bold", color=BLUE))
        doc.styles.addElement(style)
        made[f"h{level}"] = style
    quote = Style(name="Citation", displayname="Citation", family="paragraph")
    quote.addElement(
        ParagraphProperties(
            marginleft="0.8cm",
            margintop="0.15cm",
            marginbottom="0.05cm",
            borderleft="0.1cm solid #0b5394",
            padding="0.15cm",
        )
    )
    quote.addElement(TextProperties(fontsize="12pt", fontstyle="italic"))
    doc.styles.addElement(quote)
    made["quote"] = quote
    source = Style(name="Source", displayname="Source d'une citation", family="paragraph")
    source.addElement(ParagraphProperties(marginleft="0.8cm", marginbottom="0.25cm"))
    source.addElement(TextProperties(fontsize="9pt", color="#444444"))
    doc.styles.addElement(source)
    made["source"] = source
    figure = Style(name="Chiffre", displayname="Chiffre clé", family="paragraph")
    figure.addElement(TextProperties(fontsize="16pt", fontweight="bold", color="#083b6a"))
    doc.styles.addElement(figure)
    made["figure"] = figure
    meta = Style(name="Note", displayname="Note", family="paragraph")
    meta.addElement(TextProperties(fontsize="9.5pt", color="#444444"))
    doc.styles.addElement(meta)
    made["meta"] = meta
    table = Style(name="Tableau", family="table")
    table.addElement(TableProperties(align="left"))
    doc.automaticstyles.addElement(table)
    made["table"] = table
    cell = Style(name="Case", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #6b6b6b", padding="0.08cm"))
    doc.automaticstyles.addElement(cell)
    made["cell"] = cell
    head = Style(name="CaseTitre", family="table-cell")
    head.addElement(TableCellProperties(border="0.5pt solid #6b6b6b", padding="0.08cm", backgroundcolor="#e3e9f0"))
    doc.automaticstyles.addElement(head)
    made["head"] = head
    for name, width in (("first", "9cm"), ("narrow", "2.6cm"), ("even", "3cm")):
        column = Style(name=f"Colonne-{name}", family="table-column")
        column.addElement(TableColumnProperties(columnwidth=width))
        doc.automaticstyles.addElement(column)
        made[f"column-{name}"] = column
    picture = Style(name="Graphique", family="graphic")
    doc.automaticstyles.addElement(picture)
    made["picture"] = picture
    return made


def _text(value: object) -> str:
    return xml_safe(str(value))


class _Writer:
    def __init__(self) -> None:
        self.doc = OpenDocumentText()
        self.styles = _styles(self.doc)
        self.pictures = 0

    def heading(self, level: int, text: str) -> None:
        self.doc.text.addElement(H(outlinelevel=level, stylename=self.styles[f"h{level}"], text=_text(text)))

    def para(self, text: str, style: str = "") -> None:
        kwargs = {"stylename": self.styles[style]} if style else {}
        self.doc.text.addElement(P(text=_text(text), **kwargs))

    def table(self, rows: list[list[object]], name: str) -> None:
        width = max(len(r) for r in rows)
        table = Table(name=name, stylename=self.styles["table"])
        if width <= 4:  # a label, then its numbers: the label gets the room
            table.addElement(TableColumn(stylename=self.styles["column-first"]))
            table.addElement(TableColumn(numbercolumnsrepeated=width - 1, stylename=self.styles["column-narrow"]))
        else:  # a cross-tab: as many columns as the page holds
            table.addElement(TableColumn(numbercolumnsrepeated=width, stylename=self.styles["column-even"]))
        for n, row in enumerate(rows):
            line = TableRow()
            for value in row + [""] * (width - len(row)):
                cell = TableCell(valuetype="string", stylename=self.styles["head" if n == 0 else "cell"])
                cell.addElement(P(text=_text("" if value is None else value)))
                line.addElement(cell)
            table.addElement(line)
        self.doc.text.addElement(table)

    def picture(self, png: bytes, width: int, height: int, description: str) -> None:
        self.pictures += 1
        href = self.doc.addPicture(f"Pictures/graphique-{self.pictures}.png", "image/png", png)
        shown_height = PICTURE_WIDTH_CM * height / width
        frame = Frame(
            name=f"Graphique {self.pictures}",
            stylename=self.styles["picture"],
            anchortype="as-char",
            width=f"{PICTURE_WIDTH_CM:.2f}cm",
            height=f"{shown_height:.2f}cm",
        )
        frame.addElement(DrawImage(href=href))
        frame.addElement(Title(text=_text(description[:200])))
        frame.addElement(Desc(text=_text(description)))
        paragraph = P()
        paragraph.addElement(frame)
        self.doc.text.addElement(paragraph)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.write(out)
        return out.getvalue()


def report_odt(content: ReportContent) -> bytes:
    """The report as an ODT file's bytes."""
    w = _Writer()
    w.heading(1, content.title)
    w.para(f"{content.kind} · {' ; '.join(content.places)}", "meta")
    made = long_date(content.made_at[:10]) or content.made_at[:10]
    w.para(
        f"Rapport préparé le {made}{' par ' + content.prepared_by if content.prepared_by else ''}, "
        "à partir des données recueillies : un point de départ que l'équipe complète et corrige.",
        "meta",
    )

    w.heading(2, "Chiffres clés")
    for figure in content.figures.figures:
        w.para(f"{count_text(figure.value)} {figure.label}", "figure")
        if figure.names:
            w.para(", ".join(figure.names), "meta")
        w.para(f"Comment ce chiffre est compté : {figure.rule}", "meta")
    kinds = content.figures.sessions_by_kind
    if any(kinds.values()):
        w.table(
            [["Genre de session", "Sessions"]] + [[KIND_LABELS[k], n] for k, n in kinds.items()], "Sessions par genre"
        )

    if content.methods:
        w.heading(2, "Méthode : comment la parole a été recueillie")
        for method in content.methods:
            w.heading(3, f"{method.label} — {count_text(method.answers)} réponse{'s' if method.answers > 1 else ''}")
            w.para(method.text)

    if content.sections:
        w.heading(2, "Les réponses, question par question")
        for section in content.sections:
            w.heading(3, section.title)
            w.para("Campagnes : " + ", ".join(section.campaigns), "meta")
            for chart in section.charts:
                w.para(chart.title, "figure")
                png, width, height = chart_png(chart.bars)
                w.picture(png, width, height, f"Graphique : {chart.title}")
                rows: list[list[object]] = [["Réponse", "Personnes", "Part"]]
                rows += [[b.label, count_text(b.count), percent_text(b.percent)] for b in chart.bars]
                w.table(rows, f"Tableau {w.pictures}")
                note = f"{count_text(chart.respondents)} personnes ont répondu à cette question."
                if chart.several:
                    note += " Plusieurs réponses possibles : le total dépasse 100 %."
                w.para(note, "meta")

    if content.crosstabs:
        w.heading(2, "Croisements")
        for n, cross in enumerate(content.crosstabs, 1):
            w.heading(3, cross.title)
            w.table(cross.table.table(), f"Croisement {n}")
            note = "Parts en % des personnes de chaque colonne qui ont répondu."
            if cross.multiple:
                note += " Plusieurs réponses possibles : le total d'une colonne dépasse 100 %."
            w.para(note, "meta")

    w.heading(2, "Paroles d'habitants, par thème")
    if not content.quotes:
        w.para("Aucune réponse écrite dont la personne a accepté la réutilisation.", "meta")
    for tag, quotes in content.quotes:
        w.heading(3, tag)
        for quote in quotes:
            w.para(f"« {quote.text} »", "quote")
            w.para(f"{quote.question} — {quote.campaign}", "source")

    w.heading(2, "Protection des données")
    for line in content.privacy:
        w.para(line)
    return w.bytes()
