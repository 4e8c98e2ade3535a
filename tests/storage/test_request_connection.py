"""A request on the shared instance borrows one database connection (issue 15 §6).

``SurveyPool.begin_request``/``end_request``, called by the request's look at the stored
versions: the request's first borrow is checked (a connection cut by a restart is replaced),
its later borrows take the same connection again while it is idle, and the connection goes
back to the pool when the request ends. On a shared instance, the questionnaire folders of the
host are looked at once a second, not at each request. Each check, trip through the pool and
look at a folder released the interpreter lock, and under load let another thread in first.

What must hold:
- a respondent's POST takes one connection from the pool, checked once, for both statements;
- the connection is back in the pool when the request ends (a pool of one serves the next);
- a borrow within a borrow gets a connection of its own; a broken connection is never kept;
  a refused statement leaves the connection usable;
- a questionnaire file changed by hand on the host is seen within the configured seconds, and
  an edit in the app at the next request, as before.
"""

from __future__ import annotations

import re
import threading
import uuid
from contextlib import contextmanager

import psycopg
import pytest

from survey import create_app
from survey.formats.yaml_writer import dump_yaml
from survey.services import EDITED_QUESTIONNAIRES
from survey.services.demo import load_demo
from survey.services.questionnaire_files import write_file
from survey.storage.atomic import atomic_write_bytes
from survey.storage.postgres import open_database
from survey.storage.postgres import pool as pool_module
from survey.storage.unavailable import StorageUnavailable

CAMPAIGN = "besoins-numeriques-habitants"


@pytest.fixture
def database(url):
    """A server's stores over a pool of two connections."""
    database = open_database(url, pool_size=2, wait=0.5)
    yield database
    database.close()


@contextmanager
def in_a_request(pool):
    """The pool as a request on this thread sees it, between its look and its end."""
    pool.begin_request()
    try:
        yield pool
    finally:
        pool.end_request()


def borrowed_elsewhere(pool) -> bool:
    """Whether another thread gets a connection from ``pool`` in time."""
    got: list[bool] = []

    def borrow() -> None:
        try:
            with pool.connection() as conn:
                conn.execute("SELECT 1")
            got.append(True)
        except StorageUnavailable:
            got.append(False)

    thread = threading.Thread(target=borrow)
    thread.start()
    thread.join()
    return got[0]


def test_a_respondents_answer_takes_one_connection_checked_once(url, tmp_path, monkeypatch):
    app = create_app({"DATA_DIR": str(tmp_path / "a"), "SECRET_KEY": "k" * 40, "DATABASE_URL": url})
    svc = app.extensions["survey"]
    try:
        load_demo(svc)
        client = app.test_client()
        page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

        def post() -> str:
            answer_id = str(uuid.uuid4())
            data = {"csrf_token": token, "answer_id": answer_id, "q_internet": "oui"}
            assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303
            return answer_id

        post()  # the first answer of this process also keeps the questionnaire's version: a write,
        # so the next answer looks at the versions itself (test_request_look.py) before its INSERT
        checks, used = [], []
        select = pool_module.select.select
        monkeypatch.setattr(pool_module.select, "select", lambda *a: checks.append(1) or select(*a))
        execute = psycopg.Connection.execute
        monkeypatch.setattr(
            psycopg.Connection, "execute", lambda self, *a, **k: used.append(self) or execute(self, *a, **k)
        )
        taken = svc.records.pool.get_stats()["requests_num"]
        answer_id = post()
        assert svc.records.pool.get_stats()["requests_num"] - taken == 1  # one trip through the pool
        assert len(checks) == 1  # checked once
        assert len(used) == 2 and used[0] is used[1]  # the look and the INSERT, on that connection
        assert svc.answers.get(CAMPAIGN, answer_id)["answers"]["internet"] == "oui"
        assert svc.records.pool.get_stats()["pool_available"] >= 1  # given back at the request's end
    finally:
        svc.records.pool.close()


def test_the_kept_connection_goes_back_to_the_pool_when_the_request_ends(url):
    database = open_database(url, pool_size=1, wait=0.3)
    records, pool = database.records, database.pool
    try:
        records.begin_look()
        records.put("campaigns", {"id": "c1", "title": "Une"})
        assert records.get("campaigns", "c1")["title"] == "Une"
        assert not borrowed_elsewhere(pool)  # the only connection is the request's
        records.end_look()
        assert borrowed_elsewhere(pool)  # back in the pool
        with pool.connection() as conn:  # outside a request: given back at once
            conn.execute("SELECT 1")
        assert borrowed_elsewhere(pool)
    finally:
        database.close()


def test_a_borrow_within_a_borrow_gets_a_connection_of_its_own(database):
    with in_a_request(database.pool) as pool:
        with pool.connection() as outer:
            with pool.connection() as inner:
                assert inner is not outer
                inner.execute("SELECT 1")
            outer.execute("SELECT 1")
        with pool.connection() as again:
            assert again in (outer, inner)
    assert pool.get_stats()["pool_available"] == 2  # both back


def test_a_broken_connection_is_never_kept(database):
    with in_a_request(database.pool) as pool:
        with pool.connection() as first:
            first.close()
        with pool.connection() as second:
            assert second is not first
            assert second.execute("SELECT 1").fetchone() == (1,)


def test_a_refused_statement_leaves_the_kept_connection_usable(database):
    with in_a_request(database.pool) as pool:
        with pytest.raises(psycopg.errors.DivisionByZero):  # the error itself, not « database away »
            with pool.connection() as conn:
                conn.execute("SELECT 1 / 0")
        with pool.connection() as again:
            assert again is conn
            assert again.execute("SELECT 2").fetchone() == (2,)


class Clock:
    """``time.monotonic`` as the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_questionnaire_file_changed_by_hand_is_seen_within_the_configured_seconds(url, tmp_path, monkeypatch):
    clock = Clock()
    monkeypatch.setattr("survey.services.monotonic", clock)
    data_dir = tmp_path / "hote"
    app = create_app(
        {"DATA_DIR": str(data_dir), "SECRET_KEY": "k" * 40, "DATABASE_URL": url, "SHARED_FOLDERS_LOOK_SECONDS": 5}
    )
    svc = app.extensions["survey"]
    try:
        load_demo(svc)
        client = app.test_client()
        page = lambda: client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)  # noqa: E731
        assert page()
        questionnaire = svc.questionnaire_for(svc.campaigns.get(CAMPAIGN))
        data = questionnaire.to_dict()
        first = next(q for q in data["questions"] if q["id"] == questionnaire.answerable[0].id)

        first["label"] = "Écrit à la main sur l'hôte ?"
        by_hand = data_dir / EDITED_QUESTIONNAIRES / f"{questionnaire.id}.yaml"
        by_hand.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(by_hand, dump_yaml(data).encode("utf-8"))
        clock.now += 4
        assert "Écrit à la main" not in page()  # the folders were looked at less than 5 s ago
        clock.now += 1
        assert "Écrit à la main" in page()

        first["label"] = "Modifié depuis le navigateur ?"
        write_file(svc, data)  # an edit in the app: in the database, whose version is read each request
        assert "Modifié depuis le navigateur" in page()
    finally:
        svc.records.pool.close()
