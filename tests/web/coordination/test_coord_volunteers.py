"""Volunteer codes: handed out by a coordinator, entered on a tablet, revoked at once."""

from __future__ import annotations

import html
import re
import uuid

import pytest

from survey.services import volunteers
from survey.services.kiosk_codes import code_opens, kiosk_code
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, make_world


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def send_answer(client, words="Une réponse"):
    return client.post(
        f"/c/{CAMPAIGN_A}/",
        data={
            "answer_id": str(uuid.uuid4()),
            "started_at": "2026-01-01T10:00:00Z",
            "q_simplifie": words,
            "action": "envoyer",
        },
    )


def test_codes_are_readable_and_typed_loosely():
    code = volunteers.new_code()
    assert len(code) == 8 and set(code) <= set(volunteers.ALPHABET)
    assert not set("IL O01") & set(volunteers.ALPHABET)
    assert volunteers.normalise_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert volunteers.normalise_code("ABCD-EFG") == "" and volunteers.normalise_code("ABCDEFG1") == ""
    assert volunteers.display_code("ABCDEFGH") == "ABCD-EFGH"


def test_coordinator_hands_out_a_code(world):
    client = world.client("coordination")
    url = f"/coordination/campagnes/{CAMPAIGN_A}/benevoles"
    response = client.post(url, data={"pseudonyme": "  Zoé  "})
    assert response.status_code == 303
    record = next(r for r in volunteers.for_campaign(world.svc, CAMPAIGN_A) if r["pseudonym"] == "Zoé")
    page = text(client.get(url))
    assert volunteers.display_code(record["id"]) in page and f"/benevole/{record['id']}" in page
    again = client.post(url, data={"pseudonyme": "zoé"})
    assert again.status_code == 422 and "a déjà un code" in text(again)
    empty = client.post(url, data={"pseudonyme": " "})
    assert empty.status_code == 422 and "Écrivez le prénom" in text(empty)
    entries = [e for e in world.svc.records.all("audit") if e["action"] == "code bénévole créé"]
    assert entries and "Zoé" in entries[-1]["detail"] and record["id"] not in entries[-1]["detail"]


def test_volunteer_collects_under_their_pseudonym_and_sees_their_counts(world):
    client = world.app.test_client()
    typed = f"{world.code_a[:4].lower()} {world.code_a[4:]}"
    response = client.post("/benevole/", data={"code": typed})
    assert response.status_code == 303 and response.headers["Location"] == "/benevole/"
    team = text(client.get(f"/c/{CAMPAIGN_A}/equipe"))
    assert "sous le nom « Alice »" in team and 'name="collecteur"' not in team
    # Even if the page is tampered with, the pseudonym stays the code's.
    client.post(f"/c/{CAMPAIGN_A}/equipe", data={"collecteur": "Quelqu'un d'autre", "canal": "porteur-de-parole"})
    assert send_answer(client).status_code == 303
    assert send_answer(client).status_code == 303
    mine = [a for a in world.svc.answers.iter_answers(CAMPAIGN_A) if a["collector"] == "Alice"]
    assert len(mine) == 2 and {a["channel"] for a in mine} == {"porteur-de-parole"}
    # An older answer of hers counts in all, not today.
    world.add(CAMPAIGN_A, collector="Alice", submitted_at="2025-06-01T10:00:00Z")
    page = text(client.get("/benevole/"))
    assert "Vous avez recueilli 2 réponses aujourd'hui" in page
    assert "3 réponses en tout" in page
    assert "Bruno" not in page


def test_the_link_works_like_the_code(world):
    client = world.app.test_client()
    response = client.get(f"/benevole/{world.code_b}")
    assert response.status_code == 303 and response.headers["Location"] == "/benevole/"
    assert "Bonjour Bruno" in text(client.get("/benevole/"))


def test_a_volunteer_code_is_for_one_campaign_only(world):
    client = world.client("benevole_a")
    client.post(f"/c/{CAMPAIGN_B}/equipe", data={"collecteur": "", "canal": "qr"})
    client.post(
        f"/c/{CAMPAIGN_B}/",
        data={
            "answer_id": str(uuid.uuid4()),
            "started_at": "2026-01-01T10:00:00Z",
            "q_internet": "oui",
            "action": "envoyer",
        },
    )
    assert all(a["collector"] != "Alice" for a in world.svc.answers.iter_answers(CAMPAIGN_B))
    assert "sous le nom" not in text(client.get(f"/c/{CAMPAIGN_B}/equipe"))


def test_revoking_ends_access_at_the_next_request(world):
    volunteer = world.client("benevole_a")
    volunteer.post(f"/c/{CAMPAIGN_A}/equipe", data={"canal": "porteur-de-parole"})
    assert send_answer(volunteer).status_code == 303
    coordinator = world.client("coordination")
    response = coordinator.post(f"/coordination/campagnes/{CAMPAIGN_A}/benevoles/{world.code_a}/retirer")
    assert response.status_code == 303
    assert world.svc.records.get("volunteers", world.code_a)["revoked_at"]
    page = volunteer.get("/benevole/")
    assert "mes-chiffres" not in page.get_data(as_text=True) and 'name="code"' in page.get_data(as_text=True)
    with volunteer.session_transaction() as session:
        assert "volunteer" not in session
        assert session.get("collector", {}).get(CAMPAIGN_A) is None
    assert send_answer(volunteer, "après le retrait").status_code == 303
    after = [
        a for a in world.svc.answers.iter_answers(CAMPAIGN_A) if a["answers"].get("simplifie") == "après le retrait"
    ]
    assert after[0]["collector"] == ""
    # The code no longer opens anything, typed or as a link.
    assert world.app.test_client().get(f"/benevole/{world.code_a}").status_code == 404
    assert world.app.test_client().post("/benevole/", data={"code": world.code_a}).status_code == 422
    listing = text(coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/benevoles"))
    assert "retiré le" in listing
    assert any(e["action"] == "code bénévole retiré" for e in world.svc.records.all("audit"))


def test_leaving_the_volunteer_space(world):
    client = world.client("benevole_a")
    response = client.post("/benevole/sortir")
    assert response.status_code == 303
    assert 'name="code"' in client.get("/benevole/").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "volunteer" not in session


def test_coordinator_sets_up_a_kiosk_tablet_from_the_web(world):
    client = world.client("coordination")
    url = f"/coordination/campagnes/{CAMPAIGN_A}/benevoles"
    page = text(client.get(url))
    assert "Pas encore de code kiosque" in page
    assert f"/c/{CAMPAIGN_A}/?canal=tablette&kiosque=1" in page  # the link to open on the tablet
    created = client.post(f"/coordination/campagnes/{CAMPAIGN_A}/kiosque/code")
    assert created.status_code == 303 and created.headers["Location"].endswith("/benevoles#kiosque")
    first = kiosk_code(world.svc, CAMPAIGN_A)
    assert volunteers.display_code(first) in text(client.get(url))
    assert code_opens(world.svc, CAMPAIGN_A, first) and not code_opens(world.svc, CAMPAIGN_B, first)
    client.post(f"/coordination/campagnes/{CAMPAIGN_A}/kiosque/code")  # changed: the old one stops working
    second = kiosk_code(world.svc, CAMPAIGN_A)
    assert second != first and not code_opens(world.svc, CAMPAIGN_A, first)
    assert "Changer le code kiosque" in text(client.get(url))
    actions = [e["action"] for e in world.svc.records.all("audit")]
    assert "code kiosque créé" in actions and "code kiosque changé" in actions
    assert all(first not in e["detail"] and second not in e["detail"] for e in world.svc.records.all("audit"))
