"""The PostgreSQL store's fast paths (issue 15 §6) keep the slow paths' behaviour.

- An answer is stored by one statement: the trigger of migration 0008 keeps the campaign's
  counts from the rows really inserted or deleted, so a retried answer counts once, and the
  counts stay exact whoever writes (threads on several connections, a raw INSERT, a COPY).
- Its JSON is encoded once and checked on its text (``values.jsonb_text``): refused exactly
  where the value walk (``has_unstorable``) refuses.
- Bodies are parsed by ``JSONDecoder.raw_decode`` (json.loads less its white-space checks): an
  export is byte for byte the one ``json.loads``, and the laptop's storage, give.
"""

from __future__ import annotations

import json
import threading

import psycopg
import pytest

from survey.storage.answers import AnswerConflict
from survey.storage.postgres import answers as postgres_answers
from survey.storage.postgres import open_database
from survey.storage.postgres.values import UnstorableText, has_unstorable, jsonb_text
from tests.exports_support import ANSWERS, answer, export_bytes, load_answers, make_app
from tests.factories import make_answer


@pytest.fixture
def database(url):
    database = open_database(url, pool_size=4)
    yield database
    database.close()


def kept(url: str, campaign: str) -> tuple[int, int, int]:
    """The kept count, the kept « ever added », and the rows really there."""
    with psycopg.connect(url) as conn:
        total, added = conn.execute(
            "SELECT coalesce(sum(total), 0), coalesce(sum(added), 0) FROM answer_campaigns WHERE campaign = %s",
            (campaign,),
        ).fetchone()
        rows = conn.execute("SELECT count(*) FROM answers WHERE campaign = %s", (campaign,)).fetchone()[0]
    return int(total), int(added), int(rows)


def test_an_answer_sent_again_is_stored_once_and_counted_once(database, url):
    first = make_answer("c1", "q", answers={"avis": "Très bien"})
    assert database.answers.add(first) is True
    assert database.answers.add(dict(first)) is False  # the tablet's retry: already stored
    with pytest.raises(AnswerConflict):
        database.answers.add(dict(first, answers={"avis": "Autre chose"}))
    assert database.answers.count("c1") == 1 and kept(url, "c1") == (1, 1, 1)
    assert database.answers.get("c1", first["id"])["answers"] == {"avis": "Très bien"}


def test_counts_stay_exact_through_writers_on_several_connections_and_deletes(database, url):
    sent = [make_answer("c1", "q", answers={"n": i}) for i in range(120)]

    def send(chunk: list[dict]) -> None:
        for a in chunk:
            database.answers.add(a)
            database.answers.add(a)  # each sent twice: counted once

    threads = [threading.Thread(target=send, args=(sent[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert kept(url, "c1") == (120, 120, 120)
    assert database.answers.delete_many("c1", [a["id"] for a in sent[:30]] + ["not-there"]) == 30
    assert database.answers.delete("c1", sent[30]["id"]) is True
    assert database.answers.count("c1") == 89 and kept(url, "c1") == (89, 120, 89)
    assert database.answers.add(sent[0]) is True  # deleted, sent again: new again
    assert kept(url, "c1") == (90, 121, 90)
    # The parts (what the kept summaries are made of) hold every answer there.
    assert sum(database.answers.partials("c1", "n", len, lambda a, b: a + b)) == 90


def test_writes_made_outside_the_store_are_counted_by_the_database(database, url):
    """A COPY or an INSERT of the database's own (a restore, a bulk load) keeps the counts."""
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor().copy("COPY answers (campaign, id, fingerprint, body) FROM STDIN") as copy:
            for i in range(7):
                a = make_answer("c2", "q", id=f"copied-{i}")
                copy.write_row(("c2", a["id"], "f", json.dumps(a)))
        conn.execute(
            "INSERT INTO answers (campaign, id, fingerprint, body) VALUES ('c2', 'by-hand', 'f', '{}')"
            " ON CONFLICT ON CONSTRAINT answers_once DO NOTHING"
        )
        conn.execute("DELETE FROM answers WHERE campaign = 'c2' AND id IN ('copied-0', 'copied-1')")
    assert database.answers.count("c2") == 6 and kept(url, "c2") == (6, 8, 6)


@pytest.mark.parametrize(
    "value",
    [
        {"a": "x\x00"},
        {"a\x00": 1},
        {"a": ["ok", {"b": "\ud800"}]},
        {"a": "\udfff"},
        {"a": "\\\x00"},  # a backslash, then U+0000
        {"a": "\\u0000"},  # the six characters a person may type: kept
        {"a": "\\\\u0000"},
        {"a": "😀 é ok\\"},
        {1: "x", "n": [1, 2.5, None, True]},
    ],
)
def test_the_text_check_refuses_exactly_what_the_value_walk_refuses(value):
    try:
        jsonb_text(value)
        refused = False
    except UnstorableText:
        refused = True
    assert refused == has_unstorable(value)


def test_a_typed_backslash_u0000_is_stored_and_a_real_nul_refused_in_french(database):
    typed = make_answer("c3", "q", answers={"avis": "C:\\u0000 et \\\\u0000"})
    assert database.answers.add(typed) is True
    assert database.answers.get("c3", typed["id"])["answers"] == typed["answers"]
    with pytest.raises(UnstorableText, match="caractère invalide"):
        database.answers.add(make_answer("c3", "q", answers={"avis": "nul \x00"}))
    assert database.answers.count("c3") == 1


def test_bodies_read_back_are_what_json_loads_gives(database, url):
    big = make_answer("c4", "q", answers={"n": 123456789012345678901234567890, "x": 1.5, "t": "é\u2028😀 ,]["})
    plain = make_answer("c4", "q", answers={"n": -(2**63), "x": 0.1, "t": ["a", {"b": None}], "\\": "\\"})
    for a in (big, plain):
        database.answers.add(a)
    with psycopg.connect(url) as conn:
        texts = [r[0] for r in conn.execute("SELECT body::text FROM answers WHERE campaign = 'c4' ORDER BY received")]
    assert [a for a in database.answers.iter_answers("c4")] == [json.loads(t) for t in texts]
    assert [a["answers"] for a in database.answers.iter_answers("c4")] == [big["answers"], plain["answers"]]
    assert [a["answers"] for a in database.answers.iter_newest("c4")] == [plain["answers"], big["answers"]]


def test_the_csv_export_is_byte_for_byte_the_laptops_and_json_loads(tmp_path, url, monkeypatch):
    extra = [
        answer("b1", "2026-03-02T09:30:00Z", answers={"avis": "Nombre énorme 123456789012345678901234567890"}),
        answer("b2", "2026-03-02T10:30:00Z", answers={"avis": '« guillemets » "doubles" ; point-virgule\nligne'}),
    ]
    laptop = make_app(tmp_path / "laptop")
    load_answers(laptop, ANSWERS + extra)
    shared = make_app(tmp_path / "shared", DATABASE_URL=url)
    try:
        load_answers(shared, ANSWERS + extra)
        fast = export_bytes(shared)
        monkeypatch.setattr(postgres_answers, "_decode", lambda text: (json.loads(text), len(text)))
        assert export_bytes(shared) == fast
    finally:
        shared.extensions["survey"].answers.pool.close()
    assert fast == export_bytes(laptop)
    assert "Nombre énorme".encode() in fast


def parts_in_order(url: str, campaign: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [
            p for (p,) in conn.execute("SELECT part FROM answers WHERE campaign = %s ORDER BY received", (campaign,))
        ]


def test_a_campaigns_answers_fill_its_parts_in_order_each_near_its_size(database, url, monkeypatch):
    """A process takes the part it last read for its next answers (a tenth of a part at most,
    within a second) instead of reading the campaign's kept counts at every insert: the parts
    still fill one after the other, each at most a tenth past ``PART_ROWS``."""
    monkeypatch.setattr(postgres_answers, "PART_ROWS", 20)  # a tenth: 2 answers take a kept part
    for i in range(100):
        database.answers.add(make_answer("c1", "q", answers={"avis": f"réponse {i}"}))
    parts = parts_in_order(url, "c1")
    assert parts == sorted(parts)  # never back to an older part
    sizes = [parts.count(part) for part in sorted(set(parts))]
    assert len(sizes) >= 4 and max(sizes) <= 22 and sum(sizes) == 100, sizes


def test_a_part_kept_past_its_second_is_read_again(database, url, monkeypatch):
    monkeypatch.setattr(postgres_answers, "PART_ROWS", 10)
    monkeypatch.setattr(postgres_answers, "PART_KEPT_SECONDS", 0.0)  # every answer reads its part
    for i in range(40):
        database.answers.add(make_answer("c1", "q", answers={"avis": f"réponse {i}"}))
    assert parts_in_order(url, "c1") == [i // 10 for i in range(40)]
