"""The restitution poster and the « Paroles d'habitants » posters: real PDFs, their page sizes,
their text, and the QR code read back from the rendered page (zbarimg) as a phone reads it."""

from __future__ import annotations

import pytest

from survey.services import restitution as restitutions
from tests.coord_world import CAMPAIGN_A, make_world
from tests.printing_support import BASE, decode_qr, needs_tools, page_sizes_mm, pdf_text, reader

pytestmark = pytest.mark.slow

AGREED = "Il faudrait un atelier le samedi matin pour les parents."
ANONYMOUS = "Le wifi de la médiathèque ne marche jamais le soir."
REFUSED = "Mes mots restent entre nous et ne vont sur aucune affiche."
URL = "/coordination/campagnes/{c}/restitution".format(c=CAMPAIGN_A)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = make_world(tmp_path_factory.mktemp("restitution") / "data", PUBLIC_BASE_URL=BASE)
    card = {"channel": "porteur-de-parole", "consent_display": True}
    agreed = world.add(CAMPAIGN_A, answers={"simplifie": AGREED}, consent_report=True, **card)
    anonymous = world.add(CAMPAIGN_A, answers={"partout": ANONYMOUS})
    refused = world.add(CAMPAIGN_A, answers={"complique": REFUSED}, consent_report=False, **card)
    coordinator = world.client("coordination")
    chosen = [f"{CAMPAIGN_A}/{agreed['id']}/simplifie", f"{CAMPAIGN_A}/{anonymous['id']}/partout"]
    response = coordinator.post(
        URL,
        data={
            "title": "Le numérique et nous",
            "quotes": chosen,
            "retained": "Beaucoup de démarches se font seul, le soir.",
            "next_steps": "Un atelier numérique ouvre le samedi matin dès avril.",
            "figures": "1",
        },
    )
    assert response.status_code == 303
    # The stored choice names refused words too (as if edited by hand): nothing may print them.
    record_id = f"campagne-{CAMPAIGN_A}"
    forced = [*chosen, f"{CAMPAIGN_A}/{refused['id']}/complique"]
    restitutions.repository(world.svc).change(record_id, lambda r: dict(r, quotes=forced))
    world.extra["coordinator"] = coordinator
    return world


def published(world) -> str:
    coordinator = world.extra["coordinator"]
    assert coordinator.post(f"{URL}/publier", data={"publier": "1"}).status_code == 303
    return restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}").slug


def get_pdf(world, which: str, **args) -> bytes:
    response = world.extra["coordinator"].get(f"{URL}/{which}.pdf", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def test_no_poster_before_publishing(world):
    coordinator = world.extra["coordinator"]
    coordinator.post(f"{URL}/publier", data={"publier": "0"})
    for which in ("affiche", "paroles"):
        refused = coordinator.get(f"{URL}/{which}.pdf")
        assert refused.status_code == 409
        assert "Publiez d" in refused.get_data(as_text=True)


@needs_tools
def test_restitution_poster_a2_with_figures_quotes_and_the_page_qr_code(world, tmp_path):
    slug = published(world)
    pdf = get_pdf(world, "affiche", size="A2")
    assert [tuple(round(v) for v in size) for size in page_sizes_mm(pdf)] == [(420, 594)]
    text = pdf_text(pdf)
    assert "Le numérique et nous" in text
    assert AGREED[:30] in text and ANONYMOUS[:30] in text
    assert REFUSED[:20] not in text
    assert "réponses" in text and "Et maintenant" in text and "samedi matin dès avril" in text
    (decoded,) = decode_qr(pdf, tmp_path, dpi=60)
    assert decoded == f"{BASE}/restitution/{slug}"
    # A phone opens what the code says: the public page, with no session.
    opened = world.app.test_client().get(decoded.removeprefix(BASE))
    assert opened.status_code == 200 and AGREED in opened.get_data(as_text=True)


@needs_tools
def test_restitution_poster_a0_tiled_on_a4_has_its_code_to_stick_on(world, tmp_path):
    slug = published(world)
    pdf = get_pdf(world, "affiche", size="A0", tile="A4")
    sizes = page_sizes_mm(pdf)
    assert len(sizes) > 10 and all(round(w) == 210 and round(h) == 297 for w, h in sizes)
    assert decode_qr(pdf, tmp_path, page=len(sizes), dpi=100) == [f"{BASE}/restitution/{slug}"]


@needs_tools
def test_voices_posters_one_consented_quote_per_a3_page(world, tmp_path):
    slug = published(world)
    pdf = get_pdf(world, "paroles", size="A3")
    sizes = page_sizes_mm(pdf)
    assert [tuple(round(v) for v in size) for size in sizes] == [(297, 420)] * 2
    assert AGREED[:30] in pdf_text(pdf, 0) and ANONYMOUS[:30] in pdf_text(pdf, 1)
    assert REFUSED[:20] not in pdf_text(pdf)
    assert "Paroles d'habitants" in pdf_text(pdf, 0)
    assert decode_qr(pdf, tmp_path, page=2, dpi=60) == [f"{BASE}/restitution/{slug}"]


def test_voices_posters_refuse_other_sizes_in_french(world):
    published(world)
    refused = world.extra["coordinator"].get(f"{URL}/paroles.pdf", query_string={"size": "A0"})
    assert refused.status_code == 400
    assert "A3 ou A2" in refused.get_data(as_text=True)


def test_voices_posters_print_a_consented_drawing_with_its_phrase(tmp_path):
    from tests.services.test_restitution import add_drawing

    world = make_world(tmp_path / "data", PUBLIC_BASE_URL=BASE)
    agreed = add_drawing(world.svc, "Un banc devant la médiathèque", consent_display=True, consent_report=True)
    coordinator = world.client("coordination")
    response = coordinator.post(URL, data={"title": "Vos dessins", "drawings": [agreed], "figures": "1"})
    assert response.status_code == 303
    coordinator.post(f"{URL}/publier", data={"publier": "1"})
    pdf = coordinator.get(f"{URL}/paroles.pdf", query_string={"size": "A2"}).data
    assert [tuple(round(v) for v in size) for size in page_sizes_mm(pdf)] == [(420, 594)]
    assert "Un banc devant la médiathèque" in pdf_text(pdf)
    images = reader(pdf).pages[0].images
    assert len(images) == 1 and images[0].image.size == (40, 30)  # the drawing itself, embedded
