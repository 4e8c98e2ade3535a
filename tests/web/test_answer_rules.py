"""Answers that mean something: an empty answer is refused (unless the questionnaire allows it),
an exclusive choice (« Aucun de ces appareils ») goes alone, a value repeated in a request is
stored once whatever brought it (form, tablets' JSON, ``survey import-queue``), and question
numbers have no gap when a conditional question is hidden."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from werkzeug.datastructures import MultiDict

from survey import create_app
from survey.cli import main
from survey.config import DEFAULTS
from survey.formats.yaml_files import load_library, parse_text
from survey.formats.yaml_writer import dump_yaml
from survey.forms import EMPTY_MESSAGE
from survey.model.answer_record import distinct_values
from survey.model.campaign import Campaign
from survey.model.questionnaire import QuestionnaireError
from survey.services.drafts import question_from_form

CAMPAIGN = "besoins-numeriques-habitants"
FORM = f"/c/{CAMPAIGN}/"
API = f"/api/c/{CAMPAIGN}/reponses"
NONE_OF_THESE = "Aucun de ces appareils"


def open_form(client, url=FORM, **args):
    response = client.get(url, query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))


def stored(services, campaign=CAMPAIGN):
    return list(services.answers.iter_answers(campaign))


def api_body(answers, **extra):
    return {
        "answer_id": str(uuid.uuid4()),
        "started_at": "2026-11-21T09:00:00Z",
        "channel": "qr",
        "answers": answers,
        **extra,
    }


# --------------------------------------------------------------------------- empty answers


def test_an_empty_answer_is_refused_in_french_and_nothing_is_stored(client, services):
    _, fields = open_form(client)
    response = client.post(FORM, data={**fields, "q_autre": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Répondez à au moins une question" in html and 'role="alert"' in html
    assert stored(services) == []
    assert client.post(FORM, data={**fields, "q_internet": "oui"}).status_code == 303
    assert len(stored(services)) == 1


def test_an_empty_answer_is_refused_by_the_tablets_door_too(client, services):
    response = client.post(API, json=api_body({}))
    assert response.status_code == 422
    assert response.json["message"] == EMPTY_MESSAGE
    # A hidden question's answer does not count: it is not stored, so the answer is empty.
    hidden_only = client.post(API, json=api_body({"internet": "", "internet_pourquoi": ["cher"]}))
    assert hidden_only.status_code == 422
    assert stored(services) == []


def test_step_by_step_moves_on_without_an_answer_but_does_not_send_an_empty_one(client, services):
    _, fields = open_form(client, mode="pas-a-pas")
    step = client.post(FORM, data={**fields, "mode": "pas-a-pas", "etape": "equipement", "action": "suivant"})
    assert step.status_code == 200 and "Question 2 sur" in step.get_data(as_text=True)
    sent = client.post(FORM, data={**fields, "mode": "pas-a-pas", "etape": "autre", "action": "envoyer"})
    assert sent.status_code == 422 and "Répondez à au moins une question" in sent.get_data(as_text=True)
    assert stored(services) == []


def _campaign_app(tmp_path, yaml_text: str):
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "essai.yaml").write_text(yaml_text, encoding="utf-8")
    app = create_app(
        {
            "DATA_DIR": str(tmp_path / "d"),
            "QUESTIONNAIRES_DIR": str(folder),
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.extensions["survey"].campaigns.save(Campaign(id="essai", title="Essai", questionnaire="essai", channels=["qr"]))
    return app


def test_a_questionnaire_may_allow_an_empty_answer(tmp_path):
    text = (
        "id: essai\ntitle: Essai\nversion: 1\nallow_empty: true\nquestions:\n"
        "  - {id: avis, type: long_text, label: Votre avis}\n"
    )
    app = _campaign_app(tmp_path, text)
    client = app.test_client()
    _, fields = open_form(client, "/c/essai/")
    assert client.post("/c/essai/", data=fields).status_code == 303
    [answer] = app.extensions["survey"].answers.iter_answers("essai")
    assert answer["answers"] == {}
    assert "allow_empty: true" in dump_yaml(app.extensions["survey"].library.get("essai").to_dict())


# --------------------------------------------------------------------------- exclusive choices


def test_shipped_exclusive_choices_are_marked_and_keep_their_labels():
    library = load_library(DEFAULTS["QUESTIONNAIRES_DIR"])
    besoins = library.get(CAMPAIGN)
    exclusive = {(q.id, c.label) for q in besoins.questions for c in q.choices if c.exclusive}
    assert exclusive == {
        ("equipement", NONE_OF_THESE),
        ("aide_besoins", "Je n'ai pas besoin d'aide"),
        ("aide_qui", "Personne, je ne sais pas à qui demander"),
    }


def test_an_exclusive_choice_ticked_with_another_is_refused_on_the_server(client, services):
    _, fields = open_form(client)
    response = client.post(
        FORM, data=MultiDict([*fields.items(), ("q_equipement", "smartphone"), ("q_equipement", "aucun")])
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"« {NONE_OF_THESE} » ne va pas avec une autre réponse" in html
    assert 'value="smartphone" checked' in html and 'value="aucun" checked' in html  # nothing lost
    api = client.post(API, json=api_body({"aide_qui": ["famille", "personne"]}))
    assert api.status_code == 422 and "ne va pas avec une autre réponse" in api.json["errors"]["aide_qui"]
    assert stored(services) == []
    assert client.post(FORM, data={**fields, "q_equipement": "aucun"}).status_code == 303
    assert stored(services)[0]["answers"] == {"equipement": ["aucun"]}


def test_the_page_marks_exclusive_boxes_for_the_script(client):
    html, _ = open_form(client)
    assert re.search(r'value="aucun"[^>]*data-exclusive', html)
    assert not re.search(r'value="smartphone"[^>]*data-exclusive', html)
    assert "data-choice-status" in html and "<script>" not in html


@pytest.mark.parametrize(
    "choice, problem",
    [
        ("{value: a, label: A, exclusive: oui}", "« exclusive » du choix « a » doit valoir true ou false"),
        ("{value: a, label: A, exclusive: true}", "ne peut être « exclusive » que dans une question à choix multiple"),
    ],
)
def test_a_wrong_exclusive_is_reported_in_french_with_its_line(choice, problem):
    qtype = "multiple_choice" if "oui" in choice else "single_choice"
    text = (
        f"id: essai\ntitle: Essai\nversion: 1\nquestions:\n  - id: q\n    type: {qtype}\n    label: Q\n"
        f"    choices:\n      - {choice}\n      - {{value: b, label: B}}\n"
    )
    with pytest.raises(QuestionnaireError) as error:
        parse_text(text, "essai.yaml")
    assert problem in str(error.value) and "ligne 8" in str(error.value)  # the line of « choices »


def test_exclusive_survives_the_round_trip_and_an_edit_in_the_browser():
    besoins = load_library(DEFAULTS["QUESTIONNAIRES_DIR"]).get(CAMPAIGN)
    again = parse_text(dump_yaml(besoins.to_dict()), "copie")
    assert again.question("equipement").exclusive_values == {"aucun"}
    old = besoins.to_dict()["questions"][0]
    form = MultiDict(
        [
            ("type", "multiple_choice"),
            ("id", "equipement"),
            ("label", old["label"]),
            *[("choix_valeur", c["value"]) for c in old["choices"]],
            *[("choix_libelle", c["label"]) for c in old["choices"]],
        ]
    )
    edited = question_from_form(form, old)
    assert [c["value"] for c in edited["choices"] if c.get("exclusive")] == ["aucun"]


# --------------------------------------------------------------------------- repeated values


def test_distinct_values_keeps_the_first_order_and_drops_empty_ones():
    assert distinct_values(["b", "a", "b", "", None, "a"]) == ["b", "a"]


def test_a_value_repeated_two_thousand_times_in_the_form_is_stored_once(client, services):
    _, fields = open_form(client)
    data = MultiDict([*fields.items(), *[("q_souhaits", "formations")] * 2000, ("q_souhaits", "service_domicile")])
    assert client.post(FORM, data=data).status_code == 303
    assert stored(services)[0]["answers"]["souhaits"] == ["formations", "service_domicile"]


def test_a_value_repeated_in_the_tablets_json_is_stored_once(client, services):
    sent = api_body({"souhaits": ["formations"] * 2000})
    assert client.post(API, json=sent).status_code == 201
    assert stored(services)[0]["answers"]["souhaits"] == ["formations"]


def test_a_value_repeated_in_an_imported_queue_is_stored_once(runner, tmp_path):
    data = str(tmp_path / "d")
    runner.invoke(main, ["demo", "--data", data])
    item = {"campaign": CAMPAIGN, **api_body({"aide_besoins": ["cv"] * 500 + ["impression"] * 500})}
    path = tmp_path / "file.json"
    path.write_text(json.dumps({"answers": [item]}), encoding="utf-8")
    result = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert result.exit_code == 0 and "1 importée" in result.output, result.output
    app = create_app({"DATA_DIR": data, "SECRET_KEY": "t"})
    [answer] = [a for a in app.extensions["survey"].answers.iter_answers(CAMPAIGN) if a["id"] == item["answer_id"]]
    assert answer["answers"]["aide_besoins"] == ["cv", "impression"]


# --------------------------------------------------------------------------- numbering


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="num">(\d+)\.</span>', html)]


def test_one_page_numbers_every_question_in_order(client, services):
    html, _ = open_form(client)
    answerable = services.questionnaire_for(services.campaigns.get(CAMPAIGN)).answerable
    assert _numbers(html) == list(range(1, len(answerable) + 1))


def test_step_by_step_numbers_leave_no_gap_for_a_hidden_question(client):
    _, fields = open_form(client, mode="pas-a-pas")
    base = {**fields, "mode": "pas-a-pas", "q_equipement": "smartphone", "q_internet": "oui"}
    # « internet » is question 2; « internet_pourquoi » (3 in the file) is hidden after « oui ».
    page = client.post(FORM, data={**base, "etape": "internet", "action": "suivant"})
    html = page.get_data(as_text=True)
    assert "Question 3 sur" in html and "Êtes-vous à l&#39;aise avec le numérique ?" in html
    assert _numbers(html) == [3]
    # With « non », the conditional question is shown as 3, and its condition names question 2.
    page = client.post(FORM, data={**base, "q_internet": "non", "etape": "internet", "action": "suivant"})
    html = page.get_data(as_text=True)
    assert "Question 3 sur" in html and "Pourquoi n&#39;avez-vous pas internet" in html
    assert _numbers(html) == [3] and re.search(r"à la question\s+2\.", html)
