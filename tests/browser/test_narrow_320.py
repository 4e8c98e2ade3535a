"""At 320 CSS px (WCAG 1.4.10: 1280 px at 400 %), the coordinator pages this issue names — the
questionnaires list, each questionnaire's page, the answers list — and the forms with their
errors never scroll sideways: long words wrap, a wide table scrolls inside its own region."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from survey.storage.repositories.accounts import ACCOUNTS
from tests.browser.conftest import laid_out, services_of

COORDINATOR, PASSWORD = "camille", "un-mot-de-passe-long"
FORM = "besoins-numeriques-habitants"
WIDE = """() => {
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.right > document.documentElement.clientWidth + 1 && !el.closest('.table-wrap, table.data')) {
            wide.push(el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' + Math.round(box.right));
        }
    }
    return wide.slice(0, 5);
}"""


@pytest.fixture(scope="module")
def coordinator(browser, server):
    services_of(server.data_dir).records.add(
        ACCOUNTS,
        {
            "id": COORDINATOR,
            "name": COORDINATOR,
            "role": "coordination",
            "created_at": "2026-01-01T00:00:00Z",
            "password_hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        },
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(server.url + "/connexion")
    page.fill("#nom", COORDINATOR)
    page.fill("#mot_de_passe", PASSWORD)
    page.locator("form.survey button[type=submit]").click()
    yield page
    context.close()


def sideways(page) -> list[str]:
    if laid_out(page).evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{page.url} : {width} px de large ({page.evaluate(WIDE)})"]


def test_questionnaire_pages_and_lists_fit_320_px(coordinator, server):
    page = coordinator
    problems = []
    page.goto(server.url + "/coordination/questionnaires/")
    problems += sideways(page)
    links = page.eval_on_selector_all(
        "a[href*='/coordination/questionnaires/q/']", "els => [...new Set(els.map(a => a.href))]"
    )
    pages = [link for link in links if link.rstrip("/").count("/") == 6]
    assert len(pages) >= 5, links
    for link in pages:
        page.goto(link)
        problems += sideways(page)
        page.goto(link.rstrip("/") + "/apercu")
        problems += sideways(page)
    for campaign in (FORM, "porteur-de-parole-numerique"):
        page.goto(f"{server.url}/coordination/campagnes/{campaign}/reponses")
        problems += sideways(page)
    assert problems == []


def test_forms_with_their_errors_fit_320_px(coordinator, server):
    page = coordinator
    problems = []
    page.goto(f"{server.url}/coordination/campagnes/nouvelle")
    page.evaluate("document.querySelector('form.survey').noValidate = true")
    page.locator("form.survey button[type=submit]").last.click()
    expect(page.locator(".error-summary a").first).to_be_visible()
    problems += sideways(page)
    page.goto(f"{server.url}/coordination/campagnes/{FORM}/exporter?telecharger=1&du=hier&canal=pigeon")
    problems += sideways(page)
    page.goto(f"{server.url}/terrain/{FORM}/papier?feuille=P-ZZZZ-99")
    problems += sideways(page)
    assert problems == []
