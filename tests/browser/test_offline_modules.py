"""The queue's code as ES modules (``static/offline.js`` and what it imports): the form page
fetches them all in its first round of requests, from this server only, and the service
worker keeps every one, so that a form reopened with no connection still queues and sends."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from survey.web import offline
from tests.browser.conftest import back_in_wifi, leave_wifi, stored, wait_until_kept
from tests.conftest import LiveServer

STATIC = Path(offline.__file__).resolve().parent.parent / "static"
CAMPAIGN = "besoins-numeriques-habitants"  # open to anyone (QR): no sign-in
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?(?:\bfrom\s*)?["'](\.{1,2}/[^"']+)["']""", re.M)
TEXT = "Écrit sans connexion, après un rechargement"
MOST_FILES = 7  # the page and 6 files: past 6, files wait for one of Chromium's 6 connections


def imported_modules(entry: str = "offline.js") -> set[str]:
    """Every module the entry imports, directly or not, as paths under static/."""
    found: set[str] = set()
    todo = [STATIC / entry]
    while todo:
        source = todo.pop()
        for target in IMPORT.findall(source.read_text(encoding="utf-8")):
            path = (source.parent / target).resolve()
            name = path.relative_to(STATIC).as_posix()
            if name not in found:
                found.add(name)
                todo.append(path)
    return found


def test_the_graph_is_read_from_the_files():
    assert imported_modules() >= {"offline/queue.js", "offline/sending.js"}


def test_the_form_page_loads_every_module_in_its_first_round_from_this_server(context, server):
    page = context.new_page()
    requested, console = [], []
    page.on("request", lambda r: requested.append((r.url, r.resource_type)))
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/c/{CAMPAIGN}/", wait_until="load")
    # offline.js ran: the counter of answers waiting is filled in.
    expect(page.locator("#file-attente [data-count]")).to_have_text("Aucune réponse en attente d'envoi.")
    preloaded = page.eval_on_selector_all("link[rel=modulepreload]", "links => links.map(l => l.getAttribute('href'))")
    assert sorted(preloaded) == sorted(f"/static/{name}" for name in imported_modules())
    scripts = [url for url, kind in requested if kind == "script" or url.endswith(".js")]
    assert scripts and all(url.startswith(f"{server.url}/static/") for url in scripts), scripts
    for name in imported_modules() | {"offline.js"}:
        assert scripts.count(f"{server.url}/static/{name}") == 1, name  # fetched once: the preload is used
    files = [url for url, _ in requested if not url.endswith("/favicon.ico")]
    assert len(files) <= MOST_FILES, files  # docs/DESIGN.md, « The queue's code »
    assert not [text for text in console if "Content Security Policy" in text]


def test_the_service_worker_keeps_every_module(context, server):
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    missing = page.evaluate(
        """async (urls) => {
            const name = (await caches.keys()).find((n) => n.startsWith('pdp-fichiers-'));
            const cache = await caches.open(name);
            const missing = [];
            for (const url of urls) { if (!(await cache.match(url))) { missing.push(url); } }
            return missing;
        }""",
        [f"/static/{name}" for name in sorted(imported_modules() | {"offline.js"})],
    )
    assert missing == []


def test_changing_a_module_changes_the_service_workers_version(app, tmp_path, monkeypatch):
    """The cache is named by a digest of the files: a changed module reaches the tablets."""
    copy = tmp_path / "static"
    (copy / "offline").mkdir(parents=True)
    for name in offline.PRECACHED + ("sw.js",):
        (copy / name).write_bytes((STATIC / name).read_bytes())
    monkeypatch.setattr(offline, "STATIC", copy)
    with app.app_context():
        for name in sorted(imported_modules()):
            app.extensions.pop("offline", None)
            before = offline.assets_version()
            (copy / name).write_bytes((STATIC / name).read_bytes() + b"\n// changed\n")
            app.extensions.pop("offline", None)
            assert offline.assets_version() != before, name


@pytest.fixture
def laptop(tmp_path):
    """A server of its own, which the test stops (out of the Wi-Fi) and starts again."""
    server = LiveServer(tmp_path / "data", "--demo")
    yield server
    server.stop()


def test_the_queue_still_sends_after_a_reload_with_no_connection(context, laptop):
    page = context.new_page()
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page)
    leave_wifi(context, laptop)
    page.reload()  # the page and its modules now come from the service worker only
    page.fill("#q_autre", TEXT)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    expect(page.locator("#file-attente [data-count]")).to_have_text("1 réponse en attente d'envoi")
    back_in_wifi(context, laptop)  # the browser's « online »: the queue sends at once

    def texts():
        return [a["answers"].get("autre") for a in stored(laptop, CAMPAIGN)]

    deadline = time.monotonic() + 30
    while TEXT not in texts() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert texts().count(TEXT) == 1
    expect(page.locator("#file-attente [data-count]")).to_have_text("Aucune réponse en attente d'envoi.")
