"""The mobile form: every question type, French errors that keep the answers,
show_if on the server, the step-by-step mode, and an answer stored exactly once."""

from __future__ import annotations

import re
import uuid

import pytest

from survey import create_app
from survey.services.demo import load_demo
from tests.factories import login_coordinator

CAMPAIGN = "besoins-numeriques-habitants"


def open_form(client, campaign=CAMPAIGN, **args):
    response = client.get(f"/c/{campaign}/", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))
    return html, fields


def stored(services, campaign=CAMPAIGN):
    return list(services.answers.iter_answers(campaign))


def questionnaire(services, campaign=CAMPAIGN):
    return services.questionnaire_for(services.campaigns.get(campaign))


def test_every_shipped_questionnaire_renders_with_visible_labels(client, services):
    login_coordinator(client)  # the team opens every campaign, even those not open to the public
    for campaign in services.campaigns.all():
        html, fields = open_form(client, campaign.id)
        assert uuid.UUID(fields["answer_id"])
        for q in services.questionnaire_for(campaign).answerable:
            if q.type in ("short_text", "long_text", "number"):
                assert f'<label class="q-label" for="q_{q.id}">' in html
            else:
                assert f'id="bloc-q_{q.id}"' in html and "<legend" in html
        assert 'name="viewport"' in html and "http://" not in html.replace('href="http://', "")


def test_a_valid_answer_is_stored_with_its_metadata(client, services):
    from survey.services.volunteers import create

    client.get(f"/benevole/{create(services, CAMPAIGN, 'Inès')['id']}")  # door to door is a volunteer's
    html, fields = open_form(client, canal="porte-a-porte")
    data = {
        **fields,
        "canal": "porte-a-porte",
        "q_internet": "oui",
        "q_aisance": "4",
        "q_equipement": ["smartphone", "ordinateur"],
        "q_autre": "Merci <b>beaucoup</b> !",
    }
    response = client.post(f"/c/{CAMPAIGN}/", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/c/{CAMPAIGN}/merci")
    [answer] = stored(services)
    assert answer["id"] == fields["answer_id"]
    assert answer["channel"] == "porte-a-porte"
    assert answer["questionnaire"] == CAMPAIGN and answer["version"] == 1
    assert answer["started_at"] == fields["started_at"]
    assert answer["submitted_at"].endswith("Z") and answer["language"] == "fr"
    assert answer["answers"] == {
        "internet": "oui",
        "aisance": 4,
        "equipement": ["smartphone", "ordinateur"],
        "autre": "Merci <b>beaucoup</b> !",
    }


def test_a_retried_submit_is_stored_once_and_a_changed_one_is_refused(client, services):
    _, fields = open_form(client)
    data = {**fields, "q_internet": "oui"}
    assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303
    assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303  # double tap, network retry
    assert len(stored(services)) == 1
    conflict = client.post(f"/c/{CAMPAIGN}/", data={**data, "q_internet": "non"})
    assert conflict.status_code == 409
    assert "déjà été enregistrée" in conflict.get_data(as_text=True)
    assert stored(services)[0]["answers"]["internet"] == "oui"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("q_internet", "peut-etre", "Choisissez une des réponses proposées."),
        ("q_aisance", "9", "Choisissez une des réponses proposées."),
        ("q_equipement", "fusee", "Choisissez une des réponses proposées."),
        ("q_autre", "x" * 5001, "Votre réponse est trop longue : 5001 caractères pour 5000 au plus."),
    ],
    ids=["oui-non", "echelle", "choix-multiple", "texte-trop-long"],
)
def test_bad_input_gets_a_french_message_and_keeps_the_answers(client, services, field, value, message):
    _, fields = open_form(client)
    response = client.post(f"/c/{CAMPAIGN}/", data={**fields, "q_souhaits": "formations", field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="formations" checked' in html  # nothing given is lost
    assert 'aria-invalid="true"' in html and "réponse à corriger" in html
    assert stored(services) == []


def test_number_and_required_questions(tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "essai.yaml").write_text(
        "id: essai\ntitle: Essai\nversion: 1\nquestions:\n"
        "  - {id: age, type: number, label: Votre âge, min: 0, max: 120, required: true}\n"
        "  - {id: avis, type: long_text, label: Votre avis}\n",
        encoding="utf-8",
    )
    app = create_app(
        {
            "DATA_DIR": str(tmp_path / "d"),
            "QUESTIONNAIRES_DIR": str(folder),
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
        }
    )
    from survey.model.campaign import Campaign

    app.extensions["survey"].campaigns.save(Campaign(id="essai", title="Essai", questionnaire="essai"))
    client = app.test_client()
    _, fields = open_form(client, "essai")
    for value, message in [
        ("", "Cette question demande une réponse."),
        ("douze", "Écrivez un nombre entier"),
        ("130", "Le nombre doit être au plus 120."),
    ]:
        response = client.post("/c/essai/", data={**fields, "q_age": value})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert client.post("/c/essai/", data={**fields, "q_age": " 42 "}).status_code == 303
    assert next(app.extensions["survey"].answers.iter_answers("essai"))["answers"] == {"age": 42}


def test_show_if_is_decided_on_the_server(client, services):
    q = questionnaire(services)
    dependant = next(x for x in q.answerable if x.show_if)
    source = q.question(dependant.show_if.question)
    other_value = next(c.value for c in source.options if c.value not in dependant.show_if.values)
    html, fields = open_form(client)
    assert f'data-show-if="q_{source.id}"' in html
    assert "Répondez seulement si vous avez répondu" in html  # said in words, for readers without JavaScript
    some_choice = dependant.options[0].value if dependant.options else "texte"
    # The condition does not hold: the answer to the hidden question is ignored.
    client.post(f"/c/{CAMPAIGN}/", data={**fields, f"q_{source.id}": other_value, f"q_{dependant.id}": some_choice})
    assert dependant.id not in stored(services)[0]["answers"]
    # It holds: it is kept.
    _, fields = open_form(client)
    client.post(
        f"/c/{CAMPAIGN}/",
        data={**fields, f"q_{source.id}": dependant.show_if.values[0], f"q_{dependant.id}": some_choice},
    )
    kept = stored(services)[1]["answers"][dependant.id]
    assert kept == ([some_choice] if dependant.type == "multiple_choice" else some_choice)


def test_other_needs_its_text(client, services):
    q = next(x for x in questionnaire(services).answerable if x.other and not x.show_if)
    _, fields = open_form(client)
    response = client.post(f"/c/{CAMPAIGN}/", data={**fields, f"q_{q.id}": "autre"})
    assert response.status_code == 422 and "Précisez votre réponse « Autre »." in response.get_data(as_text=True)
    client.post(f"/c/{CAMPAIGN}/", data={**fields, f"q_{q.id}": "autre", f"q_{q.id}__autre": "Ma voisine"})
    answers = stored(services)[0]["answers"]
    assert answers[f"{q.id}__autre"] == "Ma voisine"


def test_step_by_step_keeps_answers_forward_and_back(client, services):
    q = questionnaire(services)
    first, second = q.answerable[0], q.answerable[1]
    html, fields = open_form(client, mode="pas-a-pas")
    total = len([x for x in q.answerable if not x.show_if])
    assert f"Question 1 sur {total}" in html
    choice = first.options[0].value
    page = client.post(
        f"/c/{CAMPAIGN}/",
        data={**fields, "mode": "pas-a-pas", "etape": first.id, "action": "suivant", f"q_{first.id}": choice},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Question 2 sur" in html and second.label in html
    assert f'<input type="hidden" name="q_{first.id}" value="{choice}">' in html  # carried
    back = client.post(
        f"/c/{CAMPAIGN}/",
        data={**fields, "mode": "pas-a-pas", "etape": second.id, "action": "precedent", f"q_{first.id}": choice},
    )
    assert "Question 1 sur" in back.get_data(as_text=True)
    assert f'value="{choice}" checked' in back.get_data(as_text=True)
    done = client.post(
        f"/c/{CAMPAIGN}/", data={**fields, "mode": "pas-a-pas", "action": "envoyer", f"q_{first.id}": choice}
    )
    assert done.status_code == 303
    assert stored(services)[0]["answers"][first.id] in (choice, [choice])


def test_a_board_question_alone(client, services):
    html, fields = open_form(
        client, "porteur-de-parole-numerique", question="complique", canal="qr", affiche="A-complique"
    )
    assert "<h1>Le numérique, c&#39;est compliqué ?</h1>" in html
    assert html.count('class="question') == 1
    client.post(
        "/c/porteur-de-parole-numerique/",
        data={
            **fields,
            "question": "complique",
            "affiche": "A-complique",
            "canal": "qr",
            "q_complique": "Oui, trop de mots de passe",
        },
    )
    [answer] = stored(services, "porteur-de-parole-numerique")
    assert answer["answers"] == {"complique": "Oui, trop de mots de passe"} and answer["poster"] == "A-complique"
    assert client.get("/c/porteur-de-parole-numerique/?question=nope").status_code == 404


def test_free_text_is_escaped_when_shown_again(client):
    _, fields = open_form(client)
    response = client.post(
        f"/c/{CAMPAIGN}/", data={**fields, "q_internet": "zzz", "q_autre": "<script>alert(1)</script>"}
    )
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_campaign_is_a_french_404(client):
    response = client.get("/c/inconnue/")
    assert response.status_code == 404
    assert "Cette campagne n&#39;existe pas" in response.get_data(as_text=True)
    assert client.get("/c/../etc/").status_code == 404


def test_a_huge_request_is_refused_with_413(client):
    _, fields = open_form(client)
    response = client.post(f"/c/{CAMPAIGN}/", data={**fields, "q_autre": "x" * 600_000})
    assert response.status_code == 413
    assert "trop gros" in response.get_data(as_text=True)


def test_thank_you_page_offers_the_next_person_a_blank_form(client, services):
    html, fields = open_form(client, canal="tablette")
    response = client.post(
        f"/c/{CAMPAIGN}/", data={**fields, "canal": "tablette", "q_internet": "oui"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Votre réponse est bien enregistrée" in page and "Personne suivante" in page
    assert f'href="/c/{CAMPAIGN}/?canal=tablette"' in page
    assert "France Services" in page  # the campaign's « où trouver de l'aide »


def test_a_closed_campaign_takes_no_answer(client, services):
    campaign = services.campaigns.get(CAMPAIGN)
    campaign.closed = True
    services.campaigns.save(campaign)
    assert client.get(f"/c/{CAMPAIGN}/").status_code == 410
    assert client.get("/").get_data(as_text=True).count(campaign.title) == 0


def test_csrf_token_is_required_and_an_expired_one_keeps_the_answers(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "SECRET_KEY": "t"})
    load_demo(app.extensions["survey"])
    client = app.test_client()
    html, fields = open_form(client)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    bad = client.post(f"/c/{CAMPAIGN}/", data={**fields, "q_autre": "Plus d'ateliers"})
    assert bad.status_code == 422
    assert "Vos réponses sont gardées" in bad.get_data(as_text=True)
    assert "Plus d&#39;ateliers" in bad.get_data(as_text=True)
    assert not list(app.extensions["survey"].answers.iter_answers(CAMPAIGN))
    good = client.post(f"/c/{CAMPAIGN}/", data={**fields, "csrf_token": token, "q_autre": "Plus d'ateliers"})
    assert good.status_code == 303


def test_security_headers(client):
    response = client.get(f"/c/{CAMPAIGN}/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
