"""``survey envoyer``: a laptop's campaign handed over to a shared instance (a real ``survey
serve`` process on a data folder) from the command line."""

from __future__ import annotations

import pytest

from survey.cli import main
from tests.conftest import LiveServer
from tests.handover_support import CAMPAIGN, close_app, laptop, open_app, token

pytestmark = pytest.mark.slow


@pytest.fixture
def instance(tmp_path):
    """The instance's folder, a token made there before its server starts, the server."""
    folder = tmp_path / "instance"
    app = open_app(folder)
    secret = token(app.extensions["survey"])
    close_app(app)
    server = LiveServer(folder)
    yield server, secret
    server.stop()


def test_envoyer_twice_stores_once_and_reports_the_check(instance, tmp_path, runner):
    server, secret = instance
    field = laptop(tmp_path / "laptop")
    close_app(field["app"])
    args = ["envoyer", CAMPAIGN, server.url, "--jeton", secret, "--data", str(tmp_path / "laptop")]

    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "5 réponses enregistrées, 0 déjà là, 0 refusée ; vérifié : identiques." in first.output
    assert "Vérification (des deux côtés) : réponses 5" in first.output

    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "0 réponse enregistrée, 5 déjà là, 0 refusée ; vérifié : identiques." in second.output
    there = open_app(tmp_path / "instance")
    assert there.extensions["survey"].answers.count(CAMPAIGN) == 5


def test_envoyer_refusals_are_said_in_french(instance, tmp_path, runner):
    server, _secret = instance
    laptop(tmp_path / "laptop", answers=1)["app"]
    data = ["--data", str(tmp_path / "laptop")]
    wrong = runner.invoke(main, ["envoyer", CAMPAIGN, server.url, "--jeton", "faux", *data])
    assert wrong.exit_code == 1
    assert "Erreur : Refusé par l'instance (401) : Jeton d'envoi inconnu" in wrong.output
    clear = runner.invoke(main, ["envoyer", CAMPAIGN, "http://parole.exemple.org", "--jeton", "x", *data])
    assert clear.exit_code == 1 and "doit commencer par https://" in clear.output
    unknown = runner.invoke(main, ["envoyer", "inconnue", server.url, "--jeton", "x", *data])
    assert unknown.exit_code == 1 and "La campagne « inconnue » n'existe pas ici" in unknown.output
