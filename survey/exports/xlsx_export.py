"""XLSX, for Excel users who should not have to think about separators and encodings.

Sheet 1 « Réponses » has the same columns as the CSV; sheet 2 « Questionnaire »
describes the questions; sheet 3 « Comptes » counts each choice of each closed
question.

openpyxl (write-only mode) makes the workbook: its parts, styles, sheets 2 and
3, and the header row of sheet 1. The answer rows of sheet 1 are written here
as SpreadsheetML, streamed to a temporary file and spliced into openpyxl's
sheet: openpyxl spends about 6 µs per cell (measured: 31 s for 100 000 answers
of 55 columns, 95 % of it inside openpyxl), writing the same XML directly takes
a fraction of that. Memory stays flat either way: rows go to disk as they come.

Formula injection: every text is an inline string, which a spreadsheet never
runs as a formula, so no quote prefix is needed; sheets 2 and 3 go through
``survey.spreadsheet.safe_cell`` for the same reason. Characters XML cannot hold
(control characters pasted into a free-text answer or a title) are dropped.

Dates are real date cells (Excel serial numbers in Paris time, and in UTC),
every sheet has its header row frozen and an autofilter, columns are as wide as
their header needs, within bounds.
"""

from __future__ import annotations

import io
import math
import shutil
import tempfile
import zipfile
from datetime import date
from typing import BinaryIO, Iterable, Iterator, TextIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..spreadsheet import has_unsafe, safe_cell, safe_row, xml_safe
from . import XLSX_MIMETYPE
from .columns import CACHE_LIMIT, Plan, type_label

MIMETYPE = XLSX_MIMETYPE
SHEETS = ("Réponses", "Questionnaire", "Comptes")
NO_ANSWER = "Sans réponse"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
ANSWERS_PART = "xl/worksheets/sheet1.xml"  # where openpyxl puts the first sheet
DATE_FORMAT = "dd/mm/yyyy hh:mm:ss"
# Column widths of sheet 1, in characters: from the header's length, within these bounds.
WIDTH_BOUNDS = {"text": (14, 45), "number": (10, 24), "datetime": (20, 30)}
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's (Windows) calendar


class _Serial(float):
    """An Excel date serial, told apart from a plain number by its class when rows are written."""


class Counts:
    """How many exported answers picked each value of each closed question.

    While rows stream, only each distinct stored value (or combination of
    choices) is counted: one dictionary update per question and answer.
    """

    def __init__(self, plan: Plan):
        self.questions = [q for q in plan.questions if q.closed]
        self._seen: dict[str, dict] = {q.id: {} for q in self.questions}
        self._items = list(self._seen.items())
        self.total = 0

    def add(self, answer: dict) -> None:
        values = answer.get("answers") or {}
        self.total += 1
        for qid, seen in self._items:
            value = values.get(qid)
            if value is None:
                continue
            key = tuple(value) if value.__class__ is list else value
            try:
                seen[key] = seen.get(key, 0) + 1
            except TypeError:  # not plain values: count their text
                key = tuple(str(v) for v in key) if isinstance(key, tuple) else str(key)
                seen[key] = seen.get(key, 0) + 1

    def tally(self, question_id: str) -> tuple[dict[str, int], int]:
        """(count per stored value, number of answers that answered the question)."""
        counts: dict[str, int] = {}
        answered = 0
        for key, n in self._seen[question_id].items():
            if key == "" or key == ():
                continue
            answered += n
            # A value repeated in an answer stored before repeats were refused counts once.
            for v in dict.fromkeys(key if isinstance(key, tuple) else (key,)):
                counts[str(v)] = counts.get(str(v), 0) + n
        return counts, answered


def _bold_row(ws, values) -> list:
    return safe_row(ws, values, font=_BOLD)


def _serials():
    """``"2026-03-01 10:30:00" -> _Serial`` (the plan's date text as an Excel serial), or the
    text when it is not one; days are worked out once per date."""
    days: dict[str, int] = {}

    def serial(text):
        if text.__class__ is not str or len(text) != 19:
            return text
        try:
            day = days.get(text[:10])
            if day is None:
                if len(days) >= CACHE_LIMIT:
                    days.clear()
                day = days[text[:10]] = date.fromisoformat(text[:10]).toordinal() - _EXCEL_EPOCH
            seconds = int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])
        except ValueError:
            return text
        return _Serial(day + seconds / 86400)

    return serial


def _xml_text(value: str) -> str:
    if has_unsafe(value):
        value = xml_safe(value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def write_rows(
    handle: TextIO, plan: Plan, answers: Iterable[dict], counts: Counts, first_row: int = 2, date_style: int = 0
) -> int:
    """The answer rows of sheet 1 as SpreadsheetML ``<row>`` elements; returns the next row number.

    ``date_style``: the workbook's style index of date cells (``DATE_FORMAT``)."""
    letters = [get_column_letter(i) for i in range(1, len(plan.columns) + 1)]
    date_columns = [i for i, c in enumerate(plan.columns) if c.kind == "datetime"]
    serial = _serials()
    row_of = plan.row
    add = counts.add
    write = handle.write
    number = first_row
    for answer in answers:
        add(answer)
        cells = row_of(answer)
        for i in date_columns:
            cells[i] = serial(cells[i])
        parts = [f'<row r="{number}">']
        for letter, value in zip(letters, cells):
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                if value:
                    parts.append(f'<c r="{letter}{number}" t="inlineStr"><is>{_xml_text(value)}</is></c>')
            elif kind is int or (kind is float and math.isfinite(value)):
                parts.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
            elif kind is _Serial:
                parts.append(f'<c r="{letter}{number}" s="{date_style}"><v>{float(value)!r}</v></c>')
            else:
                parts.append(f'<c r="{letter}{number}" t="inlineStr"><is>{_xml_text(str(value))}</is></c>')
        parts.append("</row>")
        write("".join(parts))
        number += 1
    return number


def write_xlsx(plan: Plan, answers: Iterable[dict], target: str | BinaryIO) -> Counts:
    """Write the workbook to a path or a seekable binary file; returns the counts."""
    counts = Counts(plan)
    wb = Workbook(write_only=True)
    sheet, about, counted = (wb.create_sheet(title) for title in SHEETS)
    # The style of date cells, registered in the workbook before the rows that use it are written.
    date_style = safe_cell(sheet, None, number_format=DATE_FORMAT).style_id
    with tempfile.TemporaryFile() as rows_file:
        text = io.TextIOWrapper(rows_file, encoding="utf-8", errors="replace", newline="", write_through=False)
        next_row = write_rows(text, plan, answers, counts, date_style=date_style)
        text.flush()
        text.detach()

        last = get_column_letter(max(1, len(plan.columns)))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{max(1, next_row - 1)}"
        for index, column in enumerate(plan.columns, 1):
            low, high = WIDTH_BOUNDS.get(column.kind, WIDTH_BOUNDS["text"])
            sheet.column_dimensions[get_column_letter(index)].width = min(high, max(low, len(column.header) + 2))
        sheet.append(safe_row(sheet, [c.header for c in plan.columns], font=_BOLD, alignment=_WRAP))
        _describe(about, plan)
        _count(counted, plan, counts)
        with tempfile.TemporaryFile() as container:
            wb.save(container)
            container.seek(0)
            rows_file.seek(0)
            _splice(container, rows_file, target)
    return counts


def _splice(container: BinaryIO, rows_file: BinaryIO, target: str | BinaryIO) -> None:
    """Copy openpyxl's workbook, putting the answer rows into sheet 1 after its header row."""
    with zipfile.ZipFile(container) as source, zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as result:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != ANSWERS_PART:
                result.writestr(info, data)
                continue
            before, found, after = data.partition(b"</sheetData>")
            if not found:
                raise RuntimeError("openpyxl wrote sheet 1 without a sheetData element")
            with result.open(ANSWERS_PART, "w") as part:
                part.write(before)
                shutil.copyfileobj(rows_file, part, 1024 * 1024)
                part.write(found + after)


def _describe(ws, plan: Plan) -> None:
    for letter, width in zip("ABCDEFG", (22, 50, 18, 50, 40, 12, 40)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"  # under the header row of the question table
    ws.append([safe_cell(ws, plan.questionnaire.title, font=Font(bold=True, size=14))])
    versions = ", ".join(str(v) for v in sorted({d.version for d in plan.definitions}))
    ws.append(safe_row(ws, [f"Identifiant : {plan.questionnaire.id} – version(s) : {versions}"]))
    ws.append([])
    ws.append(
        _bold_row(
            ws,
            ["Identifiant", "Question", "Type", "Choix (code : libellé)", "Condition d'affichage", "Versions", "Aide"],
        )
    )
    for q in plan.questions:
        choices = safe_cell(ws, "\n".join(f"{c.value} : {c.label}" for c in q.options) or None, alignment=_WRAP)
        ws.append(
            [
                *safe_row(ws, [q.id, q.label, type_label(q.type)]),
                choices,
                *safe_row(ws, [q.show_if or None, ", ".join(str(v) for v in q.versions), q.help or None]),
            ]
        )
    ws.auto_filter.ref = f"A4:G{4 + len(plan.questions)}"


def _count(ws, plan: Plan, counts: Counts) -> None:
    for letter, width in zip("ABCDEF", (50, 22, 40, 16, 12, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.append(
        _bold_row(ws, ["Question", "Identifiant", "Réponse", "Code", "Nombre", "Part des personnes qui ont répondu"])
    )
    rows = 1
    for q in counts.questions:
        tally, answered = counts.tally(q.id)
        known = [c.value for c in q.options]
        for value in known + sorted(set(tally) - set(known)):
            number = tally.get(value, 0)
            share = safe_cell(ws, round(number / answered, 4) if answered else None, number_format="0%")
            ws.append([*safe_row(ws, [q.label, q.id, q.label_of(value), value, number]), share])
            rows += 1
        ws.append(safe_row(ws, [q.label, q.id, NO_ANSWER, None, counts.total - answered, None]))
        rows += 1
    ws.auto_filter.ref = f"A1:F{rows}"


def xlsx_chunks(plan: Plan, answers: Iterable[dict], chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The workbook as byte chunks, for a streamed HTTP response.

    A ZIP can only be finished at the end, so the workbook is built in an
    anonymous temporary file (gone even if the process dies) and then sent.
    """
    with tempfile.TemporaryFile() as handle:
        write_xlsx(plan, answers, handle)
        handle.seek(0)
        while True:
            data = handle.read(chunk_size)
            if not data:
                break
            yield data
