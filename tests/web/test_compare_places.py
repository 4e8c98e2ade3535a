"""« Comparer les lieux » (issue 17 §3): the same chart per place for a campaign or a démarche;
every count equals one made here from the stored answers, leads to exactly those answers, and
another structure's campaign or démarche does not exist for a coordinator."""

from __future__ import annotations

import html
import re
from collections import Counter
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from survey.model.demarche import Demarche
from survey.model.fieldwork import Session
from survey.model.structure import DEFAULT_ID
from tests.coord_world import CAMPAIGN_B, add_second_structure, make_world

VIERZON_CAMPAIGN = "besoins-vierzon"
DEMARCHE = "tours-vierzon"
NO_PLACE = "Lieu non précisé"
# (own place, session, equipment ticked, tags, hidden)
ANSWERS = [
    ("", "s-tours", ["smartphone"], ["Accès aux droits"], False),
    ("", "s-tours", ["smartphone", "ordinateur"], ["Accès aux droits"], False),
    ("", "s-tours", ["tablette"], [], False),
    ("", "s-tours", ["smartphone"], [], True),  # hidden: counted nowhere
    ("Vierzon", "s-tours", ["ordinateur"], ["Accès aux droits"], False),  # its own place wins
    ("Vierzon", "", ["smartphone", "tablette"], ["Isolement"], False),
    ("", "", ["ordinateur"], [], False),  # no session, no place: the campaign's
    ("", "s-tours", [], [], False),  # did not answer the question
]


def place_of(answer: dict, sessions: dict[str, str], default: str) -> str:
    """Written here, apart from the code: own place, else session's, else the campaign's."""
    return answer.get("place") or sessions.get(answer.get("session") or "") or default


@pytest.fixture
def world(data_dir):
    world = add_second_structure(make_world(data_dir))
    svc = world.svc
    svc.sessions.save(Session(id="s-tours", campaign=CAMPAIGN_B, place="Tours-Nord", day="2026-03-02"))
    for place, session, ticked, tags, hidden in ANSWERS:
        values = {"equipement": ticked} if ticked else {"internet": "oui"}
        world.add(CAMPAIGN_B, answers=values, place=place, session=session or None, tags=tags, hidden=hidden)
    other = svc.campaigns.get(CAMPAIGN_B)
    other.id, other.title, other.quartier, other.structure, other.short_code = (
        VIERZON_CAMPAIGN,
        "Besoins à Vierzon",
        "Vierzon",
        "",
        "",
    )
    svc.campaigns.save(other)
    for ticked in (["smartphone"], ["aucun"], ["smartphone", "ordinateur"]):
        svc.answers.add(_answer(VIERZON_CAMPAIGN, {"equipement": ticked}, tags=["Isolement"]))
    svc.demarches.add(Demarche(DEMARCHE, "Tours et Vierzon", [CAMPAIGN_B, VIERZON_CAMPAIGN], DEFAULT_ID))
    return world


def _answer(campaign: str, values: dict, **extra) -> dict:
    from tests.factories import make_answer

    return make_answer(campaign, CAMPAIGN_B, answers=values, **extra)


def expected(world, campaigns) -> tuple[Counter, dict]:
    """(place, value) → people, and (campaign, place, value) → answer ids, from the stored answers."""
    counts: Counter = Counter()
    ids: dict = {}
    for campaign_id in campaigns:
        campaign = world.svc.campaigns.get(campaign_id)
        sessions = {s.id: s.place for s in world.svc.sessions.for_campaign(campaign_id)}
        for answer in world.svc.answers.iter_answers(campaign_id):
            if answer.get("hidden"):
                continue
            where = place_of(answer, sessions, campaign.place or NO_PLACE)
            for value in set((answer.get("answers") or {}).get("equipement") or []):
                counts[(where, value)] += 1
                ids.setdefault((campaign_id, where, value), set()).add(answer["id"])
    return counts, ids


def figure_links(page: str) -> list[tuple[str, dict, int]]:
    """Each link to the answers list: (campaign, its filters, the count it shows)."""
    found = []
    for href, count in re.findall(r'<a href="(/coordination/campagnes/[^"]+/reponses\?[^"]+)">([\d\u00a0]+)', page):
        parts = urlsplit(html.unescape(href))
        filters = {k: v[0] for k, v in parse_qs(parts.query).items()}
        found.append((parts.path.split("/")[3], filters, int(count.replace("\u00a0", ""))))
    return found


def listed_ids(client, url: str) -> tuple[int, set[str]]:
    page = client.get(url).get_data(as_text=True)
    total = int(
        re.search(r'id="nombre-resultats">(?:Au moins )?<strong>([\d\u00a0]+)', page).group(1).replace("\u00a0", "")
    )
    return total, set(re.findall(r'<li class="answer-item[^"]*" id="r-([0-9a-f-]+)"', page))


def test_a_campaign_shows_one_chart_per_place_with_counts_made_from_the_stored_answers(world):
    client = world.client("coordination")
    response = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/lieux?question=equipement")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    counts, ids = expected(world, [CAMPAIGN_B])
    places = sorted({p for p, _ in counts})
    assert len(places) == 3  # Tours-Nord (session), Vierzon (own place), the campaign's place
    assert page.count('role="img"') == len(places)
    for place in places:
        assert f">{html.escape(place)}</h3>" in page
    links = [(c, f, n) for c, f, n in figure_links(page) if "valeur" in f]
    shown = {(f["lieu"], f["valeur"]): n for _, f, n in links}
    assert shown == dict(counts)
    assert all(f["choix"] == "equipement" and c == CAMPAIGN_B for c, f, _ in links)


def test_each_count_opens_exactly_the_answers_it_counts(world):
    client = world.client("coordination")
    page = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/lieux?question=equipement").get_data(as_text=True)
    _, ids = expected(world, [CAMPAIGN_B])
    checked = 0
    for _campaign, filters, n in figure_links(page):
        url = f"/coordination/campagnes/{CAMPAIGN_B}/reponses"
        total, listed = listed_ids(client, url + "?" + urlencode(filters))
        assert total == n == len(listed)
        if "valeur" in filters:
            assert listed == ids[(CAMPAIGN_B, filters["lieu"], filters["valeur"])]
            checked += 1
    assert checked == len(ids)
    # the list says which place and choice it is filtered on
    listed = client.get(
        f"/coordination/campagnes/{CAMPAIGN_B}/reponses",
        query_string={"lieu": "Vierzon", "choix": "equipement", "valeur": "tablette"},
    ).get_data(as_text=True)
    assert "Lieu : <strong>Vierzon</strong>" in listed and 'name="valeur" value="tablette"' in listed


def test_a_demarche_compares_its_two_cities_and_its_tags_by_place(world):
    client = world.client("coordination")
    page = client.get(f"/coordination/demarches/{DEMARCHE}/lieux?question={CAMPAIGN_B}:equipement").get_data(
        as_text=True
    )
    counts, ids = expected(world, [CAMPAIGN_B, VIERZON_CAMPAIGN])
    # Vierzon holds answers of both campaigns: the figure is their sum, each part its own link
    links = [(c, f, n) for c, f, n in figure_links(page) if "valeur" in f]
    by_place: Counter = Counter()
    for campaign, filters, n in links:
        assert n == len(ids[(campaign, filters["lieu"], filters["valeur"])])
        by_place[(filters["lieu"], filters["valeur"])] += n
    assert by_place == counts
    assert {c for c, _, _ in links} == {CAMPAIGN_B, VIERZON_CAMPAIGN}
    words = re.sub(r"<[^>]+>", "", page)
    assert f"{counts[('Vierzon', 'smartphone')]} dont" in words.replace("\n", " ")
    # tags by place: each cell leads to the answers with that tag in that place
    tag_links = [(c, f, n) for c, f, n in figure_links(page) if "etiquette" in f]
    assert tag_links
    for campaign, filters, n in tag_links:
        total, listed = listed_ids(
            client,
            f"/coordination/campagnes/{campaign}/reponses?" + urlencode(filters),
        )
        assert total == n == len(listed)
        stored = [
            a
            for a in world.svc.answers.iter_answers(campaign)
            if filters["etiquette"] in a.get("tags", []) and not a.get("hidden")
        ]
        assert listed <= {a["id"] for a in stored}
    isolement = {(c, f["lieu"]): n for c, f, n in tag_links if f["etiquette"] == "Isolement"}
    assert isolement == {(CAMPAIGN_B, "Vierzon"): 1, (VIERZON_CAMPAIGN, "Vierzon"): 3}  # one city, two campaigns


def test_a_question_not_in_the_list_is_said_in_french(world):
    client = world.client("coordination")
    response = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/lieux?question=autre")
    assert response.status_code == 422
    assert "Choisissez une question à choix dans la liste." in html.unescape(response.get_data(as_text=True))
    form = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/lieux")
    assert form.status_code == 200 and 'role="img"' not in form.get_data(as_text=True)


def test_another_structures_campaign_and_demarche_do_not_exist(world):
    other = world.client("coordination_nord")
    for url in (
        f"/coordination/campagnes/{CAMPAIGN_B}/lieux?question=equipement",
        f"/coordination/demarches/{DEMARCHE}/lieux?question={CAMPAIGN_B}:equipement",
    ):
        response = other.get(url)
        assert response.status_code == 404
        assert "Tours-Nord" not in response.get_data(as_text=True)
    assert world.client("anonyme").get(f"/coordination/demarches/{DEMARCHE}/lieux").status_code in (302, 303)


def test_the_tags_by_place_of_frequent_words_lead_to_their_answers(world):
    client = world.client("coordination")
    page = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/mots").get_data(as_text=True)
    links = [(c, f, n) for c, f, n in figure_links(page) if "lieu" in f]
    assert {(f["etiquette"], f["lieu"]): n for _, f, n in links} == {
        ("Accès aux droits", "Tours-Nord"): 2,
        ("Accès aux droits", "Vierzon"): 1,
        ("Isolement", "Vierzon"): 1,
    }
    for _, filters, n in links:
        total, listed = listed_ids(client, f"/coordination/campagnes/{CAMPAIGN_B}/reponses?" + urlencode(filters))
        assert total == n == len(listed)
