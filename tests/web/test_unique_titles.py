"""Every page says what it is in its title (WCAG 2.4.2): crawling what a coordinator and a team
member reach by following links, no two different pages share a title, and the steps of a
form and its thank-you each say where the person is."""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

from survey.model.fieldwork import Session
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, make_world

LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]*)', re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# Files and actions rather than pages; the network pages exist only on a shared instance.
SKIPPED = re.compile(
    r"\.(csv|xlsx|json|zip|pdf|png|svg|jpg|webp|txt|js|css|ics)$|/export|/imprimer/|/sortir|/deconnexion"
)
LIMIT = 400


def crawl(client, start: str, limit: int = LIMIT) -> dict[str, set[str]]:
    """title → the pages (paths) that carry it, following the links from ``start``."""
    titles: dict[str, set[str]] = defaultdict(set)
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        found = TITLE.search(html)
        if found:
            titles[" ".join(unescape(found.group(1)).split())].add(urlsplit(url).path)
        for href in LINK.findall(html):
            target = urljoin(url, unescape(href))
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or SKIPPED.search(parts.path):
                continue
            if "page=" in parts.query:  # the next pages of a list are the same page
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                queue.append(local)
    return titles


@pytest.fixture
def world(data_dir):
    world = make_world(data_dir)
    world.svc.sessions.save(Session(id="s20261121-abcd", campaign=CAMPAIGN_A, place="Marché", day="2026-11-21"))
    world.svc.sessions.save(Session(id="s20261122-efgh", campaign=CAMPAIGN_A, place="Hall", day="2026-11-22"))
    return world


@pytest.mark.parametrize(("role", "start"), [("coordination", "/coordination/"), ("benevole_a", "/benevole/")])
def test_no_two_pages_share_a_title(world, role, start):
    titles = crawl(world.client(role), start)
    assert len(titles) > (40 if role == "coordination" else 5)
    shared = {title: sorted(paths) for title, paths in titles.items() if len(paths) > 1}
    assert shared == {}


def title_of(response) -> str:
    return " ".join(unescape(TITLE.search(response.get_data(as_text=True)).group(1)).split())


def test_each_step_and_the_thank_you_say_where_the_person_is(world):
    client = world.app.test_client()
    first = title_of(client.get(f"/c/{CAMPAIGN_B}/?mode=pas-a-pas"))
    assert first.startswith("Question 1 sur "), first
    second = client.post(f"/c/{CAMPAIGN_B}/?mode=pas-a-pas", data={"action": "suivant", "etape": "equipement"})
    assert title_of(second).startswith("Question 2 sur "), title_of(second)
    thanks = title_of(client.get(f"/c/{CAMPAIGN_B}/merci"))
    assert thanks.startswith("Merci – "), thanks


def test_each_answer_of_the_list_has_a_heading_and_controls_named_for_it(world):
    client = world.client("coordination")
    client.post(f"/coordination/campagnes/{CAMPAIGN_A}/etiquettes", data={"etiquette": "démarches"})
    world.add(CAMPAIGN_A, answers={"simplifie": "Une deuxième réponse"})
    html = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses").get_data(as_text=True)
    headings = re.findall(r'<h2 class="answer-heading">Réponse n° (\d+)', html)
    assert headings == ["1", "2"]
    links = re.findall(r">Voir la réponse en entier<span class=\"visually-hidden\">([^<]*)</span></a>", html)
    assert links == [" (n° 1)", " (n° 2)"]
    buttons = re.findall(r"Enregistrer les étiquettes<span class=\"visually-hidden\"> ([^<]*)</span>", html)
    assert buttons == ["de la réponse n° 1", "de la réponse n° 2"]
