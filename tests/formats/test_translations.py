"""Questionnaires in several languages (issue 16): the file format, its French problems with
lines, the questionnaire as another language reads it, and XLSForm's language columns."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from survey.formats.xlsform import export_xlsform, import_xlsform
from survey.formats.yaml_files import load_file, parse_text
from survey.formats.yaml_writer import questionnaire_yaml
from survey.model.questionnaire import QuestionnaireError
from survey.model.translations import direction, in_language, texts_to_translate

ROOT = Path(__file__).resolve().parents[2]
INHABITANTS = (
    "porteur-de-parole-numerique",
    "besoins-numeriques-habitants",
    "ordi-panneau-citoyennete",
    "ordi-panneau-quotidien",
)

SMALL = """\
id: essai
title: Le numérique et vous
version: 1
language: fr
languages: [en]
intro: Bonjour
questions:
  - id: age
    type: single_choice
    label: Votre âge
    choices:
      - {value: jeune, label: Moins de 25 ans}
      - {value: vieux, label: 25 ans et plus}
    other: true
  - id: internet
    type: yes_no
    label: Avez-vous internet ?
translations:
  en:
    note: Traduit par l'équipe, à relire
    title: Digital life and you
    intro: Hello
    questions:
      age:
        label: Your age
        choices: {jeune: Under 25, vieux: 25 or older}
        other: "Other: please say"
      internet:
        label: Do you have internet?
        yes_no: ["Yes", "No"]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(text, "essai.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_translated_questionnaire_reads_the_same_questions_in_another_language():
    q = parse_text(SMALL, "essai.yaml")
    assert q.languages == ("fr", "en")
    english = in_language(q, "en")
    assert english.title == "Digital life and you" and english.intro == "Hello"
    age = english.question("age")
    # The same ids and values: answers in every language are counted together.
    assert [(c.value, c.label) for c in age.options] == [
        ("jeune", "Under 25"),
        ("vieux", "25 or older"),
        ("autre", "Other: please say"),
    ]
    assert [(c.value, c.label) for c in english.question("internet").options] == [("oui", "Yes"), ("non", "No")]
    # The reference is unchanged, and a language it has not gives the reference.
    assert q.question("age").label == "Votre âge" and in_language(q, "ar") is q


def test_a_missing_translation_is_reported_in_french_with_the_line():
    text = SMALL.replace("        label: Do you have internet?\n", "")
    [problem] = problems_of(text)
    line = text.splitlines().index("      internet:") + 1
    assert problem == (
        f"essai.yaml, ligne {line}, question « internet » : "
        "la traduction en anglais (en) ne donne pas le libellé (label)"
    )


def test_a_declared_language_without_translation_and_an_undeclared_one_are_reported():
    undeclared = SMALL.replace("languages: [en]", "languages: [en, ar]")
    assert any("la traduction en arabe (ar) manque" in p for p in problems_of(undeclared))
    not_declared = SMALL.replace("languages: [en]\n", "")
    assert any("« en » est traduite mais pas déclarée" in p for p in problems_of(not_declared))


def test_a_translation_of_a_question_the_questionnaire_has_not_is_reported():
    text = SMALL + "      disparue:\n        label: Gone\n"
    [problem] = problems_of(text)
    assert "question « disparue »" in problem and "que le questionnaire n'a pas" in problem


def test_yes_written_bare_is_caught_before_it_becomes_true():
    text = SMALL.replace('yes_no: ["Yes", "No"]', "yes_no: [Yes, No]")
    [problem] = problems_of(text)
    assert "lu comme vrai/faux" in problem and "guillemets" in problem


def test_the_writer_keeps_every_language():
    q = parse_text(SMALL, "essai.yaml")
    written = questionnaire_yaml(q)
    assert '- "Yes"' in written or "- 'Yes'" in written  # quoted, so that it reads back as words
    assert parse_text(written, "essai.yaml").translations == q.translations


@pytest.mark.parametrize("name", INHABITANTS)
def test_the_inhabitants_questionnaires_ship_complete_english_and_arabic_marked_as_translations(name):
    q = load_file(ROOT / "questionnaires" / f"{name}.yaml")
    assert q.languages == ("fr", "en", "ar")
    for translation in q.translations:
        assert "pas dans le document source" in translation.note
        assert set(translation.texts) == set(texts_to_translate(q))
    arabic = in_language(q, "ar")
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in question.label) for question in arabic.questions)
    assert direction("ar") == "rtl" and direction("en") == "ltr"


# --------------------------------------------------------------------------- XLSForm


def sheet_rows(data: bytes, name: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book[name].iter_rows(values_only=True)]


@pytest.mark.parametrize("name", INHABITANTS)
def test_xlsform_export_has_a_column_per_language_that_pyxform_accepts_and_reads_back(name):
    q = load_file(ROOT / "questionnaires" / f"{name}.yaml")
    data = export_xlsform(q)
    header = sheet_rows(data, "survey")[0]
    assert {"label::Français (fr)", "label::English (en)", "label::العربية (ar)", "hint::English (en)"} <= set(header)
    assert "label::العربية (ar)" in sheet_rows(data, "choices")[0]
    settings = dict(zip(*sheet_rows(data, "settings")))
    assert settings["default_language"] == "Français (fr)"
    xform = convert(xlsform=io.BytesIO(data), warnings=[], file_type=".xlsx").xform
    assert 'lang="English (en)"' in xform and 'lang="العربية (ar)"' in xform
    back = import_xlsform(data, f"{name}.xlsx")
    assert back.notes == []
    again, problems = back.validate()
    assert problems == [] and again.translations == q.translations and again.title == q.title


def test_an_incomplete_language_of_a_kobo_form_is_left_out_with_a_french_note():
    q = parse_text(SMALL, "essai.yaml")
    data = export_xlsform(q)
    book = openpyxl.load_workbook(io.BytesIO(data))
    survey = book["survey"]
    column = [c.value for c in survey[1]].index("label::English (en)") + 1
    survey.cell(row=3, column=column).value = None  # one English label blanked
    out = io.BytesIO()
    book.save(out)
    result = import_xlsform(out.getvalue(), "essai.xlsx")
    assert "languages" not in result.data
    [note] = result.notes
    assert note.startswith("La langue « English (en) » (anglais) n'est pas reprise : 1 texte(s)")
    assert "le libellé (label) de « " in note
