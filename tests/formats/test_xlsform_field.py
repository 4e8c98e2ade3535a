"""XLSForm import rules learnt from 41 public forms written by others (issue 11 §8): the older
type spellings, texts that cite ``${name}``, conditions that are always false, forms with nothing
to answer, and the language of a form that does not say it."""

from __future__ import annotations

import html
import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.cli import main
from survey.formats.xlsform import XLSFormError, export_xlsform, import_xlsform
from survey.formats.yaml_files import from_dict
from survey.services import drafts
from tests.factories import login_coordinator
from tests.formats.test_xlsform import pyxform_convert, workbook

YES_NO = [
    ["list_name", "name", "label"],
    ["yn", "oui", "Oui"],
    ["yn", "non", "Non"],
    ["usages", "mails", "Les courriels"],
    ["usages", "caf", "La CAF"],
    ["lieux", "mairie", "La mairie"],
    ["lieux", "centre", "Le centre social"],
]


def imported(survey, choices=YES_NO, settings=None, valid_xlsform=True):
    data = workbook(survey, choices, settings)
    if valid_xlsform:
        pyxform_convert(data)  # the test form is one that ODK accepts
    result = import_xlsform(data, "terrain.xlsx")
    return from_dict(result.data), result.notes


# --------------------------------------------------------------------------- older type spellings


def test_the_legacy_select_syntax_is_read_as_select_one_and_select_multiple():
    q, notes = imported(
        [
            ["type", "name", "label"],
            ["select one from yn", "internet", "Avez-vous internet ?"],
            ["select all that apply from usages", "usages", "Pour quoi faire ?"],
            ["select one from lieux or specify other", "lieu", "Où allez-vous ?"],
            ["add select one prompt using lieux", "lieu2", "Et ensuite ?"],
            ["add select multiple prompt using usages", "usages2", "Et encore ?"],
            ["select one yn", "aide", "Avez-vous de l'aide ?"],
            ["select all that apply usages", "usages3", "Lesquels ?"],
        ]
    )
    types = {x.id: x.type for x in q.questions}
    assert types == {
        "internet": "yes_no",
        "usages": "multiple_choice",
        "lieu": "single_choice",
        "lieu2": "single_choice",
        "usages2": "multiple_choice",
        "aide": "yes_no",
        "usages3": "multiple_choice",
    }
    assert [c.value for c in q.question("usages").choices] == ["mails", "caf"]
    assert q.question("lieu").other and [c.value for c in q.question("lieu").choices] == ["mairie", "centre"]
    assert not any("n'est pas dans la feuille" in n or "inconnu" in n for n in notes), notes


# --------------------------------------------------------------------------- ${name} in texts

REFERENCES = {
    "id": "references",
    "title": "Enquête ${annee}",
    "version": 2,
    "language": "fr",
    "intro": "Bonjour ${prenom} !",
    "source": {"document": "notes ${x}.txt"},
    "questions": [
        {"id": "age", "type": "number", "label": "Votre âge ?"},
        {
            "id": "1er",
            "type": "short_text",
            "label": "Vous avez ${age} ans, ${prenom} ; ${1er} ${ ${a b} $${",
            "help": "Voir ${aide",
        },
        {
            "id": "lieu",
            "type": "single_choice",
            "label": "Où, à ${age} ans ?",
            "other": True,
            "choices": [{"value": "a", "label": "Chez ${inconnu}"}, {"value": "b", "label": "Ailleurs"}],
        },
    ],
}


def test_labels_that_cite_a_name_export_to_a_file_pyxform_accepts_and_come_back_unchanged():
    questionnaire = from_dict(REFERENCES)
    exported = export_xlsform(questionnaire)
    xform, warnings = pyxform_convert(exported)  # raised « Could not find the name 'prenom' » before
    assert warnings == []
    # A question of the form stays a reference: ODK shows the answer there.
    assert re.search(r'<output value=" /data/age "/>', xform)
    back = import_xlsform(exported, "references.xlsx")
    assert from_dict(back.data).to_dict() == questionnaire.to_dict()


# --------------------------------------------------------------------------- always false conditions


@pytest.mark.parametrize("never", ["0", "false()", "false", "FALSE", "no", "(0)"])
def test_a_condition_always_false_means_the_question_is_never_shown(never):
    q, notes = imported(
        [
            ["type", "name", "label", "relevant"],
            ["select_one yn", "cache", "Question cachée ?", never],
            ["text", "suite", "Pourquoi ?", "${cache} = 'oui'"],
            ["text", "visible", "Votre quartier ?"],
        ]
    )
    assert [x.id for x in q.questions] == ["visible"]
    report = "\n".join(notes)
    assert f"la condition « {never} » ne l'affiche jamais ; question non reprise" in report
    assert "dépend d'une question jamais posée" in report
    assert "toujours posée" not in report


def test_a_group_never_shown_is_left_out_with_its_questions():
    q, notes = imported(
        [
            ["type", "name", "label", "relevant"],
            ["text", "avant", "Avant ?"],
            ["begin_group", "ancien", "Ancienne partie", "false()"],
            ["text", "dedans", "Dedans ?"],
            ["begin_group", "sous", "Sous-partie"],
            ["integer", "tout_dedans", "Combien ?"],
            ["end_group"],
            ["end_group"],
            ["text", "apres", "Après ?"],
        ]
    )
    assert [x.id for x in q.questions] == ["avant", "apres"]
    assert sum("ne montre jamais ce groupe" in n for n in notes) == 1
    assert not any("Groupes mis à plat" in n for n in notes)


@pytest.mark.parametrize("always", ["1", "true()", "yes", "True"])
def test_a_condition_always_true_means_always_shown_without_a_warning(always):
    q, notes = imported([["type", "name", "label", "relevant"], ["text", "ville", "Votre ville ?", always]])
    assert q.question("ville").show_if is None
    assert not any("toujours posée" in n or "trop complexe" in n for n in notes), notes


# --------------------------------------------------------------------------- nothing to answer

NOTHING_TO_ANSWER = {
    "unsupported only": [["type", "name", "label"], ["geopoint", "gps", "Où êtes-vous ?"], ["calculate", "total", ""]],
    "notes only": [["type", "name", "label"], ["note", "bonjour", "Bienvenue !"], ["note", "merci", "Merci beaucoup."]],
    "a group title only": [
        ["type", "name", "label"],
        ["begin_group", "g", "Le logement"],
        ["image", "photo", "Une photo"],
        ["end_group"],
    ],
    "never shown only": [["type", "name", "label", "relevant"], ["text", "a", "Une question ?", "0"]],
    "header only": [["type", "name", "label"]],
}


@pytest.mark.parametrize("survey", NOTHING_TO_ANSWER.values(), ids=NOTHING_TO_ANSWER.keys())
def test_a_form_with_nothing_to_answer_is_refused_the_same_way(survey):
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(workbook(survey, YES_NO), "vide.xlsx")
    assert str(caught.value).startswith(
        "Aucune question n'a pu être reprise de ce formulaire : il n'y reste aucune question à laquelle répondre"
    )
    assert all(isinstance(n, str) for n in caught.value.notes)


def _upload(client, content: bytes, filename: str):
    boundary, body = encode_multipart({"fichier": FileStorage(io.BytesIO(content), filename=filename)})
    return client.post(
        "/coordination/questionnaires/importer", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_editor_and_the_command_line_refuse_it_with_what_was_left_out(app, client, services, runner, tmp_path):
    form = workbook(NOTHING_TO_ANSWER["unsupported only"], YES_NO)
    login_coordinator(client, app)
    response = _upload(client, form, "gps.xlsx")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Aucune question n'a pu être reprise" in page
    listed = page.partition("Ce qui n'a pas été repris du formulaire</h2>")[2]
    assert "<li>Ligne 2, « Où êtes-vous ? » (geopoint) : non reprise" in listed
    assert drafts.all_drafts(services) == []
    path = tmp_path / "gps.xlsx"
    path.write_bytes(form)
    result = runner.invoke(main, ["xlsform", "import", str(path), "--data", str(tmp_path / "d")])
    assert result.exit_code != 0
    assert "Aucune question n'a pu être reprise" in result.output
    listed = result.output.partition("Ce qui n'a pas été repris, et pourquoi :")[2]
    assert "\n  - Ligne 2, « Où êtes-vous ? » (geopoint) : non reprise" in listed


# --------------------------------------------------------------------------- languages


def test_a_bare_label_column_is_not_called_a_language():
    _, notes = imported(
        [["type", "name", "label", "label::English (en)"], ["text", "ville", "Votre ville ?", "Your town?"]]
    )
    report = "\n".join(notes)
    assert "sans langue précisée (colonne « label »)" in report and "English (en)" in report
    assert "« label » est reprise" not in report and "English (en), label" not in report


def test_a_form_without_a_language_is_not_tagged_french():
    q, notes = imported([["type", "name", "label"], ["text", "town", "Your town?"]])
    assert q.language == "und"
    assert any("ne dit pas dans quelle langue" in n for n in notes)
    # Sent back to Kobo, it still says no language, and ODK accepts it.
    exported = export_xlsform(q)
    pyxform_convert(exported)
    assert from_dict(import_xlsform(exported).data).language == "und"


@pytest.mark.parametrize(
    "survey_header, settings, language",
    [
        (["type", "name", "label"], [["default_language"], ["French"]], "fr"),
        (["type", "name", "label"], [["default_language"], ["English (en)"]], "en"),
        (["type", "name", "label::English"], None, "en"),
        (["type", "name", "label::Español (es)"], None, "es"),
        (["type", "name", "label::Français (fr)"], None, "fr"),
    ],
)
def test_a_language_the_form_names_is_kept(survey_header, settings, language):
    q, notes = imported([survey_header, ["text", "ville", "Ville ?"]], settings=settings)
    assert q.language == language
    assert not any("ne dit pas dans quelle langue" in n for n in notes)
