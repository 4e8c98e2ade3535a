"""The wall of words in the field (issue 11, §6): a screen that is not signed in is told how
to open the wall; typed post-its go on it when the campaign says so; it shows the question
and a QR code to answer."""

from __future__ import annotations

import html as markup
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from survey.model.fieldwork import Session
from survey.services import volunteers
from survey.services.fieldwork.wall import postits_on_wall, set_postits_on_wall
from survey.storage.repositories import SessionRepository
from tests.coord_world import make_world

WORDS = "porteur-de-parole-numerique"  # porteur-de-parole, qr, post-it, papier
STRUCTURES = "questionnaire-structures"  # qr, papier, tablette: no post-it channel
NO_PUBLIC = "atelier-citoyennete"  # papier, tablette, post-it: no « qr »


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def text(response) -> str:
    return markup.unescape(response.get_data(as_text=True))


def cards(client, campaign: str) -> list[str]:
    response = client.get(f"/mur/{campaign}/cartes.json")
    assert response.status_code == 200
    return [c["text"] for c in response.get_json()["cards"]]


def test_a_wall_screen_not_signed_in_is_told_how_to_open_it(world):
    screen = world.app.test_client()
    page = screen.get(f"/mur/{WORDS}/")
    body = text(page)
    assert page.status_code == 403 and "Page introuvable" not in body
    assert "code bénévole" in body and "rendre le mur public" in body and "Gérer le mur de paroles" in body
    assert 'action="/benevole/"' in body and f'name="suite" value="/mur/{WORDS}/"' in body
    data = screen.get(f"/mur/{WORDS}/cartes.json")
    assert data.status_code == 403 and "code bénévole" in data.get_json()["message"]
    # A code typed on the screen opens the wall there.
    code = volunteers.create(world.svc, WORDS, "Écran")["id"]
    opened = screen.post("/benevole/", data={"code": code, "suite": f"/mur/{WORDS}/"})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/mur/{WORDS}/"
    assert screen.get(f"/mur/{WORDS}/").status_code == 200
    # « suite » leads only to this campaign's wall, never elsewhere.
    other = world.app.test_client()
    elsewhere = other.post("/benevole/", data={"code": code, "suite": "//ailleurs.example/"})
    assert elsewhere.headers["Location"] == "/benevole/"
    assert (
        other.post("/benevole/", data={"code": code, "suite": f"/mur/{STRUCTURES}/"}).headers["Location"]
        == "/benevole/"
    )


def test_the_coordination_can_make_the_wall_public(world):
    coordinator = world.client("coordination")
    coordinator.post(f"/terrain/{WORDS}/mur", data={"public": "oui"})
    assert world.app.test_client().get(f"/mur/{WORDS}/").status_code == 200
    # The two settings of the wall are kept apart: saving one keeps the other.
    coordinator.post(f"/terrain/{WORDS}/mur", data={"postits": "non"})
    assert world.app.test_client().get(f"/mur/{WORDS}/").status_code == 200
    assert postits_on_wall(world.svc, world.svc.campaigns.get(WORDS)) is False


def test_typed_post_its_reach_the_wall_when_the_campaign_says_so(world):
    team = world.client("coordination")
    # A campaign with the post-it channel: on by default.
    assert postits_on_wall(world.svc, world.svc.campaigns.get(WORDS)) is True
    world.add(WORDS, channel="post-it", answers={"simplifie": "Moins de papiers"})
    world.add(WORDS, channel="post-it", answers={"simplifie": "Spam"}, hidden=True)
    world.add(WORDS, channel="post-it", answers={"simplifie": "Retiré"}, wall_hidden=True)
    world.add(WORDS, channel="qr", answers={"simplifie": "Réponse sur téléphone"})
    assert cards(team, WORDS) == ["Moins de papiers"]
    admin = text(team.get(f"/terrain/{WORDS}/mur"))
    assert 'id="postits-oui" name="postits" value="oui" aria-describedby="postits-aide" checked' in admin
    assert "Moins de papiers" in admin and "Retiré" in admin  # listed, so it can be withdrawn
    team.post(f"/terrain/{WORDS}/mur", data={"postits": "non"})
    assert cards(team, WORDS) == []

    # A campaign without the post-it channel: off by default, the coordination can turn it on.
    world.add(STRUCTURES, channel="post-it", answers={"limites": "Le temps"})
    assert cards(team, STRUCTURES) == []
    team.post(f"/terrain/{STRUCTURES}/mur", data={"postits": "oui"})
    assert cards(team, STRUCTURES) == ["Le temps"]
    set_postits_on_wall(world.svc, STRUCTURES, False)
    assert cards(team, STRUCTURES) == []


def test_a_typed_post_it_goes_on_the_wall(world):
    """Through the transcription page, as a facilitator types it."""
    team = world.client("coordination")
    page = team.get(f"/terrain/{WORDS}/transcription").get_data(as_text=True)
    form = dict(re.findall(r'name="(answer_id|started_at)" value="([^"]+)"', page))
    assert team.post(f"/terrain/{WORDS}/transcription", data={**form, "texte": "Des bancs"}).status_code == 303
    assert "Des bancs" in cards(team, WORDS)


def qr_target(body: str) -> str:
    start = body.rindex("<svg", 0, body.index('class="wall-qr"'))
    svg = body[start : body.index("</svg>", start)]
    return markup.unescape(svg.split('aria-label="', 1)[1].split('"', 1)[0])


def test_the_wall_shows_the_question_and_a_qr_code_to_answer(world):
    team = world.client("coordination")
    questionnaire = world.svc.questionnaire_for(world.svc.campaigns.get(WORDS))
    first_open = next(q for q in questionnaire.answerable if q.type in ("long_text", "short_text"))
    body = text(team.get(f"/mur/{WORDS}/"))
    assert f'<span class="wall-question">{first_open.label}</span>' in body
    target = urlsplit(qr_target(body))
    args = parse_qs(target.query)
    assert target.path == f"/c/{WORDS}/" and args["canal"] == ["qr"] and args["question"] == [first_open.id]
    assert args["affiche"] == ["MUR"]
    short = world.svc.campaigns.get(WORDS).short_code
    assert '<span class="wall-address">' in body and f"/{short}</span>" in body

    # A session's wall asks the session's board question.
    chosen = [q for q in questionnaire.answerable if q.type == "long_text"][-1]
    SessionRepository(world.svc.records).save(
        Session(id="s-mur", campaign=WORDS, place="Marché", day="2026-11-21", questions=[chosen.id])
    )
    session_body = text(team.get(f"/mur/{WORDS}/?session=s-mur"))
    assert f'<span class="wall-question">{chosen.label}</span>' in session_body
    assert parse_qs(urlsplit(qr_target(session_body)).query)["question"] == [chosen.id]


def test_no_qr_code_when_the_public_cannot_answer(world):
    team = world.client("coordination")
    body = text(team.get(f"/mur/{NO_PUBLIC}/"))
    assert 'class="wall-qr"' not in body and 'id="mur-question"' in body
