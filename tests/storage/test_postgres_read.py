"""Reading a campaign on PostgreSQL as it grows (issue 15): a search that the indexes of
migration 0004 answer without ever missing an answer, and a whole campaign streamed through
one server-side cursor (exports) that gives its connection back when the reader stops."""

from __future__ import annotations

import random

import psycopg
import pytest

from survey.services.reading import fold
from survey.storage.postgres import open_database
from survey.storage.search_text import answer_text
from tests.factories import make_answer

WORDS = ["école", "marché", "bus", "caf", "jardin", "numérique", "œuvre", "l’atelier", "rendez-vous"]


@pytest.fixture
def database(postgres_server):
    database = open_database(postgres_server.new_database(), pool_size=1)
    yield database
    database.close()


def text_answer(text: str) -> dict:
    return make_answer("c1", "q", answers={"avis": text})


def fill(database, texts: list[str]) -> list[dict]:
    """The answers stored in this order, in one transaction (a few thousand ``add`` calls would
    take seconds): the columns ``add`` writes but the part, which searches do not read."""
    made = [text_answer(t) for t in texts]
    with database.pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO answers (campaign, id, fingerprint, body) VALUES (%s, %s, 'f', %s)",
                [(a["campaign"], a["id"], psycopg.types.json.Jsonb(a)) for a in made],
            )
        conn.execute("ANALYZE answers")
    return made


def plan(database, words: list[str]) -> str:
    """The plan of the first page of ``iter_newest_containing`` for these words."""
    each = " AND ".join(["survey_fold((body->'answers')::text) LIKE %s"] * len(words))
    query = (
        "EXPLAIN SELECT received, body FROM answers WHERE campaign = 'c1' AND received < 9223372036854775807"
        f" AND (survey_plain((body->'answers')::text) IS FALSE OR ({each})) ORDER BY received DESC LIMIT 50"
    )
    with database.pool.connection() as conn:
        return "\n".join(r[0] for r in conn.execute(query.encode(), [f"%{w}%" for w in words]))


def test_a_rare_word_is_found_through_the_trigram_index_and_a_common_one_newest_first(database):
    rng = random.Random(15)
    texts = [" ".join(rng.choices(WORDS, k=8)) for _ in range(3000)]
    texts[1234] += " une trottinette électrique"
    texts[2900] = "Ørsted et l'éolien"  # « ø »: not plain, always returned to the caller
    made = fill(database, texts)
    assert "answers_folded_trigrams" in plan(database, ["trottinette"])
    found = list(database.answers.iter_newest_containing("c1", ["trottinette"], fold, "fold-v1"))
    assert [a["id"] for a in found] == [made[2900]["id"], made[1234]["id"]]
    common = database.answers.iter_newest_containing("c1", ["ecole"], fold, "fold-v1")
    first = [next(common) for _ in range(30)]
    expected = [a["id"] for a in reversed(made) if "ecole" in answer_text(a, fold) or a is made[2900]]
    assert [a["id"] for a in first] == expected[:30]


def test_a_fold_that_differs_on_a_plain_character_is_searched_without_the_indexes(database):
    made = fill(database, ["Une école", "une ecole", "rien"])

    def keeps_accents(text: str) -> str:
        return text.lower()

    found = list(database.answers.iter_newest_containing("c1", ["école"], keeps_accents, "accents-v1"))
    assert database.answers._plain_agrees["accents-v1"] is False
    assert made[0]["id"] in [a["id"] for a in found]  # never missed (the caller tests each)


def test_the_whole_campaign_is_one_snapshot_and_a_reader_that_stops_gives_its_connection_back(database):
    made = fill(database, [f"réponse {i}" for i in range(2500)])
    reader = database.answers.iter_answers("c1")
    first = [next(reader) for _ in range(10)]
    assert [a["id"] for a in first] == [a["id"] for a in made[:10]]
    reader.close()  # stopped early (a page, an export cancelled): the pool's only connection is free
    assert database.answers.get("c1", made[-1]["id"]) is not None

    reader = database.answers.iter_answers("c1")
    seen = [next(reader)["id"]]
    other = open_database(database.pool.conninfo, pool_size=1)
    try:
        other.answers.add(text_answer("arrivée pendant l'export"))
        other.answers.delete("c1", made[-1]["id"])
    finally:
        other.close()
    seen += [a["id"] for a in reader]
    assert seen == [a["id"] for a in made]  # the campaign as it was when the export began
