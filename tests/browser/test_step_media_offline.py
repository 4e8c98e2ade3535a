"""A recording made on a step of the step-by-step form while the laptop is out of reach is not
lost: the service worker keeps the step's file when it opens the one-page form instead, the page
puts it back in its field, and the answer reaches the laptop with it (issue 16 §2)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import back_in_wifi, leave_wifi, stored, wait_until_kept
from tests.browser.test_voice_recording import CAMPAIGN, QUESTION, laptop, record, tablet  # noqa: F401


def test_a_recording_made_on_a_step_offline_comes_back_on_the_one_page_form_and_is_sent(laptop, tablet):  # noqa: F811
    page = tablet.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/?mode=pas-a-pas")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page, page.url, f"{laptop.url}/c/{CAMPAIGN}/")  # and the one-page form, the way back
    expect(page.locator(".progress")).to_contain_text("Question 1 sur")
    leave_wifi(tablet, laptop)

    page.fill(f"#q_{QUESTION}", "Dit à voix haute, et un mot écrit")
    record(page)
    page.click("form.survey button[value=suivant]")
    expect(page.locator("[data-offline-notice]")).to_be_visible()  # the one-page form, offline
    field = page.locator(f"#bloc-q_{QUESTION} input[type=file]")
    page.wait_for_function(f"() => document.querySelector('#bloc-q_{QUESTION} input[type=file]').files.length === 1")
    assert field.evaluate("(input) => input.files[0].size") > 0
    expect(page.locator(f"#q_{QUESTION}")).to_have_value("Dit à voix haute, et un mot écrit")

    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    back_in_wifi(tablet, laptop)
    expect(page.locator("#file-attente")).to_be_hidden(timeout=30000)
    [answer] = [
        a for a in stored(laptop, CAMPAIGN) if a["answers"].get(QUESTION) == "Dit à voix haute, et un mot écrit"
    ]
    [medium] = answer["media"]
    assert medium["question"] == QUESTION and medium["kind"] == "enregistrement" and medium["size"] > 0
