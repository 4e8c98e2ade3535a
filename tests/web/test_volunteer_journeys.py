"""Volunteer journeys that connect (issue 11, §4): the volunteer's home offers what the
campaign's channels allow; a door round goes outcome → questionnaire → « Porte suivante »;
every answer's channel is decided by who sends it; paper sheets are typed in on the
facilitator's own screen, one after the other, with a running count."""

from __future__ import annotations

import html as markup
import re
import uuid

import pytest
from werkzeug.datastructures import MultiDict

from survey.config import DEFAULTS
from survey.formats.yaml_files import from_dict
from survey.forms import build_form_class, validate_sheet
from survey.model.clock import local_today
from survey.model.fieldwork import Session
from survey.services import volunteers
from survey.services.fieldwork.paper import paper_code, sheet_version
from survey.storage.repositories import SessionRepository
from tests.coord_world import make_world

DOORS = "besoins-numeriques-habitants"  # porte-a-porte, tablette, qr, papier
WORDS = "porteur-de-parole-numerique"  # porteur-de-parole, qr, post-it, papier
NO_PUBLIC = "atelier-citoyennete"  # papier, tablette, post-it: no « qr »


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def volunteer(world, campaign: str, name: str = "Inès"):
    """A browser that entered a volunteer code of ``campaign`` (the code's link)."""
    client = world.app.test_client()
    code = volunteers.create(world.svc, campaign, name)["id"]
    response = client.get(f"/benevole/{code}")
    assert response.status_code == 303 and response.headers["Location"] == "/benevole/"
    return client


def text(response) -> str:
    return markup.unescape(response.get_data(as_text=True))


def ids(html: str) -> dict:
    return dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))


def stored(world, campaign: str) -> list[dict]:
    """The answers stored by the test (not the world's own example answers)."""
    return [a for a in world.svc.answers.iter_answers(campaign) if a["id"] not in (world.answer_a, world.answer_b)]


def hidden_args(html: str) -> dict:
    """The query arguments a form carries in hidden inputs (canal, session, secteur…)."""
    return dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)">', html))


# -- the volunteer's home ------------------------------------------------------


def test_the_volunteer_home_offers_what_the_campaign_channels_allow(world):
    doors = text(volunteer(world, DOORS).get("/benevole/"))
    assert "Bonjour Inès" in doors
    assert f'href="/c/{DOORS}/?canal=tablette"' in doors  # tablet questionnaire
    assert f'href="/terrain/{DOORS}/porte-a-porte"' in doors  # the round: outcome first
    assert f'href="/terrain/{DOORS}/papier"' in doors  # paper sheets
    for absent in ("/transcription", "/scribe", f"/mur/{DOORS}/"):
        assert absent not in doors

    today = local_today(DEFAULTS["TIMEZONE"]).isoformat()
    SessionRepository(world.svc.records).save(
        Session(id="s-marche", campaign=WORDS, place="Marché Europe", day=today, starts="10:00", ends="12:00")
    )
    SessionRepository(world.svc.records).save(
        Session(id="s-passee", campaign=WORDS, place="Vieille session", day="2020-01-01")
    )
    words = text(volunteer(world, WORDS, "Yanis").get("/benevole/"))
    assert f'href="/terrain/{WORDS}/sessions/s-marche/scribe"' in words and "Marché Europe" in words
    assert "Vieille session" not in words  # past sessions are not offered
    assert f'href="/terrain/{WORDS}/transcription"' in words and f'href="/mur/{WORDS}/"' in words
    assert f'href="/terrain/{WORDS}/papier"' in words
    assert "?canal=tablette" not in words and "/porte-a-porte" not in words


def test_typing_a_code_leads_to_the_volunteer_home(world):
    client = world.app.test_client()
    response = client.post("/benevole/", data={"code": world.code_a.lower()})
    assert response.status_code == 303 and response.headers["Location"] == "/benevole/"
    assert "Aujourd'hui, je" in text(client.get("/benevole/"))


def test_the_public_home_links_discreetly_to_the_team_and_coordination(world):
    home = text(world.app.test_client().get("/"))
    assert 'class="team-links"' in home
    assert 'href="/benevole/">Espace bénévole</a>' in home and 'href="/coordination/">Coordination</a>' in home
    # A campaign the public cannot answer alone is not offered to the public.
    assert f"/c/{NO_PUBLIC}/" not in home and f"/c/{DOORS}/" in home


# -- door to door --------------------------------------------------------------


def test_a_door_round_outcome_then_questionnaire_then_next_door(world):
    client = volunteer(world, DOORS)
    round_url = f"/terrain/{DOORS}/porte-a-porte"
    absent = client.post(round_url, data={"secteur": "Secteur A", "issue": "absent"})
    assert absent.status_code == 303 and absent.headers["Location"].startswith(round_url)

    answered = client.post(round_url, data={"secteur": "Secteur A", "issue": "repondu"})
    assert answered.status_code == 303
    form_url = answered.headers["Location"]
    assert form_url.startswith(f"/c/{DOORS}/?") and "canal=porte-a-porte" in form_url
    form = text(client.get(form_url))
    # With JavaScript the thank-you screen is in the page: it offers the next door too.
    local_thanks = form[form.index('id="merci-local"') :]
    assert "Porte suivante" in local_thanks and f'href="{round_url}?secteur=Secteur+A"' in local_thanks

    sent = client.post(form_url, data={**ids(form), **hidden_args(form), "q_internet": "oui"})
    assert sent.status_code == 303 and "/merci" in sent.headers["Location"]
    thanks = text(client.get(sent.headers["Location"]))
    assert "Porte suivante" in thanks and f'href="{round_url}?secteur=Secteur+A"' in thanks
    assert "Une autre personne à cette porte" in thanks  # « Personne suivante » is not the only way
    back = text(client.get(f"{round_url}?secteur=Secteur+A"))
    assert 'value="Secteur A"' in back and "2 portes, 1 réponse" in back

    [answer] = stored(world, DOORS)
    assert answer["channel"] == "porte-a-porte" and answer["collector"] == "Inès"


def test_choosing_door_to_door_on_the_team_page_starts_with_the_door(world):
    client = volunteer(world, DOORS)
    response = client.post(f"/c/{DOORS}/equipe", data={"canal": "porte-a-porte"})
    assert response.status_code == 303 and response.headers["Location"] == f"/terrain/{DOORS}/porte-a-porte"
    team = text(client.get(f"/c/{DOORS}/equipe"))
    assert 'value="papier"' not in team and 'value="qr"' not in team  # not a volunteer's form channel


# -- an answer's channel is always true ---------------------------------------


def send_form(client, campaign: str, query: str = "", **answers):
    page = client.get(f"/c/{campaign}/{query}")
    assert page.status_code == 200, text(page)[:300]
    html = text(page)
    return client.post(f"/c/{campaign}/{query}", data={**ids(html), **hidden_args(html), **answers})


def test_a_public_form_answer_is_never_labelled_paper(world):
    public = world.app.test_client()
    assert send_form(public, DOORS, "?canal=papier", q_internet="oui").status_code == 303
    assert send_form(public, DOORS, "?canal=porte-a-porte", q_internet="non").status_code == 303
    # The team page does not let a stranger pick a channel either.
    public.post(f"/c/{DOORS}/equipe", data={"canal": "papier"})
    assert send_form(public, DOORS, q_internet="oui").status_code == 303
    assert [a["channel"] for a in stored(world, DOORS)] == ["qr", "qr", "qr"]


def test_a_campaign_without_the_public_channel_says_so_instead_of_storing_paper(world):
    public = world.app.test_client()
    page = public.get(f"/c/{NO_PUBLIC}/?canal=papier")
    assert page.status_code == 403 and "ne se remplit pas en ligne par le public" in text(page)
    posted = public.post(f"/c/{NO_PUBLIC}/", data={"answer_id": str(uuid.uuid4()), "q_x": "y"})
    assert posted.status_code == 403
    queued = public.post(
        f"/api/c/{NO_PUBLIC}/reponses", json={"answer_id": str(uuid.uuid4()), "channel": "papier", "answers": {}}
    )
    assert queued.status_code == 410 and "ne se remplit pas en ligne" in queued.json["message"]
    assert stored(world, NO_PUBLIC) == []
    # Its volunteers collect on the tablet.
    client = volunteer(world, NO_PUBLIC)
    questionnaire = world.svc.questionnaire_for(world.svc.campaigns.get(NO_PUBLIC))
    first = next(q for q in questionnaire.answerable if q.type in ("long_text", "short_text"))
    assert send_form(client, NO_PUBLIC, **{f"q_{first.id}": "Des ateliers"}).status_code == 303
    assert [a["channel"] for a in stored(world, NO_PUBLIC)] == ["tablette"]


def test_a_volunteers_answers_are_never_labelled_qr(world):
    client = volunteer(world, DOORS)
    # A poster's QR code scanned with the volunteer's tablet.
    assert send_form(client, DOORS, "?canal=qr&affiche=A", q_internet="oui").status_code == 303
    page = text(client.get(f"/c/{DOORS}/?canal=qr"))
    sealed = re.search(r'data-collector="([^"]+)"', page).group(1)
    # Queued on the tablet, sent after the browser restarted (a new session): the sealed
    # sender keeps the channel the server gave the page, whatever the payload says.
    restarted = world.app.test_client()
    queued = restarted.post(
        f"/api/c/{DOORS}/reponses",
        json={"answer_id": str(uuid.uuid4()), "channel": "qr", "collector": sealed, "answers": {"internet": "non"}},
    )
    assert queued.status_code == 201
    # Sent while signed in, the payload's « papier » or « qr » does not count either.
    for claimed in ("papier", "qr"):
        assert (
            client.post(
                f"/api/c/{DOORS}/reponses",
                json={"answer_id": str(uuid.uuid4()), "channel": claimed, "answers": {"internet": "oui"}},
            ).status_code
            == 201
        )
    assert [(a["channel"], a["collector"]) for a in stored(world, DOORS)] == [("tablette", "Inès")] * 4
    # A stranger's queued answer claiming a volunteer's channel is public.
    assert (
        restarted.post(
            f"/api/c/{DOORS}/reponses",
            json={"answer_id": str(uuid.uuid4()), "channel": "porte-a-porte", "answers": {"internet": "oui"}},
        ).status_code
        == 201
    )
    assert stored(world, DOORS)[-1]["channel"] == "qr"


def test_post_its_and_scribe_cards_keep_their_own_channel(world):
    client = volunteer(world, WORDS)
    SessionRepository(world.svc.records).save(
        Session(id="s-jour", campaign=WORDS, place="Marché", day=local_today(DEFAULTS["TIMEZONE"]).isoformat())
    )
    page = text(client.get(f"/terrain/{WORDS}/transcription"))
    form = dict(re.findall(r'name="(answer_id|started_at)" value="([^"]+)"', page))
    assert client.post(f"/terrain/{WORDS}/transcription", data={**form, "texte": "Moins de papiers"}).status_code == 303
    page = text(client.get(f"/terrain/{WORDS}/sessions/s-jour/scribe"))
    form = dict(re.findall(r'name="(answer_id|started_at)" value="([^"]+)"', page))
    assert (
        client.post(
            f"/terrain/{WORDS}/sessions/s-jour/scribe", data={**form, "paroles": "Trop d'écrans", "affiche": "oui"}
        ).status_code
        == 303
    )
    assert sorted(a["channel"] for a in stored(world, WORDS) if a["collector"] == "Inès") == [
        "porteur-de-parole",
        "post-it",
    ]


# -- paper sheets ----------------------------------------------------------------


def test_the_sheet_code_is_short_and_read_in_any_case(world):
    campaign = world.svc.campaigns.get(DOORS)
    code = paper_code(campaign, 1)
    assert code == f"P-{campaign.short_code}-1" and len(code) <= 10
    for typed in (
        code,
        code.lower(),
        code.replace("-", ""),
        f" {code.lower().replace('-', ' ')} ",
        f"{campaign.short_code.lower()}-1",
        f"P-{DOORS}-v1",
        f"p-{DOORS.upper()}-V1",
    ):
        assert sheet_version(campaign, typed) == 1, typed
    for wrong in ("", "P-1", f"P-{campaign.short_code}-", "P-ZZZZ-1", f"P-{WORDS}-v1"):
        assert sheet_version(campaign, wrong) is None, wrong


def test_paper_code_opens_the_entry_screen_which_returns_to_the_next_sheet(world):
    client = volunteer(world, DOORS)
    campaign = world.svc.campaigns.get(DOORS)
    code = paper_code(campaign, 1)
    typed = code.lower().replace("-", "")
    opened = client.get(f"/terrain/{DOORS}/papier", query_string={"feuille": typed})
    assert opened.status_code == 303
    entry_url = opened.headers["Location"]
    assert entry_url.startswith(f"/terrain/{DOORS}/papier/saisie?feuille={code}")

    entry = text(client.get(entry_url))
    assert "Saisie papier : feuille 1" in entry and "<strong>0</strong> feuille saisie" in entry
    questionnaire = world.svc.questionnaire_for(campaign)
    # The facilitator's screen, not the inhabitant's: no greeting, no thank-you screen.
    assert "Bonjour" not in entry and "Merci" not in entry and 'id="merci-local"' not in entry
    assert questionnaire.intro.split(".")[0] not in entry

    for n, answer in enumerate(("oui", "non"), 1):
        page = text(client.get(entry_url))
        saved = client.post(entry_url, data={**ids(page), "q_internet": answer})
        assert saved.status_code == 303 and saved.headers["Location"] == entry_url
        after = text(client.get(entry_url))
        assert "Feuille enregistrée" in after and f"<strong>{n}</strong> feuille" in after
        assert f"Saisie papier : feuille {n + 1}" in after

    empty = client.post(entry_url, data=ids(text(client.get(entry_url))))
    assert empty.status_code == 422 and "Rien n'est tapé" in text(empty)
    answers = stored(world, DOORS)
    assert [(a["channel"], a["poster"], a["collector"]) for a in answers] == [("papier", code, "Inès")] * 2
    assert [a["answers"] for a in answers] == [{"internet": "oui"}, {"internet": "non"}]


def test_a_wrong_sheet_code_gets_a_french_message_and_strangers_cannot_type_sheets(world):
    client = volunteer(world, DOORS)
    wrong = client.get(f"/terrain/{DOORS}/papier", query_string={"feuille": "P-ZZZZ-1"})
    assert wrong.status_code == 422 and "n'est pas celui d'une feuille de cette campagne" in text(wrong)
    assert paper_code(world.svc.campaigns.get(DOORS), 1) in text(wrong)  # the example to follow
    old = client.get(f"/terrain/{DOORS}/papier", query_string={"feuille": "P-ZZZZ-99"})
    assert old.status_code == 422
    stranger = world.app.test_client()
    code = paper_code(world.svc.campaigns.get(DOORS), 1)
    assert stranger.get(f"/terrain/{DOORS}/papier/saisie?feuille={code}").status_code == 403
    assert (
        stranger.post(
            f"/terrain/{DOORS}/papier/saisie?feuille={code}", data={"answer_id": str(uuid.uuid4()), "q_internet": "oui"}
        ).status_code
        == 403
    )
    assert stored(world, DOORS) == []


def test_a_required_question_left_blank_on_paper_stays_blank():
    questionnaire = from_dict(
        {
            "id": "essai",
            "title": "Essai",
            "version": 1,
            "language": "fr",
            "questions": [
                {"id": "age", "type": "number", "label": "Votre âge", "required": True},
                {"id": "avis", "type": "long_text", "label": "Votre avis", "required": True},
            ],
        },
        "essai",
    )
    form_class = build_form_class(questionnaire, 2000)  # plain Python: no request needed
    form = form_class(formdata=MultiDict({"answer_id": str(uuid.uuid4()), "q_avis": "Bien"}))
    assert validate_sheet(form) == (True, None) and form.answers() == {"avis": "Bien"}
    form = form_class(formdata=MultiDict({"answer_id": str(uuid.uuid4()), "q_age": "douze"}))
    assert validate_sheet(form)[0] is False and form.question_field(questionnaire.question("age")).errors


def test_a_sheet_that_cannot_be_saved_comes_back_as_typed(world, monkeypatch):
    client = volunteer(world, DOORS)
    entry_url = f"/terrain/{DOORS}/papier/saisie?feuille={paper_code(world.svc.campaigns.get(DOORS), 1)}"

    def disk_full(questionnaire, answer):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(world.svc, "save_answer", disk_full)
    page = text(client.get(entry_url))
    response = client.post(entry_url, data={**ids(page), "q_autre": "Recopié à la main"})
    assert response.status_code == 503
    assert "Rien n'est perdu sur cette page" in text(response) and "Recopié à la main" in text(response)
