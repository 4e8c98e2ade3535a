"""Questionnaire files and XLSForms that attacked the toolkit (issue 12, items 1, 9 and 13):
a YAML bomb, a sheet of a million cells under the size limits, and the loader's line numbers
leaking into saved files. Each is refused (or cleaned) before it costs anything."""

from __future__ import annotations

import html
import io
import zipfile

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.formats.xlsform import SOURCE_COLUMN, XLSFormError, import_xlsform, sheets
from survey.formats.xlsform.sheets import MAX_COLUMNS
from survey.formats.yaml_files import parse_text
from survey.formats.yaml_writer import questionnaire_yaml
from survey.model.questionnaire import QuestionnaireError
from survey.services import drafts
from tests.factories import login_coordinator
from tests.formats.test_xlsform import workbook

BASE = "/coordination/questionnaires"


def yaml_bomb(levels: int = 9, width: int = 9) -> str:
    """The billion laughs of nested lists, hidden in a questionnaire's ``source``: 9 levels of
    9 aliases are 9**9 = 387 million strings once expanded, from under 600 bytes."""
    lines = ['l0: &a0 ["' + '","'.join(["ha"] * width) + '"]']
    lines += [f"l{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return (
        "id: rire\ntitle: Rire\nversion: 1\nsource:\n  x:\n"
        + "\n".join("    " + line for line in lines)
        + "\nquestions:\n- {id: q, type: short_text, label: Q}\n"
    )


def upload(client, content: bytes, filename: str):
    boundary, body = encode_multipart({"fichier": FileStorage(io.BytesIO(content), filename=filename)})
    return client.post(f"{BASE}/importer", data=body, content_type=f"multipart/form-data; boundary={boundary}")


# --------------------------------------------------------------------------- 1. YAML bomb


def test_the_600_byte_yaml_bomb_is_refused_before_it_expands():
    bomb = yaml_bomb()
    assert len(bomb.encode()) < 600
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(bomb, "rire.yaml")
    problem = caught.value.problems[0]
    assert problem.line == 6 and "les renvois YAML (« &nom » et « *nom ») ne sont pas acceptés" in problem.message


def test_a_yaml_bomb_uploaded_in_the_editor_writes_nothing(app, client, services, data_dir):
    login_coordinator(client, app)
    response = upload(client, yaml_bomb(levels=5).encode(), "rire.yaml")  # small: today's code must not hang
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "rire.yaml, ligne 6 : les renvois YAML" in page
    assert drafts.all_drafts(services) == []
    stored = data_dir / "records" / "drafts.json"
    assert not stored.exists() or stored.stat().st_size < 1000


@pytest.mark.parametrize(
    "text",
    [
        "id: a\ntitle: &t Titre\nversion: 1\nquestions:\n- {id: q, type: note, label: x}\n",  # anchor alone
        "id: a\ntitle: Titre\nversion: 1\nbase: &b {type: note}\nquestions:\n- {<<: *b, id: q, label: x}\n",
        "id: a\ntitle: *nulle_part\nversion: 1\nquestions: []\n",  # undefined alias
    ],
)
def test_any_anchor_or_alias_is_refused_in_french(text):
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(text, "a.yaml")
    assert [p.message for p in caught.value.problems][0].startswith("les renvois YAML")


def test_brackets_nested_thousands_deep_are_a_french_problem_not_a_crash():
    with pytest.raises(QuestionnaireError) as caught:
        parse_text("[" * 5000, "crochets.yaml")
    assert "niveaux d'imbrication" in str(caught.value)


def test_aliases_in_the_xlsform_source_column_are_refused():
    data = workbook(
        [
            ["type", "name", "label", SOURCE_COLUMN],
            ["text", "a", "Une question ?", "{a: &a [x, x, x], b: [*a, *a, *a]}"],
            ["text", "b", "Une autre ?", "{lines: 3, document: notes.txt}"],
        ],
        settings=[["form_title", SOURCE_COLUMN], ["Titre", "x: &x [1, 2]\ny: [*x, *x]"]],
    )
    result = import_xlsform(data, "source.xlsx")
    first, second = result.data["questions"]
    has_source = "source" in first
    assert not has_source and result.data["source"] == {}
    assert second["source"] == {"lines": 3, "document": "notes.txt"}
    assert sum(f"la colonne « {SOURCE_COLUMN} » n'est pas reprise : les renvois YAML" in n for n in result.notes) == 2


# --------------------------------------------------------------------------- 9. heavy XLSForm


def sheet_xml_workbook(rows_xml: bytes, dimension: str = "", shared: int = 0) -> bytes:
    """A real workbook whose survey sheet is ``rows_xml`` (written by hand: openpyxl would take
    seconds to write what these tests need)."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type"])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">'
        + (b'<dimension ref="%s"/>' % dimension.encode() if dimension else b"")
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            archive.writestr(info.filename, content)
        if shared:
            archive.writestr(
                "xl/sharedStrings.xml",
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main">' + b"<si><t>x</t></si>" * shared + b"</sst>",
            )
    return result.getvalue()


@pytest.fixture
def openpyxl_never_called(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was handed to openpyxl")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_one_row_of_a_hundred_thousand_cells_is_refused_before_openpyxl_reads_it(openpyxl_never_called):
    heavy = sheet_xml_workbook(b'<row r="1">' + b"<c><v>1</v></c>" * 100_000 + b"</row>")
    assert len(heavy) < 50_000
    with pytest.raises(XLSFormError, match=f"Une ligne du classeur a plus de {MAX_COLUMNS} cellules"):
        import_xlsform(heavy, "lourd.xlsx")


def test_too_many_cells_or_shared_texts_are_refused_before_openpyxl_reads_them(openpyxl_never_called, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CELLS", 500)
    many_rows = b"".join(b'<row r="%d">' % n + b"<c><v>1</v></c>" * 10 + b"</row>" for n in range(1, 60))
    with pytest.raises(XLSFormError, match="Le classeur a plus de 500 cellules remplies"):
        import_xlsform(sheet_xml_workbook(many_rows), "lignes.xlsx")
    with pytest.raises(XLSFormError, match="plus de 500 cellules"):
        import_xlsform(sheet_xml_workbook(b'<row r="1"><c><v>1</v></c></row>', shared=501), "textes.xlsx")
    # With a namespace prefix, as some generators write it.
    prefixed = b"".join(b'<x:row r="%d">' % n + b"<x:c><x:v>1</x:v></x:c>" * 10 + b"</x:row>" for n in range(1, 60))
    with pytest.raises(XLSFormError, match="plus de 500 cellules"):
        import_xlsform(sheet_xml_workbook(prefixed), "prefixe.xlsx")


def test_a_sheet_that_claims_the_widest_dimension_is_read_only_as_wide_as_the_bound(monkeypatch):
    rows = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>type</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is>'
        b'</c><c r="C1" t="inlineStr"><is><t>label</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>text</t></is></c><c r="B2" t="inlineStr"><is><t>ville</t>'
        b'</is></c><c r="C2" t="inlineStr"><is><t>Votre ville ?</t></is></c></row>'
    )
    read = []
    original = sheets._cell_text
    monkeypatch.setattr(sheets, "_cell_text", lambda value: read.append(value) or original(value))
    result = import_xlsform(sheet_xml_workbook(rows, dimension="A1:XFD1048576"), "large.xlsx")
    assert [q["id"] for q in result.data["questions"]] == ["ville"]
    assert len(read) <= (2 + sheets.MAX_BLANK_ROWS + 1) * MAX_COLUMNS  # not 16 384 cells per row


def test_an_ordinary_form_still_passes_the_cell_count():
    rows = [["type", "name", "label::Français (fr)", "hint::Français (fr)"]]
    rows += [["text", f"q{n}", f"Question {n} ?", "Une aide"] for n in range(400)]
    result = import_xlsform(workbook(rows), "long.xlsx")
    assert len(result.data["questions"]) == 400


# --------------------------------------------------------------------------- 13. loader metadata

NESTED_SOURCES = """\
id: sources
title: Sources
version: 1
source:
  document: notes.txt
  details: {page: 3, auteurs: [{nom: A}, {nom: B}]}
  dates: [2024-03-01]
questions:
- id: q
  type: short_text
  label: Une question ?
  source:
    lines: [1, 2]
    origine: {atelier: 3}
"""


def test_line_numbers_never_reach_a_saved_file():
    text = questionnaire_yaml(parse_text(NESTED_SOURCES, "sources.yaml"))
    assert "__line__" not in text and "__key_lines__" not in text
    again = parse_text(text, "sources.yaml")
    assert again.source["details"] == {"page": 3, "auteurs": [{"nom": "A"}, {"nom": "B"}]}
    assert again.questions[0].source["origine"] == {"atelier": 3}
    assert questionnaire_yaml(again) == text


def test_an_imported_file_saved_from_the_editor_has_no_line_numbers(app, client, services, data_dir):
    login_coordinator(client, app)
    response = upload(client, NESTED_SOURCES.encode(), "sources.yaml")  # a date in a source gave a 500
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    draft_url = response.headers["Location"].split("#")[0]
    assert client.post(draft_url.rstrip("/") + "/enregistrer").status_code == 303
    saved = (services.questionnaire_folders[1] / "sources.yaml").read_text(encoding="utf-8")  # either storage
    assert "__line__" not in saved and "__key_lines__" not in saved
    assert services.library.get("sources").source["dates"] == ["2024-03-01"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("id: a\n1: un\nb: c\n", "la clé « 1 » est inconnue"),
        (
            "id: a\ntitle: {fr: Titre}\nversion: 1\nquestions: [{id: q, type: note, label: x}]\n",
            "« title » doit être un texte",
        ),
        (
            "id: a\ntitle: T\nversion: 1\nquestions: [{id: q, type: note, label: [x, y]}]\n",
            "« label » doit être un texte",
        ),
        ("id: a\ntitle: 2024-02-30\n", "une date impossible"),
        ("id: a\ntitle: a: b\n", "un « : » est mal placé"),
    ],
)
def test_odd_yaml_gets_a_french_problem(text, words):
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(text, "bizarre.yaml")
    assert words in str(caught.value)
    assert "__line__" not in str(caught.value)
