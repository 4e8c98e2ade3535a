"""XLSX (three sheets, real cells) and JSON (the definition plus one object per answer)."""

from __future__ import annotations

import io
import json
from datetime import datetime

import openpyxl
import pytest

from tests.exports_support import EXPECTED_HEADER, answer, export_bytes, load_answers, make_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The known dataset, read by every test of this module (none changes it)."""
    app = make_app(tmp_path_factory.mktemp("export"))
    load_answers(app)
    return app


@pytest.fixture(scope="module")
def workbook(app):
    return openpyxl.load_workbook(io.BytesIO(export_bytes(app, "xlsx")))


def test_xlsx_has_three_sheets(workbook):
    assert workbook.sheetnames == ["Réponses", "Questionnaire", "Comptes"]


def test_xlsx_answers_sheet_has_the_csv_columns_and_real_cells(workbook):
    rows = list(workbook["Réponses"].iter_rows(values_only=True))
    assert list(rows[0]) == EXPECTED_HEADER
    first, second = (dict(zip(EXPECTED_HEADER, r)) for r in rows[1:])
    assert len(rows) == 3  # the hidden answer is left out
    assert first["Votre avis"] == "Très bien, merci ; vraiment"
    assert first["Usages"] == "Mails | Autre"
    assert (first["Usages/Mails"], first["Usages/Démarches"], first["Usages/Autre"]) == (1, 0, 1)
    assert first["Âge"] == 34 and second["Âge"] == -3  # numbers, negative included
    assert first["Collecté par"] == "Zoé"
    assert first["Date et heure (heure de Paris)"] == datetime(2026, 3, 1, 10, 30)  # a date cell, Paris time
    assert second["Usages"] is None


def test_xlsx_keeps_a_formula_typed_by_the_public_as_text(workbook):
    cell = workbook["Réponses"]["A3"]
    assert cell.value == '=HYPERLINK("http://x";"clic")'
    assert cell.data_type == "s"  # text, never run


def test_xlsx_drops_characters_xml_cannot_hold(tmp_path):
    app = make_app(tmp_path)
    load_answers(app, [answer("c1", "2026-03-01T09:30:00Z", answers={"avis": "collé\x0bdepuis\x01Word"})])
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(app, "xlsx")))
    assert book["Réponses"]["A2"].value == "collédepuisWord"


def test_xlsx_questionnaire_sheet_describes_every_question(workbook):
    rows = list(workbook["Questionnaire"].iter_rows(values_only=True))
    assert rows[0][0] == "Sondage d'essai"
    header = rows[3]
    assert header[:4] == ("Identifiant", "Question", "Type", "Choix (code : libellé)")
    by_id = {r[0]: r for r in rows[4:]}
    assert list(by_id) == ["avis", "transport", "usages", "internet", "aisance", "age"]
    assert by_id["transport"][1:4] == (
        "Comment venez-vous ?",
        "choix unique",
        "bus : En bus\npied : À pied\nautre : Autre",
    )
    assert by_id["age"][2] == "nombre"


def test_xlsx_counts_sheet_counts_each_choice(workbook):
    rows = list(workbook["Comptes"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Question", "Identifiant", "Réponse", "Code", "Nombre")
    counts = {(r[1], r[2]): (r[4], r[5]) for r in rows[1:]}
    assert counts[("transport", "En bus")] == (1, 0.5)
    assert counts[("transport", "À pied")] == (0, 0)
    assert counts[("transport", "Autre")] == (1, 0.5)
    assert counts[("transport", "Sans réponse")] == (0, None)
    assert counts[("usages", "Mails")] == (1, 1)
    assert counts[("usages", "Sans réponse")] == (1, None)
    assert counts[("internet", "Oui")] == (1, 0.5) and counts[("internet", "Non")] == (1, 0.5)
    assert counts[("aisance", "4 – Beaucoup")] == (1, 1)
    assert not any(r[1] in ("avis", "age") for r in rows[1:])  # open questions are not counted


def test_json_parses_and_has_the_definition_and_one_object_per_answer(app):
    data = json.loads(export_bytes(app, "json").decode("utf-8"))
    assert data["questionnaire"]["id"] == "sondage-essai"
    assert [q["id"] for q in data["questionnaire"]["questions"]][:2] == ["avis", "transport"]
    assert [v["version"] for v in data["versions"]] == [1]
    assert [a["id"] for a in data["answers"]] == ["a1", "a2"]
    first = data["answers"][0]
    assert first["answers"]["usages"] == ["mails", "autre"] and first["collector"] == "Zoé"
    assert first["submitted_at"] == "2026-03-01T09:30:00Z"
    assert "fingerprint" not in first
    assert data["campaign"]["id"] == "essai"


def test_json_of_an_empty_campaign_is_valid(tmp_path):
    app = make_app(tmp_path)
    data = json.loads(export_bytes(app, "json"))
    assert data["answers"] == []


def test_xlsx_of_an_empty_campaign_has_the_header_only(tmp_path):
    app = make_app(tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(app, "xlsx")))
    assert [list(r) for r in book["Réponses"].iter_rows(values_only=True)] == [EXPECTED_HEADER]


ODD = answer(
    "odd",
    "pas une date",
    channel=["qr"],
    tags="accès",
    collector=42,
    session={"s": 1},
    answers={
        "avis": {"texte": "?"},
        "transport": ["bus", "pied"],
        "usages": "mails",
        "internet": True,
        "aisance": "3",
        "age": "12 ans",
        "transport__autre": 7,
    },
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_odd_stored_values_never_break_an_export(tmp_path, fmt):
    """Data typed elsewhere (an import, a hand edit) still exports, as text."""
    app = make_app(tmp_path)
    load_answers(app, [ODD, answer("ok", "2026-03-01T09:30:00Z", answers={"age": "41"})])
    data = export_bytes(app, fmt)
    if fmt == "csv":
        import csv

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        odd = dict(zip(EXPECTED_HEADER, rows[1]))
        assert odd["Comment venez-vous ?"] == "En bus | À pied"
        assert odd["Usages"] == "Mails" and odd["Usages/Mails"] == "1"
        assert odd["Âge"] == "12 ans" and odd["Aisance"] == "3 – Moyennement"
        assert odd["Thèmes"] == "accès" and odd["Date et heure (UTC)"] == ""
        assert dict(zip(EXPECTED_HEADER, rows[2]))["Âge"] == "41"
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        rows = list(book["Réponses"].iter_rows(values_only=True))
        assert dict(zip(EXPECTED_HEADER, rows[2]))["Âge"] == 41  # typed as text, read as a number
    else:
        assert [a["id"] for a in json.loads(data)["answers"]] == ["odd", "ok"]
