"""Real headless Chromium (Debian's) driven by Playwright, against a real ``survey serve``.

Every test here is marked ``browser`` (and ``slow``); ``make test`` runs them. Nothing
leaves the machine: servers listen on 127.0.0.1, the only other name (``tablette.lan``, a
tablet reaching the laptop by a LAN name, hence *not* a secure context over HTTP) is mapped
to 127.0.0.1 inside Chromium, and every request a page makes is checked to stay there.
"""

from __future__ import annotations

import json
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import LiveServer, services_of, stored_answers  # noqa: F401  (services_of: for the tests here)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAN_NAME = "tablette.lan"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1",
]

# A microphone and a camera that need no person: Chromium's fake devices, allowed without asking.
FAKE_MEDIA_DEVICES = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
# Whether an <audio> element can play what it holds: it reads the recording's header.
PLAYABLE = """async (audio) => {
    if (audio.readyState < 1) {
        await new Promise((resolve, reject) => {
            audio.addEventListener('loadedmetadata', resolve, { once: true });
            audio.addEventListener('error', () => reject(new Error('illisible')), { once: true });
            audio.load();
        });
    }
    return audio.readyState >= 1 && !audio.error;
}"""
LOCAL_HOSTS = {"127.0.0.1", "localhost", LAN_NAME}
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def playwright():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium est absent : lancez scripts/system-packages.sh (paquet Debian chromium).")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("browser") / "data", "--demo")
    yield server
    server.stop()


class Outside:
    """Requests a page tried to send off this machine (there must be none)."""

    def __init__(self):
        self.urls: list[str] = []

    def watch(self, context):
        def check(request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
                self.urls.append(request.url)

        context.on("request", check)
        return context


@pytest.fixture
def outside():
    watcher = Outside()
    yield watcher
    assert watcher.urls == [], f"requêtes hors de la machine : {watcher.urls}"


@pytest.fixture
def context(browser, outside):
    context = outside.watch(browser.new_context(locale="fr-FR"))
    yield context
    context.close()


KEPT_MISSING = """async (urls) => {
    const cache = await caches.open('pdp-pages-1');
    const missing = [];
    for (const url of urls) { if (!(await cache.match(new URL(url, location.href).href))) { missing.push(url); } }
    return missing;
}"""


def wait_until_kept(page, *urls: str, timeout: float = 30) -> None:
    """Wait until the service worker keeps these pages (by default the page itself) for
    offline use. Polled from Python: ``wait_for_function`` does not await a promise."""
    wanted = list(urls) or [page.url]
    deadline = time.monotonic() + timeout
    while missing := page.evaluate(KEPT_MISSING, wanted):
        if time.monotonic() > deadline:
            raise AssertionError(f"pages not kept by the service worker: {missing}")
        time.sleep(0.1)


def leave_wifi(context, server) -> None:
    """The tablet walks out of the Wi-Fi: the laptop's server can't be reached (its process
    is stopped) and the browser knows it is offline. Playwright's offline mode alone is not
    enough: it does not reliably cover what a service worker fetches (microsoft/playwright#2311)."""
    server.stop()
    context.set_offline(True)


def back_in_wifi(context, server) -> None:
    server.start()
    context.set_offline(False)


# ``services_of(data_dir)`` (tests/conftest.py): the services over a running server's data folder,
# as the CLI opens them, on the test's storage: what the coordination does from the laptop (a
# volunteer code…) lands where the server reads it.


def stored(server, campaign: str) -> list[dict]:
    return stored_answers(server.data_dir, campaign)


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core in the page (evaluated through DevTools, so the page's CSP still holds)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [json.dumps(v, ensure_ascii=False) for v in result if v["impact"] in impacts]


def laid_out(page):
    """The page once its stylesheets are in. A click that navigates returns before they are:
    a size read then is the unstyled page's (a QR code as wide as the screen). Call it after
    waiting for something of the new page, so that the page waited for is the new one."""
    page.wait_for_load_state("load")
    return page


def no_horizontal_scroll(page) -> bool:
    """Measured once the page is parsed and styled: a click that submits a form may leave the
    browser between two documents, or on a page whose stylesheet is still on its way."""
    return laid_out(page).evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@contextmanager
def tablet_with_microphone(playwright, outside, locale: str):
    """A tablet's browser with Chromium's fake microphone and camera, every request outside the
    laptop watched (``outside``): for the tests of answers by voice and by drawing."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE_MEDIA_DEVICES)
    context = outside.watch(browser.new_context(locale=locale))
    try:
        yield context
    finally:
        context.close()
        browser.close()


def first_coordinator(page, base_url: str, name: str = "camille") -> None:
    """Create the laptop's first coordinator account (« premier démarrage ») and land on the
    coordination: what a fresh laptop asks before anything else."""
    page.goto(f"{base_url}/premier-demarrage")
    page.fill("#nom", name)
    page.fill("#mot_de_passe", "un-mot-de-passe-long")
    page.fill("#confirmation", "un-mot-de-passe-long")
    page.locator("button[type=submit]").last.click()
    page.wait_for_url("**/coordination/")
