"""In a real browser: an exclusive choice unticks the others at once (and the reverse), question
numbers close up when a conditional question hides, and « Écouter la question » says so when
the device has no French voice instead of doing nothing."""

from __future__ import annotations

from playwright.sync_api import expect

CAMPAIGN = "besoins-numeriques-habitants"
NO_VOICE = "Pas de voix française sur cet appareil"

# Voices as a device lists them; ``speak`` recorded (headless Chromium has nothing to hear).
FAKE_VOICES = """
window.__spoken = [];
window.__voices = %s;
SpeechSynthesis.prototype.getVoices = function () { return window.__voices; };
Object.defineProperty(SpeechSynthesisUtterance.prototype, "voice", {
  configurable: true, get() { return this.__voice || null; }, set(v) { this.__voice = v; }});
SpeechSynthesis.prototype.speak = function (u) {
  window.__spoken.push({text: u.text, voice: u.voice ? u.voice.lang : null});
  setTimeout(() => { u.onstart && u.onstart(new Event('start')); u.onend && u.onend(new Event('end')); }, 0);
};
"""


def open_form(context, server, width=360):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    return page


def box(page, question, label):
    return page.locator(f"#bloc-q_{question}").get_by_label(label, exact=True)


def test_an_exclusive_choice_unticks_the_others_at_once_and_the_reverse(context, server):
    page = open_form(context, server)
    smartphone, computer = box(page, "equipement", "Un smartphone"), box(page, "equipement", "Un ordinateur")
    none = page.locator("#bloc-q_equipement").get_by_label("Aucun de ces appareils")  # + a hint for readers
    smartphone.check()
    computer.check()
    none.check()
    expect(smartphone).not_to_be_checked()
    expect(computer).not_to_be_checked()
    expect(none).to_be_checked()
    expect(page.locator("[data-choice-status]")).to_have_text(
        "« Aucun de ces appareils » : les autres réponses sont décochées."
    )
    box(page, "equipement", "Une tablette").check()
    expect(none).not_to_be_checked()
    expect(page.locator("[data-choice-status]")).to_have_text("« Aucun de ces appareils » est décoché.")
    # A question without an exclusive choice keeps several boxes ticked.
    box(page, "souhaits", "Plus de points numériques").check()
    box(page, "souhaits", "Des formations gratuites et adaptées").check()
    expect(page.locator("#bloc-q_souhaits input:checked")).to_have_count(2)


def shown_numbers(page) -> list[str]:
    return page.locator("form.survey [id^='bloc-']:visible .q-label .num").all_inner_texts()


def test_numbers_close_up_when_a_conditional_question_hides(context, server):
    page = open_form(context, server)
    count = page.locator("form.survey [id^='bloc-']:visible").count()
    assert shown_numbers(page) == [f"{n}." for n in range(1, count + 1)]
    aisance = page.locator("#bloc-q_aisance .q-label .num")
    expect(aisance).to_have_text("3.")  # « internet_pourquoi » (3 in the file) waits for « Non »
    page.locator("#bloc-q_internet").get_by_label("Non", exact=True).check()
    expect(page.locator("#bloc-q_internet_pourquoi")).to_be_visible()
    expect(page.locator("#bloc-q_internet_pourquoi .q-label .num")).to_have_text("3.")
    expect(aisance).to_have_text("4.")
    page.locator("#bloc-q_internet").get_by_label("Oui", exact=True).check()
    expect(page.locator("#bloc-q_internet_pourquoi")).to_be_hidden()
    expect(aisance).to_have_text("3.")
    assert shown_numbers(page) == [f"{n}." for n in range(1, count + 1)]


def test_read_aloud_says_so_when_the_device_has_no_voice(context, server):
    """Headless Chromium has speech synthesis and no voice at all: the real case."""
    page = open_form(context, server)
    button = page.locator("#bloc-q_internet [data-listen]")
    expect(button).to_have_text("Écouter la question 2")
    button.click()
    expect(button).to_contain_text(NO_VOICE, timeout=15_000)


def test_read_aloud_says_so_at_once_when_no_voice_is_french(context, server):
    context.add_init_script(FAKE_VOICES % '[{"lang": "en-US", "name": "English"}]')
    page = open_form(context, server)
    button = page.locator("#bloc-q_internet [data-listen]")
    expect(button).to_contain_text(NO_VOICE)  # known from the list, before any tap
    button.click()
    expect(button).to_contain_text(NO_VOICE)
    assert page.evaluate("() => window.__spoken") == []


def test_read_aloud_waits_for_voices_that_arrive_late(context, server):
    context.add_init_script(FAKE_VOICES % "[]")
    page = open_form(context, server)
    button = page.locator("#bloc-q_internet [data-listen]")
    expect(button).to_have_text("Écouter la question 2")
    page.evaluate("""() => {
        window.__voices = [{lang: "en-GB", name: "English"}, {lang: "fr-FR", name: "Français"}];
        speechSynthesis.dispatchEvent(new Event("voiceschanged"));
    }""")
    button.click()
    expect(button).to_have_text("Écouter la question 2")
    assert page.evaluate("() => window.__spoken.map(s => s.voice)") == ["fr-FR"]
