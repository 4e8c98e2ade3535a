"""Control characters in what people send (issue 15): one rule on both storages.

A paste from a terminal or an old word processor may carry U+0000 and other invisible control
characters. The files could keep them, PostgreSQL cannot hold U+0000: every way in (the form,
the tablets' JSON, a correction, a card or post-it through ``new_answer``) drops them and keeps
every character a person typed, tab and line breaks included. Runs on both storages
(``SURVEY_TEST_STORAGE=postgresql``): the same answer is stored, never a 400 on one of them.
"""

from __future__ import annotations

import uuid

from survey.model.answer_record import new_answer, typed_text
from tests.coord_world import CAMPAIGN_A, make_world

CAMPAIGN = "besoins-numeriques-habitants"
PASTED = "avant\x00après\x08 un\x1bcollage\tavec tab\nsur deux lignes"
TYPED = "avantaprès uncollage\tavec tab\nsur deux lignes"


def test_the_form_stores_the_text_without_its_control_characters(client, services):
    page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
    answer_id = page.split('name="answer_id" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/c/{CAMPAIGN}/", data={"answer_id": answer_id, "q_autre": PASTED})
    assert response.status_code == 303
    assert services.answers.get(CAMPAIGN, answer_id)["answers"] == {"autre": TYPED}


def test_the_tablets_json_is_stored_the_same_and_a_resend_is_already_stored(client, services):
    sent = {"answer_id": str(uuid.uuid4()), "answers": {"internet": "oui", "autre": PASTED}}
    api = f"/api/c/{CAMPAIGN}/reponses"
    assert client.post(api, json=sent).status_code == 201
    assert client.post(api, json=sent).status_code == 200  # the queue resends after a lost reply
    assert services.answers.get(CAMPAIGN, sent["answer_id"])["answers"] == {"internet": "oui", "autre": TYPED}


def test_a_text_of_control_characters_only_is_no_answer(client, services):
    sent = {"answer_id": str(uuid.uuid4()), "answers": {"autre": "\x00\x1b\x00"}}
    response = client.post(f"/api/c/{CAMPAIGN}/reponses", json=sent)
    assert (
        response.status_code == 422 and response.json["message"] == "Répondez à au moins une question avant d'envoyer."
    )
    assert services.answers.count(CAMPAIGN) == 0


def test_a_correction_drops_them_too(tmp_path):
    world = make_world(tmp_path / "data")
    original = world.add(CAMPAIGN_A, channel="post-it", answers={"simplifie": "Moins de papeirs"})
    url = f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{original['id']}/corriger"
    response = world.client("coordination").post(url, data={"texte__simplifie": "Moins\x00 de papiers"})
    assert response.status_code == 303
    assert world.svc.answers.get(CAMPAIGN_A, original["id"])["answers"] == {"simplifie": "Moins de papiers"}


def test_a_card_or_post_it_goes_through_the_same_rule(services):
    campaign = services.campaigns.get(CAMPAIGN)
    made = new_answer(
        campaign,
        services.questionnaire_for(campaign),
        answer_id=str(uuid.uuid4()),
        answers={"autre": PASTED, "equipement": ["\x00", "smartphone"], "souhaits": "\x07"},
        channel="post-it",
        first_name="Zo\x00é",
    )
    assert made["answers"] == {"autre": TYPED, "equipement": ["smartphone"]}
    assert made["first_name"] == "Zoé"
    assert services.save_answer(services.questionnaire_for(campaign), made) is True
    assert typed_text(42) == 42 and typed_text("\r\n\t") == "\r\n\t"
