"""Correcting an answer's words: a coordinator any time, the team member who captured it
on the same day; the words before are kept, the journal says who and when, and a
tablet that resends the original is still told « already stored »."""

from __future__ import annotations

import html
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from survey.exports import Export, ExportOptions
from survey.services.corrections import CorrectionError, changed_texts
from survey.storage import AnswerConflict, ChunkedAnswerStore
from tests.coord_world import CAMPAIGN_A, COORDINATOR, make_world

TYPO = "Moins de papeirs"
FIXED = "Moins de papiers"


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def coordinator_url(answer_id: str) -> str:
    return f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer_id}/corriger"


def journal(world) -> list[dict]:
    return [e for e in world.svc.records.all("audit") if e["action"] == "correction"]


def test_a_coordinator_corrects_and_the_words_before_are_kept(world):
    original = world.add(CAMPAIGN_A, channel="post-it", answers={"simplifie": TYPO, "plaisir": "Oui"})
    client = world.client("coordination")
    form = page_text(client.get(coordinator_url(original["id"])))
    assert TYPO in form and 'name="texte__simplifie"' in form
    response = client.post(coordinator_url(original["id"]), data={"texte__simplifie": FIXED, "texte__plaisir": "Oui"})
    assert response.status_code == 303

    stored = world.svc.answers.get(CAMPAIGN_A, original["id"])
    assert stored["answers"] == {"simplifie": FIXED, "plaisir": "Oui"}
    [correction] = stored["corrections"]
    assert correction["by"] == COORDINATOR and correction["at"].endswith("Z")
    assert correction["answers_before"] == {"simplifie": TYPO, "plaisir": "Oui"}

    [entry] = journal(world)
    assert entry["who"] == COORDINATOR and original["id"] in entry["detail"]
    assert TYPO not in entry["detail"] and FIXED not in entry["detail"]  # the journal keeps no words

    page = page_text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{original['id']}"))
    shown = page.split('id="corrections"', 1)[1]
    assert TYPO in shown and FIXED in shown and COORDINATOR in shown


def test_a_tablet_resending_the_original_is_still_already_stored(world):
    original = world.add(CAMPAIGN_A, channel="tablette", answers={"simplifie": TYPO})
    world.client("coordination").post(coordinator_url(original["id"]), data={"texte__simplifie": FIXED})
    assert world.svc.answers.add(dict(original)) is False  # not a 409
    # Another process (a second worker, `survey import-queue`) reads the folder afresh.
    other = ChunkedAnswerStore(world.svc.answers.folder)
    assert other.add(dict(original)) is False
    with pytest.raises(AnswerConflict):
        other.add(dict(original, answers={"simplifie": "autre chose"}))
    assert world.svc.answers.count(CAMPAIGN_A) == 2  # the world's answer and this one, never a copy
    assert world.svc.answers.get(CAMPAIGN_A, original["id"])["answers"] == {"simplifie": FIXED}


def test_an_empty_text_is_refused_in_french_and_nothing_changes(world):
    original = world.add(CAMPAIGN_A, answers={"simplifie": TYPO})
    response = world.client("coordination").post(coordinator_url(original["id"]), data={"texte__simplifie": "  "})
    assert response.status_code == 422
    assert "ne peut pas être vide" in page_text(response)
    assert "corrections" not in world.svc.answers.get(CAMPAIGN_A, original["id"])
    assert journal(world) == []


def test_only_written_texts_can_be_corrected(world):
    questionnaire = world.svc.questionnaire_for(world.svc.campaigns.get("besoins-numeriques-habitants"))
    answer = {"answers": {"internet": "oui", "autre": "un texte"}}
    with pytest.raises(CorrectionError):
        changed_texts(answer, {"internet": "non"}, questionnaire, 5000)
    assert changed_texts(answer, {"autre": "un texte corrigé"}, questionnaire, 5000) == {"autre": "un texte corrigé"}


def test_the_volunteer_who_typed_it_corrects_it_the_same_day(world):
    mine = world.add(CAMPAIGN_A, channel="post-it", collector="Alice", answers={"simplifie": TYPO})
    other = world.add(CAMPAIGN_A, channel="post-it", collector="Yanis", answers={"simplifie": "Pas à moi"})
    old = datetime.now(timezone.utc) - timedelta(days=2)
    yesterday = world.add(
        CAMPAIGN_A,
        channel="post-it",
        collector="Alice",
        answers={"simplifie": "Trop tard"},
        submitted_at=old.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    alice = world.client("benevole_a")

    listing = page_text(alice.get(f"/terrain/{CAMPAIGN_A}/saisies"))
    assert TYPO in listing and "Pas à moi" not in listing and "Trop tard" not in listing

    url = f"/terrain/{CAMPAIGN_A}/saisies/{{}}/corriger"
    assert alice.post(url.format(mine["id"]), data={"texte__simplifie": FIXED}).status_code == 303
    stored = world.svc.answers.get(CAMPAIGN_A, mine["id"])
    assert stored["answers"]["simplifie"] == FIXED and stored["corrections"][0]["by"] == "Alice"
    assert journal(world)[0]["who"] == "Alice"

    for answer in (other, yesterday):
        response = alice.post(url.format(answer["id"]), data={"texte__simplifie": "changé"})
        assert response.status_code == 403 and "le jour même" in page_text(response)
        assert "corrections" not in world.svc.answers.get(CAMPAIGN_A, answer["id"])
    # A volunteer of another campaign gets nothing.
    assert world.client("benevole_b").get(url.format(mine["id"])).status_code == 403


def test_exports_do_not_hand_out_the_words_a_correction_replaced(world):
    original = world.add(CAMPAIGN_A, answers={"simplifie": TYPO})
    world.client("coordination").post(coordinator_url(original["id"]), data={"texte__simplifie": FIXED})
    out = io.BytesIO()
    Export(world.svc, world.svc.campaigns.get(CAMPAIGN_A), ExportOptions(format="json")).write(out)
    exported = {a["id"]: a for a in json.loads(out.getvalue())["answers"]}[original["id"]]
    assert exported["answers"] == {"simplifie": FIXED}
    assert exported["corrections"][0]["by"] == COORDINATOR and "answers_before" not in exported["corrections"][0]
    assert TYPO not in out.getvalue().decode("utf-8")
