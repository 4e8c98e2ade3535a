"""A search at a million answers (issue 14): of the chunks that may hold the words, the store
gives only the answers whose own kept text line holds them (``iter_newest_found``), saying how
many answers it passed, so the page tests a handful of answers instead of every answer of those
chunks, and its pages, totals and « au moins » are exactly those of the search that was given
every answer of the chunks."""

from __future__ import annotations

import json
import random

import pytest

from survey.services import reading
from survey.services.reading import FOLD_KEY, Filters, answers_page, fold
from survey.storage import ChunkedAnswerStore
from survey.storage import answers as answers_module
from survey.storage.search_text import answer_spans, matching_lines
from tests.factories import make_answer

CHUNK = 5
WORDS = ("banc", "École", "ecole", "trottinette", "café", "bus", "parc")


class ChunksOnly:
    """The store as it answered before: every answer of the chunks that may hold the words,
    each counted as one (what a store that knows no better does)."""

    def __init__(self, store: ChunkedAnswerStore) -> None:
        self.store = store

    def __getattr__(self, name):
        return getattr(self.store, name)

    def iter_newest_found(self, campaign_id, words, fold, key):
        for answer in self.store.iter_newest_containing(campaign_id, words, fold, key):
            yield 1, answer


def page_of(store, query: str, number: int, **filters) -> tuple:
    page = answers_page(store, "c1", None, Filters(query=query, **filters), number=number, per_page=3)
    return [a["id"] for a in page.items], page.number, page.total, page.exact


def test_the_pages_of_a_search_are_those_of_the_search_given_every_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "COUNT_AHEAD", 7)  # « au moins » within a small campaign
    rng = random.Random(14)
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    other = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)  # another process, as far as ``store`` knows
    ids = []
    for round_ in range(6):
        for _ in range(rng.randint(10, 30)):
            text = " ".join(rng.choice(WORDS + ("le", "la", "mairie")) for _ in range(rng.randint(0, 4)))
            answer = make_answer("c1", "q", answers={"avis": text, "note": "3"}, hidden=rng.random() < 0.15)
            (store if rng.random() < 0.7 else other).add(answer)
            ids.append(answer["id"])
        for _ in range(3):  # corrections, some by the other process: the kept texts follow
            (store if rng.random() < 0.5 else other).change(
                "c1", rng.choice(ids), lambda a: a["answers"].update(avis=rng.choice(WORDS))
            )
        for query in ("banc", "ecole", "trottinette", "bus parc", "cafe", "introuvable", "e"):
            for number in (1, 2, 4, 40):
                for filters in ({}, {"hidden": "toutes"}):
                    found = page_of(store, query, number, **filters)
                    assert found == page_of(ChunksOnly(store), query, number, **filters), (round_, query, number)


def test_the_store_gives_only_the_answers_holding_the_words_and_counts_the_others(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    for k in range(20):  # 4 chunks; the word in answers 3 and 17
        store.add(make_answer("c1", "q", answers={"avis": "une trottinette" if k in (3, 17) else f"réponse {k}"}))
    words = [fold("Trottinette")]
    given = list(store.iter_newest_found("c1", words, fold, FOLD_KEY))
    shown = [(passed, a and a["answers"]["avis"]) for passed, a in given]
    assert shown == [(3, "une trottinette"), (2, None), (2, "une trottinette"), (3, None)]
    # chunk 4 (answers 15–19) read from 19 down to 17, then 16 and 15; chunks 2 and 3 hold no
    # such text and are not opened; chunk 1 (answers 0–4) from 4 down to 3, then 2 to 0
    assert [a["id"] for a in store.iter_newest_containing("c1", words, fold, FOLD_KEY)][:5] == [
        a["id"] for a in list(store.iter_answers("c1"))[19:14:-1]
    ]


@pytest.mark.parametrize("query", ["", "   "])
def test_without_words_every_answer_is_given_once(tmp_path, query):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    for k in range(12):
        store.add(make_answer("c1", "q", answers={"avis": f"réponse {k}"}))
    given = list(store.iter_newest_found("c1", fold(query).split(), fold, FOLD_KEY))
    assert [passed for passed, _ in given] == [1] * 12  # every answer given
    assert [a["id"] for _, a in given] == [a["id"] for a in store.iter_newest("c1")]


def test_answers_are_parsed_alone_only_from_chunks_in_the_stores_own_layout(tmp_path):
    """The text file says where each answer lies in the chunk's bytes when they are exactly what
    the store writes; a chunk written otherwise (by hand, another tool) is parsed whole, and the
    search finds the same answers either way."""
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    for k in range(10):
        store.add(make_answer("c1", "q", answers={"avis": f"un banc près de l'école {k}", "note": str(k)}))
    folder = tmp_path / "c1"
    raw = (folder / "000001.json").read_bytes()
    table = json.loads(raw)["answers"]
    spans = answer_spans(raw, table)
    assert [json.loads(raw[spans[2 * k] : spans[2 * k + 1]]) for k in range(5)] == list(table.values())
    words = [fold("école"), "banc"]
    by_store = [a["id"] for _, a in store.iter_newest_found("c1", words, fold, FOLD_KEY) if a]
    assert len(by_store) == 10
    (folder / "000001.json").write_text(json.dumps({"answers": table}, indent=1), encoding="utf-8")  # by hand
    answers_module.bump_generation(folder)
    assert answer_spans((folder / "000001.json").read_bytes(), table) is None
    again = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    assert [a["id"] for _, a in again.iter_newest_found("c1", words, fold, FOLD_KEY) if a] == by_store
    assert [a["id"] for _, a in store.iter_newest_found("c1", words, fold, FOLD_KEY) if a] == by_store


def test_matching_lines_are_those_holding_every_word():
    text = b"un banc\nle parc et un banc\n\nparc\nbancs du parc"
    assert matching_lines(text, [b"banc"]) == [0, 1, 4]
    assert matching_lines(text, [b"banc", b"parc"]) == [1, 4]
    assert matching_lines(text, [b"parc", b"banc"]) == [1, 4]
    assert matching_lines(text, [b"velo"]) == []
