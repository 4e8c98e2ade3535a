"""The questionnaire editor's box « Réponse à voix haute possible (enregistrement) » (issue 16 §2):
shown on open questions only, it sets ``voice`` on the draft, and unticking it takes it away."""

from __future__ import annotations

import re

import pytest

from survey.services import drafts
from tests.factories import login_coordinator
from tests.web.test_editor import BASE, draft_url, edit_question, text

BOX = "Réponse à voix haute possible (enregistrement)"


@pytest.fixture
def coordinator(client, app):
    login_coordinator(client, app)
    return client


def stored_question(services, url: str, number: int) -> dict:
    draft_id = re.search(r"/brouillons/([0-9a-f]{32})/", url).group(1)
    return drafts.get(services, draft_id)["data"]["questions"][number - 1]


def new_draft(client, *questions: tuple[str, str]) -> str:
    url = draft_url(client.post(f"{BASE}/nouveau", data={"titre": "Voix du quartier"}))
    for kind, label in questions:
        assert client.post(f"{url}questions", data={"type": kind, "label": label}).status_code == 303
    return url


def test_the_box_sets_and_clears_voice_on_an_open_question(coordinator, services):
    url = new_draft(coordinator, ("long_text", "Racontez-nous"))
    page = text(coordinator.get(f"{url}questions/1"))
    assert BOX in page and '<label class="check" for="voice">' in page
    assert not re.search(r'id="voice"[^>]*checked', page)

    fields = {"type": "long_text", "label": "Racontez-nous", "id": "recit", "voix_montre": "1"}
    assert edit_question(coordinator, url, 1, voice="1", **fields).status_code == 303
    assert stored_question(services, url, 1).get("voice") is True
    assert re.search(r'id="voice"[^>]*checked', text(coordinator.get(f"{url}questions/1")))
    # The draft is a valid questionnaire whose question takes a recording.
    questionnaire, problems, _ = drafts.check(drafts.get(services, url.split("/")[-2])["data"])
    assert problems == [] and questionnaire.question("recit").voice

    assert edit_question(coordinator, url, 1, **fields).status_code == 303  # the box unticked
    assert "voice" not in stored_question(services, url, 1)


def test_no_box_on_other_types_and_voice_goes_when_the_question_stops_being_open(coordinator, services):
    url = new_draft(coordinator, ("short_text", "Votre rue ?"), ("number", "Combien ?"))
    assert BOX not in text(coordinator.get(f"{url}questions/2"))
    fields = {"label": "Votre rue ?", "id": "rue", "voix_montre": "1", "voice": "1"}
    edit_question(coordinator, url, 1, type="short_text", **fields)
    assert stored_question(services, url, 1).get("voice") is True
    # Changed into a choice question (from the page of an open question): no voice on it.
    edit_question(coordinator, url, 1, type="single_choice", **fields)
    assert "voice" not in stored_question(services, url, 1)
    assert BOX not in text(coordinator.get(f"{url}questions/1"))
