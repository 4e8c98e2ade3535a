"""Review of the field day (issue 11, §4): every page a volunteer reaches from their home
leads back to it, so that a round, a scribe's card or a pile of post-its is never a dead end
on a phone (no browser « back » needed)."""

from __future__ import annotations

import pytest

from survey.config import DEFAULTS
from survey.model.clock import local_today
from survey.model.fieldwork import Session
from survey.services import volunteers
from survey.storage.repositories import SessionRepository
from tests.coord_world import make_world
from tests.factories import login_coordinator

DOORS = "besoins-numeriques-habitants"  # porte-a-porte, tablette, qr, papier
WORDS = "porteur-de-parole-numerique"  # porteur-de-parole, qr, post-it, papier
BACK_HOME = '<a href="/benevole/">← Espace bénévole</a>'


@pytest.fixture
def world(tmp_path):
    world = make_world(tmp_path / "data")
    SessionRepository(world.svc.records).save(
        Session(
            id="s-marche",
            campaign=WORDS,
            place="Marché Europe",
            day=local_today(DEFAULTS["TIMEZONE"]).isoformat(),
            starts="10:00",
            ends="12:00",
        )
    )
    return world


def volunteer(world, campaign: str):
    client = world.app.test_client()
    code = volunteers.create(world.svc, campaign, "Inès")["id"]
    assert client.get(f"/benevole/{code}").status_code == 303
    return client


@pytest.mark.parametrize(
    "campaign, path",
    [
        (DOORS, f"/terrain/{DOORS}/porte-a-porte"),
        (WORDS, f"/terrain/{WORDS}/transcription"),
        (WORDS, f"/terrain/{WORDS}/sessions/s-marche/scribe"),
        (WORDS, f"/terrain/{WORDS}/"),
    ],
)
def test_each_volunteer_page_leads_back_to_the_volunteer_home(world, campaign, path):
    page = volunteer(world, campaign).get(path)
    assert page.status_code == 200
    assert BACK_HOME in page.get_data(as_text=True)


def test_the_coordinator_goes_back_to_the_field_pages_instead(world):
    client = world.app.test_client()
    login_coordinator(client)
    for path in (f"/terrain/{WORDS}/transcription", f"/terrain/{WORDS}/sessions/s-marche/scribe"):
        page = client.get(path).get_data(as_text=True)
        assert f'<a href="/terrain/{WORDS}/">← Sur le terrain</a>' in page and BACK_HOME not in page
    home = client.get(f"/terrain/{WORDS}/").get_data(as_text=True)
    assert "← Sur le terrain" not in home  # no link from a page to itself


# -- an answer's channel is always true: no door round where the campaign has none ------------------


def test_a_campaign_without_door_to_door_offers_no_round_and_stores_no_door_answer(world):
    client = volunteer(world, WORDS)  # porteur de parole, post-it, paper: no « porte-a-porte »
    home = client.get(f"/terrain/{WORDS}/").get_data(as_text=True)
    assert "/porte-a-porte" not in home
    page = client.get(f"/terrain/{WORDS}/porte-a-porte")
    assert page.status_code == 200
    assert "ne prévoit pas de porte-à-porte" in page.get_data(as_text=True)
    assert 'name="issue"' not in page.get_data(as_text=True)
    assert "Vous : 0 porte, 0 réponse<" in page.get_data(as_text=True)  # French: zero is singular
    before = len(list(world.svc.answers.iter_answers(WORDS)))
    answered = client.post(f"/terrain/{WORDS}/porte-a-porte", data={"secteur": "Rue des Lilas", "issue": "repondu"})
    assert answered.status_code == 422  # not sent on to a questionnaire labelled « porteur de parole »
    assert "ne prévoit pas de porte-à-porte" in answered.get_data(as_text=True)
    assert [d for d in world.svc.records.all("doors") if d["campaign"] == WORDS] == []
    assert len(list(world.svc.answers.iter_answers(WORDS))) == before


def test_a_campaign_with_door_to_door_still_lists_its_round(world):
    home = volunteer(world, DOORS).get(f"/terrain/{DOORS}/").get_data(as_text=True)
    assert f'href="/terrain/{DOORS}/porte-a-porte"' in home and f'href="/terrain/{DOORS}/papier"' in home
