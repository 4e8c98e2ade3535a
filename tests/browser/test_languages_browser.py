"""The form in Arabic and English in real Chromium (issue 16 §1): right to left at 360 px, the
step buttons mirrored, read-aloud in the page's language, the offline queue's words in it, and
the next person back in the campaign's language."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import back_in_wifi, laid_out, leave_wifi, no_horizontal_scroll, stored
from tests.browser.test_readaloud import RECORD_SPEECH
from tests.conftest import LiveServer

CAMPAIGN = "besoins-numeriques-habitants"  # open to anyone (QR), in French, English and Arabic
PHONE = {"width": 360, "height": 740}
TEXT = "نحتاج إلى ورشة للهاتف"


@pytest.fixture
def laptop(tmp_path):
    """A server of its own, which the test stops (out of the Wi-Fi) and starts again."""
    server = LiveServer(tmp_path / "data", "--demo")
    yield server
    server.stop()


def test_the_arabic_form_is_right_to_left_at_360_px(context, server):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang=ar")
    assert page.evaluate("getComputedStyle(document.querySelector('form.survey')).direction") == "rtl"
    assert no_horizontal_scroll(page)
    # The question's text starts on the right, the send button sits at the right (the start).
    label = page.locator("#bloc-q_internet legend").bounding_box()
    assert label["x"] + label["width"] > PHONE["width"] - 40
    send = page.locator("form.survey button[value=envoyer]").bounding_box()
    assert send["x"] + send["width"] / 2 > PHONE["width"] / 2

    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang=ar&mode=pas-a-pas")
    page.click("form.survey button[value=suivant]")  # « التالي »
    expect(page.locator(".progress")).to_have_text("السؤال 2 من 9")
    previous = laid_out(page).locator("form.survey button[value=precedent]").bounding_box()
    following = page.locator("form.survey button[value=suivant]").bounding_box()
    assert following["x"] < previous["x"]  # mirrored: forward is to the left
    assert page.evaluate("getComputedStyle(document.querySelector('progress')).direction") == "rtl"


def test_the_english_form_keeps_left_to_right(context, server):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang=en&mode=pas-a-pas")
    page.click("form.survey button[value=suivant]")
    expect(page.locator(".progress")).to_have_text("Question 2 of 9")
    previous = laid_out(page).locator("form.survey button[value=precedent]").bounding_box()
    following = page.locator("form.survey button[value=suivant]").bounding_box()
    assert previous["x"] < following["x"]


def test_read_aloud_speaks_arabic_or_says_there_is_no_arabic_voice(context, server):
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang=ar")
    button = page.locator("#bloc-q_internet [data-listen]")
    expect(button).to_have_text("استمع إلى السؤال 2")
    button.click()
    spoken = page.evaluate("() => window.__spoken")
    assert spoken[0]["lang"].startswith("ar")
    assert spoken[0]["text"].startswith("2. هل عندك إنترنت في البيت؟")
    assert "الإجابات الممكنة: نعم ; لا" in spoken[0]["text"]

    french_only = context.new_page()
    french_only.add_init_script(
        "speechSynthesis.getVoices = () => [{lang: 'fr-FR', name: 'Amélie', voiceURI: 'fr', localService: true}];"
    )
    french_only.goto(f"{server.url}/c/{CAMPAIGN}/?lang=ar")
    expect(french_only.locator("#bloc-q_internet [data-listen] [data-label]")).to_have_text(
        "لا يوجد صوت عربي على هذا الجهاز: القراءة غير ممكنة"
    )


def test_offline_queue_speaks_arabic_and_the_next_person_starts_in_french(context, laptop):
    page = context.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/?lang=ar")
    leave_wifi(context, laptop)
    page.fill("#q_autre", TEXT)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_have_text(
        "إجابتك محفوظة على هذا الجهاز اللوحي. ستُرسل تلقائيًا فور عودة الاتصال."
    )
    expect(page.locator("#file-attente [data-count]")).to_have_text("ردود في انتظار الإرسال: 1")
    expect(page.locator("#file-attente [data-error]")).to_contain_text("ستتم المحاولة مرة أخرى تلقائيًا")
    back_in_wifi(context, laptop)

    deadline = time.monotonic() + 30
    while (
        not [a for a in stored(laptop, CAMPAIGN) if a["answers"].get("autre") == TEXT] and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    answer = next(a for a in stored(laptop, CAMPAIGN) if a["answers"].get("autre") == TEXT)
    assert answer["language"] == "ar"
    expect(page.locator("#file-attente [data-count]")).to_have_text("لا توجد ردود في انتظار الإرسال.")

    page.click("#merci-local [data-next]")  # « الشخص التالي »: a blank form, in French
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("form.survey button[value=envoyer]")).to_have_text("Envoyer mes réponses")


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("width", [360, 800])
def test_screenshots(context, server, tmp_path_factory, language, width):
    """Screens to look at (phone, tablet): saved under the test's temporary folder."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang={language}&mode=pas-a-pas")
    with page.expect_navigation():  # the step's POST: measured on the next step, once it is loaded
        page.click("form.survey button[value=suivant]")
    assert no_horizontal_scroll(page)
    folder = tmp_path_factory.getbasetemp() / "captures-langues"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"pas-a-pas-{language}-{width}.png"), full_page=True)
    page.goto(f"{server.url}/c/{CAMPAIGN}/?lang={language}")
    page.screenshot(path=str(folder / f"formulaire-{language}-{width}.png"), full_page=True)
