"""Workbooks that are safe and pleasant to open: questionnaire text is never a live
formula (answers, counts, description, XLSForm), control characters never make an
export fail (XLSX, CSV, JSON, XLSForm), dates are real date cells in Paris time,
headers are frozen with an autofilter, and columns are readable."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

import openpyxl
import pytest

from survey.formats.xlsform import export_xlsform
from survey.formats.yaml_files import parse_text
from survey.spreadsheet import safe_cell, xml_safe
from tests.exports_support import V1, answer, export_bytes, load_answers, make_app

FORMULA = '=HYPERLINK("http://exemple.invalid";"clic")'
# A questionnaire whose wording was pasted from elsewhere: a formula as a choice label and as a
# question label, a backspace in the title (YAML escapes, as the editor would save them).
HOSTILE = (
    V1.replace('title: "Sondage d\'essai"', 'title: "Sondage\\x08 =1+1"')
    .replace('label: "En bus"', 'label: "=HYPERLINK(\\"http://exemple.invalid\\";\\"clic\\")"')
    .replace('label: "Usages"', 'label: "@SUM(A1:A9)\\x1b"')
)
# Stored before control characters were dropped at every way in (model/answer_record.typed_text),
# or brought by a copy: U+0001 rather than U+0000, which PostgreSQL cannot hold at all.
CONTROL = "ligne\x01avec\x08des\x1bcaractères de contrôle"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("hostile"), HOSTILE)
    load_answers(
        app,
        [
            answer("h1", "2026-01-15T08:05:09Z", answers={"avis": CONTROL, "transport": "bus", "usages": ["mails"]}),
            answer("h2", "2026-07-14T21:15:00Z", answers={"avis": FORMULA, "transport": "pied"}),
        ],
    )
    return app


@pytest.fixture(scope="module")
def xlsx(hostile_app) -> bytes:
    return export_bytes(hostile_app, "xlsx")


def formulas(data: bytes) -> list[str]:
    """Parts of a workbook that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if n.endswith(".xml") and (b"<f>" in z.read(n) or b"<f " in z.read(n))]


def test_questionnaire_text_is_never_a_formula_in_any_sheet(xlsx):
    assert formulas(xlsx) == []
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    counts = list(book["Comptes"].iter_rows(values_only=True))
    assert any(row[2] == FORMULA for row in counts)  # the choice label, as text
    described = list(book["Questionnaire"].iter_rows(values_only=True))
    assert described[0][0] == "Sondage =1+1"  # the backspace is dropped, no 500
    assert "@SUM(A1:A9)" in [row[1] for row in described]
    header = [c.value for c in book["Réponses"][1]]
    assert "@SUM(A1:A9)" in header
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_xlsform_export_writes_labels_as_text(hostile_app):
    questionnaire = parse_text(HOSTILE)
    data = export_xlsform(questionnaire)
    assert formulas(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert FORMULA in [row[2] for row in book["choices"].iter_rows(values_only=True)]
    assert book["settings"]["A2"].value == "Sondage =1+1"


def test_control_characters_never_make_an_export_fail(hostile_app, xlsx):
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book["Réponses"]["A2"].value == "ligneavecdescaractères de contrôle"
    rows = list(csv.reader(io.StringIO(export_bytes(hostile_app, "csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0].startswith("ligne") and rows[2][0] == "'" + FORMULA
    data = json.loads(export_bytes(hostile_app, "json"))
    assert data["questionnaire"]["title"] == "Sondage\x08 =1+1"
    assert data["answers"][0]["answers"]["avis"].startswith("ligne\x01avec\x08")


def test_dates_are_date_cells_in_paris_time(xlsx):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Réponses"]
    header = [c.value for c in sheet[1]]
    local = header.index("Date et heure (heure de Paris)") + 1
    utc = header.index("Date et heure (UTC)") + 1
    winter, summer = sheet.cell(2, local), sheet.cell(3, local)
    assert winter.is_date and winter.value == datetime(2026, 1, 15, 9, 5, 9)  # UTC+1
    assert summer.value == datetime(2026, 7, 14, 23, 15)  # UTC+2
    assert sheet.cell(3, utc).value == datetime(2026, 7, 14, 21, 15)
    assert "dd/mm/yyyy" in winter.number_format


def test_every_sheet_has_a_frozen_header_and_an_autofilter(xlsx):
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    answers = book["Réponses"]
    assert answers.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(answers.max_column)
    assert answers.auto_filter.ref == f"A1:{last}3"
    assert book["Comptes"].freeze_panes == "A2" and book["Comptes"].auto_filter.ref.startswith("A1:F")
    assert book["Questionnaire"].freeze_panes == "A5" and book["Questionnaire"].auto_filter.ref.startswith("A4:G")


def test_columns_are_wide_enough_to_read(xlsx):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Réponses"]
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert 10 <= width <= 45
        assert width >= min(len(cell.value) + 2, 45) or width >= 14
    dates = [c.column_letter for c in sheet[1] if c.value.startswith("Date et heure")]
    assert all(sheet.column_dimensions[letter].width >= 20 for letter in dates)  # never « ##### »


def test_an_empty_campaign_still_gets_a_valid_autofilter(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(make_app(tmp_path, HOSTILE), "xlsx")))
    assert book["Réponses"].auto_filter.ref.endswith("1")


def test_the_safe_cell_helper():
    book = openpyxl.Workbook()
    cell = safe_cell(book.active, "=1+1\x07")
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert safe_cell(book.active, 3).data_type == "n"
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"  # tab and line breaks are kept


def test_the_command_line_export_of_a_hostile_questionnaire_succeeds(runner, tmp_path):
    from survey.cli import main

    app = make_app(tmp_path, HOSTILE)
    load_answers(app, [answer("c1", "2026-03-01T09:30:00Z", answers={"avis": CONTROL, "transport": "bus"})])
    out = tmp_path / "hostile.xlsx"
    env = {"SURVEY_QUESTIONNAIRES": str(tmp_path / "questionnaires"), "SURVEY_DATA": str(tmp_path / "data")}
    result = runner.invoke(main, ["export", "essai", "--format", "xlsx", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and formulas(out.read_bytes()) == []
