"""A deep page of the answers list at a million answers (issue 14): the store keeps how many
answers of each chunk pass the page's filter, starts reading at the chunk that holds the page's
first answer, and the page is exactly the one counting from the newest answer gives, after
saves, hides and deletions here and by another store on the same folder (another process)."""

from __future__ import annotations

import random
from itertools import islice

from survey.services.reading import Filters, answers_page
from survey.storage import ChunkedAnswerStore
from survey.storage import answers as answers_module
from tests.factories import make_answer

CHUNK = 5
BLOCK = 2


def visible(answer: dict) -> bool:
    return not answer.get("hidden")


def expected(folder, test, skip: int) -> list[str]:
    """The ids counted from the newest answer by a store that keeps nothing."""
    fresh = ChunkedAnswerStore(folder, chunk_size=CHUNK)
    return [a["id"] for a in islice(filter(test, fresh.iter_newest("c1")), skip, None)]


def got(store: ChunkedAnswerStore, test, skip: int, key: str = "visibles") -> list[str]:
    return [a["id"] for a in store.iter_newest_matching("c1", key, test, skip)]


def test_the_page_from_kept_counts_is_the_page_counted_from_the_newest(tmp_path):
    rng = random.Random(14)
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    other = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)  # another process, as far as ``store`` knows
    ids: list[str] = []
    for round_ in range(12):
        for _ in range(rng.randint(3, 14)):
            answer = make_answer("c1", "q", hidden=rng.random() < 0.2)
            (store if rng.random() < 0.7 else other).add(answer)
            ids.append(answer["id"])
        for _ in range(rng.randint(0, 3)):  # hides and shows, some in old chunks
            writer = store if rng.random() < 0.5 else other
            writer.change("c1", rng.choice(ids), lambda a: a.update(hidden=not a.get("hidden")))
        if rng.random() < 0.5:
            gone = rng.sample(ids, rng.randint(1, 3))
            (store if rng.random() < 0.5 else other).delete_many("c1", gone)
            ids = [i for i in ids if i not in gone]
        for skip in (0, 3, CHUNK, 10 * CHUNK, 10 * CHUNK + 3, len(ids) // 2, len(ids) - 1, len(ids), len(ids) + 5):
            assert got(store, visible, skip) == expected(tmp_path, visible, skip), (round_, skip)


def test_a_deep_page_does_not_open_the_chunks_newer_than_it(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for k in range(200):  # 40 chunks, every 10th answer hidden
        store.add(make_answer("c1", "q", hidden=k % 10 == 0, answers={"n": str(k)}))
    filters = Filters()
    answers_page(store, "c1", None, filters, number=4)  # the kept counts are made once (a first page after a start)
    opened: list[int] = []
    read_chunk = store.read_chunk

    def watched(campaign_id: str, number: int) -> list[dict]:
        opened.append(number)
        return read_chunk(campaign_id, number)

    store.read_chunk = watched
    page = answers_page(store, "c1", None, filters, number=4, per_page=20)
    visible_newest_first = [k for k in range(199, -1, -1) if k % 10]
    shown = visible_newest_first[60:80]  # page 4
    assert [a["answers"]["n"] for a in page.items] == [str(k) for k in shown]
    assert page.total == 180
    assert sorted(opened) == sorted({k // CHUNK + 1 for k in shown})  # 5 chunks of 40: none newer


def test_a_second_filter_keeps_its_own_counts(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK, parts_block=BLOCK)
    for k in range(300):
        store.add(make_answer("c1", "q", hidden=k % 3 == 0, tags=["banc"] if k % 4 == 0 else []))
    tagged = lambda a: "banc" in a["tags"]  # noqa: E731
    for skip in (0, 11, 50, 51, 60, 74, 75, 199, 200):
        assert got(store, visible, skip) == expected(tmp_path, visible, skip)
        assert got(store, tagged, skip, "banc") == expected(tmp_path, tagged, skip)
    store.change("c1", expected(tmp_path, tagged, 60)[0], lambda a: a.update(tags=[]))
    assert got(store, tagged, 55, "banc") == expected(tmp_path, tagged, 55)


def test_writes_by_another_process_are_seen_from_the_lock_file_or_by_listing_the_folder(tmp_path, monkeypatch):
    """Two processes taking turns (``survey serve --workers 2``): the lock file names the chunks
    the other wrote, so a write does not list the folder's chunks; when it no longer remembers
    them all (more than ``CHANGES`` writes, a write that named no chunk, a writer that bumped only
    the generation), the folder is listed, and the counts stay exact."""
    here = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)
    there = ChunkedAnswerStore(tmp_path, chunk_size=CHUNK)  # another process, as far as ``here`` knows
    first = make_answer("c1", "q")
    here.add(first)
    there.count("c1")  # each has loaded the campaign (a start-up lists the folder once)
    listings: list[str] = []
    real_scandir = answers_module.os.scandir

    def scandir(path):
        listings.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr(answers_module.os, "scandir", scandir)
    for k in range(12):  # taking turns, as two workers do
        (here if k % 2 else there).add(make_answer("c1", "q"))
        there.change("c1", first["id"], lambda a: a.update(tags=[f"t{k}"]))
        assert here.count("c1") == there.count("c1") == k + 2
    assert here.get("c1", first["id"])["tags"] == ["t11"]
    assert listings == []

    monkeypatch.setattr(answers_module, "CHANGES", 4)  # remembers 4 writes: ``there`` makes 6
    monkeypatch.setattr(answers_module, "_LOCK_SIZE", answers_module._RING_AT + 4 * answers_module._CHANGE.size)
    there.add(make_answer("c1", "q"))  # the lock file is made again in the smaller layout
    here.count("c1")
    listings.clear()
    for _ in range(6):
        there.add(make_answer("c1", "q"))
    assert here.count("c1") == 20 and len(listings) == 1

    answers_module.bump_generation(tmp_path / "c1")  # a tool that names no chunk
    assert here.count("c1") == 20 and len(listings) == 2
    with open(tmp_path / "c1" / answers_module.LOCK, "r+b") as lock:  # a writer of before the change log
        lock.write(b"0123456789abcdef")
    assert here.count("c1") == 20 and len(listings) == 3
    there.delete("c1", first["id"])
    assert here.count("c1") == 19 and here.get("c1", first["id"]) is None
