"""Issue 17 §4: the diagnostic report, as an editable ODT that LibreOffice opens (converted
headless to PDF, its text read back with pdftotext, its pictures listed with pdfimages) and as
a PDF; an answer without reuse consent appears in neither."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from survey import create_app
from survey.cli import main
from survey.services.demarches import key_figures
from survey.services.demo import DEMO_DEMARCHE, load_demo
from tests.exports.test_exports_libreoffice import convert
from tests.factories import make_answer

pytestmark = pytest.mark.slow
PDP = "porteur-de-parole-numerique"
DOORS = "besoins-numeriques-habitants"
CONSENTED = "Quartierbienvenu"  # one word: pdftotext may cut lines anywhere else
REFUSED = "Secretrefuse"  # a scribe's card, reuse refused
HIDDEN = "Secretmasque"  # hidden by the coordinator
NAMED = "Secretprenom"  # a first name given without a card's tick
CROSSING = f"{DOORS}:internet:canal"


def _text(pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) n'est pas installé : scripts/system-packages.sh l'installe")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _images(pdf) -> int:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return sum(1 for line in listing.splitlines()[2:] if " image " in line)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rapport")
    data = tmp / "data"
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "SECRET_KEY": "test"})
    svc = app.extensions["survey"]
    load_demo(svc, with_answers=True)
    svc.answers.add(
        make_answer(PDP, PDP, channel="qr", tags=["logement"], answers={"simplifie": f"Un {CONSENTED} pour tous"})
    )
    svc.answers.add(
        make_answer(
            PDP,
            PDP,
            channel="porteur-de-parole",
            consent_display=True,
            consent_report=False,
            answers={"simplifie": f"Mot {REFUSED} affiché seulement"},
            tags=["logement"],
        )
    )
    svc.answers.add(make_answer(PDP, PDP, channel="qr", hidden=True, answers={"simplifie": f"Texte {HIDDEN}"}))
    svc.answers.add(make_answer(PDP, PDP, channel="qr", first_name="Léa", answers={"simplifie": f"Dit {NAMED}"}))
    from click.testing import CliRunner

    runner = CliRunner()
    files = {}
    for fmt in ("odt", "pdf"):
        out = tmp / f"rapport.{fmt}"
        result = runner.invoke(
            main,
            [
                "rapport",
                DEMO_DEMARCHE.id,
                "--format",
                fmt,
                "--out",
                str(out),
                "--croisement",
                CROSSING,
                "--data",
                str(data),
            ],
        )
        assert result.exit_code == 0, result.output
        files[fmt] = out
    converted = convert(files["odt"], "pdf", tmp / "converti", tmp / "profil-libreoffice")
    return {
        "svc": svc,
        "odt": files["odt"],
        "odt_pdf_text": _text(converted),
        "odt_images": _images(converted),
        "pdf_text": _text(files["pdf"]),
        "figures": key_figures(svc, svc.demarches.get(DEMO_DEMARCHE.id)),
        "runner": runner,
        "data": data,
        "tmp": tmp,
    }


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("which", ["odt_pdf_text", "pdf_text"])
def test_the_report_holds_the_key_figures_the_method_and_the_crosstab(made, which):
    text = _flat(made[which])
    for figure in made["figures"].figures:
        assert f"{figure.value} {figure.label}" in text, figure.label
    assert "Méthode" in text and "Porte-à-porte" in text and "Porteur de parole" in text
    assert "Avez-vous internet à la maison ? × le canal de collecte" in text
    assert "Protection des données" in text and "Vos données : pour voir, corriger ou effacer une réponse" in text


@pytest.mark.parametrize("which", ["odt_pdf_text", "pdf_text"])
def test_the_quotes_are_grouped_by_tag(made, which):
    text = _flat(made[which])
    assert CONSENTED in text
    assert text.index("logement") < text.index(CONSENTED) < text.index("Sans thème")
    assert "Quand ça devient trop technique" in text  # a demo scribe card agreed for reuse


def test_the_odt_opens_in_libreoffice_with_a_picture_per_chart(made):
    charts = sum(1 for line in made["odt_pdf_text"].splitlines() if "personnes ont répondu à cette question" in line)
    assert charts >= 5
    assert made["odt_images"] == charts
    with zipfile.ZipFile(made["odt"]) as odt:
        pictures = [n for n in odt.namelist() if n.startswith("Pictures/") and n.endswith(".png")]
        assert len(pictures) == charts
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize("secret", [REFUSED, HIDDEN, NAMED])
def test_an_answer_without_reuse_consent_appears_nowhere(made, secret):
    with zipfile.ZipFile(made["odt"]) as odt:
        content = odt.read("content.xml").decode("utf-8")
    assert secret not in content
    assert secret not in made["odt_pdf_text"]
    assert secret not in made["pdf_text"]


def test_the_command_says_what_is_wrong_in_french(made):
    runner, data, tmp = made["runner"], str(made["data"]), made["tmp"]
    unknown = runner.invoke(main, ["rapport", "nulle-part", "--out", str(tmp / "x.pdf"), "--data", data])
    assert unknown.exit_code == 1 and "Aucune démarche ni campagne « nulle-part »" in unknown.output
    wrong = runner.invoke(main, ["rapport", PDP, "--format", "odt", "--out", str(tmp / "x.pdf"), "--data", data])
    assert wrong.exit_code == 1 and "doit finir par .odt" in wrong.output
    crossing = runner.invoke(main, ["rapport", PDP, "--out", str(tmp / "x.pdf"), "--croisement", "a:b", "--data", data])
    assert crossing.exit_code == 1 and "QUESTIONNAIRE:QUESTION:COLONNES" in crossing.output
    campaign = runner.invoke(main, ["rapport", PDP, "--format", "odt", "--out", str(tmp / "c.odt"), "--data", data])
    assert campaign.exit_code == 0 and (tmp / "c.odt").stat().st_size > 1000
