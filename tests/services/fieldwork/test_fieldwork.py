"""Field sessions end to end: scribe cards, post-its and paper sheets land in the
campaign with their channel and session; consent decides what the wall and the
quote cards show; door outcomes add up to the right rates."""

from __future__ import annotations

import csv
import io
import re

import pytest

from survey.cli import main
from survey.model.fieldwork import rates, total
from survey.services.fieldwork.paper import paper_code
from tests.factories import login_coordinator

CAMPAIGN = "porteur-de-parole-numerique"


@pytest.fixture
def coordinator(client, app):
    login_coordinator(client, app)
    return client


def new_session(client, campaign=CAMPAIGN, questions=("complique",)):
    response = client.post(
        f"/terrain/{campaign}/sessions/nouvelle",
        data={
            "lieu": "Marché Europe",
            "jour": "2026-11-21",
            "debut": "10:00",
            "fin": "12:00",
            "equipe": "Inès : scribe\nYanis : accroche",
            "questions": list(questions),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    sessions = [r for r in client.application.extensions["survey"].records.all("sessions") if r["campaign"] == campaign]
    return sessions[-1]["id"]


def form_ids(html):
    return dict(re.findall(r'name="(answer_id|started_at|csrf_token)" value="([^"]+)"', html))


def scribe_card(client, session_id, words, **choices):
    page = client.get(f"/terrain/{CAMPAIGN}/sessions/{session_id}/scribe?question=complique")
    assert page.status_code == 200
    return client.post(
        f"/terrain/{CAMPAIGN}/sessions/{session_id}/scribe?question=complique",
        data={**form_ids(page.get_data(as_text=True)), "paroles": words, **choices},
    )


def stored(app, campaign=CAMPAIGN):
    return list(app.extensions["survey"].answers.iter_answers(campaign))


def test_a_session_needs_place_date_and_valid_times(coordinator):
    response = coordinator.post(
        f"/terrain/{CAMPAIGN}/sessions/nouvelle",
        data={"lieu": "", "jour": "31/02/2026", "debut": "14h7", "equipe": "Inès : chef"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Indiquez le lieu",
        "« 31/02/2026 » n&#39;est pas une date",
        "« 14h7 » n&#39;est pas une heure",
        "le rôle « chef » est inconnu",
    ):
        assert message in html


def test_scribe_post_it_and_paper_land_in_results_and_exports(coordinator, app, runner, tmp_path):
    session_id = new_session(coordinator)
    assert (
        scribe_card(
            coordinator,
            session_id,
            "Trop de mots de passe !",
            affiche="oui",
            compte_rendu="oui",
            prenom="Fatima",
            age="45 à 59 ans",
            quartier="Europe",
        ).status_code
        == 303
    )
    # The next card starts blank, in one tap.
    blank = coordinator.get(f"/terrain/{CAMPAIGN}/sessions/{session_id}/scribe?question=complique")
    assert "Trop de mots de passe" not in blank.get_data(as_text=True)
    page = coordinator.get(f"/terrain/{CAMPAIGN}/transcription?session={session_id}&question=complique")
    coordinator.post(
        f"/terrain/{CAMPAIGN}/transcription?session={session_id}&question=complique",
        data={**form_ids(page.get_data(as_text=True)), "texte": "Pas pour les anciens"},
    )
    paper = coordinator.get(f"/terrain/{CAMPAIGN}/papier?feuille=P-{CAMPAIGN}-v1&session={session_id}")
    assert paper.status_code == 303
    form = coordinator.get(paper.headers["Location"]).get_data(as_text=True)
    fields = dict(re.findall(r'name="(answer_id|started_at)" type="hidden" value="([^"]+)"', form))
    done = coordinator.post(paper.headers["Location"], data={**fields, "q_plaisir": "Parfois, avec les petits-enfants"})
    assert done.status_code == 303

    by_channel = {a["channel"]: a for a in stored(app)}
    assert set(by_channel) == {"porteur-de-parole", "post-it", "papier"}
    assert all(a["session"] == session_id for a in by_channel.values())
    card = by_channel["porteur-de-parole"]
    assert card["answers"] == {"complique": "Trop de mots de passe !"}
    assert (
        card["consent_display"],
        card["consent_report"],
        card["first_name"],
        card["age_band"],
        card["quartier"],
    ) == (True, True, "Fatima", "45 à 59 ans", "Europe")
    assert by_channel["papier"]["poster"] == paper_code(app.extensions["survey"].campaigns.get(CAMPAIGN), 1)

    out = tmp_path / "export.csv"
    result = runner.invoke(
        main, ["export", CAMPAIGN, "--format", "csv", "--out", str(out), "--data", app.config["DATA_DIR"]]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    session_column = next(k for k in rows[0] if "ession" in k)
    channel_column = next(k for k in rows[0] if k.lower().startswith("canal"))
    assert {r[session_column] for r in rows} == {"21 novembre 2026, 10 h–12 h – Marché Europe"}
    assert len(rows) == 3 and {r[channel_column] for r in rows} >= {"Post-it", "Questionnaire papier"}

    report = coordinator.get(f"/coordination/campagnes/{CAMPAIGN}/terrain").get_data(as_text=True)
    assert "Marché Europe" in report
    counts = coordinator.get(f"/coordination/campagnes/{CAMPAIGN}/terrain.csv").get_data(as_text=True)
    assert '"3";"1"' in counts  # 3 answers, 1 displayable word


def test_no_display_consent_never_reaches_the_wall_nor_the_quote_cards(coordinator, app, runner, tmp_path):
    session_id = new_session(coordinator)
    # Quote cards are printed and outlive the day: they need both consents (survey/model/consent.py).
    scribe_card(coordinator, session_id, "Affichez-moi volontiers", affiche="oui", compte_rendu="oui")
    scribe_card(coordinator, session_id, "Secret de Mireille", compte_rendu="oui")  # report only, not display
    wall = coordinator.get(f"/mur/{CAMPAIGN}/cartes.json?session={session_id}").get_json()["cards"]
    assert [c["text"] for c in wall] == ["Affichez-moi volontiers"]
    assert "Secret de Mireille" not in coordinator.get(f"/mur/{CAMPAIGN}/").get_data(as_text=True)
    out = tmp_path / "paroles.pdf"
    result = runner.invoke(
        main,
        [
            "print",
            "cartes-paroles",
            CAMPAIGN,
            "--out",
            str(out),
            "--data",
            app.config["DATA_DIR"],
            "--base-url",
            "http://192.168.1.20:8000",
        ],
    )
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Affichez-moi" in text and "Secret de Mireille" not in text


def test_the_wall_updates_and_drops_a_withdrawn_card(coordinator, app):
    session_id = new_session(coordinator)
    wall = lambda: [c["text"] for c in coordinator.get(f"/mur/{CAMPAIGN}/cartes.json").get_json()["cards"]]
    assert wall() == []
    scribe_card(coordinator, session_id, "Premier mot", affiche="oui")
    scribe_card(coordinator, session_id, "Deuxième mot", affiche="oui")
    assert wall() == ["Deuxième mot", "Premier mot"]  # newest first
    first = next(a for a in stored(app) if a["answers"]["complique"] == "Premier mot")
    response = coordinator.post(f"/terrain/{CAMPAIGN}/mur", data={"carte": first["id"], "action": "retirer"})
    assert response.status_code == 303
    assert wall() == ["Deuxième mot"]
    # Hidden as spam from the reading pages: gone too.
    app.extensions["survey"].answers.update(CAMPAIGN, stored(app)[1]["id"], lambda a: a.update(hidden=True))
    assert wall() == []


def test_the_wall_is_for_the_team_unless_the_coordination_opens_it(coordinator, app):
    anonymous = app.test_client()
    assert anonymous.get(f"/mur/{CAMPAIGN}/").status_code == 403  # with how to open it
    coordinator.post(f"/terrain/{CAMPAIGN}/mur", data={"public": "oui"})
    page = anonymous.get(f"/mur/{CAMPAIGN}/")
    assert page.status_code == 200 and "Paroles recueillies" in page.get_data(as_text=True)
    assert anonymous.get(f"/terrain/{CAMPAIGN}/mur").status_code == 403  # managing it is not public


def test_fifty_post_its_typed_one_after_the_other(coordinator, app):
    url = f"/terrain/{CAMPAIGN}/transcription?question=simplifie"
    for n in range(50):
        page = coordinator.get(url)
        response = coordinator.post(url, data={**form_ids(page.get_data(as_text=True)), "texte": f"Post-it {n}"})
        assert response.status_code == 303
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>50</strong> post-it saisis" in page and "Post-it enregistré" in page
    assert "autofocus" in page
    assert sorted(a["answers"]["simplifie"] for a in stored(app)) == sorted(f"Post-it {n}" for n in range(50))


def test_a_post_it_without_text_gets_a_french_message(coordinator):
    page = coordinator.get(f"/terrain/{CAMPAIGN}/transcription")
    response = coordinator.post(
        f"/terrain/{CAMPAIGN}/transcription", data={**form_ids(page.get_data(as_text=True)), "texte": "  "}
    )
    assert response.status_code == 422 and "Écrivez les mots" in response.get_data(as_text=True)


def test_door_outcomes_add_up_to_the_right_rates(coordinator, app):
    svc = app.extensions["survey"]
    plan = [("A", "repondu")] * 3 + [("A", "refus")] + [("A", "absent")] * 2 + [("B", "repondu"), ("B", "repasser")]
    for sector, outcome in plan:
        response = coordinator.post(
            "/terrain/besoins-numeriques-habitants/porte-a-porte", data={"secteur": sector, "issue": outcome}
        )
        assert response.status_code == 303
        if outcome == "repondu":  # « répondu » opens the questionnaire
            assert response.headers["Location"].startswith("/c/besoins-numeriques-habitants/?canal=porte-a-porte")
    doors = svc.doors.for_campaign("besoins-numeriques-habitants")
    by_sector = rates(doors, "sector")
    assert by_sector["A"].knocked == 6 and by_sector["A"].answer_rate == 0.5
    assert by_sector["A"].refusal_rate == 0.25  # 1 refusal among 4 doors that opened
    assert by_sector["B"].answer_rate == 0.5 and by_sector["B"].refusal_rate == 0.0
    overall = total(doors)
    assert overall.knocked == 8 and overall.answer_rate == 0.5
    assert not any("adresse" in key for door in doors for key in door)
    page = coordinator.get("/coordination/campagnes/besoins-numeriques-habitants/terrain").get_data(as_text=True)
    assert "8 portes frappées" in page and "taux de réponse 50 %" in page
    bad = coordinator.post(
        "/terrain/besoins-numeriques-habitants/porte-a-porte", data={"secteur": "", "issue": "absent"}
    )
    assert bad.status_code == 422 and "Jamais le numéro" in bad.get_data(as_text=True)


def small_png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_board_photo_type_and_size_are_checked(coordinator, app):
    session_id = new_session(coordinator)
    url = f"/terrain/{CAMPAIGN}/sessions/{session_id}/photos"
    fake = coordinator.post(
        url,
        data={"photo": (io.BytesIO(b"MZ\x90 not an image"), "panneau.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "n&#39;est pas une photo" in fake.get_data(as_text=True)
    png = small_png()
    coordinator.post(url, data={"photo": (io.BytesIO(png), "panneau.png")}, content_type="multipart/form-data")
    [record] = [r for r in app.extensions["survey"].records.all("sessions") if r["id"] == session_id]
    assert [p["type"] for p in record["photos"]] == ["image/png"]
    with coordinator.get(f"{url}/{record['photos'][0]['file']}") as photo:
        assert photo.status_code == 200 and photo.data == png and photo.mimetype == "image/png"
    heavy = coordinator.post(
        url,
        data={"photo": (io.BytesIO(b"\xff\xd8\xff" + b"\0" * (8_500_000)), "x.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "La photo est trop lourde (8,1 Mo). Maximum : 8 Mo." in heavy.get_data(as_text=True)


def test_only_the_campaign_team_reaches_field_pages(app, coordinator):
    from survey.services import volunteers

    svc = app.extensions["survey"]
    session_id = new_session(coordinator)
    other = volunteers.create(svc, "besoins-numeriques-habitants", "Yanis")
    mine = volunteers.create(svc, CAMPAIGN, "Inès")
    urls = [
        f"/terrain/{CAMPAIGN}/",
        f"/terrain/{CAMPAIGN}/sessions/{session_id}/scribe",
        f"/terrain/{CAMPAIGN}/transcription",
        f"/terrain/{CAMPAIGN}/porte-a-porte",
    ]
    anonymous = app.test_client()
    outsider = app.test_client()
    member = app.test_client()
    with outsider.session_transaction() as s:
        volunteers.enter(s, other)
    with member.session_transaction() as s:
        volunteers.enter(s, mine)
    for url in urls:
        assert anonymous.get(url).status_code == 403, url
        assert outsider.get(url).status_code == 403, url
        assert member.get(url).status_code == 200, url
    assert member.get(f"/terrain/{CAMPAIGN}/sessions/nouvelle").status_code == 403  # coordination only
    assert member.get(f"/coordination/campagnes/{CAMPAIGN}/terrain").status_code == 302
    # A session id of another campaign is not found under this one.
    assert coordinator.get(f"/terrain/besoins-numeriques-habitants/sessions/{session_id}/scribe").status_code == 404
    # The volunteer's cards are signed with their pseudonym.
    scribe_card(member, session_id, "Dit à Inès", affiche="oui")
    assert stored(app)[-1]["collector"] == "Inès"
