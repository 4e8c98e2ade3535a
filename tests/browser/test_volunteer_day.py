"""A volunteer's field day in a real browser (issue 11, §4 and §6): on a 360 px phone, the
code leads to the volunteer's home, then a door-to-door round: each door's outcome, two
answers, and back to the round each time. Then the wall of words on a 1920×1080 screen that
nobody signed in: it says how to open it, and once open it shows the question and a QR code
readable from the back of the room."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from survey.services import volunteers
from tests.browser.conftest import AXE, axe_violations, laid_out, no_horizontal_scroll, services_of, stored
from tests.factories import make_answer

DOORS = "besoins-numeriques-habitants"
WORDS = "porteur-de-parole-numerique"


def new_code(server, campaign: str, pseudonym: str) -> str:
    """A volunteer code, as the coordination hands it out (written where the server reads it)."""
    svc = services_of(server.data_dir)
    return volunteers.display_code(volunteers.create(svc, campaign, pseudonym)["id"])


def doors_knocked(server, collector: str) -> list[dict]:
    return [
        d
        for d in services_of(server.data_dir).records.all("doors")
        if d["campaign"] == DOORS and d["collector"] == collector
    ]


def wait_for_answers(page, server, collector: str, count: int) -> list[dict]:
    """The volunteer's answers (the demo has others). The queue may thank the person a
    moment before the server has the answer."""
    for _ in range(100):
        answers = [a for a in stored(server, DOORS) if a["collector"] == collector]
        if len(answers) >= count:
            return answers
        page.wait_for_timeout(100)
    return answers


def test_a_volunteer_door_round_on_a_phone(server, context, tmp_path):
    code = new_code(server, DOORS, "Nadia")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    problems: list[str] = []

    def check(name: str) -> None:
        if not no_horizontal_scroll(page):
            problems.append(f"{name} : défilement horizontal à 360 px")
        if AXE.exists():
            problems.extend(f"{name} : {v}" for v in axe_violations(page))
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    page.goto(server.url + "/")
    page.get_by_role("link", name="Espace bénévole").click()  # the discreet link of the home page
    page.fill("#code", code.lower().replace("-", " "))
    page.get_by_role("button", name="Entrer").click()
    expect(page.locator("h1")).to_have_text("Bonjour Nadia")
    expect(page.locator("#recueillir")).to_contain_text("Porte-à-porte")
    check("1-accueil-benevole")

    page.get_by_role("link", name="Commencer la tournée").click()
    expect(page.locator("h1")).to_have_text("Porte-à-porte")
    page.fill("#secteur", "Secteur A")
    page.get_by_role("button", name="Absent").click()
    expect(page.locator(".notice")).to_contain_text("Porte notée : absent.")
    expect(page.locator("#secteur")).to_have_value("Secteur A")  # the sector stays for the next door
    page.get_by_role("button", name="Refus").click()
    expect(page.locator(".notice")).to_contain_text("Porte notée : refus.")
    check("2-tournee")

    for number, (internet, words) in enumerate((("oui", "Un atelier le samedi"), ("non", "Quelqu'un pour m'aider")), 1):
        page.get_by_role("button", name="A répondu").click()
        expect(page.locator("form.survey")).to_be_visible()
        assert "canal=porte-a-porte" in page.url
        page.locator(f"input[name=q_internet][value={internet}]").check()
        page.fill("#q_autre", words)
        page.get_by_role("button", name="Envoyer mes réponses").click()
        next_door = page.get_by_role("link", name="Porte suivante")
        expect(next_door).to_be_visible()
        if number == 1:
            check("3-merci-porte-suivante")
        next_door.click()
        expect(page.locator("h1")).to_have_text("Porte-à-porte")
        expect(page.locator("#secteur")).to_have_value("Secteur A")
    expect(page.locator("main .meta")).to_contain_text("Vous : 4 portes, 2 réponses")
    check("4-retour-tournee")

    answers = wait_for_answers(page, server, "Nadia", 2)
    assert sorted((a["channel"], a["collector"], a["answers"]["autre"]) for a in answers) == [
        ("porte-a-porte", "Nadia", "Quelqu'un pour m'aider"),
        ("porte-a-porte", "Nadia", "Un atelier le samedi"),
    ]
    assert sorted(d["outcome"] for d in doors_knocked(server, "Nadia")) == ["absent", "refus", "repondu", "repondu"]
    assert {d["sector"] for d in doors_knocked(server, "Nadia")} == {"Secteur A"}
    assert problems == []


def test_the_wall_opens_with_a_team_code_and_reads_from_afar(server, browser, outside, tmp_path):
    code = new_code(server, WORDS, "Écran de la salle")
    services_of(server.data_dir).answers.add(
        make_answer(WORDS, WORDS, channel="post-it", answers={"simplifie": "Des bancs devant la mairie"})
    )
    screen = outside.watch(browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080}))
    page = screen.new_page()
    response = page.goto(f"{server.url}/mur/{WORDS}/")
    assert response.status == 403
    main = page.locator("main")
    expect(main).to_contain_text("code bénévole")
    expect(main).to_contain_text("rendre le mur public")
    page.fill("#code", code)
    page.get_by_role("button", name="Ouvrir le mur").click()
    expect(page).to_have_url(re.compile(rf"/mur/{WORDS}/$"))
    expect(page.locator(".wall-card").first).to_contain_text("Des bancs devant la mairie")  # typed post-its show

    question = page.locator("#mur-question")
    expect(question).to_contain_text("?")
    qr = laid_out(page).locator("svg.wall-qr")
    box = qr.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 300, box  # QR ≥ 300 px
    assert box["x"] >= 0 and box["y"] + box["height"] <= 1080  # whole, on screen
    size = float(question.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert size >= 60, size  # big type from 5 m
    card_size = float(
        page.locator(".wall-card p").first.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")
    )
    assert card_size >= 32, card_size
    expect(page.locator(".wall-address")).to_be_visible()
    page.screenshot(path=str(tmp_path / "mur-1920.png"))
    screen.close()
