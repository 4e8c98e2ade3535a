"""``survey serve`` as a facilitator starts it: a real process answering over HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import urllib.parse
import urllib.request

from survey.cli import main
from tests.conftest import ROOT, LiveServer, free_port, stored_answers


def browser():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return opener


def test_a_phone_opens_the_home_page_and_answers(live_server):
    phone = browser()
    home = phone.open(live_server.url + "/").read().decode()
    assert "Vos besoins numériques" in home
    page = phone.open(live_server.url + "/c/ordi-panneau-quotidien/").read().decode()
    fields = dict(re.findall(r'name="(csrf_token|answer_id|started_at)" type="hidden" value="([^"]+)"', page))
    question = re.search(r'name="(q_[a-z_]+)"', page).group(1)
    body = urllib.parse.urlencode({**fields, question: "Écrit sur un post-it : « trop de mots de passe »"}).encode()
    response = phone.open(live_server.url + "/c/ordi-panneau-quotidien/", data=body)
    assert response.status == 200 and "/merci" in response.url
    assert "Votre réponse est bien enregistrée" in response.read().decode()
    # Retried by a flaky network: still one answer.
    phone.open(live_server.url + "/c/ordi-panneau-quotidien/", data=body).read()
    stored = stored_answers(live_server.data_dir, "ordi-panneau-quotidien")
    mine = [a["answers"] for a in stored if a["id"] == fields["answer_id"]]
    assert mine == [{question[2:]: "Écrit sur un post-it : « trop de mots de passe »"}]


def test_serve_for_this_laptop_only_prints_its_address_and_no_qr_code(tmp_path):
    server = LiveServer(tmp_path / "data")  # --host 127.0.0.1: no phone can reach it
    output = server.stop()
    assert f"Ouvrez sur cet ordinateur : http://127.0.0.1:{server.port}/" in output
    assert "█" not in output and "▀" not in output  # a QR code a phone could not open
    assert f"créez le compte de coordination sur http://127.0.0.1:{server.port}/premier-demarrage" in output


def test_serve_on_the_network_prints_a_qr_code(tmp_path, runner):
    import click

    from survey import create_app
    from survey.cli.serve import announce

    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "t"})

    @click.command()
    def run():
        announce(app, "10.42.0.1", 8000, "http")

    output = runner.invoke(run, []).output
    assert "http://10.42.0.1:8000/" in output
    assert "█" in output or "▀" in output  # the QR code drawn in the terminal


def test_a_port_already_taken_gets_a_french_message(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "survey",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data",
                str(tmp_path / "d"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )
    assert result.returncode != 0
    assert f"Le port {port} est déjà utilisé par un autre programme" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_just_stopped_starts_again_on_the_same_port(tmp_path):
    """A facilitator restarts the laptop's server: the port freed a moment ago is free."""
    server = LiveServer(tmp_path / "data", "--demo")
    for _ in range(3):  # connections the server closes linger on its side (TIME_WAIT)
        server.get("/").read()
    server.stop()
    server.start()  # same port, same data, at once
    try:
        assert "Porteur de parole" in server.get("/").read().decode()
    finally:
        server.stop()


def test_a_data_folder_that_cannot_be_written_gets_a_french_message(runner, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    result = runner.invoke(main, ["campaigns", "--data", str(blocker / "data")])
    assert result.exit_code == 1
    assert "Impossible de créer le dossier de données" in result.output


def test_demo_then_campaigns_lists_every_shipped_questionnaire(runner, tmp_path):
    data = str(tmp_path / "d")
    assert "9 campagne(s) de démonstration" in runner.invoke(main, ["demo", "--data", data]).output
    assert "0 campagne(s)" in runner.invoke(main, ["demo", "--data", data]).output  # never twice
    listing = runner.invoke(main, ["campaigns", "--data", data]).output
    assert "porteur-de-parole-numerique\tPorteur de parole : le numérique et nous" in listing
    assert len(listing.strip().splitlines()) == 9


def test_data_folder_from_the_environment(runner, tmp_path):
    result = runner.invoke(main, ["demo"], env={"SURVEY_DATA": str(tmp_path / "env")})
    assert result.exit_code == 0
    listing = runner.invoke(main, ["campaigns", "--data", str(tmp_path / "env")]).output  # where the demo went
    assert len(listing.strip().splitlines()) == 9


def test_a_malformed_questionnaire_does_not_stop_the_server(tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    for path in (ROOT / "questionnaires").glob("ordi-panneau-*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "casse.yaml").write_text("id: casse\ntitle: [\n", encoding="utf-8")
    import os

    env_before = os.environ.get("SURVEY_QUESTIONNAIRES")
    os.environ["SURVEY_QUESTIONNAIRES"] = str(folder)
    try:
        server = LiveServer(tmp_path / "data", "--demo")
    finally:
        if env_before is None:
            os.environ.pop("SURVEY_QUESTIONNAIRES")
        else:
            os.environ["SURVEY_QUESTIONNAIRES"] = env_before
    try:
        home = urllib.request.urlopen(server.url + "/").read().decode()
        assert "Ordi-panneau : le numérique au quotidien" in home
    finally:
        output = server.stop()
    assert "Questionnaire ignoré : casse.yaml, ligne 3" in output


def test_each_thread_of_the_server_has_a_database_connection(tmp_path, monkeypatch):
    """A request keeps its database connection until it ends (storage/postgres/pool.py):
    ``survey serve --threads 12`` gives each process a pool of 12, not the default 8."""
    from click.testing import CliRunner

    import survey.cli.serve as serve_command

    made = []
    real_make_app = serve_command.make_app
    monkeypatch.setattr(
        serve_command, "make_app", lambda data_dir, **extra: made.append(extra) or real_make_app(data_dir, **extra)
    )
    monkeypatch.setattr("waitress.serve", lambda app, **options: None)  # started, not run
    for threads, pool in ((12, 12), (4, 8)):
        result = CliRunner().invoke(
            main, ["serve", "--data", str(tmp_path / "data"), "--port", str(free_port()), "--threads", str(threads)]
        )
        assert result.exit_code == 0, result.output
        assert made[-1]["DATABASE_POOL_SIZE"] == pool
