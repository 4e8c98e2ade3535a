"""Faults of a shared instance, over real HTTP (issue 15, section 5): nothing acknowledged is
lost or stored twice when an app server is killed, when PostgreSQL restarts, or when two
servers receive the same answers.

Real processes only: ``survey serve --database`` (waitress), a PostgreSQL cluster of this
module (``postgres_server.py``: it is restarted here, so it is not the session's), and client
threads posting JSON answers as a tablet's queue does (``static/offline/sending.js``): an answer
is forgotten by the client only once acknowledged (200 or 201); any other outcome keeps it and
sends it again. Phones post the HTML form the same way (acknowledged: the 303 to « merci »).
Both kinds of answer check the stored versions in their INSERT (``web/provisional_look.py``):
the last test also has another process write meanwhile. The database is then read directly:
every answer sent is there exactly once.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Callable

import pytest

from tests.conftest import LiveServer
from tests.storage.postgres_server import PostgresServer, require_postgres

CAMPAIGN = "besoins-numeriques-habitants"  # a demo campaign (``--demo``)
CLIENTS = 8
PER_CLIENT = 12  # answers per batch, for two servers
PACE = 0.02  # seconds between two answers of a tablet: steady load, few answers
AWAY_WORDS = "La base de données ne répond pas"
FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class QuietServer(LiveServer):
    """``LiveServer`` whose output is read all along into a file: a server under load logs
    every refusal, and an unread pipe would fill and freeze it. ``kill`` is SIGKILL."""

    def start(self) -> None:
        super().start()
        threading.Thread(target=self._drain, args=(self.process.stdout,)).start()

    def _drain(self, output) -> None:
        with output, (self.data_dir.parent / f"server-{self.port}.log").open("a") as log:
            for line in output:  # until the process ends
                log.write(line)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        return ""


@dataclass
class Outcomes:
    """What the clients met, shared by their threads."""

    acknowledged: set[str] = field(default_factory=set)
    statuses: list[int] = field(default_factory=list)
    unexpected: list[tuple[int, str]] = field(default_factory=list)  # never a 500, never English
    away_messages: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Tablet:
    """One tablet: its cookies and CSRF token, and its queue of answers not yet acknowledged.
    It makes a new answer every ``PACE`` seconds until told to stop, then empties its queue."""

    def __init__(self, server, outcomes: Outcomes, answers: list[dict] | None = None) -> None:
        self.server, self.outcomes = server, outcomes
        self.fixed = answers is not None
        self.queue: list[dict] = list(answers or [])
        self.sent: list[str] = [a["answer_id"] for a in self.queue]
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.token: str | None = None

    def call(self, path: str, body: dict | None = None) -> tuple[int, str]:
        data, headers = None, {}
        if body is not None:
            data = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": self.token or ""}
        request = urllib.request.Request(self.server.url + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    ACKNOWLEDGED = (200, 201)

    def run(self, stop: threading.Event, deadline: float) -> None:
        while (self.queue or not (stop.is_set() or self.fixed)) and time.monotonic() < deadline:
            if not self.queue:
                self.queue.append(new_answers(1)[0])
                self.sent.append(self.queue[0]["answer_id"])
            answer = self.queue[0]
            try:
                status, text = self.send(answer)
            except (OSError, ValueError, KeyError, http.client.HTTPException):  # killed, restarting: keep it
                self.token = None
                time.sleep(0.05)
                continue
            if self.note(status, text, answer):
                self.queue.pop(0)
            time.sleep(PACE)

    def send(self, answer: dict) -> tuple[int, str]:
        if self.token is None:
            self.token = json.loads(self.call("/api/jeton")[1])["token"]
        return self.call(f"/api/c/{CAMPAIGN}/reponses", answer)

    def note(self, status: int, text: str, answer: dict) -> bool:
        """Record the outcome; True when the answer is acknowledged (forgotten by the tablet)."""
        with self.outcomes.lock:
            self.outcomes.statuses.append(status)
            if status in self.ACKNOWLEDGED:
                self.outcomes.acknowledged.add(answer["answer_id"])
                return True
            message = self.away_message(text)
            if status == 400 and '"csrf"' in text:
                self.token = None  # as the queue does: a fresh token, then again
            elif status == 503 and AWAY_WORDS in message:
                self.outcomes.away_messages.append(message)
            else:
                self.outcomes.unexpected.append((status, text[:300]))
            return False

    def away_message(self, text: str) -> str:
        return _message(text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is the acknowledgement


class Respondent(Tablet):
    """A phone answering through the form page: the page read once for its cookie and CSRF
    token, then each answer posted as a browser posts the form (urlencoded, the answer id
    given, as the page's hidden field does). Acknowledged: the 303 to « merci »; the French
    error page (503) keeps the answer, sent again."""

    ACKNOWLEDGED = (303,)

    def __init__(self, server, outcomes: Outcomes) -> None:
        super().__init__(server, outcomes)
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())

    def send(self, answer: dict) -> tuple[int, str]:
        if self.token is None:
            status, page = self.call(f"/c/{CAMPAIGN}/")
            if status != 200:  # the database away: the page says so, the phone tries again
                return status, page
            self.token = FORM_TOKEN.search(page).group(1)
        fields = {"csrf_token": self.token, "answer_id": answer["answer_id"], "q_internet": "oui", "q_aisance": "3"}
        request = urllib.request.Request(
            f"{self.server.url}/c/{CAMPAIGN}/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def away_message(self, text: str) -> str:
        return text if "<html" in text and AWAY_WORDS in text else ""


def _message(text: str) -> str:
    try:
        return str(json.loads(text).get("message", ""))
    except (ValueError, AttributeError):
        return ""


def new_answers(count: int) -> list[dict]:
    return [
        {"answer_id": str(uuid.uuid4()), "channel": "qr", "answers": {"internet": "oui", "aisance": 1 + i % 5}}
        for i in range(count)
    ]


def run_tablets(tablets: list[Tablet], fault: Callable[[], None]) -> list[str]:
    """The tablets send while ``fault()`` runs in this thread, then empty their queues (all is
    eventually acknowledged). The ids they sent."""
    stop, deadline = threading.Event(), time.monotonic() + 60
    threads = [threading.Thread(target=t.run, args=(stop, deadline)) for t in tablets]
    for thread in threads:
        thread.start()
    try:
        fault()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert all(not t.queue for t in tablets), "some answers were never acknowledged"
    return [i for t in tablets for i in t.sent]


def stored_once(database: str, sent: list[str]) -> None:
    """Every answer sent is in the table exactly once; no answer of the campaign is there
    twice; the kept count is the table's."""
    import psycopg

    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT id, count(*) FROM answers WHERE campaign = %s GROUP BY id", (CAMPAIGN,)).fetchall()
        total = conn.execute("SELECT sum(total) FROM answer_campaigns WHERE campaign = %s", (CAMPAIGN,)).fetchone()
    counts = dict(rows)
    assert [i for i in sent if counts.get(i) != 1] == []
    assert max(counts.values()) == 1
    assert total is not None and total[0] == sum(counts.values())


@pytest.fixture(scope="module")
def postgres():
    require_postgres()
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database(postgres):
    return postgres.new_database()


@pytest.fixture(scope="module")
def quick_wait():
    """A request waits one second for a connection before its 503 (5 by default)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_DATABASE_WAIT_SECONDS", "1")
        yield


@pytest.fixture(scope="module")
def servers(database, quick_wait, tmp_path_factory):
    first_data, second_data = tmp_path_factory.mktemp("hote-a") / "data", tmp_path_factory.mktemp("hote-b") / "data"
    first = QuietServer(first_data, "--database", database, "--demo")
    second_data.mkdir()
    shutil.copy(first_data / "secret_key", second_data / "secret_key")  # one key for every host
    second = QuietServer(second_data, "--database", database)
    yield first, second
    first.stop()
    second.stop()


def test_an_app_server_killed_again_and_again_under_load_loses_and_doubles_nothing(servers, database):
    first, _ = servers
    outcomes = Outcomes()

    def kill_and_restart() -> None:
        for _ in range(3):
            time.sleep(0.4)
            first.kill()
            first.start()
        time.sleep(0.3)

    sent = run_tablets([Tablet(first, outcomes) for _ in range(CLIENTS)], kill_and_restart)
    assert outcomes.unexpected == []
    assert outcomes.acknowledged == set(sent)
    stored_once(database, sent)


def test_postgresql_restarted_under_load_gives_french_503s_and_keeps_every_answer(servers, database, postgres):
    first, _ = servers
    outcomes = Outcomes()

    def restart_database() -> None:
        for _ in range(6):  # until a request met a restart (most often the first does)
            time.sleep(0.4)
            postgres.restart("immediate")
            if outcomes.away_messages:
                break
        time.sleep(0.3)

    sent = run_tablets([Tablet(first, outcomes) for _ in range(CLIENTS)], restart_database)
    assert outcomes.unexpected == []  # never a 500, never a traceback
    assert outcomes.away_messages, "no request met the restart"
    assert "rien n'a été enregistré" in outcomes.away_messages[0]
    assert outcomes.acknowledged == set(sent)
    stored_once(database, sent)


def test_while_postgresql_is_away_pages_and_the_tablets_api_say_so_in_french(servers, postgres):
    first, _ = servers
    tablet = Tablet(first, Outcomes())
    tablet.token = json.loads(tablet.call("/api/jeton")[1])["token"]
    answer = new_answers(1)[0]
    postgres.cluster.stop("immediate")
    try:
        status, page = tablet.call(f"/c/{CAMPAIGN}/")
        assert status == 503
        assert "Base de données indisponible" in page and "réessayez dans un moment" in page
        assert "Traceback" not in page
        status, text = tablet.call(f"/api/c/{CAMPAIGN}/reponses", answer)
        assert status == 503 and AWAY_WORDS in _message(text)  # the queue keeps it (sending.js)
    finally:
        postgres.cluster.start()
    deadline = time.monotonic() + 20  # the pool reconnects by itself
    while tablet.call(f"/c/{CAMPAIGN}/")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tablet.call(f"/api/c/{CAMPAIGN}/reponses", answer)[0] == 201


def test_the_same_answers_sent_to_two_servers_at_once_are_stored_once(servers, database):
    """Each batch of answers is sent by two tablets at once, one through each server."""
    outcomes = Outcomes()
    batches = [new_answers(PER_CLIENT) for _ in range(CLIENTS // 2)]
    tablets = [Tablet(server, outcomes, batch) for batch in batches for server in servers]
    sent = run_tablets(tablets, lambda: None)
    assert outcomes.unexpected == []
    assert outcomes.statuses.count(201) == len(set(sent)) == CLIENTS // 2 * PER_CLIENT  # one copy new
    assert outcomes.statuses.count(200) == len(set(sent))  # the other « already stored »
    stored_once(database, sent)


def test_form_answers_meeting_another_writer_and_a_restart_are_each_stored_once(servers, database, postgres):
    """Phones post the form to both servers while another process writes a record every 20 ms
    (each write makes the answers' last looks stale: their INSERT refuses, the request runs
    again), then while PostgreSQL restarts: never a 500, every answer acknowledged once stored."""
    from survey.storage.postgres import open_database

    outcomes = Outcomes()
    writer = open_database(database, pool_size=1)

    def write_then_restart() -> None:
        try:
            for n in range(60):
                writer.records.put("settings", {"id": "another-server", "n": n})
                time.sleep(0.02)
            for _ in range(6):
                postgres.restart("immediate")
                time.sleep(0.4)
                if outcomes.away_messages:
                    break
        finally:
            writer.close()

    sent = run_tablets(
        [Respondent(server, outcomes) for server in servers for _ in range(CLIENTS // 2)], write_then_restart
    )
    assert outcomes.unexpected == []  # never a 500, never a traceback
    assert outcomes.away_messages, "no request met the restart"
    assert outcomes.acknowledged == set(sent)
    stored_once(database, sent)
