"""Reading what a page shows: newest answers first, and counts merged from parts.

The page-cost work of issue 14 makes these cheap; what they return must stay exactly
what a full read returns."""

from __future__ import annotations

from collections import Counter

from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer


def channels(answers: list[dict]) -> Counter:
    return Counter(a["channel"] for a in answers)


def test_newest_first_is_the_stored_order_reversed(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = [make_answer("c1", "q", answers={"avis": str(i)}) for i in range(8)]
    for a in made:
        store.add(a)
    assert [a["id"] for a in store.iter_newest("c1")] == [a["id"] for a in reversed(made)]
    assert list(store.iter_newest("vide")) == []


def test_parts_merged_are_the_full_count_after_changes(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = [make_answer("c1", "q", channel=("qr" if i % 3 else "papier")) for i in range(10)]
    for a in made:
        store.add(a)
    store.delete("c1", made[1]["id"])
    store.change("c1", made[2]["id"], lambda d: d.update(channel="post-it"))
    merged = sum(store.partials("c1", "canaux", channels), Counter())
    assert merged == channels(list(store.iter_answers("c1")))
    assert merged == Counter({"qr": 4, "papier": 4, "post-it": 1})
    assert store.partials("vide", "canaux", channels) == []
