"""Post-its typed at full speed, one after another: no keystroke is lost.

A volunteer types a post-it, presses Enter and types the next one at once. Before, the page
posted and reloaded: the first letters of the next post-it went nowhere (« ins de papiers »).
Real Chromium and a real ``survey serve``; what is stored is read from the data folder.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import expect

from survey.services import volunteers
from tests.browser.conftest import axe_violations, services_of, stored

CAMPAIGN = "porteur-de-parole-numerique"
WORDS = [
    "Moins de papiers",
    "Un écran, c'est froid",
    "J'ai peur de me tromper",
    "Où est l'accueil ?",
    "Ça dépend des jours",
    "Être aidé sans être jugé",
    "« Le code » reçu par SMS",
    "Déjà 3 mots de passe !",
    "L'aînée m'aide ; c'est ça",
    "Crédit épuisé, œuvre à part",
]
POSTITS = [f"{WORDS[n % len(WORDS)]} (n° {n + 1})" for n in range(50)]


def enter_as_volunteer(page, server, pseudonym: str = "Inès") -> None:
    """A volunteer code made by the coordination, typed on the tablet."""
    records = services_of(server.data_dir)
    record = volunteers.create(records, CAMPAIGN, pseudonym)
    page.goto(server.url + "/benevole/")
    page.fill("#code", record["id"])
    page.click("button[type=submit]")
    expect(page.locator("#code")).to_have_count(0)  # the code was taken


def postits(server) -> list[dict]:
    return [a for a in stored(server, CAMPAIGN) if a["channel"] == "post-it"]


def wait_for_postits(server, count: int, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(found := postits(server)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def browser_processes() -> list[int]:
    """The Chromium processes this test run started (children of Playwright's driver)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    mine, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        mine |= more
        grew = bool(more)
    found = []
    for pid in mine:
        with suppress(OSError):
            if "chrom" in Path(f"/proc/{pid}/comm").read_text().lower():
                found.append(pid)
    return found


@contextmanager
def stuck_browser_stopped_after(seconds: float):
    """Keys typed into a page that is reloading can leave Playwright waiting for ever (it did
    with the old full-page post): stop the browser then, so that the test fails instead."""
    done = threading.Event()

    def watch():
        if not done.wait(seconds):
            for pid in browser_processes():
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def test_fifty_postits_typed_without_a_pause_are_all_stored_whole(context, server):
    page = context.new_page()
    enter_as_volunteer(page, server)
    page.goto(f"{server.url}/terrain/{CAMPAIGN}/transcription")
    expect(page.locator("#texte")).to_be_focused()
    before = len(postits(server))
    with stuck_browser_stopped_after(120):
        for text in POSTITS:
            page.keyboard.type(text)
            page.keyboard.press("Enter")  # and the next post-it is typed at once
    expect(page.locator("#postit-confirmation")).to_have_text(
        f"Post-it enregistré : «\u00a0{POSTITS[-1]}\u00a0»", timeout=60_000
    )
    found = wait_for_postits(server, before + len(POSTITS))
    typed = [a for a in found if a["collector"] == "Inès"]
    assert [next(iter(a["answers"].values())) for a in typed] == POSTITS  # every letter, in order
    assert len({a["id"] for a in typed}) == len(POSTITS)
    expect(page.locator("#postit-nombre")).to_have_text(f"{before + len(POSTITS)} post-it saisis")
    expect(page.locator("#texte")).to_have_value("")
    expect(page.locator("#texte")).to_be_focused()
    expect(page.locator("#postit-file")).to_be_hidden()


def test_a_postit_that_cannot_be_sent_is_shown_kept_and_sent_once(context, server):
    page = context.new_page()
    enter_as_volunteer(page, server, "Yanis")
    url = f"{server.url}/terrain/{CAMPAIGN}/transcription"

    def wifi_down(route):  # the page is there, but nothing it sends reaches the laptop
        route.abort() if route.request.method == "POST" else route.continue_()

    page.route(url, wifi_down)
    page.goto(url)
    # The field takes the focus as the page is shown (autofocus), a moment after « load »:
    # a person starts typing then, as the full-speed test does too.
    expect(page.locator("#texte")).to_be_focused()
    page.keyboard.type("Pas de réseau au marché")
    page.keyboard.press("Enter")
    page.keyboard.type("Deuxième, toujours sans réseau")
    page.keyboard.press("Enter")
    waiting = page.locator("#postit-file")
    expect(waiting).to_contain_text("2 post-it ne sont pas encore enregistrés")
    expect(waiting).to_contain_text("« Pas de réseau au marché » : en attente d'envoi")
    expect(page.locator("#postit-confirmation")).to_be_empty()
    assert axe_violations(page) == []
    page.reload()  # a reload keeps them: they wait in the tablet's browser
    expect(waiting).to_contain_text("2 post-it ne sont pas encore enregistrés")
    assert [a for a in postits(server) if a["collector"] == "Yanis"] == []

    page.unroute(url)  # back in the Wi-Fi
    page.click("#postit-reessayer")
    expect(page.locator("#postit-confirmation")).to_have_text(
        "Post-it enregistré : «\u00a0Deuxième, toujours sans réseau\u00a0»"
    )
    expect(waiting).to_be_hidden()
    texts = [next(iter(a["answers"].values())) for a in postits(server) if a["collector"] == "Yanis"]
    assert texts == ["Pas de réseau au marché", "Deuxième, toujours sans réseau"]


def test_without_javascript_the_confirmation_shows_the_text_saved(browser, server, outside):
    context = outside.watch(browser.new_context(locale="fr-FR", java_script_enabled=False))
    page = context.new_page()
    enter_as_volunteer(page, server, "Awa")
    page.goto(f"{server.url}/terrain/{CAMPAIGN}/transcription")
    page.fill("#texte", "Sans JavaScript, ça marche aussi")
    page.click("form.postit button[type=submit]")
    expect(page.locator("#postit-confirmation")).to_have_text(
        "Post-it enregistré : «\u00a0Sans JavaScript, ça marche aussi\u00a0»"
    )
    assert [next(iter(a["answers"].values())) for a in postits(server) if a["collector"] == "Awa"] == [
        "Sans JavaScript, ça marche aussi"
    ]
    context.close()
