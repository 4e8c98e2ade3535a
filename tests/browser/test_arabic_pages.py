"""The public form with errors, in Arabic and English, on a phone (issue 16 §1): the error
summary, the field's message and the page's title in the language of the form, right to left
in Arabic, nothing wider than the screen. Screenshots at 360 px for a person to look at. And the
service worker's page for a form never opened before the Wi-Fi dropped, in the language asked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import back_in_wifi, leave_wifi, no_horizontal_scroll
from tests.conftest import LiveServer

CAMPAIGN = "besoins-numeriques-habitants"
PHONE = {"width": 360, "height": 740}
SAID = {
    "ar": {"dir": "rtl", "title": "خطأ", "send": "أرسل إجاباتي"},
    "en": {"dir": "ltr", "title": "Error", "send": "Send my answers"},
}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_form_with_an_error_speaks_the_language_of_the_form(context, server, tmp_path_factory, language):
    said = SAID[language]
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang={language}")
    page.locator("#bloc-q_internet input[value=non]").check(force=True)
    other = page.locator("#bloc-q_internet_pourquoi input[type=checkbox]").last  # « Autre », left unsaid
    other.check(force=True)
    page.get_by_role("button", name=said["send"]).click()

    expect(page.locator("html")).to_have_attribute("dir", said["dir"])
    expect(page).to_have_title(re.compile("^" + said["title"] + " – "))  # the page that came back
    summary = page.locator(".error-summary, [role=alert]").first
    expect(summary).to_be_visible()
    message = page.locator("#bloc-q_internet_pourquoi .error, #bloc-q_internet_pourquoi [id$=-erreur]").first
    expect(message).to_be_visible()
    text = message.inner_text() + summary.inner_text()
    assert "précisez" not in text and "Précisez" not in text  # not the French of the message
    assert no_horizontal_scroll(page)
    if language == "ar":  # the summary starts on the right
        box = summary.bounding_box()
        assert box["x"] + box["width"] > PHONE["width"] - 40
    folder = tmp_path_factory.getbasetemp() / "captures-erreurs"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"erreurs-{language}-360.png"), full_page=True)


@pytest.fixture
def laptop(tmp_path):
    """A server of its own, which the test stops (the tablet walks out of the Wi-Fi)."""
    server = LiveServer(tmp_path / "data", "--demo")
    yield server
    server.stop()


def test_a_page_never_opened_before_the_wifi_dropped_says_so_in_the_language_asked(context, laptop):
    """The service worker's own page (it cannot ask the server): in the language of ``?lang=``."""
    page = context.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/?lang=ar")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    leave_wifi(context, laptop)
    try:
        page.goto(f"{laptop.url}/c/jamais-ouverte/?lang=ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("لا يوجد اتصال")
        assert "Pas de connexion" not in page.content()
        page.goto(f"{laptop.url}/c/jamais-ouverte/?lang=en")
        expect(page.locator("h1")).to_have_text("No connection")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        back_in_wifi(context, laptop)
