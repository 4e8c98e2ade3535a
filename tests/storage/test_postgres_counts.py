"""Counts kept per part of a campaign on PostgreSQL (issue 15): exact after any write, from any
server, and read from the kept summaries after a restart instead of from every answer.

Each part (``PART_ROWS`` answers, made 3 here so a few dozen answers make many parts) gets a
new version in the transaction of each write that touches it (a trigger of migration 0004); a
summary is kept, in the process and in ``answer_summaries``, for the version it was made from.
The recount is the services' own pure functions over every answer (``assert_kept_equals_recount``
of tests/services/test_kept_counts.py: the dashboard, session, tag, collector counts, list pages).
"""

from __future__ import annotations

import pickle
import random
from collections import Counter

import psycopg
import pytest

from survey import create_app
from survey.model.fieldwork import Session
from survey.services.results import campaign_summary, summarise
from survey.services.tags import add_tag
from survey.storage.postgres import answers as postgres_answers
from survey.storage.postgres import open_database, summaries
from tests.services.test_kept_counts import (
    CAMPAIGN,
    QUESTIONNAIRE,
    SESSIONS,
    TAGS,
    TZ,
    assert_kept_equals_recount,
    operate,
    random_answer,
)


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(postgres_answers, "PART_ROWS", 3)


@pytest.fixture
def database_url(postgres_server) -> str:
    return postgres_server.new_database()


@pytest.fixture
def open_app(tmp_path, database_url, small_parts):
    """``open_app(name)``: an app on the test's database (a server; two names, two servers)."""
    opened = []

    def make(name: str = "a"):
        app = create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp_path / name),
                "SECRET_KEY": "test",
                "TIMEZONE": TZ,
                "DATABASE_URL": database_url,
            }
        )
        svc = app.extensions["survey"]
        opened.append(svc)
        return svc

    yield make
    for svc in opened:
        svc.answers.pool.close()


@pytest.fixture
def svc(open_app):
    svc = open_app()
    for name in TAGS:
        add_tag(svc, CAMPAIGN, name)
    for i, session_id in enumerate(SESSIONS):
        svc.sessions.save(Session(id=session_id, campaign=CAMPAIGN, place=f"Lieu {i}", day="2026-03-02", stopped=i))
    return svc


class Summaries:
    """A summary that counts the answers it is given, and how many parts it was called for."""

    def __init__(self) -> None:
        self.calls = 0
        self.answers = 0

    def __call__(self, answers: list[dict]) -> Counter:
        self.calls += 1
        self.answers += len(answers)
        return Counter(n=len(answers), hidden=sum(1 for a in answers if a.get("hidden")))


def add(a: Counter, b: Counter) -> Counter:
    return a + b


def test_kept_counts_equal_a_full_recount_after_random_writes_from_two_servers(svc, open_app, database_url):
    rng = random.Random(15)
    store = svc.answers
    operate(store, svc, rng, 60)
    assert_kept_equals_recount(svc)
    other = open_database(database_url, pool_size=2)  # another app server on the same database
    try:
        for round_number in range(3):
            operate(other.answers, None, random.Random(100 + round_number), 25)
            assert_kept_equals_recount(svc)  # the other server's writes are seen
            operate(store, svc, rng, 25)
            assert_kept_equals_recount(svc)
    finally:
        other.close()
    assert store.count(CAMPAIGN) > 20 and len(parts_of(database_url)) > 10  # many parts: the checks were not on one
    restarted = open_app("b")  # a server that starts: its counts come from the kept summaries
    assert_kept_equals_recount(restarted)


def parts_of(url: str) -> list[tuple[int, int]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT part, sum(version) FROM answer_parts WHERE campaign = %s GROUP BY part ORDER BY part", (CAMPAIGN,)
        ).fetchall()


def test_each_write_gives_its_part_a_new_version_in_the_same_transaction(svc, database_url):
    store = svc.answers
    answers = [random_answer(random.Random(i)) for i in range(7)]
    for answer in answers:
        store.add(answer)
    before = dict(parts_of(database_url))
    assert sorted(before) == [0, 1, 2]  # 3 answers a part
    store.change(CAMPAIGN, answers[4]["id"], lambda a: a.update(hidden=True))
    after_change = dict(parts_of(database_url))
    assert after_change[1] > before[1] and after_change[0] == before[0] and after_change[2] == before[2]
    store.change(CAMPAIGN, answers[0]["id"], lambda a: None)  # nothing changed: nothing written
    assert dict(parts_of(database_url)) == after_change
    with pytest.raises(RuntimeError):
        store.change(CAMPAIGN, answers[0]["id"], lambda a: (a.update(hidden=True), fail()))
    assert dict(parts_of(database_url)) == after_change  # rolled back with the write
    store.delete_many(CAMPAIGN, [answers[0]["id"], answers[6]["id"]])
    after_delete = dict(parts_of(database_url))
    assert (
        after_delete[0] > after_change[0] and after_delete[2] > after_change[2] and after_delete[1] == after_change[1]
    )
    assert store.add(answers[0]) is True  # sent again after its deletion: new again, in the last part
    after_again = dict(parts_of(database_url))
    assert after_again[2] > after_delete[2] and {p: after_again[p] for p in (0, 1)} == {
        p: after_delete[p] for p in (0, 1)
    }


def fail() -> None:
    raise RuntimeError("refused")


def test_a_restarted_server_adds_up_kept_summaries_and_reads_only_the_parts_that_changed(svc, open_app):
    rng = random.Random(3)
    for _ in range(40):
        svc.answers.add(random_answer(rng))
    first = Summaries()
    expected = svc.answers.partials(CAMPAIGN, "essai", first, add)
    assert first.answers == 40 and sum(expected, Counter())["n"] == 40

    restarted = open_app("b").answers
    again = Summaries()
    assert restarted.partials(CAMPAIGN, "essai", again, add) == expected
    assert again.calls == 0  # every part's summary came from the database, no answer was read

    hidden = next(iter(restarted.iter_answers(CAMPAIGN)))["id"]
    restarted.change(CAMPAIGN, hidden, lambda a: a.update(hidden=True))
    restarted.add(random_answer(rng))
    after = Summaries()
    total = sum(restarted.partials(CAMPAIGN, "essai", after, add), Counter())
    assert total == Counter(n=41, hidden=sum(1 for a in restarted.iter_answers(CAMPAIGN) if a.get("hidden")))
    assert after.calls == 2 and after.answers <= 6  # the part of the hidden answer and the last one

    # The first server kept its own copy in memory: it sees the other's writes too.
    mine = Summaries()
    assert sum(svc.answers.partials(CAMPAIGN, "essai", mine, add), Counter()) == total
    assert mine.calls <= 2


class Boom:
    def __reduce__(self):
        return (print, ("a row that is not a summary ran code",))


def test_a_kept_summary_that_is_not_plain_data_is_never_loaded(svc, open_app, database_url, capsys):
    rng = random.Random(5)
    for _ in range(9):
        svc.answers.add(random_answer(rng))
    svc.answers.partials(CAMPAIGN, "essai", Summaries(), add)
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE answer_summaries SET summary = %s", (pickle.dumps(Boom()),))
    with pytest.raises(pickle.UnpicklingError):
        summaries.load(pickle.dumps(Boom()))
    restarted = open_app("b")
    recount = Summaries()
    assert sum(restarted.answers.partials(CAMPAIGN, "essai", recount, add), Counter())["n"] == 9
    assert recount.calls == 3  # made again from the answers
    assert "ran code" not in capsys.readouterr().out
    # The dashboard's summaries (counters, tuples, the app's dataclasses) do come back.
    kept = campaign_summary(restarted.answers, CAMPAIGN, QUESTIONNAIRE, tz=TZ, tags=TAGS)
    fresh = open_app("c")
    assert campaign_summary(fresh.answers, CAMPAIGN, QUESTIONNAIRE, tz=TZ, tags=TAGS) == kept
    assert kept == summarise(list(svc.answers.iter_answers(CAMPAIGN)), QUESTIONNAIRE, tz=TZ, tags=TAGS)


def test_an_erased_answers_words_leave_the_kept_summaries_in_the_same_transaction(svc, database_url):
    """« Mots fréquents » keeps words per part: deleting an answer (an erasure on request) must
    not leave them in ``answer_summaries`` until someone opens the page again."""
    secret = "Zébulon-le-voisin"
    answer = dict(random_answer(random.Random(11)), answers={"autre": f"Mon voisin {secret} m'aide"})
    svc.answers.add(answer)
    for n in range(4):
        svc.answers.add(random_answer(random.Random(100 + n)))

    def words(answers: list[dict]) -> Counter:
        return Counter(w for a in answers for w in str((a.get("answers") or {}).get("autre", "")).split())

    assert sum(svc.answers.partials(CAMPAIGN, "mots-essai", words, add), Counter())[secret] == 1

    def kept_bytes() -> bytes:
        with psycopg.connect(database_url) as conn:
            return b"".join(bytes(r[0]) for r in conn.execute("SELECT summary FROM answer_summaries").fetchall())

    assert secret.encode() in kept_bytes()
    assert svc.answers.delete(CAMPAIGN, answer["id"])
    assert secret.encode() not in kept_bytes()
    assert sum(svc.answers.partials(CAMPAIGN, "mots-essai", words, add), Counter())[secret] == 0
