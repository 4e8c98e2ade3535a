"""Every printable carries the identity of the structure that owns its campaign: the name
(unless the campaign names its own, a partner), the RGPD contact on the privacy line, and the
logo drawn on the sheet; the QR codes still read. A campaign of another structure prints that
structure's identity, and a structure without a contact prints the words of before."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from survey.model.structure import CONTACT_MAX, DEFAULT_ID, Structure
from survey.printing import make_pdf, prepare_job
from survey.printing.render import Renderer
from survey.services.structure_identity import IdentityChange, save_identity
from tests.printing_support import BASE, decode_qr, make_printing_app, needs_tools, pdf_text, reader

PDP = "porteur-de-parole-numerique"  # « Centre social » in its own structure text
ORDI = "ordi-panneau-quotidien"
BESOINS = "besoins-numeriques-habitants"
OTHER = "paroles-du-tunnel"  # a copy of PDP owned by the second structure, no structure text
MAGENTA, ORANGE = (200, 0, 160), (255, 140, 0)
CONTACT = "rgpd@cs-europe.fr\n12 rue de l'Europe, 37100 Tours"
OTHER_CONTACT = "Maison du Tunnel, 06 12 34 56 78"


def logo(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 120), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # Without sign-in: the summary PDF is a coordinator's page.
    return make_printing_app(tmp_path_factory.mktemp("identity") / "data", LOGIN_DISABLED=True)


@pytest.fixture(scope="module")
def svc(app):
    svc = app.extensions["survey"]
    save_identity(svc, DEFAULT_ID, IdentityChange("Centre social Europe", CONTACT, logo(MAGENTA)))
    assert svc.structures.add(Structure("maison-tunnel", "Maison du Tunnel"))
    save_identity(svc, "maison-tunnel", IdentityChange("Maison du Tunnel", OTHER_CONTACT, logo(ORANGE)))
    campaign = svc.campaigns.get(PDP)
    campaign.id, campaign.title, campaign.short_code = OTHER, "Paroles du Tunnel", ""
    campaign.structure, campaign.structure_id = "", "maison-tunnel"
    svc.campaigns.save(campaign)
    return svc


@pytest.fixture(scope="module")
def printed(svc):
    renderer, cache = Renderer(), {}

    def get(kind, campaign, question=None, size=None):
        key = (kind, campaign, question, size)
        if key not in cache:
            cache[key] = make_pdf(renderer, prepare_job(svc, kind, campaign, BASE, question=question, size=size))
        return cache[key]

    return get


def colours_drawn(pdf: bytes, tmp: Path, name: str) -> set:
    """Which of the two logo colours a phone would see on the first page (rendered in colour)."""
    path = tmp / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp / name)],
        check=True,
        timeout=60,
    )
    with Image.open(tmp / f"{name}.png") as image:
        pixels = {colour for _, colour in image.convert("RGB").getcolors(1 << 24)}
    near = lambda c: any(sum(abs(a - b) for a, b in zip(p, c)) < 12 for p in pixels)  # noqa: E731
    return {c for c in (MAGENTA, ORANGE) if near(c)}


def images_on(pdf: bytes, page: int = 0) -> list:
    return list(reader(pdf).pages[page].images)


# One line: the contact typed on two lines, after the team named with its article.
PRINTED_CONTACT = "contactez l'équipe du Centre social : rgpd@cs-europe.fr, 12 rue de l'Europe, 37100 Tours."


@needs_tools
@pytest.mark.parametrize(
    "kind, campaign, question, size",
    [
        ("affiche", PDP, "simplifie", "A4"),
        ("panneau", PDP, "citoyen", "A3"),
        ("ordi-panneau", ORDI, None, "A3"),
    ],
)
def test_posters_and_panels_carry_name_contact_and_logo_and_their_code_still_reads(
    printed, tmp_path, kind, campaign, question, size
):
    pdf = printed(kind, campaign, question, size)
    text = pdf_text(pdf)
    expected = PRINTED_CONTACT if campaign == PDP else PRINTED_CONTACT.replace("du Centre social", "de la Médiathèque")
    assert expected in text, text[-600:]
    assert "adressez-vous" not in text
    assert len(images_on(pdf)) == 1 and colours_drawn(pdf, tmp_path, kind) == {MAGENTA}
    assert any(code.startswith(BASE) for code in decode_qr(pdf, tmp_path))


def test_the_campaigns_own_structure_text_is_kept_for_the_name(printed):
    text = pdf_text(printed("affiche", PDP, "simplifie", "A4"))
    assert text.startswith("Centre social Europe-Chateaubriand")  # its band: its own text, then its quartier
    assert re.search(r"Centre social Europe(?!-Chateaubriand)", text) is None  # not the structure's name


@needs_tools
def test_a_campaign_of_another_structure_prints_that_structures_identity(printed, tmp_path):
    pdf = printed("affiche", OTHER, "simplifie", "A4")
    text = pdf_text(pdf)
    assert "Maison du Tunnel" in text  # its name, the campaign having none of its own
    assert "contactez l'équipe de la Maison du Tunnel : Maison du Tunnel, 06 12 34 56 78." in text
    assert "rgpd@cs-europe.fr" not in text and "Centre social" not in text
    assert colours_drawn(pdf, tmp_path, "other") == {ORANGE}
    panel = printed("panneau", OTHER, "citoyen", "A3")
    assert "06 12 34 56 78" in pdf_text(panel) and colours_drawn(panel, tmp_path, "other-panel") == {ORANGE}


def test_the_paper_questionnaire_and_the_cards_carry_the_identity(printed):
    paper = printed("questionnaire-papier", BESOINS)
    text = pdf_text(paper)
    assert "Pour consulter ou effacer vos réponses, contactez l'équipe de l'AJCV : rgpd@cs-europe.fr" in text
    assert len(images_on(paper)) == 1
    cards = pdf_text(printed("cartes-reponse", OTHER, "citoyen"))
    assert "Maison du Tunnel" in cards


def test_a_structure_without_contact_prints_the_words_of_before(tmp_path):
    app = make_printing_app(tmp_path / "data")
    svc = app.extensions["survey"]
    save_identity(svc, DEFAULT_ID, IdentityChange("Centre social Europe", ""))
    pdf = make_pdf(Renderer(), prepare_job(svc, "affiche", PDP, BASE, question="simplifie"))
    text = pdf_text(pdf)
    assert "Pour les consulter ou les effacer, adressez-vous à l'équipe du Centre social." in text
    assert "contactez" not in text and "écrivez à" not in text and not images_on(pdf)


def test_the_longest_contact_fits_on_a_poster_and_a_panel(tmp_path):
    app = make_printing_app(tmp_path / "data")
    svc = app.extensions["survey"]
    contact = ("Centre social Europe, service accueil, " * 10)[: CONTACT_MAX - 20] + " fin-du-contact"
    save_identity(svc, DEFAULT_ID, IdentityChange("Centre social Europe", contact))
    renderer = Renderer()
    for kind, question, size in (("affiche", "simplifie", "A4"), ("panneau", "citoyen", "A3")):
        pdf = make_pdf(renderer, prepare_job(svc, kind, PDP, BASE, question=question, size=size))
        assert len(reader(pdf).pages) == 1
        assert "fin-du-contact." in pdf_text(pdf)  # smaller type, never cut off the sheet


def test_the_summary_pdf_carries_the_logo_and_the_contact(app, svc):
    response = app.test_client().get(f"/coordination/campagnes/{PDP}/synthese.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "par Centre social." in text
    assert "contactez rgpd@cs-europe.fr, 12 rue de l'Europe, 37100 Tours." in text
    assert len(images_on(response.data)) == 1
