"""Nothing acknowledged is ever lost: many threads, many processes, and a writer
killed with SIGKILL again and again never lose or duplicate an answer, and never
leave an unreadable file."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from survey.storage import AnswerConflict, ChunkedAnswerStore, RecordStore
from tests.factories import make_answer

ROOT = Path(__file__).resolve().parents[2]


def answer(campaign="c1", **overrides):
    return make_answer(campaign, "q", answers={"avis": "Le numérique, c'est compliqué ? Oui, souvent."}, **overrides)


def all_chunks_parse(folder: Path) -> None:
    for path in folder.rglob("*.json"):
        json.loads(path.read_bytes())  # raises if a file is torn


def test_add_get_update_delete(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=3)
    made = [answer() for _ in range(7)]
    assert all(store.add(a) for a in made)
    assert sorted(os.listdir(tmp_path / "c1")) == [".lock", "000001.json", "000002.json", "000003.json"]
    assert [a["id"] for a in store.iter_answers("c1")] == [a["id"] for a in made]  # oldest first
    assert store.count("c1") == 7
    assert store.get("c1", made[4]["id"])["answers"] == made[4]["answers"]
    assert store.update("c1", made[4]["id"], lambda d: d.update(hidden=True))["hidden"] is True
    assert store.get("c1", made[4]["id"])["hidden"] is True
    assert store.delete("c1", made[4]["id"]) and store.count("c1") == 6
    assert store.get("c1", made[4]["id"]) is None and not store.delete("c1", made[4]["id"])
    assert store.get("c2", made[0]["id"]) is None  # an id never reaches another campaign


def test_same_id_same_content_is_stored_once_other_content_is_refused(tmp_path):
    store = ChunkedAnswerStore(tmp_path)
    a = answer()
    assert store.add(a) is True
    assert store.add(dict(a, submitted_at="2030-01-01T00:00:00Z")) is False  # a retry: server time differs
    with pytest.raises(AnswerConflict):
        store.add(dict(a, answers={"avis": "autre chose"}))
    assert store.count("c1") == 1


def test_saving_does_not_touch_other_campaigns(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=5)
    for _ in range(12):
        store.add(answer("grande"))
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "grande").glob("*.json")}
    store.add(answer("petite"))
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "grande").glob("*.json")} == before


def test_many_threads_lose_nothing_and_duplicate_nothing(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=20)
    made = [answer() for _ in range(400)]
    retries = made[::4]  # a quarter of them sent twice, as a double tap would

    def send(items):
        for a in items:
            store.add(a)

    threads = [threading.Thread(target=send, args=(made[i::8] + retries[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [a["id"] for a in ChunkedAnswerStore(tmp_path).iter_answers("c1")]
    assert len(ids) == 400 and set(ids) == {a["id"] for a in made}
    all_chunks_parse(tmp_path)


def _process_writer(folder, items, results):
    store = ChunkedAnswerStore(folder, chunk_size=20)
    outcome = []
    for item in items:
        try:
            outcome.append("new" if store.add(item) else "again")
        except AnswerConflict:
            outcome.append("conflict")
    results.put(outcome)


def test_many_processes_lose_nothing_and_duplicate_nothing(tmp_path):
    made = [answer() for _ in range(200)]
    # Every answer is sent by two processes; 10 others are sent with changed content by a third.
    shares = [made[0:100], made[100:200], made[50:150], made[0:50] + made[150:200]]
    tampered = [dict(a, answers={"avis": "modifié"}) for a in made[:10]]
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_process_writer, args=(tmp_path, items, results)) for items in shares]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    late = context.Process(target=_process_writer, args=(tmp_path, tampered, results))
    late.start()
    conflicts = results.get(timeout=60)
    late.join()
    flat = [o for out in outcomes for o in out]
    assert flat.count("new") == 200 and flat.count("again") == 200
    assert conflicts == ["conflict"] * 10
    ids = [a["id"] for a in ChunkedAnswerStore(tmp_path).iter_answers("c1")]
    assert len(ids) == 200 and set(ids) == {a["id"] for a in made}


def test_a_failed_write_changes_nothing_and_the_store_goes_on(tmp_path):
    store = ChunkedAnswerStore(tmp_path)
    good = answer()
    store.add(good)
    chunk = tmp_path / "c1" / "000001.json"
    before = chunk.read_bytes()
    with pytest.raises(TypeError):
        store.add(answer(answers={"avis": object()}))  # cannot be written as JSON
    assert chunk.read_bytes() == before
    assert not [p for p in (tmp_path / "c1").iterdir() if p.name.startswith(".tmp")]
    assert store.add(answer()) is True and store.count("c1") == 2


WRITER = """
import sys, uuid
from survey.storage import ChunkedAnswerStore
store = ChunkedAnswerStore(sys.argv[1], chunk_size=int(sys.argv[2]))
seed = int(sys.argv[3])
acked = []
n = 0
print("READY", "-", flush=True)
while True:
    n += 1
    if n % 4 == 0 and acked:
        victim = acked.pop(seed * n % len(acked))
        print("X", victim, flush=True)  # about to delete: it may or may not survive a kill
        store.delete("c1", victim)  # a shrinking write
        print("D", victim, flush=True)
        continue
    answer_id = str(uuid.uuid4())
    store.add({"id": answer_id, "campaign": "c1", "questionnaire": "q", "version": 1, "channel": "qr",
               "answers": {"avis": "é" * (50 + n % 200)}, "submitted_at": "2026-11-21T10:00:00Z"})
    acked.append(answer_id)
    print("A", answer_id, flush=True)
"""


@pytest.mark.slow
def test_a_writer_killed_again_and_again_never_loses_an_acknowledged_answer(tmp_path):
    rng = random.Random(7)
    present: set[str] = set()
    deleted: set[str] = set()
    for round_ in range(12):
        chunk_size = rng.choice([5, 40, 100])
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(chunk_size), str(round_)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        lines: list[str] = []
        ready = threading.Event()

        def read(stream=writer.stdout):
            for line in stream:
                if line.startswith("READY"):
                    ready.set()
                else:
                    lines.append(line)

        reader = threading.Thread(target=read)
        reader.start()
        assert ready.wait(60), "the writer did not start"
        time.sleep(rng.uniform(0.3, 1.0))  # then kill it at a random moment, mid-write or not
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        reader.join()
        writer.stdout.close()
        for line in lines:
            if not line.endswith("\n"):
                continue  # cut by the kill: that acknowledgement never reached anyone
            kind, answer_id = line.split()
            if kind == "A":
                present.add(answer_id)
            elif kind == "X":
                present.discard(answer_id)
            else:
                deleted.add(answer_id)
        all_chunks_parse(tmp_path)  # never a torn file
        stored = {a["id"] for a in ChunkedAnswerStore(tmp_path).iter_answers("c1")}
        assert present <= stored, f"round {round_}: {len(present - stored)} acknowledged answers lost"
        assert not (deleted & stored), f"round {round_}: an acknowledged deletion came back"
    assert len(present) > 100  # the writers really wrote


def test_records_survive_and_are_shared_between_processes(tmp_path):
    RecordStore(tmp_path).put("campaigns", {"id": "a", "title": "Première"})
    code = (
        "import sys; from survey.storage import RecordStore; "
        "RecordStore(sys.argv[1]).put('campaigns', {'id': 'b', 'title': 'Seconde'})"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=ROOT)
    titles = sorted(r["title"] for r in RecordStore(tmp_path).all("campaigns"))
    assert titles == ["Première", "Seconde"]
