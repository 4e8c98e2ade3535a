"""A request on the shared instance looks at the stored versions once (issue 15 §2 and §6).

``PostgresRecordCollections.begin_look``: a request's first lookup reads every collection's
version in one statement; ``stamp`` and ``get`` then answer from it, a record read under that
version being kept. What must hold, with two servers on one database:

- another server's write is seen by the next request (never later);
- this server's own write is seen at once, in the request that made it;
- within one request, what is read is the database as at the request's first lookup;
- outside a request (the command line), every call asks the database;
- a respondent's POST takes one statement: it reads under this process's last look, and its
  INSERT stores the answer only if every version is still that look's (``held_look``);
- when one changed, nothing is stored (``StaleLook``) and the request runs again with a look of
  its own: a campaign closed or created on another server meanwhile is seen by that answer.
"""

from __future__ import annotations

import contextlib
import re
import uuid

import psycopg
import pytest

from survey import create_app
from survey.services.demo import load_demo
from survey.storage import StaleLook
from survey.storage.postgres import open_database

CAMPAIGN = "besoins-numeriques-habitants"


@pytest.fixture
def two_servers(url):
    """Two stores on one database, as two servers have."""
    with two_stores(url) as (here, there):
        yield here.records, there.records


@pytest.fixture
def two_databases(url):
    """Both stores (answers and records) of two servers on one database."""
    with two_stores(url) as stores:
        yield stores


@contextlib.contextmanager
def two_stores(url):
    here, there = open_database(url, pool_size=2), open_database(url, pool_size=2)
    try:
        yield here, there
    finally:
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


def test_a_respondents_answer_is_one_statement(url, tmp_path, monkeypatch):
    app = make_server(url, tmp_path, "a")
    try:
        load_demo(app.extensions["survey"])
        client = app.test_client()
        token = form_token(client)

        def post(answer_id: str) -> None:
            data = {"csrf_token": token, "answer_id": answer_id, "started_at": "2026-11-30T10:00:00Z"}
            assert client.post(f"/c/{CAMPAIGN}/", data={**data, "q_internet": "oui"}).status_code == 303

        post(str(uuid.uuid4()))  # the first answer of this process also keeps the questionnaire's version
        sent = statements(monkeypatch)
        post(str(uuid.uuid4()))  # after this process's own write, an answer looks for itself
        assert len(sent) == 2 and "record_versions" in sent[0], sent
        sent.clear()
        answer_id = str(uuid.uuid4())
        post(answer_id)
        assert len(sent) == 1, sent  # no look of its own: the INSERT checks the versions
        assert "record_versions" in sent[0] and "INSERT INTO answers" in sent[0]
        assert app.extensions["survey"].answers.get(CAMPAIGN, answer_id)["answers"]["internet"] == "oui"
    finally:
        app.extensions["survey"].records.pool.close()


def test_a_tablets_queued_answer_is_one_statement(url, tmp_path, monkeypatch):
    app = make_server(url, tmp_path, "a")
    try:
        load_demo(app.extensions["survey"])
        client = app.test_client()
        token = client.get("/api/jeton").get_json()["token"]

        def send(answer_id: str) -> int:
            answer = {"answer_id": answer_id, "answers": {"internet": "oui"}}
            return client.post(f"/api/c/{CAMPAIGN}/reponses", json=answer, headers={"X-CSRFToken": token}).status_code

        assert send(str(uuid.uuid4())) == 201  # keeps the questionnaire's version: a write
        assert send(str(uuid.uuid4())) == 201  # looks for itself, after that write
        sent = statements(monkeypatch)
        answer_id = str(uuid.uuid4())
        assert send(answer_id) == 201
        assert len(sent) == 1 and sent[0].startswith("WITH held"), sent
        assert send(answer_id) == 200  # sent again: « already stored », still one row
        assert app.extensions["survey"].answers.count(CAMPAIGN) == 3
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


def test_a_provisional_look_reads_under_the_last_versions_and_is_checked(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Avant"})
    here.begin_look(provisional=True)  # nothing read yet in this process: a look of its own
    assert here.held_look() is None
    assert here.get("campaigns", "c1")["title"] == "Avant"
    here.end_look()

    here.begin_look(provisional=True)  # nothing changed: the last look holds
    assert here.get("campaigns", "c1")["title"] == "Avant"
    here.confirm_look()
    assert here.held_look() is None  # checked once, not again
    here.end_look()

    there.put("campaigns", {"id": "c1", "title": "Après"})
    here.begin_look(provisional=True)
    assert here.get("campaigns", "c1")["title"] == "Avant"  # read under the last look…
    with pytest.raises(StaleLook):  # …which is found stale before anything leaves
        here.confirm_look()
    here.end_look()
    here.begin_look()
    assert here.get("campaigns", "c1")["title"] == "Après"
    here.end_look()


def test_a_write_never_rests_on_a_stale_provisional_look(two_servers):
    here, there = two_servers
    there.put("campaigns", {"id": "c1", "title": "Avant"})
    here.begin_look()
    here.get("campaigns", "c1")
    here.end_look()
    there.put("campaigns", {"id": "c1", "title": "Après"})
    here.begin_look(provisional=True)
    with pytest.raises(StaleLook):
        here.put("settings", {"id": "s1", "written": True})
    here.end_look()
    assert there.get("settings", "s1") is None  # nothing written


def answer(campaign: str = "c1") -> dict:
    return {"id": str(uuid.uuid4()), "campaign": campaign, "answers": {"q": "oui"}}


def test_an_answers_insert_holds_the_look_it_read_under(two_databases):
    here, there = two_databases
    there.records.put("campaigns", {"id": "c1", "title": "Ouverte"})
    here.records.begin_look()
    here.records.get("campaigns", "c1")
    here.records.end_look()

    here.records.begin_look(provisional=True)
    held = here.records.held_look()
    assert held is not None
    kept = answer()
    assert here.answers.add(kept, held) is True  # nothing changed: stored
    assert here.answers.add(kept, held) is False  # sent again: stored once
    here.records.end_look()

    there.records.put("campaigns", {"id": "c1", "title": "Fermée", "closed": True})
    here.records.begin_look(provisional=True)
    refused = answer()
    with pytest.raises(StaleLook):
        here.answers.add(refused, here.records.held_look())
    here.records.end_look()
    assert there.answers.get("c1", refused["id"]) is None
    assert there.answers.count("c1") == 1


def answered_once(client) -> str:
    """One answer through the form (the process keeps the questionnaire's version then), and the
    form's page read again: this process's last look is now the page's. The page's token."""
    data = {"csrf_token": form_token(client), "answer_id": str(uuid.uuid4()), "q_internet": "oui"}
    assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303
    return form_token(client)


def form_token(client) -> str:
    page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_an_answer_read_open_is_refused_when_another_server_closed_the_campaign_meanwhile(url, tmp_path, monkeypatch):
    one, other = make_server(url, tmp_path, "one"), make_server(url, tmp_path, "other")
    try:
        load_demo(one.extensions["survey"])
        client = other.test_client()
        token = answered_once(client)
        one.extensions["survey"].campaigns.change(CAMPAIGN, lambda c: setattr(c, "closed", True))
        sent = statements(monkeypatch)
        answer_id = str(uuid.uuid4())
        data = {"csrf_token": token, "answer_id": answer_id, "q_internet": "oui"}
        assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 410
        assert any(s.startswith("WITH held") for s in sent)  # read open, refused by its INSERT…
        assert other.extensions["survey"].answers.get(CAMPAIGN, answer_id) is None  # …and never stored
    finally:
        for app in (one, other):
            app.extensions["survey"].records.pool.close()


def test_an_answer_read_closed_is_stored_when_another_server_reopened_the_campaign_meanwhile(url, tmp_path):
    one, other = make_server(url, tmp_path, "one"), make_server(url, tmp_path, "other")
    try:
        load_demo(one.extensions["survey"])
        campaigns = one.extensions["survey"].campaigns
        client = other.test_client()
        token = answered_once(client)
        campaigns.change(CAMPAIGN, lambda c: setattr(c, "closed", True))
        assert client.get(f"/c/{CAMPAIGN}/").status_code == 410  # this process's last look: closed
        campaigns.change(CAMPAIGN, lambda c: setattr(c, "closed", False))
        answer_id = str(uuid.uuid4())
        data = {"csrf_token": token, "answer_id": answer_id, "q_internet": "non"}
        response = client.post(f"/c/{CAMPAIGN}/", data=data)  # read closed, a 410 not sent: found stale…
        assert response.status_code == 303, response.status_code  # …and run again
        assert other.extensions["survey"].answers.get(CAMPAIGN, answer_id)["answers"]["internet"] == "non"
    finally:
        for app in (one, other):
            app.extensions["survey"].records.pool.close()
