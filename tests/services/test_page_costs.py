"""What a page pays at a million answers (issue 14): the kept totals are served again without
merging the campaign's parts, a save costs one merge whatever the campaign's size, and every
total stays what counting every answer afresh gives, also after writes by another process and
when more changed than the store remembers."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from survey.services import kept_counts
from survey.services.kept_counts import added
from survey.storage import ChunkedAnswerStore, answer_index, parts_cache
from survey.storage.answer_index import IdIndex
from tests.factories import make_answer

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 3
BLOCK = 2


def answer(**overrides) -> dict:
    return make_answer("c1", "q", **{"answers": {"avis": "Plus de bancs"}, **overrides})


def channels(docs: list[dict]) -> Counter:
    return Counter((a["channel"], bool(a.get("hidden"))) for a in docs)


def recount(folder: Path) -> Counter:
    """Every answer read afresh, by a store that keeps nothing."""
    return channels(list(ChunkedAnswerStore(folder, chunk_size=CHUNK).iter_answers("c1")))


class CountingMerge:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, one: Counter, other: Counter) -> Counter:
        self.calls += 1
        return added(one, other)


def kept_total(store: ChunkedAnswerStore, merge=added) -> Counter:
    return kept_counts.merged(store.partials("c1", "canaux", channels, merge))


@pytest.mark.parametrize("size", [31, 301])  # the last chunk has room: the save goes there
def test_a_page_after_a_save_costs_one_merge_whatever_the_campaign_size(tmp_path, size):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for _ in range(size):
        store.add(answer(channel=random.choice(["qr", "papier"])))
    merge = CountingMerge()
    assert len(store.partials("c1", "canaux", channels, merge)) == 1  # the campaign's total, merged once
    merge.calls = 0
    assert kept_total(store, merge) == recount(tmp_path)
    assert merge.calls == 0  # nothing changed: the total is served again
    store.add(answer(channel="post-it"))  # into the last chunk
    assert kept_total(store, merge) == recount(tmp_path)
    assert merge.calls == 1  # the kept « everything before the last chunk » + the last chunk


def test_a_page_asked_again_reads_no_chunk_and_merges_nothing(tmp_path, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for _ in range(40):
        store.add(answer())
    kept_total(store)
    calls = Counter()

    def summarise(docs):
        calls["summarise"] += 1
        return channels(docs)

    def merge(one, other):
        calls["merge"] += 1
        return added(one, other)

    for _ in range(3):
        store.partials("c1", "canaux", summarise, merge)
    # The first of the three made the key's total (with these functions); the two others cost nothing.
    calls.clear()
    store.partials("c1", "canaux", summarise, merge)
    assert calls == Counter()


ANOTHER_PROCESS = """
import sys
from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer
store = ChunkedAnswerStore(sys.argv[1], chunk_size=int(sys.argv[2]))
what = sys.argv[3]
ids = [a["id"] for a in store.iter_answers("c1")]
if what == "add":
    store.add(make_answer("c1", "q", channel="papier", answers={"avis": "ailleurs"}))
elif what == "hide-old":
    store.change("c1", ids[1], lambda d: d.update(hidden=True))
elif what == "hide-last":
    store.change("c1", ids[-1], lambda d: d.update(hidden=True))
elif what == "delete-old":
    store.delete("c1", ids[4])
"""


def test_a_change_by_another_process_is_seen_by_the_kept_total(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for _ in range(20):
        store.add(answer(channel="qr"))
    assert kept_total(store) == recount(tmp_path)
    for what in ("add", "hide-last", "hide-old", "add", "delete-old", "add"):
        subprocess.run([sys.executable, "-c", ANOTHER_PROCESS, str(tmp_path), str(CHUNK), what], check=True, cwd=ROOT)
        assert kept_total(store) == recount(tmp_path), what
        store.add(answer(channel="post-it"))
        assert kept_total(store) == recount(tmp_path), f"{what}, then a save here"


def test_when_more_changed_than_the_store_remembers_every_chunk_is_compared(tmp_path, monkeypatch):
    monkeypatch.setattr(answer_index, "LOG_MAX", 4)
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for _ in range(12):
        store.add(answer(channel="qr"))
    kept_total(store)
    other = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)  # another process, as far as ``store`` knows
    for a in list(other.iter_answers("c1"))[::2]:
        other.change("c1", a["id"], lambda d: d.update(hidden=True, channel="papier"))
    for _ in range(10):
        other.add(answer(channel="post-it"))
    assert kept_total(store) == recount(tmp_path)


def test_an_index_says_which_chunks_changed_or_that_it_forgot(monkeypatch):
    monkeypatch.setattr(answer_index, "LOG_MAX", 4)
    index = IdIndex()
    index.put(1, (1, 1, 1), ["a"])
    seen = index.changes
    assert index.changed_since(seen) == set()
    index.put(2, (2, 2, 2), ["b"])
    index.drop(1)
    index.drop(7)  # not there: no change
    assert index.changed_since(seen) == {1, 2}
    for n in range(3, 9):
        index.put(n, (n, n, n), [str(n)])
    assert index.changed_since(seen) is None  # too far behind: compare every chunk
    assert index.changed_since(index.changes - 1) == {8}
    assert IdIndex().token != index.token  # a reloaded index is another one


def test_a_page_does_not_wait_under_the_store_locks_while_the_cache_is_being_filled():
    cache = parts_cache.PartsCache(block=BLOCK)
    index = IdIndex()
    index.put(1, (1, 1, 1), ["a"])

    def read(number):
        return (1, 1, 1), [answer()]

    cache.parts("k", [(1, (1, 1, 1))], read, channels, added, (index.token, index.changes))
    assert cache.quick("k", index, read, channels, added) == [Counter({("qr", False): 1})]
    with cache._lock:  # another thread is filling the cache (for seconds, the first time)
        assert cache.quick("k", index, read, channels, added) is None


def test_kept_totals_stay_exact_through_random_writes_of_two_stores(tmp_path, monkeypatch):
    monkeypatch.setattr(answer_index, "LOG_MAX", 8)
    monkeypatch.setattr(parts_cache, "QUICK_MAX", 2)
    rng = random.Random(14)
    here = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    there = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for _ in range(10):
        here.add(answer())
    for step in range(150):
        writer = rng.choice([here, there])
        ids = [a["id"] for a in writer.iter_answers("c1")]
        roll = rng.random()
        if roll < 0.5 or not ids:
            for _ in range(rng.choice([1, 1, 1, 4])):
                writer.add(answer(channel=rng.choice(["qr", "papier", "post-it"])))
        elif roll < 0.85:
            chosen = rng.choice(ids[-6:] if rng.random() < 0.7 else ids)
            writer.change("c1", chosen, lambda d: d.update(hidden=not d.get("hidden")))
        else:
            writer.delete_many("c1", rng.sample(ids, min(2, len(ids))))
        expected = recount(tmp_path)
        for store in (here, there):
            assert kept_total(store) == expected, f"step {step}"
            assert sum(store.partials("c1", "canaux-seuls", channels), Counter()) == expected, f"step {step}"


def test_a_change_in_an_old_answer_costs_its_block_and_a_few_merges_not_one_per_block(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    made = [answer(channel="qr") for _ in range(301)]  # 101 chunks: 50 older blocks and the last
    for a in made:
        store.add(a)
    merge = CountingMerge()
    kept_total(store, merge)
    store.change("c1", made[0]["id"], lambda d: d.update(hidden=True))  # chunk 1, the first block
    merge.calls = 0
    assert kept_total(store, merge) == recount(tmp_path)
    assert merge.calls <= 10  # its block, its way up the merged halves (6), the last chunk
