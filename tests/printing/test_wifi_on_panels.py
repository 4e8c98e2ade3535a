"""The team's own Wi-Fi on the big panels (issue 11, section 1): the porteur de parole panel and
the ordi-panneau show a second QR code that joins it, step 1 before the form's code, as the
poster does; tiled, both codes reach the sheet of codes to stick on."""

from __future__ import annotations

import pytest

from survey.model.wifi import Wifi, wifi_payload
from survey.printing import make_pdf, prepare_job
from survey.printing.kinds import MONO_ADVANCE, build_ordi, build_panneau
from survey.printing.render import PageFormat, Renderer
from survey.printing.tiling import plan_stickers, plan_tiles
from tests.printing_support import decode_qr, make_printing_app, needs_tools, pdf_text, reader

PDP = "porteur-de-parole-numerique"
BASE = "http://10.42.0.1:8000"
# Every character the payload must escape, in the name and in the password.
NAME = 'PdP;Marche,du:"Sanitas"\\'
PASSWORD = 'cle;secrete,du:"marche"\\'
WIFI = Wifi(NAME, PASSWORD)
FORM = {
    "panneau": f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=PP-simplifie",
    "ordi-panneau": f"{BASE}/c/{PDP}/?canal=qr&affiche=OP",
}
QUESTION = {"panneau": "simplifie", "ordi-panneau": None}
DPI = {"A3": 100, "A1": 50}  # a phone a step away; zbarimg reads the page as rendered


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("wifi-panels") / "data").extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def printed(svc, renderer):
    cache = {}

    def get(kind, size, wifi=WIFI, tile=None):
        key = (kind, size, wifi, tile)
        if key not in cache:
            cache[key] = make_pdf(
                renderer, prepare_job(svc, kind, PDP, BASE, question=QUESTION[kind], size=size, tile=tile, wifi=wifi)
            )
        return cache[key]

    return get


@needs_tools
@pytest.mark.parametrize("size", ["A3", "A1"])
@pytest.mark.parametrize("kind", ["panneau", "ordi-panneau"])
def test_panel_shows_the_wifi_code_first_then_the_form(svc, printed, tmp_path, kind, size):
    pdf = printed(kind, size)
    found = decode_qr(pdf, tmp_path, dpi=DPI[size])
    assert sorted(found) == sorted([wifi_payload(NAME, PASSWORD), FORM[kind]])
    text = pdf_text(pdf, 0)
    assert "Rejoindre le Wi-Fi1" in text and "Ouvrir le questionnaire2" in text  # the step number follows
    assert text.index("Rejoindre le Wi-Fi") < text.index("Ouvrir le questionnaire")
    assert NAME in text and PASSWORD in text
    assert f"{BASE}/{svc.campaigns.get(PDP).short_code}" in text


@needs_tools
@pytest.mark.parametrize("kind", ["panneau", "ordi-panneau"])
def test_without_a_team_wifi_the_panel_has_one_code(printed, tmp_path, kind):
    pdf = printed(kind, "A3", wifi=None)
    assert decode_qr(pdf, tmp_path, dpi=DPI["A3"]) == [FORM[kind]]
    assert "Rejoindre le Wi-Fi" not in pdf_text(pdf) and "Ouvrir le questionnaire" not in pdf_text(pdf)


@needs_tools
@pytest.mark.parametrize("kind", ["panneau", "ordi-panneau"])
def test_tiled_panel_gives_both_codes_to_stick_on_at_their_printed_size(svc, printed, renderer, tmp_path, kind):
    pdf = printed(kind, "A1", tile="A4")
    last = len(reader(pdf).pages)
    assert "QR code à coller" in pdf_text(pdf, last - 1)
    assert sorted(decode_qr(pdf, tmp_path, page=last, dpi=100)) == sorted([wifi_payload(NAME, PASSWORD), FORM[kind]])
    # At A1 the two codes fit the A4 sheet one under the other: each covers its code exactly.
    job = prepare_job(svc, kind, PDP, BASE, question=QUESTION[kind], size="A1", wifi=WIFI)
    _, codes = renderer.render_with_codes(
        job.kind.template, job.kind.build(job, renderer.fitter), job.fmt, ("common", job.kind.stylesheet)
    )
    assert len(codes[0]) == 2
    stickers = plan_stickers(plan_tiles(job.fmt.width_mm, job.fmt.height_mm, "A4"), codes[0], PageFormat("A4"))
    assert [s.scale for s in stickers] == [1, 1]
    assert "exactement sur le" in pdf_text(pdf, last - 1)


@pytest.mark.parametrize(
    "kind, build, widths",
    [
        ("panneau", build_panneau, {"url": 66, "wifi": 28}),
        ("ordi-panneau", build_ordi, {"url": 62, "wifi": 31}),
    ],
)
def test_long_addresses_and_network_names_fit_their_boxes(svc, renderer, kind, build, widths):
    """A long host name, a 32-character network name and a 63-character password get smaller
    type, never a line running off the panel (boxes in rem: kinds.py and the stylesheets)."""
    base = "http://ordinateur-du-centre-social-europe.local:8000"
    job = prepare_job(svc, kind, PDP, base, question=QUESTION[kind], size="A1", wifi=Wifi("N" * 32, "p" * 63))
    context = build(job, renderer.fitter)
    assert context["url_size"] * len(job.short_url) * MONO_ADVANCE <= widths["url"]
    wifi = context["wifi"]
    assert wifi["name_size"] * 32 * MONO_ADVANCE <= widths["wifi"]
    assert wifi["password_size"] * 63 * MONO_ADVANCE <= widths["wifi"]
    assert build(prepare_job(svc, kind, PDP, base, question=QUESTION[kind], size="A1"), renderer.fitter)["wifi"] is None
