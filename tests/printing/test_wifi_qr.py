"""The team's own Wi-Fi (street, market): a second QR code that joins it, step 1 before the form."""

from __future__ import annotations

import pytest

from survey.cli.serve import announce
from survey.model.wifi import Wifi, WifiError, check, wifi_payload
from survey.printing import make_pdf, prepare_job
from survey.printing.render import Renderer
from survey.services import site_settings
from tests.factories import login_coordinator
from tests.printing_support import decode_qr, make_printing_app, needs_tools, pdf_text

PDP = "porteur-de-parole-numerique"
BASE = "http://10.42.0.1:8000"
# Every character the payload must escape, in the name and in the password.
NAME = 'PdP;Marche,du:"Sanitas"\\'
PASSWORD = 'cle;secrete,du:"marche"\\'


def test_payload_escapes_what_the_format_says():
    assert wifi_payload("Equipe", "12345678") == "WIFI:T:WPA;S:Equipe;P:12345678;;"
    assert wifi_payload(NAME, PASSWORD) == (
        'WIFI:T:WPA;S:PdP\\;Marche\\,du\\:\\"Sanitas\\"\\\\;P:cle\\;secrete\\,du\\:\\"marche\\"\\\\;;'
    )
    assert wifi_payload("Ouvert") == "WIFI:T:nopass;S:Ouvert;;"


@pytest.mark.parametrize(
    "name, password, message",
    [
        ("", "12345678", "Écrivez le nom du réseau Wi-Fi"),
        ("x" * 33, "12345678", "au plus 32 caractères"),
        ("Equipe", "court", "de 8 à 63 caractères"),
        ("Equipe", "a" * 64, "de 8 à 63 caractères"),
        ("Equi\npe", "12345678", "retour à la ligne"),
    ],
)
def test_a_network_phones_could_not_join_is_refused_in_french(name, password, message):
    with pytest.raises(WifiError, match=message):
        check(name, password)


def test_an_open_network_needs_no_password():
    assert check("  Marché  ", "") == Wifi("Marché", "")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    app = make_printing_app(tmp_path_factory.mktemp("wifi") / "data")
    svc = app.extensions["survey"]
    renderer = Renderer()

    def make(wifi, kind="affiche", question="simplifie", size="A4"):
        return svc, make_pdf(renderer, prepare_job(svc, kind, PDP, BASE, question=question, size=size, wifi=wifi))

    return make


@needs_tools
@pytest.mark.parametrize("size", ["A4", "A2"])
def test_poster_shows_the_wifi_code_first_then_the_form(printed, tmp_path, size):
    svc, pdf = printed(Wifi(NAME, PASSWORD), size=size)
    found = decode_qr(pdf, tmp_path, dpi=150 if size == "A4" else 60)
    assert wifi_payload(NAME, PASSWORD) in found
    assert f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie" in found
    text = pdf_text(pdf)
    assert "Rejoindre le Wi-Fi1" in text and "Ouvrir le questionnaire2" in text  # the step number follows
    assert text.index("Rejoindre le Wi-Fi") < text.index("Ouvrir le questionnaire")
    assert NAME in text and PASSWORD in text
    assert f"{BASE}/{svc.campaigns.get(PDP).short_code}" in text


@needs_tools
def test_without_a_team_wifi_the_poster_has_one_code(printed, tmp_path):
    _, pdf = printed(None)
    assert decode_qr(pdf, tmp_path) == [f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie"]
    assert "Rejoindre le Wi-Fi" not in pdf_text(pdf)


@needs_tools
def test_the_whole_questionnaire_poster_has_the_wifi_code_too(printed, tmp_path):
    _, pdf = printed(Wifi("Equipe-PdP", "12345678"), question="*")
    assert set(decode_qr(pdf, tmp_path)) == {
        "WIFI:T:WPA;S:Equipe-PdP;P:12345678;;",
        f"{BASE}/c/{PDP}/?canal=qr&affiche=A",
    }


# --- web: saved by the coordinator, shown to the team only -----------------------------------------
@pytest.fixture
def app(tmp_path):
    return make_printing_app(tmp_path / "data")


@pytest.fixture
def coordinator(app):
    client = app.test_client()
    login_coordinator(client)
    return client


def test_coordinator_saves_the_wifi_and_the_team_page_shows_both_steps(app, coordinator):
    response = coordinator.post(
        "/coordination/wifi", data={"nom_wifi": "Equipe-PdP", "mot_de_passe_wifi": "marche2026"}
    )
    assert response.status_code == 303
    assert site_settings.team_wifi(app.extensions["survey"].records) == Wifi("Equipe-PdP", "marche2026")
    page = coordinator.get(f"/coordination/campagnes/{PDP}/benevoles").get_data(as_text=True)
    assert "1. Rejoindre le Wi-Fi « Equipe-PdP »" in page and "marche2026" in page
    assert "2. Ouvrir l'espace bénévole" in page
    assert 'aria-label="QR code du Wi-Fi Equipe-PdP"' in page
    assert 'style="' not in page and "<script>" not in page  # strict CSP
    settings = coordinator.get("/coordination/adresse").get_data(as_text=True)
    assert "marche2026" in settings and 'aria-label="QR code du Wi-Fi Equipe-PdP"' in settings
    printing = coordinator.get(f"/coordination/campagnes/{PDP}/imprimer").get_data(as_text=True)
    assert "Wi-Fi de l'équipe « Equipe-PdP »" in printing


def test_a_bad_wifi_is_refused_and_nothing_is_saved(app, coordinator):
    response = coordinator.post("/coordination/wifi", data={"nom_wifi": "Equipe", "mot_de_passe_wifi": "court"})
    assert response.status_code == 422
    assert "de 8 à 63 caractères" in response.get_data(as_text=True)
    assert site_settings.team_wifi(app.extensions["survey"].records) is None


def test_the_password_never_reaches_public_pages(app, coordinator):
    coordinator.post("/coordination/wifi", data={"nom_wifi": "Equipe-PdP", "mot_de_passe_wifi": "marche2026"})
    visitor = app.test_client()
    code = app.extensions["survey"].campaigns.get(PDP).short_code
    for path in ("/", f"/c/{PDP}/", f"/{code}", "/benevole/", f"/c/{PDP}/confidentialite"):
        response = visitor.get(path, follow_redirects=True)
        assert "marche2026" not in response.get_data(as_text=True), path


def test_the_wifi_can_be_removed(app, coordinator):
    coordinator.post("/coordination/wifi", data={"nom_wifi": "Equipe-PdP", "mot_de_passe_wifi": "marche2026"})
    assert coordinator.post("/coordination/wifi/retirer").status_code == 303
    assert site_settings.team_wifi(app.extensions["survey"].records) is None
    assert "Rejoindre le Wi-Fi" not in coordinator.get(f"/coordination/campagnes/{PDP}/benevoles").get_data(
        as_text=True
    )


def test_wifi_pages_need_a_coordinator(app):
    visitor = app.test_client()
    assert (
        visitor.post("/coordination/wifi", data={"nom_wifi": "X", "mot_de_passe_wifi": "12345678"}).status_code == 302
    )
    assert site_settings.team_wifi(app.extensions["survey"].records) is None


def test_the_terminal_numbers_the_wifi_then_the_questionnaire(app, runner):
    site_settings.save_wifi(app.extensions["survey"].records, Wifi("Equipe-PdP", "marche2026"))
    site_settings.save_address(app.extensions["survey"].records, "http://10.42.0.1:8000")
    result = runner.invoke(_announce_command(app), [])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. Rejoindre le Wi-Fi « Equipe-PdP », mot de passe : marche2026" in out
    assert "2. Ouvrir le questionnaire : http://10.42.0.1:8000/" in out
    assert out.index("1. Rejoindre") < out.index("2. Ouvrir")


def _announce_command(app):
    import click

    @click.command()
    def run():
        announce(app, "10.42.0.1", 8000, "http")  # bound to its LAN address

    return run
