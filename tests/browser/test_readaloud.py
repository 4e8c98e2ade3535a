"""« Écouter la question » reads the question and its choices with the browser's French voice,
and sends nothing anywhere."""

from __future__ import annotations

from playwright.sync_api import expect

CAMPAIGN = "besoins-numeriques-habitants"

# Headless Chromium has speech synthesis but no voice to hear: record what it is asked to say.
RECORD_SPEECH = """
window.__spoken = [];
SpeechSynthesis.prototype.speak = function (u) {
  window.__spoken.push({text: u.text, lang: u.lang});
  setTimeout(() => u.onend && u.onend(new Event('end')), 0);
};
"""
NO_SPEECH = "Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});"


def test_each_question_is_read_in_french_with_its_choices(context, server):
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    buttons = page.locator("form.survey [data-listen]")
    questions = page.locator("form.survey .question")
    assert buttons.count() == questions.count() > 5
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    block = page.locator("#bloc-q_internet")
    block.locator("[data-listen]").click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "fr-FR"
    label = block.locator("legend").inner_text().split("\n")[0]
    assert spoken[0]["text"].startswith(label.replace("  ", " ").strip()[:20])
    assert "Réponses possibles : Oui ; Non" in spoken[0]["text"]
    assert "Écouter" not in spoken[0]["text"]
    scale = page.locator("#bloc-q_aisance [data-listen]")
    scale.click()
    assert "1 " in page.evaluate("() => window.__spoken[1].text")
    assert requests == []  # nothing sent to a server


def test_the_buttons_stay_hidden_without_speech_synthesis(context, server):
    context.add_init_script(NO_SPEECH)
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    expect(page.locator("form.survey [data-listen]").first).to_be_hidden()
    assert page.locator("form.survey [data-listen]:visible").count() == 0
