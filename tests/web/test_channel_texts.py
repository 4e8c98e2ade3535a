"""Texts that fit the situation: a person answering alone (QR code, kiosk tablet, poster, paper
sheet) never reads « nous écrivons votre réponse ensemble »; a volunteer's questionnaire says it.
The home page lists inhabitants' questionnaires apart from professionals' and promises
anonymity only where no contact is asked."""

from __future__ import annotations

import re

import pytest

from survey.config import DEFAULTS
from survey.formats.yaml_files import load_library, parse_text
from survey.model.questionnaire import QuestionnaireError
from tests.coord_world import CAMPAIGN_A, make_world

TOGETHER = "Nous écrivons votre réponse ensemble"
ALONE_INTRO = "Dites-nous ce que vous en pensez, avec vos mots."


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def intro_of(html: str) -> str:
    found = re.search(r'<div class="intro">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_a_person_alone_on_a_qr_form_never_reads_that_we_write_together(world):
    html = world.client("anonyme").get(f"/c/{CAMPAIGN_A}/").get_data(as_text=True)
    assert TOGETHER not in html and ALONE_INTRO in intro_of(html)


def test_a_volunteer_with_the_person_gets_the_words_we_write_together(world):
    html = world.client("benevole_a").get(f"/c/{CAMPAIGN_A}/").get_data(as_text=True)
    assert TOGETHER in intro_of(html)


def test_a_kiosk_tablet_passed_from_hand_to_hand_reads_like_a_poster(world):
    client = world.client("benevole_a")
    response = client.get(f"/c/{CAMPAIGN_A}/", query_string={"kiosque": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert TOGETHER not in html and ALONE_INTRO in intro_of(html)


def test_the_door_to_door_greeting_is_only_for_the_volunteer(world):
    besoins = "besoins-numeriques-habitants"
    alone = world.client("anonyme").get(f"/c/{besoins}/").get_data(as_text=True)
    volunteer = world.client("benevole_b").get(f"/c/{besoins}/").get_data(as_text=True)
    assert "Nous faisons le tour du quartier" not in alone
    assert "Nous faisons le tour du quartier" in intro_of(volunteer)


def test_texts_for_posters_and_paper_never_say_we_write_together():
    """Posters and the paper questionnaire print ``intro`` and ``consent``: the texts for a
    person alone. The volunteer's words live apart, in ``*_with_volunteer``."""
    library = load_library(DEFAULTS["QUESTIONNAIRES_DIR"])
    assert library.problems == []
    for q in library:
        for text in (q.intro, q.consent, q.intro_for(False), q.consent_for(False)):
            assert "écrivons" not in text.lower(), q.id
            assert "nous faisons le tour" not in text.lower(), q.id
    assert TOGETHER in library.get(CAMPAIGN_A).intro_for(True)


def test_the_home_page_lists_inhabitants_apart_from_professionals(world):
    html = world.client("anonyme").get("/").get_data(as_text=True)
    inhabitants = html[html.index("Pour les habitants") : html.index("Pour les professionnels")]
    professionals = html[html.index("Pour les professionnels") :]
    for title in ("Questionnaire des structures", "Recensement des initiatives locales"):
        assert title in professionals and title not in inhabitants
    for title in ("Vos besoins numériques", "Porteur de parole : le numérique et nous"):
        assert title in inhabitants and title not in professionals


def test_the_home_page_does_not_promise_anonymity_where_a_contact_is_asked(world):
    html = world.client("anonyme").get("/").get_data(as_text=True)
    assert "Vos réponses sont anonymes" not in html  # no promise for every questionnaire at once
    cards = dict(re.findall(r'<li class="card">\s*<h3><a [^>]*>([^<]+)</a></h3>(.*?)</li>', html, re.S))
    assert "les réponses ne sont pas anonymes" in cards["Recensement des initiatives locales"]
    assert "anonymes" not in cards["Recensement des initiatives locales"].replace("pas anonymes", "")
    assert "Réponses anonymes" in cards["Vos besoins numériques"]


@pytest.mark.parametrize(
    "question, asks",
    [
        ("{id: contact, type: long_text, label: Contact}", True),
        ("{id: email_parent, type: short_text, label: Pour vous répondre}", True),
        ("{id: joindre, type: short_text, label: Votre numéro de téléphone}", True),
        ("{id: nom, type: short_text, label: Nom de l'initiative}", False),
        ("{id: avis, type: long_text, label: Votre avis sur le quartier}", False),
    ],
)
def test_a_question_that_asks_for_a_contact_is_recognised(question, asks):
    q = parse_text(f"id: essai\ntitle: Essai\nversion: 1\nquestions:\n  - {question}\n")
    assert q.asks_for_contact is asks


def test_audience_is_checked_and_kept():
    text = "id: essai\ntitle: Essai\nversion: 1\naudience: {}\nquestions:\n  - {{id: a, type: long_text, label: A}}\n"
    assert parse_text(text.format("professionnels")).to_dict()["audience"] == "professionnels"
    assert "audience" not in parse_text(text.format("habitants")).to_dict()
    with pytest.raises(QuestionnaireError) as error:
        parse_text(text.format("élus"), "essai.yaml")
    assert "essai.yaml, ligne 4 : « audience » doit valoir habitants ou professionnels" in str(error.value)
