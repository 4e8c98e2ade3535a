"""Reading answers: search without accents, tags, hiding, quotes, one answer, pages."""

from __future__ import annotations

import html
import re

import pytest

from survey.services.reading import Filters, fold, newest_first, select
from tests.coord_world import CAMPAIGN_A, make_world

TEXTS = [
    "L'École du quartier aide beaucoup",
    "ÉCOLE fermée le mercredi",
    "une ecole numérique",
    "Le marché du samedi",
    "Une œuvre collective",
    "Démarches CAF trop compliquées",
]


@pytest.fixture
def world(tmp_path):
    world = make_world(tmp_path / "data")
    world.svc.answers.delete(CAMPAIGN_A, world.answer_a)
    world.ids = [
        world.add(CAMPAIGN_A, answers={"simplifie": t}, submitted_at=f"2026-03-0{i + 1}T10:00:00Z")["id"]
        for i, t in enumerate(TEXTS)
    ]
    return world


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(response) -> str:
    """The words of the page, without tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split()).replace(" .", ".")


def listed(response) -> list[str]:
    return re.findall(r'id="r-([0-9a-f-]{36})"', response.get_data(as_text=True))


def test_fold_ignores_case_accents_and_ligatures():
    assert fold("L'École ŒUVRE Ça") == "l'ecole oeuvre ca"
    assert fold("démarches’") == "demarches'"


def test_search_finds_accented_text_with_a_plain_query(world):
    client = world.client("coordination")
    for query in ("ecole", "ECOLE", "École", "écolé"):
        found = listed(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses", query_string={"q": query}))
        assert sorted(found) == sorted(world.ids[:3]), query
    found = listed(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses", query_string={"q": "oeuvre"}))
    assert found == [world.ids[4]]
    # Every word must be there, in any order.
    found = listed(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses", query_string={"q": "quartier ecole"}))
    assert found == [world.ids[0]]
    page = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses", query_string={"q": "introuvable"})
    assert listed(page) == [] and "0 réponse trouvée" in plain(page)
    assert "Aucune réponse ne correspond" in plain(page)


def test_tags_are_managed_counted_and_kept(world):
    client = world.client("coordination")
    base = f"/coordination/campagnes/{CAMPAIGN_A}"
    assert client.post(f"{base}/etiquettes", data={"etiquette": "École"}).status_code == 303
    assert client.post(f"{base}/etiquettes", data={"etiquette": "Vie du quartier"}).status_code == 303
    duplicate = client.post(f"{base}/etiquettes", data={"etiquette": "  ecole "})
    assert duplicate.status_code == 422 and "existe déjà" in page_text(duplicate)
    empty = client.post(f"{base}/etiquettes", data={"etiquette": ""})
    assert empty.status_code == 422 and "Écrivez le nom" in page_text(empty)
    for answer_id in world.ids[:3]:
        client.post(f"{base}/reponses/{answer_id}/etiquettes", data={"etiquette": ["École", "Vie du quartier"]})
    # A tag that is not in the campaign's list is ignored.
    client.post(f"{base}/reponses/{world.ids[3]}/etiquettes", data={"etiquette": ["Vie du quartier", "Inventée"]})
    stored = {a["id"]: a["tags"] for a in world.svc.answers.iter_answers(CAMPAIGN_A)}
    assert stored[world.ids[0]] == ["École", "Vie du quartier"] and stored[world.ids[3]] == ["Vie du quartier"]
    tags_page = page_text(client.get(f"{base}/etiquettes"))
    assert re.search(r"École</a></th>\s*<td class=\"n\">3</td>", tags_page)
    assert re.search(r"Vie du quartier</a></th>\s*<td class=\"n\">4</td>", tags_page)
    assert sorted(listed(client.get(f"{base}/reponses", query_string={"etiquette": "École"}))) == sorted(world.ids[:3])
    # Untick one tag: it goes, the other stays.
    client.post(f"{base}/reponses/{world.ids[0]}/etiquettes", data={"etiquette": ["Vie du quartier"]})
    assert world.svc.answers.get(CAMPAIGN_A, world.ids[0])["tags"] == ["Vie du quartier"]
    # Deleting a tag takes it off the answers too.
    client.post(f"{base}/etiquettes", data={"etiquette": "Vie du quartier", "action": "supprimer"})
    assert all("Vie du quartier" not in a["tags"] for a in world.svc.answers.iter_answers(CAMPAIGN_A))
    results = page_text(client.get(f"{base}/resultats"))
    assert "École" in results


def test_hidden_answers_are_kept_but_not_counted(world):
    client = world.client("coordination")
    base = f"/coordination/campagnes/{CAMPAIGN_A}"
    spam = world.ids[3]
    response = client.post(f"{base}/reponses/{spam}/masquer", data={"masquer": "1", "suite": f"{base}/reponses"})
    assert response.status_code == 303 and response.headers["Location"] == f"{base}/reponses"
    stored = world.svc.answers.get(CAMPAIGN_A, spam)
    assert stored["hidden"] is True and stored["answers"]["simplifie"] == TEXTS[3]  # not deleted
    assert spam not in listed(client.get(f"{base}/reponses"))
    assert listed(client.get(f"{base}/reponses", query_string={"masquees": "oui"})) == [spam]
    assert len(listed(client.get(f"{base}/reponses", query_string={"masquees": "toutes"}))) == len(TEXTS)
    results = page_text(client.get(f"{base}/resultats"))
    assert re.search(r"<strong>5</strong> réponses comptées", results)
    assert re.search(r"<strong>1</strong> masquée", results)
    client.post(f"{base}/reponses/{spam}/masquer", data={"masquer": "0"})
    assert world.svc.answers.get(CAMPAIGN_A, spam)["hidden"] is False


def test_quotes_reach_the_summary(world):
    client = world.client("coordination")
    base = f"/coordination/campagnes/{CAMPAIGN_A}"
    client.post(f"{base}/reponses/{world.ids[4]}/citer", data={"question": "simplifie", "citer": "1"})
    client.post(f"{base}/reponses/{world.ids[5]}/citer", data={"question": "pas-une-question", "citer": "1"})
    assert world.svc.answers.get(CAMPAIGN_A, world.ids[4])["quotes"] == ["simplifie"]
    assert world.svc.answers.get(CAMPAIGN_A, world.ids[5])["quotes"] == []
    summary = page_text(client.get(f"{base}/synthese"))
    assert "« Une œuvre collective »" in summary and "Démarches CAF" not in summary
    assert listed(client.get(f"{base}/reponses", query_string={"citer": "1"})) == [world.ids[4]]
    client.post(f"{base}/reponses/{world.ids[4]}/citer", data={"question": "simplifie", "citer": "0"})
    assert "Une œuvre collective" not in page_text(client.get(f"{base}/synthese"))


def test_one_answer_with_its_metadata(world):
    answer = world.add(
        CAMPAIGN_A,
        answers={"simplifie": "<b>pas du HTML</b>", "plaisir": "Oui, souvent"},
        channel="tablette",
        collector="Alice",
        session=None,
        submitted_at="2026-03-09T13:05:00Z",
    )
    page = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}")
    raw = page.get_data(as_text=True)
    body = html.unescape(raw)
    assert "&lt;b&gt;pas du HTML&lt;/b&gt;" in raw and "<b>pas du HTML</b>" not in raw
    assert "9 mars 2026 à 14 h 05" in body  # Paris time
    assert "Tablette (avec un ou une bénévole)" in body and "Alice" in body and answer["id"] in body
    assert "Oui, souvent" in body and "Est-ce que le numérique est un plaisir ?" in body


def test_pages_newest_first(world):
    for i in range(45):
        world.add(CAMPAIGN_A, answers={"simplifie": f"réponse numéro {i}"}, submitted_at=f"2026-04-01T10:{i:02d}:00Z")
    client = world.client("coordination")
    base = f"/coordination/campagnes/{CAMPAIGN_A}/reponses"
    first = client.get(base, query_string={"q": "numero"})
    assert "Page 1 sur 3" in page_text(first)
    firsts = listed(first)
    assert len(firsts) == 20
    third = listed(client.get(base, query_string={"q": "numero", "page": "3"}))
    assert len(third) == 5
    beyond = listed(client.get(base, query_string={"q": "numero", "page": "99"}))
    assert beyond == third
    assert listed(client.get(base, query_string={"q": "numero", "page": "abc"})) == firsts
    stored = [a for a in world.svc.answers.iter_answers(CAMPAIGN_A) if "numéro" in a["answers"]["simplifie"]]
    assert firsts[0] == stored[-1]["id"] and third[-1] == stored[0]["id"]


def test_select_filters_are_pure():
    answers = [
        {"id": "1", "answers": {"a": "Été"}, "tags": ["x"], "hidden": False},
        {"id": "2", "answers": {"a": "hiver"}, "tags": [], "hidden": True},
    ]
    assert [a["id"] for a in select(answers, None, Filters(query="ete"))] == ["1"]
    assert [a["id"] for a in select(answers, None, Filters(hidden="toutes"))] == ["1", "2"]
    assert [a["id"] for a in select(answers, None, Filters(tag="x", hidden="toutes"))] == ["1"]
    page = newest_first(lambda: iter(range(2500)), 120, 20)
    assert page.items == list(range(119, 99, -1)) and page.pages == 125


def test_fast_fold_matches_the_plain_unicode_definition():
    import random
    import unicodedata

    from survey.services.reading import _LIGATURES

    def reference(text):
        decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    alphabet = (
        [chr(i) for i in range(32, 0x250)] + [chr(i) for i in range(0x2000, 0x2070)] + list("€«»ÅΩαé\u0301\u0327😀ا")
    )  # also letters outside the fast table
    rng = random.Random(7)
    for _ in range(2000):
        sample = "".join(rng.choice(alphabet) for _ in range(30))
        assert fold(sample) == reference(sample), sample
