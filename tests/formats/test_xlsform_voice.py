"""``voice: true`` in XLSForm (issue 16 §2): XLSForm has no « text, or your voice », so our own
column ``voice_porteur_de_parole`` says « yes » on the text row; pyxform ignores it and still
accepts the file, and our import reads it back."""

from __future__ import annotations

import io

import openpyxl
from pyxform.xls2xform import convert

from survey.formats.xlsform import export_xlsform, import_xlsform
from survey.formats.xlsform.spec import VOICE_COLUMN
from survey.formats.yaml_files import parse_text

QUESTIONNAIRE = """\
id: voix-quartier
title: Votre quartier
version: 1
questions:
  - id: idee
    type: long_text
    label: Une idée pour le quartier ?
    voice: true
  - id: mot
    type: short_text
    label: Un mot pour le dire
  - id: age
    type: number
    label: Votre âge
"""


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_round_trip_keeps_voice_and_pyxform_accepts_the_file():
    questionnaire = parse_text(QUESTIONNAIRE, "voix-quartier.yaml")
    data = export_xlsform(questionnaire)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["survey"]
    header = [c.value for c in sheet[1]]
    said = {
        r[header.index("name")]: r[header.index(VOICE_COLUMN)] for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert said["idee"] == "yes" and not said["mot"] and not said["age"]

    warnings: list = []
    xform = convert(xlsform=io.BytesIO(data), warnings=warnings, file_type=".xlsx").xform
    assert "idee" in xform and warnings == []

    back = import_xlsform(data)
    assert [(q["id"], q.get("voice", False)) for q in back.data["questions"]] == [
        ("idee", True),
        ("mot", False),
        ("age", False),
    ]
    again, problems = back.validate()
    assert problems == [] and again.question("idee").voice and not again.question("mot").voice


def test_voice_on_a_question_that_is_not_open_is_left_out_with_a_french_note():
    data = workbook(
        [
            ["type", "name", "label", VOICE_COLUMN],
            ["integer", "age", "Votre âge", "yes"],
            ["text", "avis", "Votre avis", "oui"],
            ["text", "mot", "Un mot", "peut-être"],
        ]
    )
    result = import_xlsform(data)
    assert [(q["id"], q.get("voice", False)) for q in result.data["questions"]] == [
        ("age", False),
        ("avis", True),
        ("mot", False),
    ]
    assert any("voix haute ne vaut que pour une question à réponse libre" in n for n in result.notes)
    assert any("« peut-être »" in n for n in result.notes)
