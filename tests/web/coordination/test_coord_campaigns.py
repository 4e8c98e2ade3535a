"""Campaigns from the web: create, edit, close and reopen, with French messages."""

from __future__ import annotations

import html
import re

import pytest

from survey.web.coordination.campaigns import slugify
from tests.coord_world import CAMPAIGN_A, make_world

NEW = "/coordination/campagnes/nouvelle"
FULL = {
    "title": "Parole au marché du Sanitas",
    "identifier": "",
    "questionnaire": CAMPAIGN_A,
    "quartier": "Sanitas, Tours",
    "structure": "Centre social Pluriel(le)s",
    "starts_on": "2026-04-01",
    "ends_on": "2026-06-30",
    "channels": ["porteur-de-parole", "qr"],
    "description": "Commandée par la Ville de Tours pour préparer le contrat de ville ; "
    "résultats remis au conseil citoyen.",
    "help_text": "France Services, 2 rue Dupont, mardi 9 h – 12 h.",
    "retention_months": "18",
}


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def test_slugify():
    assert slugify("Parole au marché du Sanitas !") == "parole-au-marche-du-sanitas"
    assert slugify("Œuvres & co") == "oeuvres-co"


def test_create_a_campaign_with_every_setting(world):
    client = world.client("coordination")
    assert "Créer la campagne" in text(client.get(NEW))
    response = client.post(NEW, data=FULL)
    assert response.status_code == 303
    assert response.headers["Location"] == "/coordination/campagnes/parole-au-marche-du-sanitas/"
    campaign = world.svc.campaigns.get("parole-au-marche-du-sanitas")
    assert (campaign.title, campaign.questionnaire, campaign.quartier, campaign.structure) == (
        FULL["title"],
        CAMPAIGN_A,
        "Sanitas, Tours",
        "Centre social Pluriel(le)s",
    )
    assert (campaign.starts_on, campaign.ends_on, campaign.retention_months) == ("2026-04-01", "2026-06-30", 18)
    assert campaign.channels == ["porteur-de-parole", "qr"] and not campaign.closed
    assert campaign.description == FULL["description"] and campaign.help_text == FULL["help_text"]
    page = text(client.get(response.headers["Location"]))
    assert "Parole au marché du Sanitas" in page and "18 mois" in page and "conseil citoyen" in page
    assert any(e["action"] == "campagne créée" for e in world.svc.records.all("audit"))
    # The public side shows it, with its help text and its notice.
    notice = text(client.get("/c/parole-au-marche-du-sanitas/confidentialite"))
    assert "conseil citoyen" in notice and "18 mois" in notice and "Centre social Pluriel(le)s" in notice


def test_problems_are_said_in_french(world):
    client = world.client("coordination")
    bad = dict(
        FULL,
        title="",
        identifier="Pas Bon!",
        questionnaire="inconnu",
        channels=[],
        starts_on="2026-13-01",
        ends_on="hier",
        retention_months="douze",
    )
    response = client.post(NEW, data=bad)
    assert response.status_code == 422
    page = text(response)
    for message in (
        "Donnez un titre",
        "seulement des minuscules",
        "« inconnu » n'existe pas",
        "Choisissez au moins un canal",
        "La date de début « 2026-13-01 » n'est pas une date",
        "La date de fin « hier » n'est pas une date",
        "en chiffres",
    ):
        assert message in page, message
    assert "Pas Bon!" in page or 'value="Pas Bon!"' in html.unescape(response.get_data(as_text=True))
    assert world.svc.campaigns.get("pas-bon") is None
    inverted = client.post(NEW, data=dict(FULL, starts_on="2026-06-30", ends_on="2026-04-01"))
    assert "La date de fin doit venir après" in text(inverted)
    too_long = client.post(NEW, data=dict(FULL, retention_months="200"))
    assert "de 1 à 120 mois" in text(too_long)


def test_ids_must_be_new_and_not_reserved(world):
    client = world.client("coordination")
    taken = client.post(NEW, data=dict(FULL, identifier=CAMPAIGN_A))
    assert taken.status_code == 422 and "déjà l'identifiant" in text(taken)
    reserved = client.post(NEW, data=dict(FULL, identifier="nouvelle"))
    assert reserved.status_code == 422 and "réservé" in text(reserved)
    assert world.svc.campaigns.get(CAMPAIGN_A).title != FULL["title"]


def test_edit_keeps_the_id_and_refuses_a_new_questionnaire_once_answers_exist(world):
    client = world.client("coordination")
    url = f"/coordination/campagnes/{CAMPAIGN_A}/modifier"
    form = text(client.get(url))
    assert "Porteur de parole : le numérique et nous" in html.unescape(client.get(url).get_data(as_text=True))
    assert "ne change pas" in form
    changed = dict(FULL, identifier="autre-id")
    response = client.post(url, data=changed)
    assert response.status_code == 303
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    assert campaign.title == FULL["title"] and campaign.retention_months == 18
    assert world.svc.campaigns.get("autre-id") is None
    other = client.post(url, data=dict(FULL, questionnaire="besoins-numeriques-habitants"))
    assert other.status_code == 422 and "ne peut plus changer" in text(other)
    assert world.svc.campaigns.get(CAMPAIGN_A).questionnaire == CAMPAIGN_A


def test_close_and_reopen(world):
    client = world.client("coordination")
    public = world.app.test_client()
    assert public.get(f"/c/{CAMPAIGN_A}/").status_code == 200
    client.post(f"/coordination/campagnes/{CAMPAIGN_A}/fermer", data={"confirmer": "oui"})
    assert world.svc.campaigns.get(CAMPAIGN_A).closed
    assert public.get(f"/c/{CAMPAIGN_A}/").status_code == 410
    page = text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/"))
    assert "Fermée" in page and "Rouvrir la campagne" in page
    response = client.post(f"/coordination/campagnes/{CAMPAIGN_A}/rouvrir", follow_redirects=True)
    assert "rouverte" in text(response)
    assert public.get(f"/c/{CAMPAIGN_A}/").status_code == 200
    # Reopened but past its end date: said plainly.
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.ends_on, campaign.closed = "2020-01-01", True
    world.svc.campaigns.save(campaign)
    response = client.post(f"/coordination/campagnes/{CAMPAIGN_A}/rouvrir", follow_redirects=True)
    assert "ses dates ne permettent pas" in text(response)


def test_home_links_to_new_campaign_and_tools(world):
    page = world.client("coordination").get("/coordination/").get_data(as_text=True)
    assert 'href="/coordination/campagnes/nouvelle"' in page and 'href="/coordination/journal"' in page
    assert f'href="/coordination/campagnes/{CAMPAIGN_A}/resultats"' in page
    assert f'href="/coordination/campagnes/{CAMPAIGN_A}/reponses"' in page
