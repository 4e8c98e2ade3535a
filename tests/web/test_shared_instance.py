"""A shared instance with two app servers on one PostgreSQL behave as one (issue 15, section 2).

Two real server processes (``survey serve --database``), each with its own data folder as on
two hosts (the secret key copied, as docs/DEPLOYMENT.md says), one real PostgreSQL
(``tests/storage/postgres_server.py``). One cookie jar for both: a browser behind a reverse
proxy that sends each request to either server.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from survey import create_app, local_postgres
from survey.services.accounts import create_coordinator
from tests.conftest import LiveServer
from tests.storage.postgres_server import require_postgres

CAMPAIGN = "besoins-numeriques-habitants"
NAME, PASSWORD = "camille", "un-mot-de-passe-long"
EDITOR = "/coordination/questionnaires"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and urllib, without following redirects: (status, headers, text)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, server, path, form=None, json_body=None, headers=None):
        data = None
        headers = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
        elif json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        try:
            with self.opener.open(
                urllib.request.Request(server.url + path, data=data, headers=headers), timeout=20
            ) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def token(self, server, path="/connexion") -> str:
        _, _, page = self.request(server, path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def sign_in(self, server, password=PASSWORD):
        form = {"nom": NAME, "mot_de_passe": password, "csrf_token": self.token(server)}
        return self.request(server, "/connexion", form=form)


@pytest.fixture(scope="module")
def postgres(postgres_server):
    """The session's cluster (tests/storage_switch.py), not one more started for this module."""
    return postgres_server


@pytest.fixture(scope="module")
def database(postgres):
    return postgres.new_database()


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    first_data, second_data = tmp_path_factory.mktemp("hote-a") / "data", tmp_path_factory.mktemp("hote-b") / "data"
    first = LiveServer(first_data, "--database", database, "--demo")
    second_data.mkdir()
    shutil.copy(first_data / "secret_key", second_data / "secret_key")  # one key for every host
    second = LiveServer(second_data, "--database", database)
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture(scope="module")
def shared(database, tmp_path_factory):
    """The services over the same database, in this process: accounts and checks."""
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path_factory.mktemp("test") / "data"), "DATABASE_URL": database}
    )
    svc = app.extensions["survey"]
    if svc.accounts.get(NAME) is None:
        create_coordinator(svc, NAME, PASSWORD)
    yield svc
    svc.records.pool.close()


def test_the_same_answer_sent_to_both_servers_is_stored_once(servers, shared):
    first, second = servers
    browser = Browser()
    answer = {"answer_id": str(uuid.uuid4()), "channel": "qr", "answers": {"internet": "oui", "aisance": 3}}
    before = shared.answers.count(CAMPAIGN)
    statuses = []
    for server in (first, second, first):
        _, _, token = browser.request(server, "/api/jeton")
        headers = {"X-CSRFToken": json.loads(token)["token"]}
        statuses.append(browser.request(server, f"/api/c/{CAMPAIGN}/reponses", json_body=answer, headers=headers)[0])
    assert statuses[0] == 201 and all(s in (200, 201) for s in statuses[1:]), statuses
    assert shared.answers.count(CAMPAIGN) == before + 1
    assert shared.answers.get(CAMPAIGN, answer["answer_id"])["answers"]["aisance"] == 3


def test_a_questionnaire_edited_through_one_server_is_served_by_the_other(servers, shared):
    first, second = servers
    browser = Browser()
    assert browser.sign_in(first)[0] == 303
    new_id = "partage-" + uuid.uuid4().hex[:8]
    assert browser.request(second, f"{EDITOR}/q/{new_id}/")[0] == 404  # the other server, before
    token = browser.token(first, f"{EDITOR}/")
    status, headers, _ = browser.request(first, f"{EDITOR}/nouveau", form={"titre": "Partagé", "csrf_token": token})
    assert status == 303, status
    draft = urllib.parse.urlsplit(headers["Location"]).path
    browser.request(first, f"{draft}presentation", form={"title": "Partagé", "id": new_id, "csrf_token": token})
    form = {"type": "short_text", "label": "Une question venue du premier serveur", "csrf_token": token}
    browser.request(first, f"{draft}questions", form=form)
    assert browser.request(first, f"{draft}enregistrer", form={"csrf_token": token})[0] == 303
    status, _, page = browser.request(second, f"{EDITOR}/q/{new_id}/")
    assert status == 200 and "Une question venue du premier serveur" in page
    # Only in the database: not a file the second host could have been given.
    assert shared.records.get("edited_questionnaires", new_id) is not None


def test_a_sign_out_everywhere_on_one_server_is_effective_on_the_other(servers, shared):
    first, second = servers
    browser = Browser()
    assert browser.sign_in(first)[0] == 303
    assert browser.request(second, "/coordination/")[0] == 200  # signed in on both
    stolen = [(c.name, c.value) for c in browser.jar]  # a copy of the cookie, kept elsewhere
    token = browser.token(second, f"{EDITOR}/")
    assert browser.request(first, "/deconnexion", form={"partout": "1", "csrf_token": token})[0] == 303
    replay = Browser()
    for name, value in stolen:
        replay.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}
            )
        )
    status, headers, _ = replay.request(second, "/coordination/")
    assert status in (302, 303) and "/connexion" in headers["Location"]


def test_failed_sign_ins_spread_over_both_servers_are_counted_together(servers, shared):
    first, second = servers
    browser = Browser()
    statuses = [browser.sign_in(server, password="pas-le-bon")[0] for server in (first, second) * 3]
    assert statuses[:5] == [401] * 5
    page = browser.sign_in(first, password="pas-le-bon")
    assert statuses[5] == 429 and page[0] == 429, statuses
    assert "Trop d'essais" in html.unescape(page[2])


def test_a_board_photo_stored_through_one_host_is_read_by_another(database, shared, tmp_path):
    """Photos are rows, not files of one machine; a photo file left in a data folder from
    before (or by ``survey data copy``) is taken into the database when a server starts."""
    shared.photos.write("atelier", "s1", "tableau.jpg", b"\xff\xd8 une photo")
    left = tmp_path / "data" / "photos" / "atelier" / "s2" / "ancien.png"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"\x89PNG d'avant")
    other = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database})
    try:
        photos = other.extensions["survey"].photos
        assert photos.read("atelier", "s1", "tableau.jpg") == b"\xff\xd8 une photo"
        assert shared.photos.read("atelier", "s2", "ancien.png") == b"\x89PNG d'avant"
        assert photos.read("atelier", "s1", "autre.jpg") is None
    finally:
        other.extensions["survey"].records.pool.close()


def test_several_workers_with_https_are_refused_in_french(runner, tmp_path, monkeypatch):
    """Without a database they share the data folder (tests/storage/test_scale_pages_workers.py);
    HTTPS in front of several is nginx's."""
    from survey.cli import main

    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    result = runner.invoke(main, ["serve", "--workers", "2", "--https", "--data", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "--https sert avec un seul processus" in result.output


def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(database, shared, tmp_path):
    """With ProxyFix, failures from one client behind nginx do not slow another one."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": database,
            "BEHIND_PROXY": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    try:
        client = app.test_client()

        def sign_in(address):
            headers = {"X-Forwarded-For": address}
            return client.post("/connexion", data={"nom": NAME, "mot_de_passe": "faux"}, headers=headers).status_code

        assert [sign_in("203.0.113.7") for _ in range(6)][-1] == 429
        assert sign_in("198.51.100.2") == 401  # another client behind the same proxy
    finally:
        app.extensions["survey"].records.pool.close()


def test_a_nightly_dump_restores_answers_questionnaires_and_photos(postgres, database, servers, shared, tmp_path):
    """The backup of docs/DEPLOYMENT.md: ``pg_dump -Fc``, then ``pg_restore`` into an empty database."""
    shared.photos.write("atelier", "s9", "sauvegarde.jpg", b"\xff\xd8 sauvegarde")
    dump, binaries = tmp_path / "survey.dump", local_postgres.find_binaries()
    subprocess.run([str(binaries / "pg_dump"), "-Fc", "-f", str(dump), database], check=True)
    restored = postgres.new_database()
    subprocess.run([str(binaries / "pg_restore"), "--no-owner", "-d", restored, str(dump)], check=True)
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": restored})
    try:
        svc = app.extensions["survey"]
        assert svc.answers.count(CAMPAIGN) == shared.answers.count(CAMPAIGN) > 0
        assert svc.records.all("edited_questionnaires") == shared.records.all("edited_questionnaires")
        assert svc.photos.read("atelier", "s9", "sauvegarde.jpg") == b"\xff\xd8 sauvegarde"
        assert svc.accounts.get(NAME) is not None
    finally:
        svc.records.pool.close()


def test_one_command_starts_the_local_shared_instance_and_ctrl_c_stops_all():
    """``survey instance-locale`` (``make shared``): PostgreSQL made in a folder, the demo, two
    workers; Ctrl-C in the terminal (SIGINT to the whole group) stops the workers, then PostgreSQL."""
    import os
    import signal
    import sys
    import time

    from tests.conftest import ROOT, free_port

    require_postgres()
    base = Path(tempfile.mkdtemp(prefix="survey-shared-"))  # not under pytest's root-only folder:
    base.chmod(0o755)  # as root, the cluster belongs to the postgres user, who must reach it
    port, folder = free_port(), base / "shared-db"
    command = [sys.executable, "-m", "survey", "instance-locale", "--dossier", str(folder), "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status is None and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/c/{CAMPAIGN}/", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.2)
        assert status == 200  # the demo campaign's form, served from PostgreSQL
        assert (folder / "postgres" / "cluster" / "postmaster.pid").exists()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert "Base PostgreSQL créée" in output and output.count("PostgreSQL arrêté.") == 1, output
    assert not (folder / "postgres" / "cluster" / "postmaster.pid").exists()
    shutil.rmtree(base, ignore_errors=True)
