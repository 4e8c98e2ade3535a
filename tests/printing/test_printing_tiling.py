"""Big panels on an ordinary printer: A4 sheets that reassemble into the full page."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageStat

from survey.printing import make_pdf, prepare_job
from survey.printing.render import PageFormat, Renderer
from survey.printing.tiling import MARGIN, OVERLAP, plan_tiles
from tests.printing_support import BASE, make_printing_app, needs_tools, page_sizes_mm, pdf_text, reader, render_png

ORDI = "ordi-panneau-quotidien"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("tiling") / "data").extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def a0(svc, renderer):
    """The A0 ordi-panneau, whole and tiled on A4 (rendered once)."""
    whole = make_pdf(renderer, prepare_job(svc, "ordi-panneau", ORDI, BASE, size="A0"))
    tiled = make_pdf(renderer, prepare_job(svc, "ordi-panneau", ORDI, BASE, size="A0", tile="A4"))
    return whole, tiled


@pytest.mark.parametrize("size, sheets", [("A3", 4), ("A2", 8), ("A1", 15), ("A0", 25)])
def test_plan_covers_the_page_with_the_overlap(size, sheets):
    big = PageFormat(size, "landscape")
    plan = plan_tiles(big.width_mm, big.height_mm, "A4")
    tiles = plan.tiles
    assert len(tiles) == plan.rows * plan.cols == sheets
    # Windows start at the page's edges, follow each other with exactly OVERLAP mm in common,
    # and the last ones reach the far edges: together they cover the whole page.
    xs = sorted({t.x for t in tiles})
    ys = sorted({t.y for t in tiles})
    assert xs[0] == 0 and ys[0] == 0
    for a, b in zip(xs, xs[1:]):
        assert a + plan.window_width - b == pytest.approx(OVERLAP)
    for a, b in zip(ys, ys[1:]):
        assert a + plan.window_height - b == pytest.approx(OVERLAP)
    assert xs[-1] + plan.window_width >= big.width_mm and ys[-1] + plan.window_height >= big.height_mm
    assert xs[-1] < big.width_mm - OVERLAP and ys[-1] < big.height_mm - OVERLAP  # no useless sheet
    covered = sum(t.width * t.height for t in tiles)
    # Inclusion-exclusion: each strip is covered twice, each crossing of two strips four times.
    twice = OVERLAP * (big.height_mm * (plan.cols - 1) + big.width_mm * (plan.rows - 1)) + OVERLAP * OVERLAP * (
        plan.cols - 1
    ) * (plan.rows - 1)
    assert covered - twice == pytest.approx(big.width_mm * big.height_mm)


def test_tiled_sheets_are_a4_and_counted(a0):
    whole, tiled = a0
    sizes = page_sizes_mm(tiled)
    assert len(sizes) == 25 + 1  # and the sheet with the QR code to stick on
    for w, h in sizes:
        assert sorted((round(w, 1), round(h, 1))) == [210.0, 297.0]
    assert page_sizes_mm(whole) == [pytest.approx((1189, 841), abs=0.5)]


def test_sheets_carry_their_assembly_marks(a0):
    _, tiled = a0
    first, middle, last = pdf_text(tiled, 0), pdf_text(tiled, 6), pdf_text(tiled, 24)
    assert "A1 Ligne A, colonne 1" in first and "collez ici la feuille A2" in first
    assert "collez ici la feuille B1" in first and "coupez" not in first
    assert "B2 Ligne B, colonne 2" in middle and "posez sur la feuille A2" in middle
    assert "E5 Ligne E, colonne 5" in last and "collez ici" not in last
    assert "25 feuilles A4 (5 lignes × 5 colonnes) pour une affiche A0" in middle


@needs_tools
def test_tiles_reassemble_into_the_big_page(a0, tmp_path):
    """Render the big page and every sheet at 1 pixel per mm; the part of each sheet that
    stays visible once glued (its window minus the overlap strips, where the marks are)
    must be the same pixels as that part of the big page."""
    whole, tiled = a0
    dpi = 25.4  # one pixel per millimetre
    big = Image.open(render_png(whole, tmp_path, dpi, "whole")[0])
    sheets = [Image.open(p) for p in render_png(tiled, tmp_path, dpi, "tile", last=25)]  # not the QR code
    plan = plan_tiles(1189, 841, "A4")
    assert abs(big.size[0] - 1189) <= 1 and abs(big.size[1] - 841) <= 1 and len(sheets) == 25
    inked = 0
    m, o, pad = round(MARGIN), round(OVERLAP), 2
    for tile, sheet in zip(plan.tiles, sheets):
        w, h = round(tile.width), round(tile.height)
        keep_w = w - (o if tile.col < plan.cols - 1 else 0)
        keep_h = h - (o if tile.row < plan.rows - 1 else 0)
        x, y = round(tile.x), round(tile.y)
        part = sheet.crop((m + pad, m + pad, m + keep_w - pad, m + keep_h - pad))
        truth = big.crop((x + pad, y + pad, x + keep_w - pad, y + keep_h - pad))
        difference = ImageStat.Stat(ImageChops.difference(part, truth)).mean[0]
        assert difference < 4, (tile.name, difference)
        if ImageStat.Stat(truth).mean[0] < 250:
            inked += 1
    assert inked >= 15  # the comparison saw the drawing, not blank paper


@needs_tools
def test_nothing_is_printed_in_the_margins_but_marks(a0, tmp_path):
    _, tiled = a0
    sheet = Image.open(render_png(tiled, tmp_path, 25.4, "margin", first=13, last=13)[0])  # C3, in the middle
    width, height = sheet.size
    left_margin = sheet.crop((0, 20, 8, height - 20))
    assert ImageStat.Stat(left_margin).mean[0] > 250  # white, but for the cut marks


def test_a_batch_is_tiled_page_by_page(svc, renderer):
    pdf = make_pdf(renderer, prepare_job(svc, "panneau", "porteur-de-parole-numerique", BASE, size="A2", tile="A4"))
    pages = reader(pdf).pages
    assert len(pages) == 8 * (8 + 1)  # 8 questions, 8 sheets each and their QR code to stick on
    assert "page 8 sur 8" in pdf_text(pdf, len(pages) - 1)
