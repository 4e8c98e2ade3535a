"""Answering by voice in real Chromium (issue 16 §2), with its fake microphone
(``--use-fake-device-for-media-stream --use-fake-ui-for-media-stream``, added for this module's
browser only): consent, record, stop, listen, send; and once with the laptop out of reach in
between, the recording waits in the tablet's queue with its answer, arrives when the laptop is
back, and the coordinator plays it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PLAYABLE,
    back_in_wifi,
    first_coordinator,
    leave_wifi,
    services_of,
    stored,
    tablet_with_microphone,
    wait_until_kept,
)
from tests.conftest import LiveServer

CAMPAIGN = "porteur-de-parole-numerique"
QUESTION = "simplifie"


@pytest.fixture
def laptop(tmp_path):
    """A server of its own (the test stops it: out of the Wi-Fi), its campaign open to voice."""
    server = LiveServer(tmp_path / "data", "--demo")
    svc = services_of(server.data_dir)
    campaign = svc.campaigns.get(CAMPAIGN)
    campaign.voice_answers = True
    svc.campaigns.save(campaign)
    yield server
    server.stop()


@pytest.fixture
def tablet(playwright, outside):
    with tablet_with_microphone(playwright, outside, "fr-FR") as context:
        yield context


def record(page) -> None:
    """Tick the consent, record about a second of the fake microphone, stop, and listen."""
    block = page.locator(f"#bloc-q_{QUESTION}")
    expect(block.locator("[data-record-start]")).to_be_hidden()  # nothing before the consent
    block.get_by_label("J’accepte que ma voix soit enregistrée").check()
    expect(block.locator("[data-record-status]")).to_have_text("Vous pouvez enregistrer votre réponse.")
    expect(block.locator("input[type=file]")).to_be_hidden()  # the recorder replaces the file field
    block.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(block.locator("[data-record-time]")).to_contain_text("Temps restant : ")
    expect(block.locator("[data-record-status]")).to_contain_text("Enregistrement en cours")
    page.wait_for_timeout(1200)  # a second of speech
    block.get_by_role("button", name="Arrêter l’enregistrement").click()
    expect(block.locator("[data-record-status]")).to_contain_text("Enregistrement terminé")
    playback = block.locator("audio[data-record-playback]")
    expect(playback).to_be_visible()
    assert playback.evaluate(PLAYABLE)  # the person can listen before sending
    assert block.locator("input[type=file]").evaluate("(input) => input.files.length && input.files[0].size") > 0
    expect(block.get_by_role("button", name="Enregistrer de nouveau")).to_be_visible()
    expect(block.get_by_role("button", name="Supprimer l’enregistrement")).to_be_visible()


def test_record_listen_and_send(laptop, tablet):
    page = tablet.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/")
    block = page.locator(f"#bloc-q_{QUESTION}")
    # Deleted, then recorded again: only the last one is sent.
    block.get_by_label("J’accepte que ma voix soit enregistrée").check()
    block.get_by_role("button", name="Enregistrer ma réponse").click()
    page.wait_for_timeout(500)
    block.get_by_role("button", name="Arrêter l’enregistrement").click()
    block.get_by_role("button", name="Supprimer l’enregistrement").click()
    expect(block.locator("[data-record-status]")).to_have_text("Enregistrement supprimé.")
    assert block.locator("input[type=file]").evaluate("(input) => input.files.length") == 0
    block.get_by_label("J’accepte que ma voix soit enregistrée").uncheck()
    record(page)
    page.fill(f"#q_{QUESTION}", "Et quelques mots écrits")
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-sent]")).to_be_visible()
    [answer] = [a for a in stored(laptop, CAMPAIGN) if a.get("media")]
    [medium] = answer["media"]
    assert medium["question"] == QUESTION and medium["kind"] == "enregistrement"
    assert medium["type"] in ("audio/webm", "audio/ogg") and medium["size"] > 1000
    assert answer["answers"][QUESTION] == "Et quelques mots écrits"
    assert services_of(laptop.data_dir).media.read(CAMPAIGN, medium["file"])[:4] in (b"\x1aE\xdf\xa3", b"OggS")
    # The next person starts with no recording.
    page.click("#merci-local [data-next]")
    expect(block.locator("audio[data-record-playback]")).to_be_hidden()
    assert block.locator("input[type=file]").evaluate("(input) => input.files.length") == 0


def test_a_recording_made_out_of_reach_waits_then_reaches_the_coordinator(laptop, tablet):
    page = tablet.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page)
    leave_wifi(tablet, laptop)
    record(page)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    expect(page.locator("#file-attente [data-count]")).to_have_text("1 réponse en attente d'envoi")

    back_in_wifi(tablet, laptop)  # the queue empties by itself, the recording with its answer
    expect(page.locator("#file-attente")).to_be_hidden(timeout=30000)
    [answer] = [a for a in stored(laptop, CAMPAIGN) if a.get("media")]
    assert answer["media"][0]["question"] == QUESTION

    # The coordinator's reading page plays it.
    coordinator = tablet.new_page()
    first_coordinator(coordinator, laptop.url)
    coordinator.goto(f"{laptop.url}/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}")
    player = coordinator.locator("audio[src*='/medias/']")
    expect(player).to_be_visible()
    assert player.evaluate(PLAYABLE)
    coordinator.get_by_label("Transcription de l'enregistrement").fill("Plus simple, et moins de papiers.")
    coordinator.get_by_role("button", name="Enregistrer la transcription").click()
    expect(coordinator.locator(".transcription")).to_contain_text("Transcription (saisie par camille")
