"""The search's word filter (``.texts/trigrams``) skips chunks without changing what a search
finds: after adds, changes and deletions (some by another process), with a damaged or stale
filter file, for short words, and it opens fewer text files for a rare word."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from survey.storage import ChunkedAnswerStore, search_text
from survey.storage.search_text import TEXTS, TRIGRAMS, ChunkTexts, ChunkTrigrams
from tests.factories import make_answer

ROOT = Path(__file__).resolve().parents[2]
KEY = "lower"
WORDS = ["banc", "parc", "trottinette", "bus", "marché", "girafe", "samedi", "école", "vélo", "lumière"]
# What a search may ask: whole words, parts of words, short words, a word found nowhere.
ASKED = [["trottinette"], ["banc"], ["parc", "banc"], ["girafe"], ["cole"], ["bu"], ["a"], ["rché", "sam"], ["zèbre"]]


def folded(text: str) -> str:
    return text.lower()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))


def found(store: ChunkedAnswerStore, words: list[str]) -> list[str]:
    """The ids a search finds through the store's candidates (as the reading service tests them)."""
    return [a["id"] for a in store.iter_newest_containing("c1", words, folded, KEY) if holds(a, words)]


def expected(store: ChunkedAnswerStore, words: list[str]) -> list[str]:
    """The same search without any filter: every answer, newest first, tested."""
    return [a["id"] for a in store.iter_newest("c1") if holds(a, words)]


def holds(answer: dict, words: list[str]) -> bool:
    text = folded(" ".join(v for v in answer["answers"].values() if isinstance(v, str)))
    return all(w in text for w in words)


OTHER_PROCESS = """
import random, sys
from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer
folder, seed, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
store = ChunkedAnswerStore(folder, chunk_size=3)
store.change("c1", target, lambda d: d["answers"].update(avis="une girafe sur une trottinette"))
for _ in range(rng.randint(0, 4)):
    store.add(make_answer("c1", "q", answers={"avis": "un banc au parc ailleurs"}))
"""


def test_a_search_finds_the_same_answers_with_the_filter_after_random_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(search_text, "TRIGRAMS_SAVE_AFTER", 2)  # the file is saved and reloaded often
    rng = random.Random(14)
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    ids: list[str] = []
    for round_ in range(12):
        for _ in range(rng.randint(1, 8)):
            made = make_answer("c1", "q", answers={"avis": sentence(rng), "note": 3})
            store.add(made)
            ids.append(made["id"])
        for target in rng.sample(ids, min(3, len(ids))):
            store.change("c1", target, lambda d: d["answers"].update(avis=sentence(rng)))
        if rng.random() < 0.5 and len(ids) > 4:
            gone = rng.sample(ids, 2)
            store.delete_many("c1", gone)
            ids = [i for i in ids if i not in gone]
        if round_ % 3 == 2:  # another process rewrites an old answer with words it did not hold
            target = rng.choice(ids)
            subprocess.run(
                [sys.executable, "-c", OTHER_PROCESS, str(tmp_path), str(round_), target], check=True, cwd=ROOT
            )
        if round_ % 4 == 3:  # a store started afresh loads the saved filter file
            store = ChunkedAnswerStore(tmp_path, chunk_size=3)
        for words in ASKED:
            assert found(store, words) == expected(store, words), (round_, words)
    assert (tmp_path / "c1" / TEXTS / TRIGRAMS).is_file()


def filled(tmp_path: Path, n: int = 30, rare_at: int = 4) -> tuple[ChunkedAnswerStore, list[dict]]:
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = [make_answer("c1", "q", answers={"avis": "un banc au parc"}) for _ in range(n)]
    made[rare_at]["answers"]["avis"] = "une trottinette au parc"
    for a in made:
        store.add(a)
    return store, made


def filter_file_is_whole(folder: Path) -> bool:
    loaded = ChunkTrigrams(ChunkTexts(folder, KEY, folded))
    return loaded._load()


def test_a_damaged_or_foreign_filter_file_is_made_again_and_a_stale_one_misses_nothing(tmp_path):
    store, made = filled(tmp_path)
    assert found(store, ["trottinette"]) == [made[4]["id"]]  # texts and filter made
    path = tmp_path / "c1" / TEXTS / TRIGRAMS
    assert filter_file_is_whole(tmp_path / "c1")
    whole, i = path.read_bytes(), len(path.read_bytes()) // 2
    damaged = [
        whole[:i],  # cut short
        whole[:i] + bytes([whole[i] ^ 1]) + whole[i + 1 :],  # one bit changed
        whole.replace(b'"key":"lower"', b'"key":"other"'),  # another fold
        b"",
    ]
    for bad in damaged:
        path.write_bytes(bad)
        again = ChunkedAnswerStore(tmp_path, chunk_size=3)
        assert found(again, ["trottinette"]) == [made[4]["id"]]
        assert found(again, ["girafe"]) == []
        assert filter_file_is_whole(tmp_path / "c1")  # made again from the texts and saved
    # A stale file (saved before another store wrote words into an old chunk): the chunk's stat
    # changed, so the file's bits for it are not trusted.
    path.write_bytes(whole)
    ChunkedAnswerStore(tmp_path, chunk_size=3).change(
        "c1", made[1]["id"], lambda d: d["answers"].update(avis="une girafe au parc")
    )
    again = ChunkedAnswerStore(tmp_path, chunk_size=3)
    assert found(again, ["girafe"]) == [made[1]["id"]]
    assert found(store, ["girafe"]) == [made[1]["id"]]  # and the first store, whose filter is in memory


def test_short_words_are_still_found(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=2)
    made = [make_answer("c1", "q", answers={"avis": t}) for t in ["un bus", "la mer", "un vélo", "du pain", "ou"]]
    for a in made:
        store.add(a)
    assert found(store, ["parc"]) == []  # texts and filter made
    assert found(store, ["bu"]) == [made[0]["id"]]
    assert found(store, ["ou"]) == [made[4]["id"]]
    assert found(store, ["u"]) == [made[i]["id"] for i in (4, 3, 2, 0)]
    assert found(store, ["un", "vél"]) == [made[2]["id"]]


class TextOpens:
    """Counts the text files the search opens (``open`` as ``search_text`` calls it)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        monkeypatch.setattr(search_text, "open", self, raising=False)

    def __call__(self, path, *args, **kwargs):
        self.paths.append(str(path))
        return open(path, *args, **kwargs)


def test_the_filter_opens_fewer_text_files_for_a_rare_word(tmp_path, monkeypatch):
    store, made = filled(tmp_path, n=60, rare_at=4)  # 20 chunks; the rare word in chunk 2
    assert found(store, ["trottinette"]) == [made[4]["id"]]  # the first search makes texts and filter
    opens = TextOpens(monkeypatch)
    assert found(store, ["trottinette"]) == [made[4]["id"]]
    assert opens.paths == [str(tmp_path / "c1" / TEXTS / "000002.txt")]
    opens.paths.clear()
    assert found(store, ["girafe"]) == [] and opens.paths == []
    monkeypatch.setattr(ChunkTrigrams, "candidates", lambda self, words: None)  # no filter
    assert found(store, ["trottinette"]) == [made[4]["id"]]
    assert len(opens.paths) == 20  # every chunk's text


def kept_texts(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((folder / TEXTS).glob("*.txt")))


def test_words_deleted_or_corrected_leave_no_copy_in_the_search_cache(tmp_path):
    # A deletion on request (or a correction) must not leave the person's words in `.texts/`
    # until some later search happens to re-read that chunk.
    store, made = filled(tmp_path)
    assert found(store, ["trottinette"]) == [made[4]["id"]]  # the search kept every chunk's text
    assert b"trottinette" in kept_texts(tmp_path / "c1")
    store.delete("c1", made[4]["id"])
    assert b"trottinette" not in kept_texts(tmp_path / "c1")
    store.change("c1", made[10]["id"], lambda a: a["answers"].update(avis="mon adresse 12 rue des Lilas"))
    found(store, ["adresse"])
    store.change("c1", made[10]["id"], lambda a: a["answers"].update(avis="une rue"))
    assert b"lilas" not in kept_texts(tmp_path / "c1")
    assert found(store, ["trottinette"]) == [] and found(store, ["banc"]) == expected(store, ["banc"])
