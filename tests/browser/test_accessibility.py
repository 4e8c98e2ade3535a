"""Every public page under axe-core (no serious or critical violation), usable at 320 px and at
200 % zoom with no horizontal scroll, and a whole form completed with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from survey import create_app
from tests.browser.conftest import axe_violations, back_in_wifi, leave_wifi, no_horizontal_scroll, stored

FORM = "besoins-numeriques-habitants"
CLOSED = "fiche-initiative"
WALL = "porteur-de-parole-numerique"
# 320 CSS px is the WCAG reflow width (1280 px at 400 %); 640 CSS px is 1280 px at 200 % zoom.
WIDTHS = (320, 640, 1280)


@pytest.fixture(scope="module")
def prepared(server):
    """A closed campaign, and a public wall of words if this build has one."""
    app = create_app({"DATA_DIR": str(server.data_dir), "SECRET_KEY": "test"})
    svc = app.extensions["survey"]
    campaign = svc.campaigns.get(CLOSED)
    campaign.closed = True
    svc.campaigns.save(campaign)
    try:
        from survey.services.fieldwork.wall import set_wall_public
    except ImportError:
        return {"wall": False}
    set_wall_public(svc, WALL, True)
    return {"wall": True}


def pages(prepared):
    listed = [
        ("accueil", "/", 200),
        ("formulaire sur une page", f"/c/{FORM}/", 200),
        ("formulaire pas à pas", f"/c/{FORM}/?mode=pas-a-pas", 200),
        ("une seule question (affiche)", "/c/porteur-de-parole-numerique/?question=complique&canal=qr", 200),
        ("page de remerciement", f"/c/{FORM}/merci", 200),
        ("erreur 404", "/c/inconnue/", 404),
        ("campagne fermée", f"/c/{CLOSED}/", 410),
        ("aide certificat", "/aide/certificat", 200),
        ("vos données", f"/c/{FORM}/confidentialite", 200),
        ("sortie du mode kiosque", f"/c/{FORM}/kiosque/quitter", 200),
    ]
    if prepared["wall"]:
        listed.append(("mur de mots", f"/mur/{WALL}/", 200))
    return listed


def check(page, name):
    problems = [f"{name} : {v}" for v in axe_violations(page)]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        if not no_horizontal_scroll(page):
            problems.append(f"{name} : défilement horizontal à {width} px")
    page.set_viewport_size({"width": 1280, "height": 800})
    return problems


def test_every_public_page_passes_axe_and_reflows(context, server, prepared):
    page = context.new_page()
    problems = []
    for name, path, status in pages(prepared):
        response = page.goto(server.url + path)
        assert response.status == status, (name, response.status)
        problems += check(page, name)
    assert problems == []


def test_pages_in_their_other_states_pass_axe(context, server):
    """The form with errors, the offline queue shown, the local thank-you, the kiosk form."""
    page = context.new_page()
    page.goto(f"{server.url}/c/{FORM}/")
    page.fill("#q_autre", "x" * 5001)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator(".error-summary")).to_be_visible()
    problems = check(page, "formulaire avec erreurs")
    page.goto(f"{server.url}/c/{FORM}/?mode=pas-a-pas")
    page.click("form.survey button[value=suivant]")
    problems += check(page, "pas à pas, question 2")
    page.goto(f"{server.url}/c/{FORM}/")
    leave_wifi(context, server)
    page.check("#q_internet-1")
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local")).to_be_visible()
    expect(page.locator("#file-attente")).to_be_visible()
    problems += check(page, "remerciement hors connexion, file d'attente")
    back_in_wifi(context, server)
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    kiosk = context.browser.new_context(locale="fr-FR")
    page = kiosk.new_page()
    page.goto(f"{server.url}/c/{FORM}/?kiosque=1")
    problems += check(page, "formulaire en mode kiosque")
    page.check("#q_internet-2")
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-countdown]")).to_be_visible()
    problems += check(page, "remerciement en mode kiosque")
    kiosk.close()
    assert problems == []


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} n'est jamais atteint au clavier")


def test_a_form_completed_with_the_keyboard_alone(context, server):
    page = context.new_page()
    page.goto(f"{server.url}/c/{FORM}/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    tab_to(page, "#q_equipement-1")
    page.keyboard.press("Space")  # a check box
    tab_to(page, "#q_internet-1")
    page.keyboard.press("Space")  # « Oui »: the group's first radio
    page.keyboard.press("ArrowRight")  # then « Non » with an arrow
    tab_to(page, "#q_aisance-1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 3 on the scale
    tab_to(page, "#q_autre")
    page.keyboard.type("Au clavier seulement")
    tab_to(page, "form.survey button[value=envoyer]")
    page.keyboard.press("Enter")
    expect(page.locator("#merci-local")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "merci-titre"
    [answer] = [a for a in stored(server, FORM) if a["answers"].get("autre") == "Au clavier seulement"]
    assert answer["answers"]["internet"] == "non" and answer["answers"]["aisance"] == 3
    assert len(answer["answers"]["equipement"]) == 1
    tab_to(page, "#merci-local [data-next]")
    page.keyboard.press("Enter")  # the next person, still by keyboard
    expect(page.locator("#q_autre")).to_have_value("")
    assert page.evaluate("() => document.activeElement.tagName") == "H1"
