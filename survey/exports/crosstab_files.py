"""A cross-tabulation as a file: CSV for French spreadsheets, or an XLSX sheet.

The table is ``services.crosstab.Crosstab.table()``: a header, one row per answer of the row
question (people and percent per column, then the whole) and the respondents per column. Text
cells are neutralised against formulas as in every export (``spreadsheet``).
"""

from __future__ import annotations

import csv
import io

from ..services.crosstab import Crosstab
from ..spreadsheet import neutralise, safe_row

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def crosstab_csv(table: Crosstab) -> bytes:
    """``;``, UTF-8 with BOM, decimal comma: opens right in French Excel and LibreOffice."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(f"{table.row.label} selon : {table.column_title}")])
    for line in table.table():
        writer.writerow([_cell_text(v) for v in line])
    if table.multiple:
        writer.writerow([neutralise(MULTIPLE_NOTE)])
    return buffer.getvalue().encode("utf-8")


MULTIPLE_NOTE = (
    "Plusieurs réponses possibles : chaque pourcentage est celui des personnes qui ont répondu ; "
    "leur total dépasse 100 %."
)


def crosstab_xlsx(table: Crosstab) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tableau croisé"
    sheet.append(safe_row(sheet, [f"{table.row.label} selon : {table.column_title}"], font=Font(bold=True)))
    for number, line in enumerate(table.table()):
        sheet.append(safe_row(sheet, line, font=Font(bold=True) if number == 0 else None))
    if table.multiple:
        sheet.append(safe_row(sheet, [MULTIPLE_NOTE]))
    sheet.column_dimensions["A"].width = 45
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
