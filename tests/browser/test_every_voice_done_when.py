"""Issue 16, « Done when » (§2): in real headless Chromium with a fake microphone and camera, a
person answers in Arabic, right to left, with a recording and a drawing, while the laptop is out
of reach in between; when it comes back, the coordinator plays the recording, sees the drawing,
transcribes the recording, and exports a zip whose CSV names both files."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from playwright.sync_api import expect

from survey.model.campaign import Campaign
from survey.model.media import medium_for
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
from tests.browser.test_drawing import FILES, stroke
from tests.conftest import LiveServer
from tests.web.test_drawing_answers import QUESTIONNAIRE

CAMPAIGN = "dessins"
PHRASE = "حديقة للجميع"
HEARD = "نريد مقاعد في الحديقة"


@pytest.fixture
def laptop(tmp_path):
    """The laptop's server, its campaign asking for a drawing and taking voice on open questions."""
    data = tmp_path / "data"
    (data / "questionnaires").mkdir(parents=True)
    (data / "questionnaires" / "dessins-quartier.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    services_of(data).campaigns.save(
        Campaign(
            id=CAMPAIGN,
            title="Dessins du quartier",
            questionnaire="dessins-quartier",
            channels=["qr"],
            voice_answers=True,
        )
    )
    server = LiveServer(data, "--demo")
    yield server
    server.stop()


@pytest.fixture
def tablet(playwright, outside):
    with tablet_with_microphone(playwright, outside, "ar") as context:
        yield context


def test_an_arabic_answer_with_a_recording_and_a_drawing_made_offline_reaches_the_coordinator(laptop, tablet):
    page = tablet.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/?lang=ar")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page)

    leave_wifi(tablet, laptop)  # the tablet walks out of the Wi-Fi; the person goes on answering

    # 1. A drawing and its phrase, right to left.
    page.locator("[data-drawing]").wait_for(state="visible")
    stroke(page, [(0.9, 0.2), (0.6, 0.7), (0.3, 0.3), (0.1, 0.8)])
    page.wait_for_function(FILES + " === 1")
    page.fill("#q_idee", PHRASE)

    # 2. A recording for the open question (the fake microphone), after its consent.
    block = page.locator("#bloc-q_avis")
    block.locator("[data-record-consent]").check()
    block.locator("[data-record-start]").click()
    page.wait_for_timeout(1200)  # a second of speech
    block.locator("[data-record-stop]").click()
    expect(block.locator("audio[data-record-playback]")).to_be_visible()
    assert block.locator("input[type=file]").evaluate("(input) => input.files.length && input.files[0].size") > 0

    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    assert stored(laptop, CAMPAIGN) == []

    back_in_wifi(tablet, laptop)
    page.locator("#file-attente [data-send]").click()
    expect(page.locator("#file-attente")).to_be_hidden(timeout=20000)
    [answer] = stored(laptop, CAMPAIGN)
    assert answer["answers"]["idee"] == PHRASE and answer.get("language") == "ar"
    drawing, recording = medium_for(answer, "idee"), medium_for(answer, "avis")
    assert drawing["kind"] == "dessin" and drawing["type"] == "image/png"
    assert recording["kind"] == "enregistrement" and recording["type"] in ("audio/webm", "audio/ogg")

    # 3. The coordinator plays the recording, sees the drawing, transcribes.
    coordinator = tablet.browser.new_context(locale="fr-FR")
    desk = coordinator.new_page()
    first_coordinator(desk, laptop.url)
    desk.goto(f"{laptop.url}/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}")
    player = desk.locator(f"audio[src$='/medias/{recording['file']}']")
    expect(player).to_be_visible()
    assert player.evaluate(PLAYABLE)
    image = desk.get_by_role("img", name=PHRASE)
    expect(image).to_be_visible()
    assert image.evaluate("(img) => img.complete && img.naturalWidth") == 900
    desk.get_by_label("Transcription de l'enregistrement").fill(HEARD)
    desk.get_by_role("button", name="Enregistrer la transcription").click()
    expect(desk.locator(".transcription")).to_contain_text("Transcription (saisie par camille")

    # 4. The export with its media: a zip, the CSV naming both files, both files inside.
    response = desk.request.get(f"{laptop.url}/coordination/campagnes/{CAMPAIGN}/export.csv?medias=oui")
    assert response.ok and response.headers["content-type"].startswith("application/zip")
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        names = archive.namelist()
        [table] = [n for n in names if n.endswith(".csv")]
        rows = list(csv.reader(io.StringIO(archive.read(table).decode("utf-8-sig")), delimiter=";"))
        cells = {cell for row in rows[1:] for cell in row}
        for entry in (drawing, recording):
            assert f"medias/{entry['file']}" in names and f"medias/{entry['file']}" in cells
        assert archive.read(f"medias/{drawing['file']}").startswith(b"\x89PNG")
    assert HEARD in cells and PHRASE in cells
    coordinator.close()
