"""The whole coordinator journey in a real browser against ``survey serve`` (CSRF on):
first account, a new campaign, a volunteer code used on another tablet, answers coming in,
tagging, a quote, and the printed summary (PDF)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import AXE, axe_violations, no_horizontal_scroll, stored
from tests.conftest import LiveServer

QUOTE = "Il faut plus d'ateliers à l'école du quartier"


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("journey") / "data", "--demo")
    yield server
    server.stop()


def check_page(page, problems: list[str]) -> None:
    """No serious accessibility violation (when axe-core is vendored) and no sideways scroll at 320 px."""
    name = page.url
    if AXE.exists():
        problems += [f"{name} : {v}" for v in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 800})
    if not no_horizontal_scroll(page):
        problems.append(f"{name} : défilement horizontal à 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_from_first_account_to_printed_summary(fresh_server, browser):
    base = fresh_server.url
    problems: list[str] = []
    coordinator = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = coordinator.new_page()

    # 1. First run: the login page leads to the first-account page.
    page.goto(base + "/connexion")
    expect(page).to_have_url(re.compile(r"/premier-demarrage$"))
    page.fill("#nom", "camille")
    page.fill("#mot_de_passe", "un-mot-de-passe-long")
    page.fill("#confirmation", "un-mot-de-passe-long")
    page.locator("button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/coordination/$"))

    # 2. A new campaign.
    page.get_by_role("link", name="Nouvelle campagne").click()
    check_page(page, problems)
    page.fill("#title", "Tablettes au Tunnel")
    page.select_option("#questionnaire", "besoins-numeriques-habitants")
    page.fill("#quartier", "Quartier du Tunnel, Vierzon")
    page.fill("#description", "Commandée par la Ville ; résultats remis au conseil citoyen.")
    page.fill("#retention_months", "12")
    page.get_by_role("button", name="Créer la campagne").click()
    expect(page).to_have_url(re.compile(r"/coordination/campagnes/tablettes-au-tunnel/$"))
    check_page(page, problems)

    # 3. A code for a volunteer.
    page.get_by_role("link", name="Codes des bénévoles").click()
    page.fill("#pseudonyme", "Léa")
    page.get_by_role("button", name="Créer un code", exact=True).click()
    code = page.locator(".code-text").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    check_page(page, problems)
    page.get_by_role("button", name="Créer un code kiosque").click()  # a shared tablet for the event
    expect(page.get_by_role("button", name=re.compile("Changer le code kiosque"))).to_be_visible()
    assert re.search(r"Code kiosque : [A-Z2-9]{4}-[A-Z2-9]{4}", page.locator("main").inner_text())
    check_page(page, problems)

    # 4. Another tablet: the volunteer types the code and collects one answer.
    tablet = browser.new_context(locale="fr-FR", viewport={"width": 800, "height": 1000})
    volunteer = tablet.new_page()
    volunteer.goto(base + "/benevole/")
    volunteer.fill("#code", code.lower())
    volunteer.get_by_role("button", name="Entrer").click()
    expect(volunteer.locator("main")).to_contain_text("Bonjour Léa")  # the volunteer's home
    volunteer.get_by_role("link", name="Recueillir une réponse").click()
    volunteer.locator("input[name=q_internet][value=oui]").check()
    volunteer.fill("#q_autre", QUOTE)
    volunteer.get_by_role("button", name="Envoyer mes réponses").click()
    expect(volunteer.locator("main")).to_contain_text("Merci")
    # The offline queue may thank the person before the server has the answer: wait for it.
    for _ in range(100):
        if stored(fresh_server, "tablettes-au-tunnel"):
            break
        volunteer.wait_for_timeout(100)
    volunteer.goto(base + "/benevole/")
    expect(volunteer.locator("#mes-chiffres")).to_contain_text("1 réponse aujourd'hui")
    check_page(volunteer, problems)
    answers = stored(fresh_server, "tablettes-au-tunnel")
    assert [(a["collector"], a["channel"]) for a in answers] == [("Léa", "tablette")]

    # 5. The coordinator watches it arrive.
    page.goto(base + "/coordination/campagnes/tablettes-au-tunnel/resultats")
    expect(page.locator("#chiffres-cles")).to_contain_text("1 réponse comptée")
    expect(page.locator("svg#graphique-internet")).to_contain_text("1 (100")
    check_page(page, problems)

    # 6. A tag, then the answer found without accents, tagged, and quoted.
    page.goto(base + "/coordination/campagnes/tablettes-au-tunnel/etiquettes")
    page.fill("#etiquette", "Éducation")
    page.get_by_role("button", name="Ajouter l'étiquette").click()
    page.goto(base + "/coordination/campagnes/tablettes-au-tunnel/reponses?q=ecole")
    expect(page.locator("#nombre-resultats")).to_contain_text("1 réponse trouvée")
    check_page(page, problems)
    page.get_by_label("Éducation").check()
    page.get_by_role("button", name="Enregistrer les étiquettes").click()
    page.get_by_role("link", name="Voir la réponse en entier").click()
    page.get_by_role("button", name="À citer dans la synthèse").click()
    expect(page.locator("main")).to_contain_text("à citer")
    check_page(page, problems)
    assert stored(fresh_server, "tablettes-au-tunnel")[0]["tags"] == ["Éducation"]

    # 7. The printable summary and its PDF.
    page.goto(base + "/coordination/campagnes/tablettes-au-tunnel/synthese")
    expect(page.locator("main")).to_contain_text(f"« {QUOTE} »")
    check_page(page, problems)
    href = page.get_by_role("link", name="Télécharger en PDF").get_attribute("href")
    response = coordinator.request.get(base + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "Tablettes au Tunnel" in text and QUOTE in text

    # 8. The journal shows who did what.
    page.goto(base + "/coordination/journal")
    for action in ("compte créé", "campagne créée", "code bénévole créé", "export"):
        expect(page.locator("main")).to_contain_text(action)
    check_page(page, problems)
    tablet.close()
    coordinator.close()
    assert problems == []
