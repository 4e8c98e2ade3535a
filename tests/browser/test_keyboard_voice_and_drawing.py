"""A form with a drawing question and a question answered by voice, completed with the keyboard
alone (issue 16 §4): Tab reaches every control in order, the recorder is driven with Space and
Enter (consent, record, stop), the drawing question is answered by its typed phrase (the pad takes
no focus: no keyboard trap), and the answer arrives with its recording and the phrase."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from survey.model.media import medium_for
from tests.browser.conftest import stored, tablet_with_microphone
from tests.browser.test_every_voice_done_when import CAMPAIGN, laptop  # noqa: F401  (the server fixture)

PHRASE = "Un banc sous chaque arbre"


@pytest.fixture
def keyboard_tablet(playwright, outside):
    with tablet_with_microphone(playwright, outside, "fr-FR") as context:
        yield context


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{selector} jamais atteint avec Tab")


def test_a_voice_and_a_drawing_question_are_answered_from_the_keyboard_alone(laptop, keyboard_tablet):  # noqa: F811
    page = keyboard_tablet.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    assert page.locator("canvas.pad").get_attribute("tabindex") is None  # the pad is skipped, not a trap

    tab_to(page, "#q_idee")  # the drawing's typed alternative
    page.keyboard.type(PHRASE)

    block = page.locator("#bloc-q_avis")
    tab_to(page, "#accord-voix-avis")
    page.keyboard.press("Space")  # the consent to record
    expect(block.locator("[data-record-start]")).to_be_visible()
    tab_to(page, "#bloc-q_avis [data-record-start]")
    page.keyboard.press("Enter")
    stop = block.locator("[data-record-stop]")
    expect(stop).to_be_visible()
    time.sleep(1.2)  # a second of speech from the fake microphone
    if not focused_matches(page, "#bloc-q_avis [data-record-stop]"):
        tab_to(page, "#bloc-q_avis [data-record-stop]")
    page.keyboard.press("Enter")
    expect(block.locator("audio[data-record-playback]")).to_be_visible()
    status = block.locator("[data-record-status]")
    expect(status).not_to_have_text("")  # the screen reader hears that the recording is done

    tab_to(page, "form.survey button[value=envoyer]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Merci").first.wait_for()

    deadline = time.monotonic() + 20
    while not (answers := stored(laptop, CAMPAIGN)):
        assert time.monotonic() < deadline, "la réponse n'est jamais arrivée"
        time.sleep(0.2)
    [answer] = answers
    assert answer["answers"]["idee"] == PHRASE
    recording = medium_for(answer, "avis")
    assert recording is not None and recording["kind"] == "enregistrement"
    assert medium_for(answer, "idee") is None  # nothing drawn: the phrase alone answers
