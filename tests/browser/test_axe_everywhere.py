"""axe-core on every page — public, team and coordinator — in French and in Arabic, with no
violation at all, whatever its impact.

The pages are found as a person finds them: by following the links from the home page (anyone),
the volunteer space (a volunteer code) and the coordination (a coordinator), in one browser.
Pages of the same kind (another campaign, another answer) are checked once: a path with its ids
taken out names the kind. Each kind is checked in French, then with ``?lang=ar`` where the page
speaks Arabic (the respondent's and the team's pages; the coordination stays in French). Then
the states links don't reach: the forms with errors, a step of the form, the in-page thank-you.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from survey.model.fieldwork import Session
from survey.services import drafts, restitution, volunteers
from survey.services.fieldwork.paper import paper_code
from survey.storage.repositories.accounts import ACCOUNTS
from tests.browser.conftest import axe_violations, services_of

COORDINATOR, PASSWORD = "camille", "un-mot-de-passe-long"
FORM = "besoins-numeriques-habitants"
BOARD = "porteur-de-parole-numerique"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
# Not pages: files, downloads, and what ends the visit.
SKIPPED = re.compile(
    r"\.(csv|xlsx|json|zip|pdf|png|svg|jpg|webp|txt|js|css|webmanifest)$|/export\.|/imprimer/.+|/sortir|/deconnexion"
    r"|/photos/|/enregistrements/|/dessins/|/fichiers/"
)
# What varies between two pages of one kind: campaign, answer, session, questionnaire, code.
IDS = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{27,}|/s\d{8}-[0-9a-f]{4}|/[A-Z2-9]{8}\b|/\d+\b")


@pytest.fixture(scope="module")
def world(server):
    svc = services_of(server.data_dir)
    svc.records.add(
        ACCOUNTS,
        {
            "id": COORDINATOR,
            "name": COORDINATOR,
            "role": "coordination",
            "created_at": "2026-01-01T00:00:00Z",
            "password_hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        },
    )
    svc.sessions.save(Session(id="s20261121-a11y", campaign=BOARD, place="Marché", day="2026-11-21"))
    # A questionnaire being edited (the editor's draft pages) and a published restitution (the
    # public page of the words given back): no link of the demo leads to either.
    form = svc.campaigns.get(FORM)
    draft = drafts.create(svc, svc.questionnaire_for(form).to_dict(), base=svc.questionnaire_for(form), by=COORDINATOR)
    found = restitution.gather(svc, [form])
    chosen = restitution.Composition(
        "Ce que vous nous avez dit",
        [chart.key for chart in found.charts],
        [quote.key for quote in found.quotes[:3]],
        "Beaucoup de démarches se font seul, sur un téléphone.",
        "Un atelier ouvre le samedi matin.",
    )
    saved = restitution.save(svc, restitution.for_campaign(svc, form), chosen, COORDINATOR)
    restitution.set_published(svc, saved.id, True, COORDINATOR)
    return {
        "code": volunteers.create(svc, BOARD, "Alice", by=COORDINATOR)["id"],
        "draft": draft["id"],
        "restitution": saved.slug,
    }


def kind_of(path: str, campaigns: list[str]) -> str:
    for campaign in campaigns:
        path = path.replace(f"/{campaign}/", "/{c}/").replace(f"/{campaign}", "/{c}")
    return IDS.sub("/{id}", path)


class Checker:
    """Visits pages in one tab, checks each kind once per language, keeps what fails."""

    def __init__(self, page, base: str, campaigns: list[str]):
        self.page, self.base, self.campaigns = page, base, campaigns
        self.kinds: set[str] = set()
        self.checked = {"fr": 0, "ar": 0}
        self.problems: list[str] = []

    def check(self, name: str, language: str) -> None:
        self.checked[language] += 1
        for violation in axe_violations(self.page, ALL_IMPACTS):
            self.problems.append(f"{name} [{language}] : {violation}")

    def visit(self, url: str) -> list[str]:
        """Check the page at ``url`` (and its Arabic), return its links."""
        try:
            response = self.page.goto(self.base + url)
        except Exception:  # a download, not a page
            return []
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return []
        self.check(url, "fr")
        links = self.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        arabic = url + ("&" if "?" in url else "?") + "lang=ar"
        self.page.goto(self.base + arabic)
        if self.page.evaluate("document.documentElement.lang") == "ar":
            self.check(url, "ar")
        self.page.goto(self.base + url + ("&" if "?" in url else "?") + "lang=fr")  # back to French for the next
        return links

    def seed(self, urls) -> None:
        """Pages of a kind already seen that differ all the same (another questionnaire)."""
        for url in urls:
            self.kinds.add(kind_of(urlsplit(url).path, self.campaigns))
            self.visit(url)

    def crawl(self, start: str, limit: int = 120) -> None:
        queue = [start]
        while queue and limit:
            url = queue.pop(0)
            kind = kind_of(urlsplit(url).path, self.campaigns)
            if kind in self.kinds:
                continue
            self.kinds.add(kind)
            limit -= 1
            for href in self.visit(url):
                parts = urlsplit(href)
                if parts.netloc != urlsplit(self.base).netloc or SKIPPED.search(parts.path):
                    continue
                if kind_of(parts.path, self.campaigns) not in self.kinds:
                    queue.append(parts.path + (f"?{parts.query}" if parts.query and "lang=" not in parts.query else ""))


def test_every_page_in_french_and_arabic_has_no_axe_violation(browser, server, world):
    started = time.monotonic()
    campaigns = sorted((c.id for c in services_of(server.data_dir).campaigns.all()), key=len, reverse=True)
    problems, counts, kinds = [], {"fr": 0, "ar": 0}, 0

    def run(checker: Checker) -> None:
        nonlocal kinds
        problems.extend(checker.problems)
        for language in counts:
            counts[language] += checker.checked[language]
        kinds += len(checker.kinds)

    # Anyone: the home page and what it leads to.
    public = browser.new_context(locale="fr-FR")
    checker = Checker(public.new_page(), server.url, campaigns)
    checker.crawl("/")
    # Each questionnaire is its own page: its questions' kinds, one page or one at a time.
    checker.seed(f"/c/{c}/{mode}" for c in campaigns for mode in ("", "?mode=pas-a-pas"))
    checker.seed([f"/c/{FORM}/merci", f"/c/{FORM}/kiosque/quitter", f"/restitution/{world['restitution']}"])
    page = checker.page
    # States no link reaches: a step, the form with errors, the in-page thank-you.
    for language in ("fr", "ar"):
        page.goto(f"{server.url}/c/{FORM}/?mode=pas-a-pas&lang={language}")
        page.click("form.survey button[value=suivant]")
        checker.check("pas à pas, question 2", language)
        page.goto(f"{server.url}/c/{FORM}/?lang={language}")
        page.fill("#q_autre", "x" * 5001)
        page.click("form.survey button[value=envoyer]")
        expect(page.locator(".error-summary")).to_be_visible()
        checker.check("formulaire avec erreurs", language)
        page.fill("#q_autre", "")
        page.check("#q_internet-1")
        page.click("form.survey button[value=envoyer]")
        expect(page.locator("#merci-local")).to_be_visible()
        if language == "fr":  # the title says so too (WCAG 2.4.2), and no longer « Erreur – »
            assert page.title().startswith("Merci – "), page.title()
        checker.check("remerciement dans la page", language)
    run(checker)
    public.close()

    # A volunteer with a code: the team's pages.
    team = browser.new_context(locale="fr-FR")
    checker = Checker(team.new_page(), server.url, campaigns)
    checker.page.goto(f"{server.url}/benevole/{world['code']}")
    checker.crawl("/benevole/")
    page = checker.page
    for language in ("fr", "ar"):
        page.goto(f"{server.url}/c/{BOARD}/equipe?lang={language}")
        page.evaluate("document.querySelector('form.survey').noValidate = true")
        page.locator("form.survey button[type=submit]").click()
        checker.check("choix du canal avec erreur", language)
    run(checker)
    team.close()

    # A coordinator: the whole coordination.
    coordination = browser.new_context(locale="fr-FR")
    checker = Checker(coordination.new_page(), server.url, campaigns)
    page = checker.page
    page.goto(server.url + "/connexion")
    page.fill("#nom", COORDINATOR)
    page.fill("#mot_de_passe", "pas le bon")
    page.locator("form.survey button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    checker.check("connexion avec erreur", "fr")
    page.fill("#mot_de_passe", PASSWORD)
    page.locator("form.survey button[type=submit]").click()
    checker.crawl("/coordination/", limit=150)
    # What the crawl sees once but differs by questionnaire, and the pages of one answer.
    svc = services_of(server.data_dir)
    seeds = [f"/terrain/{FORM}/porte-a-porte", f"/c/{FORM}/equipe", f"/c/{BOARD}/equipe"]
    seeds.append(f"/terrain/{FORM}/papier/saisie?feuille={paper_code(svc.campaigns.get(FORM), 1)}")
    for campaign in (FORM, BOARD):
        seeds += [f"/coordination/campagnes/{campaign}/{page}" for page in ("reponses", "resultats", "mots")]
        answer = next(iter(svc.answers.iter_answers(campaign)))["id"]
        seeds += [
            f"/coordination/campagnes/{campaign}/reponses/{answer}{end}" for end in ("", "/corriger", "/supprimer")
        ]
    drafted = f"/coordination/questionnaires/brouillons/{world['draft']}"
    seeds += [f"{drafted}/", f"{drafted}/questions/1", f"{drafted}/apercu"]
    checker.seed(seeds)
    page.goto(f"{server.url}/coordination/campagnes/nouvelle")
    page.evaluate("document.querySelector('form.survey').noValidate = true")
    page.locator("form.survey button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_focused()
    checker.check("nouvelle campagne avec erreurs", "fr")
    run(checker)
    coordination.close()

    print(
        f"\naxe : {kinds} sortes de pages, {counts['fr']} en français, {counts['ar']} en arabe, "
        f"{len(problems)} violations, {time.monotonic() - started:.0f} s"
    )
    assert counts["fr"] > 60 and counts["ar"] > 15
    assert problems == []
