"""Two structures on one shared instance, over real HTTP (issue 15 §3, « two structures never
see each other's data »): the network coordinator, made from the command line, adds a structure,
its coordinator and its campaign; an inhabitant answers it; then the coordinators of the two
structures, signed in on two browsers at once, each see their own campaign, answers, export,
journal and hand-over tokens, and the other structure's as if they did not exist."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from click.testing import CliRunner

from survey.cli import main
from tests.conftest import LiveServer
from tests.web.test_shared_instance import Browser

PASSWORD = "un-mot-de-passe-long"
OURS = "porteur-de-parole-numerique"  # a demo campaign: the default structure's
THEIRS = "paroles-du-nord"
SECRET = "Le-secret-du-quartier-nord"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("instance") / "data", "--demo")
    yield server
    server.stop()


def sign_in(server, name: str) -> Browser:
    browser = Browser()
    status, headers, _ = browser.request(
        server, "/connexion", form={"nom": name, "mot_de_passe": PASSWORD, "csrf_token": browser.token(server)}
    )
    assert status == 303 and headers["Location"].endswith("/coordination/"), status
    return browser


def post(browser: Browser, server, path: str, form: dict, page: str | None = None):
    """Post ``form`` with the CSRF token of ``page`` (by default the page posted to)."""
    status, _, body = browser.request(server, page or path)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    assert found, (page or path, status, body[:500])
    return browser.request(server, path, form={**form, "csrf_token": found.group(1)})


def read(browser: Browser, server, path: str) -> tuple[int, str]:
    status, _, body = browser.request(server, path)
    return status, html.unescape(body)


def test_two_structures_signed_in_at_once_never_see_each_others_data(server):
    runner = CliRunner()
    made = runner.invoke(
        main, ["coordinator", "add", "alex", "--reseau", "--password", PASSWORD, "--data", str(server.data_dir)]
    )
    assert made.exit_code == 0, made.output

    # The network coordinator adds a structure, its coordinator, its campaign, and one for the first structure.
    network = sign_in(server, "alex")
    status, headers, _ = post(
        network, server, "/coordination/structures/", {"identifiant": "centre-nord", "nom": "Centre social du Nord"}
    )
    assert status == 303, status
    for name, structure in (("dominique", "centre-nord"), ("camille", "principale")):
        account = {"nom": name, "mot_de_passe": PASSWORD, "confirmation": PASSWORD, "role": "coordinator"}
        assert post(network, server, f"/coordination/structures/{structure}/comptes", account)[0] == 303
    campaign = {
        "identifier": THEIRS,
        "title": "Paroles du Nord",
        "questionnaire": OURS,
        "channels": "qr",
        "retention_months": "12",
        "proprietaire": "centre-nord",
    }
    assert post(network, server, "/coordination/campagnes/nouvelle", campaign)[0] == 303

    # An inhabitant answers the second structure's campaign on its public form.
    passer_by = Browser()
    answer = {
        "answer_id": str(uuid.uuid4()),
        "started_at": "2026-01-01T10:00:00Z",
        "q_simplifie": SECRET,
        "action": "envoyer",
    }
    assert post(passer_by, server, f"/c/{THEIRS}/", answer)[0] == 303

    # Two coordinators, two browsers, signed in at the same time.
    camille, dominique = sign_in(server, "camille"), sign_in(server, "dominique")
    status, page = read(dominique, server, "/coordination/")
    assert status == 200 and "Paroles du Nord" in page and "Centre social du Nord" in page
    assert "Porteur de parole : le numérique et nous" not in page
    status, page = read(camille, server, "/coordination/")
    assert status == 200 and "Porteur de parole : le numérique et nous" in page and "Paroles du Nord" not in page

    theirs = [
        f"/coordination/campagnes/{THEIRS}/{p}"
        for p in ("", "reponses", "resultats", "exporter", "donnees", "benevoles")
    ]
    for path in (*theirs, f"/coordination/campagnes/{THEIRS}/export.csv", f"/terrain/{THEIRS}/"):
        status, page = read(dominique, server, path)
        assert status == 200, (path, status)
        status, page = read(camille, server, path)
        assert status == 404 and "n'existe pas" in page and SECRET not in page, (path, status)
    assert SECRET in read(dominique, server, f"/coordination/campagnes/{THEIRS}/reponses")[1]
    assert read(dominique, server, f"/coordination/campagnes/{OURS}/")[0] == 404
    # Camille's attempt to close the other campaign changes nothing.
    status, _, _ = post(
        camille, server, f"/coordination/campagnes/{THEIRS}/fermer", {"confirmer": "oui"}, "/coordination/"
    )
    assert status == 404
    assert ">Ouverte<" in read(dominique, server, f"/coordination/campagnes/{THEIRS}/")[1]

    # Each reads their own journal; the network reads both.
    journals = {
        name: read(b, server, "/coordination/journal")[1]
        for name, b in (("camille", camille), ("dominique", dominique), ("alex", network))
    }
    export_line = f"{THEIRS} · csv"
    assert (
        export_line in journals["dominique"]
        and export_line not in journals["camille"]
        and export_line in journals["alex"]
    )
    assert "connexion de camille" in journals["camille"] and "connexion de camille" not in journals["dominique"]
    assert "connexion de alex" in journals["alex"]  # the network's own entries: the network's alone
    assert "connexion de alex" not in journals["camille"] and "connexion de alex" not in journals["dominique"]

    # A hand-over token is the structure's: made by Dominique, unseen by Camille, who cannot make one for that id.
    status, _, page = post(dominique, server, "/coordination/recevoir", {"campagne": "fete-du-nord-2026"})
    assert status == 200 and "fete-du-nord-2026" in page
    assert "fete-du-nord-2026" not in read(camille, server, "/coordination/recevoir")[1]
    status, _, page = post(camille, server, "/coordination/recevoir", {"campagne": THEIRS})
    assert status == 422 and "déjà pris" in html.unescape(page)

    # The network coordinator reaches both, with the figures across structures.
    for path in (f"/coordination/campagnes/{THEIRS}/reponses", f"/coordination/campagnes/{OURS}/reponses"):
        assert read(network, server, path)[0] == 200
    status, page = read(network, server, "/coordination/structures/")
    assert status == 200 and "Centre social du Nord" in page and "1 réponse" in page
