"""The PostgreSQL schema is made and upgraded by the numbered migrations, once each, even when
two servers start together; ``survey db upgrade`` does the same from the command line."""

from __future__ import annotations

import threading

import psycopg
import pytest

from survey.cli import main
from survey.services.reading import fold
from survey.storage.postgres import migrations, open_database
from tests.factories import make_answer


@pytest.fixture
def empty_url(postgres_server) -> str:
    return postgres_server.new_database()


def applied_versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def indexes(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'answers'")}


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_there_is_more_than_one_migration_and_they_are_numbered_in_order():
    versions = [m.version for m in migrations.available()]
    assert versions == list(range(1, len(versions) + 1)) and len(versions) >= 2


def test_an_empty_database_is_upgraded_to_the_latest_schema_and_works(empty_url):
    before, applied = migrations.upgrade_url(empty_url)
    assert before == 0 and applied == list(range(1, migrations.latest() + 1))
    assert applied_versions(empty_url) == applied
    assert "answers_by_campaign" in indexes(empty_url)
    assert migrations.upgrade_url(empty_url) == (migrations.latest(), [])  # nothing left to do
    database = open_database(empty_url, pool_size=1)
    try:
        assert database.answers.add(make_answer("c1", "q")) is True
    finally:
        database.close()


@pytest.mark.parametrize("previous", range(1, migrations.latest()))
def test_a_database_at_a_previous_version_is_upgraded_and_keeps_its_answers(empty_url, previous):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        assert migrations.upgrade(conn, target=previous) == list(range(1, previous + 1))
    assert ("photos" in tables(empty_url)) == (previous >= 3)  # what migration 0003 adds
    old = open_database(empty_url, pool_size=1, upgrade=False)  # a server of that version
    kept = [make_answer("c1", "q", answers={"avis": f"réponse {i}"}) for i in range(5)]
    try:
        with old.pool.connection() as conn:  # its own INSERT: this version's columns only
            for a in kept:
                conn.execute(
                    "INSERT INTO answers (campaign, id, fingerprint, body) VALUES (%s, %s, 'f', %s)",
                    (a["campaign"], a["id"], psycopg.types.json.Jsonb(a)),
                )
            conn.execute("INSERT INTO answer_campaigns (campaign, total) VALUES ('c1', 5)")
    finally:
        old.close()
    assert migrations.upgrade_url(empty_url) == (previous, list(range(previous + 1, migrations.latest() + 1)))
    assert "photos" in tables(empty_url) and {"answers_by_campaign", "answers_folded_trigrams"} <= indexes(empty_url)
    database = open_database(empty_url, pool_size=1)
    try:
        assert [a["id"] for a in database.answers.iter_newest("c1")] == [a["id"] for a in reversed(kept)]
        assert database.answers.count("c1") == 5
        # 0004: the answers got their part, so the kept counts see them, and see the next one
        assert database.answers.partials("c1", "n", len, lambda a, b: a + b) == [5]
        database.answers.add(make_answer("c1", "q", answers={"avis": "une de plus"}))
        assert database.answers.partials("c1", "n", len, lambda a, b: a + b) == [6]
        assert [
            a["answers"]["avis"] for a in database.answers.iter_newest_containing("c1", ["reponse"], fold, "f")
        ] == [f"réponse {i}" for i in reversed(range(5))]
    finally:
        database.close()


def test_servers_starting_together_apply_each_migration_once(empty_url):
    results: list = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            results.append(migrations.upgrade_url(empty_url)[1])
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results, key=len) == [[], [], [], list(range(1, migrations.latest() + 1))]
    assert applied_versions(empty_url) == list(range(1, migrations.latest() + 1))


def test_survey_db_upgrade_says_what_it_did(runner, empty_url):
    first = runner.invoke(main, ["db", "upgrade", "--database", empty_url])
    assert first.exit_code == 0, first.output
    assert f"version 0 → {migrations.latest()}" in first.output
    again = runner.invoke(main, ["db", "upgrade"], env={"SURVEY_DATABASE_URL": empty_url})
    assert again.exit_code == 0 and "déjà à jour" in again.output


def test_survey_db_upgrade_without_a_database_or_with_a_wrong_one_says_it_in_french(runner, postgres_server):
    missing = runner.invoke(main, ["db", "upgrade"], env={"SURVEY_DATABASE_URL": ""})
    assert missing.exit_code == 1 and "indiquez la base" in missing.output
    wrong = runner.invoke(main, ["db", "upgrade", "--database", postgres_server.url("absente")])
    assert wrong.exit_code == 1 and "Impossible de joindre la base de données" in wrong.output
    assert "Traceback" not in wrong.output
