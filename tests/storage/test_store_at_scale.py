"""The answer store at a million answers costs what a page shows: the id index is saved
beside the chunks and trusted only where the chunks' stats agree, other processes'
writes are seen without listing the folder when nobody wrote, kept summaries always equal
a full recount, and newest-first reads only the last chunks."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from survey.storage import AnswerConflict, ChunkedAnswerStore, answer_index
from survey.storage import answers as answers_module
from survey.storage.answer_index import IdIndex
from survey.storage.answers import INDEX, chunk_docs, chunk_name, stat_key
from survey.storage.atomic import read_json
from tests.factories import make_answer

ROOT = Path(__file__).resolve().parents[2]


def answer(campaign="c1", **overrides):
    return make_answer(campaign, "q", **{"answers": {"avis": "Plus de bancs au parc"}, **overrides})


def fill(store: ChunkedAnswerStore, n: int, campaign: str = "c1") -> list[dict]:
    made = [answer(campaign, channel=random.choice(["qr", "papier", "post-it"])) for _ in range(n)]
    for a in made:
        store.add(a)
    return made


def rebuilt(folder: Path) -> IdIndex:
    """The index as read from every chunk, the slow way."""
    index = IdIndex()
    for path in sorted(folder.glob("[0-9]*.json")):
        index.put(int(path.name[:6]), stat_key(path.stat()), [d["id"] for d in chunk_docs(read_json(path))])
    return index


def same(a: IdIndex, b: IdIndex) -> bool:
    return (
        a.numbers == b.numbers
        and a.total == b.total
        and all(a.chunks[n].stat == b.chunks[n].stat for n in a.numbers)
        and all(sorted(a.chunks[n].entries) == sorted(b.chunks[n].entries) for n in a.numbers)
    )


class ReadCounter:
    """Counts the chunk files the store opens (``read_json`` and ``chunk_bytes`` of the answers module)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        monkeypatch.setattr(answers_module, "read_json", self)
        monkeypatch.setattr(answers_module, "chunk_bytes", self.raw)

    def __call__(self, path):
        self.paths.append(Path(path).name)
        return read_json(path)

    def raw(self, path):
        self.paths.append(Path(path).name)
        return answers_module.stat_key(Path(path).stat()), Path(path).read_bytes()


@pytest.fixture
def save_often(monkeypatch):
    monkeypatch.setattr(answers_module, "SAVE_AFTER", 1)


def test_the_saved_index_equals_a_rebuild_and_a_restart_reads_no_chunk(tmp_path, save_often, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=4)
    made = fill(store, 30)
    store.delete_many("c1", [made[3]["id"], made[17]["id"]])
    store.change("c1", made[5]["id"], lambda d: d.update(hidden=True))
    saved = IdIndex.from_bytes((tmp_path / "c1" / INDEX).read_bytes())
    assert saved is not None and same(saved, rebuilt(tmp_path / "c1"))

    reads = ReadCounter(monkeypatch)
    restarted = ChunkedAnswerStore(tmp_path, chunk_size=4)
    restarted.warm()
    assert restarted.count("c1") == 28
    assert reads.paths == []  # start-up trusted the file: every chunk's stat agreed
    assert restarted.get("c1", made[20]["id"])["id"] == made[20]["id"]
    assert reads.paths == [chunk_name(6)]  # one answer: its chunk only
    assert restarted.get("c1", made[3]["id"]) is None


def change_elsewhere(tmp_path: Path, what: str) -> None:
    """Another store (another process's view) writes, with the index file left as it was."""
    other = ChunkedAnswerStore(tmp_path, chunk_size=4)
    ids = [a["id"] for a in other.iter_answers("c1")]
    if what == "delete":
        other.delete("c1", ids[1])
    else:
        other.change("c1", ids[2], lambda d: d.update(tags=["parc"]))


@pytest.mark.parametrize("what", ["delete", "change"])
def test_an_index_file_older_than_a_chunk_is_corrected_from_that_chunk(tmp_path, save_often, monkeypatch, what):
    made = fill(ChunkedAnswerStore(tmp_path, chunk_size=4), 12)
    before = (tmp_path / "c1" / INDEX).read_bytes()
    change_elsewhere(tmp_path, what)
    (tmp_path / "c1" / INDEX).write_bytes(before)  # as if the other process had not saved it yet
    reads = ReadCounter(monkeypatch)
    store = ChunkedAnswerStore(tmp_path, chunk_size=4)
    assert store.count("c1") == (11 if what == "delete" else 12)
    assert reads.paths == [chunk_name(1)]  # only the chunk whose stat changed
    assert (store.get("c1", made[1]["id"]) is None) == (what == "delete")
    assert same(IdIndex.from_bytes((tmp_path / "c1" / INDEX).read_bytes()), rebuilt(tmp_path / "c1"))


def test_a_chunk_removed_behind_the_store_s_back_is_forgotten(tmp_path, save_often):
    made = fill(ChunkedAnswerStore(tmp_path, chunk_size=4), 12)
    (tmp_path / "c1" / chunk_name(2)).unlink()
    store = ChunkedAnswerStore(tmp_path, chunk_size=4)
    assert store.count("c1") == 8
    assert store.get("c1", made[5]["id"]) is None and store.get("c1", made[9]["id"]) is not None


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "missing", "empty", "foreign"])
def test_a_damaged_index_file_is_rebuilt_from_the_chunks(tmp_path, save_often, damage):
    made = fill(ChunkedAnswerStore(tmp_path, chunk_size=4), 14)
    path = tmp_path / "c1" / INDEX
    raw = bytearray(path.read_bytes())
    if damage == "corrupt":
        raw[len(raw) // 2] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "truncated":
        path.write_bytes(bytes(raw[: len(raw) - 9]))
    elif damage == "missing":
        path.unlink()
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b'{"answers": {}}')
    store = ChunkedAnswerStore(tmp_path, chunk_size=4)
    assert store.count("c1") == 14
    assert all(store.get("c1", a["id"]) == {**a, "fingerprint": store.get("c1", a["id"])["fingerprint"]} for a in made)
    assert same(IdIndex.from_bytes(path.read_bytes()), rebuilt(tmp_path / "c1"))  # saved again, whole


OTHER_PROCESS = """
import sys
from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer
store = ChunkedAnswerStore(sys.argv[1], chunk_size=4)
for i in range(int(sys.argv[2])):
    store.add(make_answer("c1", "q", answers={"avis": "ajoutée ailleurs"}, channel="papier"))
if len(sys.argv) > 3:
    store.delete("c1", sys.argv[3])
"""


def other_process(tmp_path: Path, n: int, *delete: str) -> None:
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(tmp_path), str(n), *delete], check=True, cwd=ROOT)


def test_a_write_by_another_process_is_seen_without_restart_and_without_a_listing_otherwise(tmp_path, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=4)
    made = fill(store, 10)
    listings: list[str] = []
    real_scandir = answers_module.os.scandir

    def scandir(path):
        listings.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr(answers_module.os, "scandir", scandir)
    for _ in range(3):
        store.add(answer())
        store.count("c1")
        store.get("c1", made[0]["id"])
        store.partials("c1", "canaux", lambda docs: Counter(a["channel"] for a in docs))
    assert listings == []  # nobody else wrote: the write path and the reads never list the folder

    other_process(tmp_path, 5, made[0]["id"])
    assert store.count("c1") == 13 + 5 - 1
    assert listings == []  # the lock file names the chunks the other process wrote: those are looked at
    assert store.get("c1", made[0]["id"]) is None
    newest = next(store.iter_newest("c1"))
    assert newest["answers"] == {"avis": "ajoutée ailleurs"}
    assert store.add(answer()) is True and store.count("c1") == 18
    assert listings == []


def channels(docs: list[dict]) -> Counter:
    return Counter((a["channel"], bool(a.get("hidden"))) for a in docs)


RANDOM_WRITER = """
import random, sys
from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer
store = ChunkedAnswerStore(sys.argv[1], chunk_size=3)
rng = random.Random(int(sys.argv[2]))
for _ in range(15):
    ids = [a["id"] for a in store.iter_answers("c1")]
    roll = rng.random()
    if roll < 0.5 or not ids:
        store.add(make_answer("c1", "q", channel=rng.choice(["qr", "papier", "post-it"])))
    elif roll < 0.8:
        store.change("c1", rng.choice(ids), lambda d: d.update(hidden=not d.get("hidden"), channel="papier"))
    else:
        store.delete_many("c1", rng.sample(ids, min(3, len(ids))))
"""


def test_kept_summaries_equal_a_full_recount_after_random_writes_in_two_processes(tmp_path):
    rng = random.Random(14)
    store = ChunkedAnswerStore(tmp_path, chunk_size=3, parts_block=2)
    fill(store, 20)

    def recount() -> Counter:
        return channels(list(ChunkedAnswerStore(tmp_path, chunk_size=3).iter_answers("c1")))

    for round_ in range(6):
        subprocess.run([sys.executable, "-c", RANDOM_WRITER, str(tmp_path), str(round_)], check=True, cwd=ROOT)
        for _ in range(10):
            ids = [a["id"] for a in store.iter_answers("c1")]
            roll = rng.random()
            if roll < 0.4:
                store.add(answer(channel=rng.choice(["qr", "papier"])))
            elif roll < 0.8 and ids:
                store.change("c1", rng.choice(ids), lambda d: d.update(hidden=not d.get("hidden")))
            elif ids:
                store.delete("c1", rng.choice(ids))
            expected = recount()
            merged = store.partials("c1", "canaux", channels, lambda a, b: a + b)
            assert sum(merged, Counter()) == expected, f"round {round_}, by block"
            assert sum(store.partials("c1", "canaux-seuls", channels), Counter()) == expected, f"round {round_}"


def test_summaries_are_read_again_only_for_the_chunks_that_changed(tmp_path, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3, parts_block=2)
    made = fill(store, 30)  # ten chunks
    parts = store.partials("c1", "canaux", channels, lambda a, b: a + b)
    assert len(parts) < 10  # older chunks come back merged by block
    reads = ReadCounter(monkeypatch)
    store.partials("c1", "canaux", channels, lambda a, b: a + b)
    assert reads.paths == []
    store.change("c1", made[13]["id"], lambda d: d.update(hidden=True))  # chunk 5, in the block of 5 and 6
    store.add(answer())  # chunk 11, on its own
    reads.paths.clear()
    kept = sum(store.partials("c1", "canaux", channels, lambda a, b: a + b), Counter())
    assert reads.paths == [chunk_name(5), chunk_name(6), chunk_name(11)]
    assert kept == channels(list(store.iter_answers("c1")))


def test_newest_first_reads_only_the_last_chunks(tmp_path, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=5)
    made = fill(store, 100)  # twenty chunks
    store.count("c1")
    reads = ReadCounter(monkeypatch)
    first = []
    for a in store.iter_newest("c1"):
        first.append(a["id"])
        if len(first) == 7:
            break
    assert first == [a["id"] for a in reversed(made[-7:])]
    assert reads.paths == [chunk_name(20), chunk_name(19)]


def test_ids_that_share_a_key_are_told_apart_by_reading_the_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(answer_index, "id_key", lambda answer_id: 7)  # every id collides
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = fill(store, 10)
    assert store.count("c1") == 10
    assert all(store.get("c1", a["id"])["id"] == a["id"] for a in made)
    assert store.add(made[4]) is False
    with pytest.raises(AnswerConflict):
        store.add(dict(made[4], answers={"avis": "autre"}))
    assert store.delete("c1", made[4]["id"]) and store.get("c1", made[4]["id"]) is None
    assert store.change("c1", made[8]["id"], lambda d: d.update(tags=["x"]))["tags"] == ["x"]
    assert [a["id"] for a in store.iter_answers("c1")] == [a["id"] for a in made if a is not made[4]]


def folded(text: str) -> str:
    return text.lower()


def containing(store: ChunkedAnswerStore, *words: str) -> list[str]:
    """The exact matches, as the reading service finds them from the store's candidates."""
    return [
        a["id"]
        for a in store.iter_newest_containing("c1", words, folded, "lower")
        if all(w in folded(" ".join(v for v in a["answers"].values() if isinstance(v, str))) for w in words)
    ]


def test_a_search_reads_only_the_chunks_where_its_words_occur(tmp_path, monkeypatch):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    texts = ["Un banc au parc", "Plus de bus", "Le marché du samedi", "Des bancs, encore"] * 4
    made = [answer(answers={"avis": t, "note": 3}) for t in texts]
    for a in made:
        store.add(a)
    expected = [a["id"] for a in reversed(made) if "banc" in a["answers"]["avis"].lower()]
    assert containing(store, "banc") == expected  # the first search makes the chunks' texts
    assert containing(store, "banc", "encore") == [a["id"] for a in reversed(made) if "encore" in a["answers"]["avis"]]
    reads = ReadCounter(monkeypatch)
    assert containing(store, "samedi") == [a["id"] for a in reversed(made) if "samedi" in a["answers"]["avis"]]
    assert reads.paths == [chunk_name(5), chunk_name(4), chunk_name(3), chunk_name(1)]  # chunks 6 and 2 skipped
    reads.paths.clear()
    assert containing(store, "girafe") == [] and reads.paths == []


def test_a_search_finds_what_another_process_changed_and_survives_damaged_texts(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = fill(store, 9)
    assert containing(store, "girafe") == []
    ChunkedAnswerStore(tmp_path, chunk_size=3).change(
        "c1", made[4]["id"], lambda d: d["answers"].update(avis="Une girafe au parc")
    )
    assert containing(store, "girafe") == [made[4]["id"]]
    for path in (tmp_path / "c1" / ".texts").iterdir():
        path.write_bytes(path.read_bytes().partition(b"\n")[0] + b"\n")  # cut short: made again from its chunk
    assert containing(store, "girafe") == [made[4]["id"]]
    assert containing(store) == [a["id"] for a in reversed(made)]  # no words: every answer
