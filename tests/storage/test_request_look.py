"""A request on the shared instance looks at the stored versions once (issue 15 §2 and §6).

``PostgresRecordCollections.begin_look``: a request's first lookup reads every collection's
version in one statement; ``stamp`` and ``get`` then answer from it, a record read under that
version being kept. What must hold, with two servers on one database:

- another server's write is seen by the next request (never later);
- this server's own write is seen at once, in the request that made it;
- within one request, what is read is the database as at the request's first lookup;
- outside a request (the command line), every call asks the database;
- a respondent's POST reads the campaign and the questionnaires' version in one statement.
"""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest

from survey import create_app
from survey.services.demo import load_demo
from survey.storage.postgres import open_database

CAMPAIGN = "besoins-numeriques-habitants"


@pytest.fixture
def two_servers(url):
    """Two stores on one database, as two servers have."""
    here, there = open_database(url, pool_size=2), open_database(url, pool_size=2)
    yield here.records, there.records
    here.close()
    there.close()


def test_another_servers_write_is_seen_by_the_next_request(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Avant"})
    here.begin_look()
    assert here.get("campaigns", "c1")["title"] == "Avant"
    here.end_look()

    there.put("campaigns", {"id": "c1", "title": "Après"})
    here.begin_look()
    assert here.get("campaigns", "c1")["title"] == "Après"
    assert here.stamp("campaigns") == there.stamp("campaigns")
    here.end_look()

    there.delete("campaigns", "c1")
    here.begin_look()
    assert here.get("campaigns", "c1") is None
    here.end_look()


def test_within_a_request_the_database_is_read_as_at_its_first_lookup(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Avant"})
    here.begin_look()
    assert here.get("campaigns", "c1")["title"] == "Avant"
    stamp = here.stamp("campaigns")
    there.put("campaigns", {"id": "c1", "title": "Pendant"})
    assert here.get("campaigns", "c1")["title"] == "Avant"
    assert here.stamp("campaigns") == stamp
    here.end_look()
    assert here.get("campaigns", "c1")["title"] == "Pendant"  # out of a request: asked at once


def test_this_servers_own_write_is_seen_in_the_request_that_made_it(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Avant"})
    here.begin_look()
    assert here.get("campaigns", "c1")["title"] == "Avant"
    here.put("campaigns", {"id": "c1", "title": "Changé ici"})
    assert here.get("campaigns", "c1")["title"] == "Changé ici"
    here.change("campaigns", "c1", lambda record: dict(record, title="Changé encore"))
    assert here.get("campaigns", "c1")["title"] == "Changé encore"
    here.add("campaigns", {"id": "c2", "title": "Nouvelle"})
    assert here.get("campaigns", "c2")["title"] == "Nouvelle"
    here.delete("campaigns", "c2")
    assert here.get("campaigns", "c2") is None
    here.delete_where("campaigns", lambda record: record["id"] == "c1")
    assert here.get("campaigns", "c1") is None
    here.end_look()


def test_outside_a_request_every_call_asks_the_database(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Un"})
    assert here.get("campaigns", "c1")["title"] == "Un"
    there.put("campaigns", {"id": "c1", "title": "Deux"})
    assert here.get("campaigns", "c1")["title"] == "Deux"
    assert here.stamp("campaigns") == there.stamp("campaigns")


def test_a_kept_record_is_given_as_a_fresh_copy(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Titre", "places": ["marché"]})
    here.begin_look()
    first = here.get("campaigns", "c1")
    first["title"] = "abîmé par l'appelant"
    first["places"].append("ailleurs")
    assert here.get("campaigns", "c1") == {"id": "c1", "title": "Titre", "places": ["marché"]}
    here.end_look()


def statements(monkeypatch) -> list[str]:
    """Every statement the app sends from now on."""
    sent: list[str] = []
    execute = psycopg.Connection.execute

    def counting(self, query, *args, **kwargs):
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", counting)
    return sent


def make_server(url: str, tmp_path, name: str):
    return create_app({"DATA_DIR": str(tmp_path / name), "SECRET_KEY": "k" * 40, "DATABASE_URL": url})


def test_a_respondents_answer_reads_what_it_needs_in_one_statement(url, tmp_path, monkeypatch):
    app = make_server(url, tmp_path, "a")
    try:
        load_demo(app.extensions["survey"])
        client = app.test_client()
        page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

        def post(answer_id: str) -> None:
            data = {"csrf_token": token, "answer_id": answer_id, "started_at": "2026-11-30T10:00:00Z"}
            assert client.post(f"/c/{CAMPAIGN}/", data={**data, "q_internet": "oui"}).status_code == 303

        post(str(uuid.uuid4()))  # the first answer of this process also keeps the questionnaire's version
        sent = statements(monkeypatch)
        answer_id = str(uuid.uuid4())
        post(answer_id)
        inserts = [s for s in sent if s.lstrip().upper().startswith("INSERT INTO ANSWERS")]
        reads = [s for s in sent if s not in inserts]
        assert len(reads) == 1 and "record_versions" in reads[0], reads  # one look at every version
        assert len(inserts) == 1
        assert app.extensions["survey"].answers.get(CAMPAIGN, answer_id)["answers"]["internet"] == "oui"
    finally:
        app.extensions["survey"].records.pool.close()


def test_a_campaign_closed_on_one_server_is_closed_at_the_others_next_request(url, tmp_path):
    one, other = make_server(url, tmp_path, "one"), make_server(url, tmp_path, "other")
    try:
        load_demo(one.extensions["survey"])
        other_client = other.test_client()
        assert other_client.get(f"/c/{CAMPAIGN}/").status_code == 200  # the campaign kept there
        one.extensions["survey"].campaigns.change(CAMPAIGN, lambda c: setattr(c, "closed", True))
        assert other_client.get(f"/c/{CAMPAIGN}/").status_code == 410
    finally:
        for app in (one, other):
            app.extensions["survey"].records.pool.close()
