"""A coordinator prints from the web page and from ``survey print``; mistakes get French answers."""

from __future__ import annotations

import pytest

from survey.cli import main
from survey.printing import PrintError
from survey.printing.links import clean_base_url
from survey.services.site_settings import for_command, for_request
from survey.storage import RecordStore
from tests.factories import login_coordinator
from tests.printing_support import BASE, make_printing_app, page_sizes_mm, pdf_text, reader

PDP = "porteur-de-parole-numerique"
PAGE = f"/coordination/campagnes/{PDP}/imprimer"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("printing-access") / "data"
    make_printing_app(folder)
    return folder


@pytest.fixture
def app(tmp_path):
    return make_printing_app(tmp_path / "data", PUBLIC_BASE_URL=BASE)


@pytest.fixture
def client(app):
    client = app.test_client()
    login_coordinator(client)
    return client


@pytest.fixture
def run(runner):
    """``survey print`` with these arguments on a data folder."""

    def invoke(data_dir, *args):
        return runner.invoke(main, ["print", *args, "--data", str(data_dir)], catch_exceptions=False)

    return invoke


# --- command line ------------------------------------------------------------------------------
def test_cli_prints_every_poster_of_a_campaign_in_one_pdf(run, data_dir, tmp_path):
    out = tmp_path / "affiches.pdf"
    result = run(data_dir, "affiche", PDP, "--base-url", BASE, "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert len(reader(pdf).pages) == 9  # 8 questions, then the whole questionnaire
    assert "9 page(s)" in result.output and BASE in result.output


def test_cli_tiles_a_panel(run, data_dir, tmp_path):
    out = tmp_path / "panneau.pdf"
    result = run(
        data_dir,
        "panneau",
        PDP,
        "--question",
        "citoyen",
        "--size",
        "a1",
        "--tile",
        "A4",
        "--base-url",
        BASE,
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    sizes = page_sizes_mm(out.read_bytes())
    assert len(sizes) == 15 + 1 and all(sorted(map(round, s)) == [210, 297] for s in sizes)  # + the QR code


def test_cli_uses_the_configured_public_address(run, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://enquete.exemple.fr/")
    out = tmp_path / "carte.pdf"
    result = run(data_dir, "questionnaire-papier", "besoins-numeriques-habitants", "--out", str(out))
    assert result.exit_code == 0, result.output
    code = make_printing_app(data_dir).extensions["survey"].campaigns.get("besoins-numeriques-habitants").short_code
    assert f"https://enquete.exemple.fr/{code}" in pdf_text(out.read_bytes())


@pytest.mark.parametrize(
    "args, message",
    [
        (["brochure", PDP], "Type d'imprimé « brochure » inconnu"),
        (["affiche", "nulle-part"], "La campagne « nulle-part » n'existe pas"),
        (["affiche", PDP, "--question", "inconnue"], "La question « inconnue » n'existe pas"),
        (["affiche", PDP, "--size", "A7"], "Le format « A7 » n'est pas possible"),
        (["affiche", PDP, "--tile", "A4"], "Le découpage en feuilles A4 sert aux formats plus grands"),
        (["affiche", PDP, "--all", "--question", "simplifie"], "Choisissez --all ou --question"),
        (["affiche", PDP, "--base-url", "192.168.1.2"], "doit ressembler à http://"),
        (["affiche"], "Indiquez la campagne"),
        (["cartes-paroles", PDP, "--du", "31/02/2026"], "La date de début « 31/02/2026 » n'est pas une date valide"),
        (["cartes-paroles", PDP, "--au", "2000-01-01"], "Aucune parole à imprimer"),
    ],
)
def test_cli_errors_are_french_and_fail(run, data_dir, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = run(data_dir, *args, "--out", str(out))
    assert result.exit_code != 0
    assert message in result.output
    assert "Erreur : " in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_asks_for_the_output_file(run, data_dir):
    result = run(data_dir, "affiche", PDP)
    assert result.exit_code != 0 and "Indiquez le fichier à écrire avec --out" in result.output


# --- web ------------------------------------------------------------------------------------------
def test_print_page_needs_a_coordinator(app):
    response = app.test_client().get(PAGE)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    response = app.test_client().get(f"{PAGE}/affiche.pdf")
    assert response.status_code == 302


def test_print_page_offers_every_kind(client):
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for kind in ("affiche", "ordi-panneau", "panneau", "cartes-reponse", "cartes-paroles", "questionnaire-papier"):
        assert f'action="{PAGE}/{kind}.pdf"' in page
    assert BASE in page  # where the QR codes lead
    assert "2 paroles avec l'accord de la personne" in page
    assert 'style="' not in page and "<script>" not in page  # strict CSP


def test_coordinator_home_links_to_the_print_page(client):
    assert PAGE in client.get("/coordination/").get_data(as_text=True)


def test_web_sends_the_pdf(client):
    response = client.get(f"{PAGE}/affiche.pdf?question=simplifie&size=A3&tile=")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "affiche-porteur-de-parole-numerique-simplifie-A3.pdf" in response.headers["Content-Disposition"]
    pdf = response.get_data()
    assert page_sizes_mm(pdf) == [pytest.approx((297, 420), abs=0.5)]
    assert "Est-ce que le numérique ça simplifie la vie ?" in pdf_text(pdf)


def test_web_tiles_on_a4(client):
    response = client.get(f"{PAGE}/panneau.pdf?question=citoyen&size=A1&tile=A4")
    assert response.status_code == 200 and len(reader(response.get_data()).pages) == 15 + 1  # + the QR code


@pytest.mark.parametrize(
    "query, message",
    [
        ("affiche.pdf?size=A9", "Le format « A9 » n&#39;est pas possible"),
        ("affiche.pdf?question=rien", "La question « rien » n&#39;existe pas"),
        ("brochure.pdf", "Type d&#39;imprimé « brochure » inconnu"),
        ("cartes-paroles.pdf?question=partout", "Aucune parole à imprimer"),
    ],
)
def test_web_bad_choice_shows_the_page_with_the_reason(client, query, message):
    response = client.get(f"{PAGE}/{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_unknown_campaign_is_a_french_404(client):
    response = client.get("/coordination/campagnes/nulle-part/imprimer")
    assert response.status_code == 404 and "Cette campagne n&#39;existe pas" in response.get_data(as_text=True)


# --- public address --------------------------------------------------------------------------------
def test_base_url_rules(tmp_path):
    records = RecordStore(tmp_path)  # nothing saved: the page's address, else the LAN's
    assert (
        for_request(records, None, "http://192.168.1.20:8000/", lambda: ["10.0.0.5"]).url == "http://192.168.1.20:8000"
    )
    # Opened on the laptop itself: a phone cannot reach 127.0.0.1, so the LAN address is used.
    assert for_request(records, None, "http://127.0.0.1:8000/", lambda: ["10.0.0.5"]).url == "http://10.0.0.5:8000"
    assert for_request(records, None, "http://localhost:5000/", lambda: ["10.0.0.5"]).url == "http://10.0.0.5:5000"
    assert for_request(records, "https://enquete.fr/", "http://127.0.0.1:8000/", lambda: []).url == "https://enquete.fr"
    assert for_command(records, None, 8000, lambda: ["10.0.0.5", "172.17.0.1"]).url == "http://10.0.0.5:8000"
    address = for_command(records, None, 8000, lambda: [])
    assert address.url == "http://127.0.0.1:8000" and "--base-url" in address.warning
    with pytest.raises(PrintError):
        clean_base_url("ftp://x")


def test_prints_asked_at_the_same_time_all_come_out_right(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    app = make_printing_app(tmp_path / "data", PUBLIC_BASE_URL=BASE, LOGIN_DISABLED=True)
    queries = [f"{PAGE}/affiche.pdf?question={q}" for q in ("simplifie", "partout", "complique", "rapport")] * 2

    def fetch(query):
        response = app.test_client().get(query)
        return response.status_code, response.get_data()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fetch, queries))
    for (status, pdf), query in zip(results, queries):
        assert status == 200
        assert len(reader(pdf).pages) == 1
    texts = {pdf_text(results[i][1]) for i in range(4)}
    assert len(texts) == 4  # four different posters, none mixed up
