"""A `dessin` question in real Chromium: strokes drawn with the mouse (a few colours, undo), the
drawing sent and stored as a PNG; the same question completed from the keyboard alone with the
typed phrase (the typed alternative); the page at 360 px wide."""

from __future__ import annotations

import time

import pytest

from survey.model.campaign import Campaign
from survey.model.media import medium_for
from tests.browser.conftest import (
    LiveServer,
    axe_violations,
    first_coordinator,
    no_horizontal_scroll,
    services_of,
    stored,
)
from tests.web.test_drawing_answers import QUESTIONNAIRE

CAMPAIGN = "dessins"
SCREENSHOT = "/tmp/dessin-360.png"


@pytest.fixture(scope="module")
def drawing_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("dessin") / "data"
    (data / "questionnaires").mkdir(parents=True)
    (data / "questionnaires" / "dessins-quartier.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    services_of(data).campaigns.save(
        Campaign(id=CAMPAIGN, title="Dessins du quartier", questionnaire="dessins-quartier", channels=["qr"])
    )
    server = LiveServer(data, "--demo")
    yield server
    server.stop()


def wait_for_answers(server, n: int, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(found := stored(server, CAMPAIGN)) < n:
        assert time.monotonic() < deadline, f"{len(found)} réponse(s) enregistrée(s) sur {n}"
        time.sleep(0.2)
    return found


def stroke(page, points):
    page.locator("canvas.pad").scroll_into_view_if_needed()
    box = page.locator("canvas.pad").bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0] * box["width"], y0 + points[0][1] * box["height"])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x * box["width"], y0 + y * box["height"], steps=8)
    page.mouse.up()


RED_PIXELS = """() => {
  const c = document.querySelector('canvas.pad');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let red = 0, dark = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] > 150 && d[i + 1] < 90 && d[i + 2] < 90) red++;
    if (d[i] < 60 && d[i + 1] < 60 && d[i + 2] < 60) dark++;
  }
  return [red, dark];
}"""
FILES = "() => document.getElementById('media-idee').files.length"


def test_draw_with_the_mouse_undo_and_send(drawing_server, context):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    pad = page.locator("[data-drawing]")
    pad.wait_for(state="visible")
    assert page.locator("[data-undo]").is_disabled() and page.locator("[data-clear]").is_disabled()
    colours = page.locator(".pad-colour")
    assert colours.count() == 5
    for i in range(5):  # big targets, each with its name for a screen reader
        size = colours.nth(i).bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44
    assert page.get_by_role("button", name="Rouge").get_attribute("aria-pressed") == "false"

    stroke(page, [(0.1, 0.2), (0.5, 0.5), (0.9, 0.3)])  # black
    page.get_by_role("button", name="Rouge").click()
    assert page.get_by_role("button", name="Rouge").get_attribute("aria-pressed") == "true"
    stroke(page, [(0.2, 0.8), (0.8, 0.8)])  # red
    page.wait_for_function(FILES + " === 1")
    red, dark = page.evaluate(RED_PIXELS)
    assert red > 100 and dark > 100

    page.get_by_role("button", name="Annuler le dernier trait").click()
    assert page.locator("[data-status]").inner_text() == "Dernier trait annulé."
    red, dark = page.evaluate(RED_PIXELS)
    assert red == 0 and dark > 100
    # « Tout effacer » asks nothing, and can be undone.
    page.get_by_role("button", name="Tout effacer").click()
    assert page.evaluate(RED_PIXELS) == [0, 0]
    page.wait_for_function(FILES + " === 0")
    page.get_by_role("button", name="Annuler le dernier trait").click()
    assert page.locator("[data-status]").inner_text() == "Le dessin est revenu."
    assert page.evaluate(RED_PIXELS)[1] > 100
    page.wait_for_function(FILES + " === 1")

    page.fill("#q_idee", "Un jardin partagé")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci").first.wait_for()
    [answer] = wait_for_answers(drawing_server, 1)
    assert answer["answers"]["idee"] == "Un jardin partagé"
    entry = medium_for(answer, "idee")
    assert entry and entry["type"] == "image/png" and entry["file"].endswith(".png")
    data = services_of(drawing_server.data_dir).media.read(CAMPAIGN, entry["file"])
    assert data.startswith(b"\x89PNG")


def test_keyboard_only_completion_with_the_typed_phrase(drawing_server, context):
    page = context.new_page()
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    assert page.locator("canvas.pad").get_attribute("tabindex") is None  # no keyboard trap in the pad

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} never reached with Tab")

    tab_to("#q_idee")
    page.keyboard.type("Des bancs pour les anciens")
    tab_to("button[type=submit][value=envoyer], button[type=submit]:not([name])")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Merci").first.wait_for()
    answers = wait_for_answers(drawing_server, 2)
    typed = [a for a in answers if a["answers"].get("idee") == "Des bancs pour les anciens"]
    assert len(typed) == 1 and not typed[0].get("media")


def test_the_drawing_page_at_360_px_has_no_serious_accessibility_violation(drawing_server, context):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    stroke(page, [(0.1, 0.5), (0.3, 0.2), (0.6, 0.7), (0.9, 0.4)])
    page.wait_for_function(FILES + " === 1")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    # Looked at by eye (docs: every changed page is seen at 360 px); a full-page shot comes last,
    # as it resizes the page under Playwright.
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_the_pad_in_arabic_is_right_to_left_and_draws(drawing_server, context):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    page.locator("[data-drawing]").wait_for(state="visible")
    assert page.get_by_role("button", name="تراجع عن آخر خط").is_disabled()
    # The colours start on the right, as the page reads.
    first, last = (page.locator(".pad-colour").nth(i).bounding_box()["x"] for i in (0, 4))
    assert first > last
    stroke(page, [(0.9, 0.2), (0.5, 0.6), (0.1, 0.3)])
    page.wait_for_function(FILES + " === 1")
    assert no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOT.replace(".png", "-ar.png"), full_page=True)


def big_photo(path) -> None:
    """A tablet's photo of a drawing: 3000 × 2000 pixels of grain (several MB), with a GPS place."""
    import os

    from PIL import Image

    image = Image.frombytes("RGB", (3000, 2000), os.urandom(3000 * 2000 * 3))
    exif = Image.Exif()
    exif[0x010F] = "TabletteCorp"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())


def test_a_photo_of_a_drawing_on_paper_is_made_smaller_and_sent(drawing_server, context, tmp_path):
    from PIL import Image

    path = tmp_path / "photo.jpg"
    big_photo(path)
    assert path.stat().st_size > 2 * 1024 * 1024
    page = context.new_page()
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    page.get_by_label("Prendre en photo un dessin sur papier").set_input_files(str(path))
    page.wait_for_function(
        "() => document.getElementById('media-idee').files[0].name === 'photo.jpg'"
        " && document.getElementById('media-idee').files[0].size < 1024 * 1024 * 2"
    )
    assert page.locator("[data-status]").inner_text() == "Photo choisie : elle sera envoyée avec vos réponses."
    before = {a["id"] for a in stored(drawing_server, CAMPAIGN)}
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci").first.wait_for()
    deadline = time.monotonic() + 20
    while not (new := [a for a in stored(drawing_server, CAMPAIGN) if a["id"] not in before]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    entry = medium_for(new[0], "idee")
    assert entry["type"] == "image/jpeg"
    data = services_of(drawing_server.data_dir).media.read(CAMPAIGN, entry["file"])
    import io

    with Image.open(io.BytesIO(data)) as kept:
        assert max(kept.size) == 2000 and not kept.getexif()
    assert b"TabletteCorp" not in data


NAME = "() => document.getElementById('media-idee').files[0]?.name || ''"


def test_the_last_thing_done_wins_between_drawing_and_photo(drawing_server, context, tmp_path):
    from PIL import Image

    photo = tmp_path / "papier.png"
    Image.new("RGB", (60, 40), (250, 250, 200)).save(photo)
    page = context.new_page()
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    stroke(page, [(0.2, 0.2), (0.8, 0.8)])
    page.wait_for_function(NAME + " === 'dessin.png'")
    page.get_by_label("Prendre en photo un dessin sur papier").set_input_files(str(photo))
    assert page.evaluate(NAME) == "papier.png"
    # Clearing or undoing on the pad leaves the photo in place.
    page.get_by_role("button", name="Tout effacer").click()
    page.get_by_role("button", name="Annuler le dernier trait").click()
    page.wait_for_timeout(300)
    assert page.evaluate(NAME) == "papier.png"
    # A new stroke: the drawing is the answer again.
    stroke(page, [(0.1, 0.9), (0.9, 0.1)])
    page.wait_for_function(NAME + " === 'dessin.png'")
    assert page.locator("[data-status]").inner_text() == "Le dessin remplace la photo."


# An old tablet takes a moment to turn the pad into a PNG: here 0.4 s, so that a tap right after
# the last stroke comes before the file is ready.
SLOW_PNG = """(() => {
  const real = HTMLCanvasElement.prototype.toBlob;
  HTMLCanvasElement.prototype.toBlob = function (done, ...rest) {
    real.call(this, (blob) => setTimeout(() => done(blob), 400), ...rest);
  };
})();"""


def test_send_tapped_right_after_the_last_stroke_waits_for_the_drawing(drawing_server, context):
    page = context.new_page()
    page.add_init_script(SLOW_PNG)
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    before = {a["id"] for a in stored(drawing_server, CAMPAIGN)}
    stroke(page, [(0.1, 0.5), (0.5, 0.2), (0.9, 0.6)])
    assert page.evaluate(FILES) == 0  # the PNG is not made yet
    page.get_by_role("button", name="Envoyer mes réponses").click()  # at once: the drawing is the only answer
    page.get_by_role("heading", name="Merci").first.wait_for()
    deadline = time.monotonic() + 20
    while not (new := [a for a in stored(drawing_server, CAMPAIGN) if a["id"] not in before]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    [answer] = new
    entry = medium_for(answer, "idee")
    assert entry and entry["type"] == "image/png"


def test_the_coordinator_sees_the_drawings_in_the_gallery(drawing_server, browser):
    """After the answers above: « Dessins » shows each drawing (loaded), newest first, at 360 px."""
    coordinator = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 800})
    page = coordinator.new_page()
    first_coordinator(page, drawing_server.url)
    page.goto(f"{drawing_server.url}/coordination/campagnes/{CAMPAIGN}/reponses")
    page.get_by_role("link", name="Dessins : tous les dessins de la campagne").click()
    page.get_by_role("heading", name="Dessins", exact=True).wait_for()
    images = page.locator(".gallery img")
    assert images.count() >= 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gallery img')].every((i) => i.complete && i.naturalWidth > 0)"
    )
    assert page.get_by_role("img", name="Un jardin partagé").count() == 1
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/dessins-galerie-360.png", full_page=True)
    coordinator.close()


FAILING_PNG = """HTMLCanvasElement.prototype.toBlob = function () { throw new Error("pas de PNG ici"); };"""


def test_a_drawing_that_cannot_be_made_holds_nothing_back(drawing_server, context):
    """A browser that cannot make the pad's PNG: the answer still leaves with its phrase."""
    page = context.new_page()
    page.add_init_script(FAILING_PNG)
    page.goto(f"{drawing_server.url}/c/{CAMPAIGN}/")
    page.locator("[data-drawing]").wait_for(state="visible")
    stroke(page, [(0.1, 0.5), (0.5, 0.2), (0.9, 0.6)])
    page.fill("#q_idee", "Un banc à l'ombre")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci").first.wait_for()
    deadline = time.monotonic() + 20
    while not [a for a in stored(drawing_server, CAMPAIGN) if a["answers"].get("idee") == "Un banc à l'ombre"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
