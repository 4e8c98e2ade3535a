"""Frequent words of the free-text answers (issue 17 §3): counted once per answer, accents
folded, stop words left out, per question and per tag, tags by place, hidden answers left out,
and each word's figure is the number of answers the search link finds."""

from __future__ import annotations

import html
import re

import pytest

from survey.services.words import frequent_words, words_of
from tests.factories import login_coordinator, make_answer

CAMPAIGN = "besoins-numeriques-habitants"


def test_a_text_gives_its_meaningful_words_folded():
    assert words_of("L'école, c'est TRÈS loin pour les Écoliers ; l'ecole !") == {
        "ecole": "école",
        "loin": "loin",
        "ecoliers": "écoliers",
    }


@pytest.fixture
def world(app):
    svc = app.extensions["survey"]
    texts = [
        ("Le bus passe trop peu, le bus est plein", ["transport"], "Tours"),
        ("Pas de bus le dimanche", ["transport"], "Vierzon"),
        ("L'école est loin", [], "Tours"),
        ("Un écrivain public à l'école", ["ecrit"], "Tours"),
    ]
    for text, tags, place in texts:
        svc.answers.add(make_answer(CAMPAIGN, CAMPAIGN, answers={"autre": text}, tags=tags, place=place))
    svc.answers.add(make_answer(CAMPAIGN, CAMPAIGN, answers={"autre": "bus bus bus"}, hidden=True))
    svc.answers.add(
        make_answer(CAMPAIGN, CAMPAIGN, answers={"internet_pourquoi": "autre", "internet_pourquoi__autre": "Le bus"})
    )
    return svc


def test_words_per_question_per_tag_and_tags_by_place(world):
    campaign = world.campaigns.get(CAMPAIGN)
    found = frequent_words(world.answers, campaign, world.library.get(CAMPAIGN))
    top = {w.folded: (w.spelling, w.answers) for w in found.by_question["autre"]}
    assert top["bus"] == ("bus", 2)  # twice in one answer counts once; the hidden answer not at all
    assert top["ecole"] == ("école", 2) and "pas" not in top and "le" not in top
    assert [(w.folded, w.answers) for w in found.by_question["internet_pourquoi"]] == [("bus", 1)]
    assert {w.folded: w.answers for w in found.by_tag["transport"]}["bus"] == 2
    assert found.tags_by_place["transport"] == {"Tours": 1, "Vierzon": 1}
    assert found.tags_by_place["ecrit"] == {"Tours": 1}


def test_each_figure_leads_to_as_many_answers(client, app, world):
    login_coordinator(client, app)
    page = html.unescape(client.get(f"/coordination/campagnes/{CAMPAIGN}/mots").get_data(as_text=True))
    assert "Mots fréquents" in page and "école" in page
    link = re.search(r'href="([^"]+q=bus[^"]*question=autre[^"]*)"', page).group(1)
    listed = html.unescape(client.get(link).get_data(as_text=True))
    words = re.sub(r"<[^>]+>", "", listed)
    assert re.search(r"\b2 réponses trouvées", words), words[:2000]
    results = client.get(f"/coordination/campagnes/{CAMPAIGN}/resultats").get_data(as_text=True)
    assert f"/coordination/campagnes/{CAMPAIGN}/mots" in results
