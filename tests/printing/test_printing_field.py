"""Printables from the field (issue 11, section 8): QR codes that survive tiling, ordi-panneaux
that leave no question out, big prints counted before they are made, and a paper questionnaire
for people who read little."""

from __future__ import annotations

import math
import re
import subprocess

import pytest

from survey.cli import main
from survey.formats.yaml_files import from_dict
from survey.printing import make_pdf, prepare_job, sheet_count
from survey.printing.kinds import HOW_TO, ordi_plan_text, rgpd_line
from survey.printing.render import CodeBox, PageFormat, Renderer
from survey.printing.tiling import OVERLAP, plan_stickers, plan_tiles
from survey.printing.typography import of_name
from tests.factories import login_coordinator
from tests.printing_support import BASE, flat, make_printing_app, needs_tools, pdf_text, reader

PDP = "porteur-de-parole-numerique"
ORDI = "ordi-panneau-quotidien"
BESOINS = "besoins-numeriques-habitants"
PAGE = "/coordination/campagnes/{}/imprimer"


@pytest.fixture(scope="module")
def printing_app(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("field") / "data", PUBLIC_BASE_URL=BASE)


@pytest.fixture(scope="module")
def svc(printing_app):
    return printing_app.extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def printed(svc, renderer):
    cache = {}

    def get(kind, campaign, question=None, size=None, tile=None):
        key = (kind, campaign, question, size, tile)
        if key not in cache:
            cache[key] = make_pdf(
                renderer, prepare_job(svc, kind, campaign, BASE, question=question, size=size, tile=tile)
            )
        return cache[key]

    return get


@pytest.fixture
def client(printing_app):
    client = printing_app.test_client()
    login_coordinator(client)
    return client


def decode_every_page(pdf: bytes, tmp, dpi: int = 100) -> list[list[str]]:
    """The QR codes zbarimg reads on each page on its own, as a phone sees one printed sheet."""
    path = tmp / "sheets.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(tmp / "sheet")], check=True, timeout=300
    )
    found = []
    for png in sorted(tmp.glob("sheet-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
        found.append([line for line in out.stdout.splitlines() if line])
    return found


# --- QR codes of tiled panels ---------------------------------------------------------------------
@needs_tools
@pytest.mark.parametrize(
    "kind, campaign, question, size",
    [
        ("ordi-panneau", ORDI, None, "A0"),
        ("ordi-panneau", ORDI, None, "A1"),
        ("panneau", PDP, "citoyen", "A0"),
        ("panneau", PDP, "citoyen", "A1"),
    ],
)
def test_every_qr_code_of_a_tiled_panel_reads_whole_on_one_sheet(
    svc, printed, tmp_path, kind, campaign, question, size
):
    job = prepare_job(svc, kind, campaign, BASE, question=question, size=size, tile="A4")
    code = "OP" if kind == "ordi-panneau" else f"PP-{question}"
    expected = job.url("qr", code, question)
    tiled = printed(kind, campaign, question, size, "A4")
    per_sheet = decode_every_page(tiled, tmp_path)
    assert len(per_sheet) == sheet_count(job)
    assert any(codes == [expected] for codes in per_sheet), per_sheet
    # The last sheet is the code to stick on, whole and readable.
    assert per_sheet[-1] == [expected]
    assert "QR code à coller" in pdf_text(tiled, len(per_sheet) - 1)


def test_codes_are_found_where_they_are_laid_out(renderer, svc):
    """The A1 ordi-panneau's code: 45 A4-mm inside its frame, in the side column, right of the screen."""
    job = prepare_job(svc, "ordi-panneau", ORDI, BASE, size="A1")
    context = job.kind.build(job, renderer.fitter)
    _, codes = renderer.render_with_codes(job.kind.template, context, job.fmt, ("common", job.kind.stylesheet))
    assert len(codes) == 1 and len(codes[0]) == 1
    box = codes[0][0]
    scale = job.fmt.scale
    assert box.width == pytest.approx(45 * scale, abs=0.5) and box.height == pytest.approx(45 * scale, abs=0.5)
    assert 223 * scale < box.x < job.fmt.width_mm - box.width


def test_sticker_sheet_says_which_sheets_the_code_crosses(svc, printed, renderer):
    job = prepare_job(svc, "ordi-panneau", ORDI, BASE, size="A0", tile="A4")
    context = job.kind.build(job, renderer.fitter)
    _, codes = renderer.render_with_codes(job.kind.template, context, job.fmt, ("common", job.kind.stylesheet))
    plan = plan_tiles(job.fmt.width_mm, job.fmt.height_mm, "A4")
    names = plan.sheets_under(codes[0][0])
    assert len(names) > 1  # at A0 the 18 cm code is wider than what a glued A4 sheet keeps
    text = pdf_text(printed("ordi-panneau", ORDI, None, "A0", "A4"), 25)
    assert f"feuilles {', '.join(names[:-1])} et {names[-1]}" in text
    assert "collez-le exactement sur le QR code" in text


def test_stickers_keep_the_printed_size_or_shrink_to_fit_the_sheet():
    plan = plan_tiles(1189, 841, "A4")  # A0 landscape on A4: 5 × 5 sheets
    a4 = PageFormat("A4")
    visible_width = plan.window_width - OVERLAP
    crossing = CodeBox(visible_width - 20, 30, 150, 150)  # across the first vertical seam
    (sticker,) = plan_stickers(plan, [crossing], a4)
    assert sticker.scale == 1 and sticker.sheets == ("A1", "A2")
    assert 0 < sticker.x and sticker.x + sticker.width < 210 and sticker.y + sticker.height < 297
    inside = CodeBox(20, 20, 100, 100)
    assert plan_stickers(plan, [inside], a4)[0].sheets == ("A1",)
    huge = plan_stickers(plan, [CodeBox(0, 0, 320, 320)], a4)[0]  # an A0 poster's code
    assert huge.scale < 1 and huge.width <= 190
    two = plan_stickers(plan, [crossing, inside], a4)
    assert two[0].y + two[0].height < two[1].y and two[1].y + two[1].height <= 297 - 10


# --- ordi-panneau: no question left out ----------------------------------------------------------------
def test_an_ordi_panneau_of_many_questions_makes_one_panel_per_three(svc, printed):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    board = [q for q in questionnaire.answerable if q.show_if is None]
    assert len(board) > 3
    pdf = printed("ordi-panneau", BESOINS, None, "A3")
    pages = reader(pdf).pages
    assert len(pages) == math.ceil(len(board) / 3)
    for index, question in enumerate(board):
        assert flat(question.label) in pdf_text(pdf, index // 3)
    conditional = next(q for q in questionnaire.answerable if q.show_if)
    assert flat(conditional.label) not in pdf_text(pdf)


def test_the_coordinator_knows_before_printing_which_questions_each_panel_has(svc, client):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    conditional = questionnaire.number_of(next(q for q in questionnaire.answerable if q.show_if).id)
    plan = flat(ordi_plan_text(questionnaire))
    assert plan.startswith(
        "3 panneaux, trois questions au plus par écran (panneau 1 : questions 1, 2 et 4 ; "
        "panneau 2 : questions 5, 6 et 7 ;"
    )
    assert f"La question {conditional} n'est sur aucun panneau" in plan
    page = flat(client.get(PAGE.format(BESOINS)).get_data(as_text=True).replace("&#39;", "'"))
    assert plan in page
    assert flat(ordi_plan_text(svc.questionnaire_for(svc.campaigns.get(ORDI)))) == "Un panneau : questions 1, 2 et 3."


def test_the_plan_of_a_short_questionnaire_names_every_conditional_question():
    questionnaire = from_dict(
        {
            "id": "t",
            "title": "T",
            "version": 1,
            "questions": [
                {"id": "a", "type": "yes_no", "label": "A ?"},
                {"id": "b", "type": "short_text", "label": "B", "show_if": {"question": "a", "equals": "oui"}},
                {"id": "c", "type": "short_text", "label": "C", "show_if": {"question": "a", "equals": "oui"}},
                {"id": "d", "type": "short_text", "label": "D"},
            ],
        }
    )
    assert flat(ordi_plan_text(questionnaire)) == (
        "Un panneau : questions 1 et 4. Les questions 2 et 3 ne sont sur "
        "aucun panneau : elles dépendent d'une réponse précédente."
    )


# --- big prints are counted first ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, campaign, question, size, tile",
    [
        ("affiche", PDP, None, "A4", None),
        ("ordi-panneau", BESOINS, None, "A2", "A4"),
        ("panneau", PDP, "citoyen", "A1", "A4"),
        ("cartes-reponse", PDP, None, "A4", None),
    ],
)
def test_sheets_are_counted_right_before_rendering(svc, printed, kind, campaign, question, size, tile):
    job = prepare_job(svc, kind, campaign, BASE, question=question, size=size, tile=tile)
    assert sheet_count(job) == len(reader(printed(kind, campaign, question, size, tile)).pages)


def test_the_print_page_asks_before_making_more_than_50_sheets(client, monkeypatch):
    def never(*args):
        raise AssertionError("rendered before the coordinator agreed")

    monkeypatch.setattr("survey.web.printing.make_pdf", never)
    url = f"{PAGE.format(PDP)}/panneau.pdf?question=&size=A0&tile=A4"
    response = client.get(url)
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "208 feuilles" in page and "8 pages A0, chacune en 25 feuilles" in page
    form = re.search(r'<div class="confirm-print".*?</form>', page, re.S).group(0)
    assert f'action="{PAGE.format(PDP)}/panneau.pdf"' in form
    for name, value in (("size", "A0"), ("tile", "A4"), ("confirmer", "oui")):
        assert f'name="{name}" value="{value}"' in form
    assert "Oui, faire les 208 feuilles" in form and "<script" not in page


def test_a_confirmed_big_print_is_made(client):
    response = client.get(f"{PAGE.format(BESOINS)}/ordi-panneau.pdf?size=A0&tile=A4&confirmer=oui")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(reader(response.get_data()).pages) == 3 * 26  # 3 panels, 25 sheets and a QR code each


def test_a_small_print_is_not_asked_twice(client):
    response = client.get(f"{PAGE.format(PDP)}/panneau.pdf?question=citoyen&size=A0&tile=A4")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_the_command_line_warns_and_needs_oui(printing_app, runner, tmp_path):
    data = printing_app.config["DATA_DIR"]
    out = tmp_path / "ordi.pdf"
    args = [
        "print",
        "ordi-panneau",
        BESOINS,
        "--size",
        "A0",
        "--tile",
        "A4",
        "--base-url",
        BASE,
        "--data",
        data,
        "--out",
        str(out),
    ]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1 and not out.exists()
    assert "Attention : cette impression ferait 78 feuilles A4" in result.output
    assert "relancez la commande avec --oui" in result.output
    assert "3 panneaux, trois questions au plus par écran" in flat(result.output)
    result = runner.invoke(main, args + ["--oui"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(reader(out.read_bytes()).pages) == 78


# --- the paper questionnaire for people who read little ---------------------------------------------
def sized_text(pdf: bytes) -> list[tuple[str, float]]:
    """Every run of text with its printed size in points (text matrix × current matrix)."""
    runs = []
    for page in reader(pdf).pages:

        def visit(text, cm, tm, font, size):
            if text.strip():
                # Vertical scale of tm × cm: the size of the glyphs on the page.
                b = tm[2] * cm[0] + tm[3] * cm[2]
                d = tm[2] * cm[1] + tm[3] * cm[3]
                runs.append((flat(text), size * math.hypot(b, d)))

        page.extract_text(visitor_text=visit)
    return runs


def smallest_size_of(runs, texts: list[str], shortest: int = 4) -> tuple[float, int]:
    """The smallest size of the runs that belong to one of ``texts``, and how many there were."""
    texts = [flat(t) for t in texts]
    sizes = [size for text, size in runs if len(text.strip()) >= shortest and any(text.strip() in t for t in texts)]
    return min(sizes), len(sizes)


def test_paper_questionnaire_text_is_large_enough(svc, printed):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    runs = sized_text(printed("questionnaire-papier", BESOINS))
    questions = [q.label for q in questionnaire.answerable]
    choices = [c.label for q in questionnaire.answerable for c in q.options if c.value != "autre"]
    helps = [q.help or HOW_TO[q.type] for q in questionnaire.answerable]
    for texts in (questions, choices, helps):
        size, count = smallest_size_of(runs, texts)
        assert size >= 14 - 0.05 and count >= len(texts) // 2
    size, count = smallest_size_of(runs, [questionnaire.consent, questionnaire.purpose])
    assert size >= 12 - 0.05 and count >= 3


def test_paper_scale_shows_the_faces_of_the_web_form(svc, renderer, printing_app):
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE)
    html = renderer.html(job.kind.template, fmt=job.fmt, **job.kind.build(job, renderer.fitter))
    web = printing_app.test_client().get(f"/c/{BESOINS}/").get_data(as_text=True)
    faces, on_screen = (
        [
            re.sub(r">\s+<", "><", svg)
            for svg in re.findall(r'<svg class="picto" viewBox="0 0 40 40".*?</svg>', page, re.S)
        ]
        for page in (html, web)
    )
    # the scale's faces (40×40), not the choices' pictograms (printables/art/pictos, 64×64)
    assert len(faces) == 5 and faces == on_screen[:5]
    assert len(set(faces)) == 5  # five different mouths, from sad to happy


def test_paper_questionnaire_has_one_help_line_per_question(svc, renderer):
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE)
    html = renderer.html(job.kind.template, fmt=job.fmt, **job.kind.build(job, renderer.fitter))
    items = re.findall(r'<li class="item type-.*?</li>\s*(?=<li class="item|</ol>)', html, re.S)
    questionnaire = job.questionnaire
    assert len(items) == len(questionnaire.answerable)
    for question, item in zip(questionnaire.answerable, items):
        helps = re.findall(r'<p class="help">(.*?)</p>', item, re.S)
        expected = question.help or HOW_TO[question.type]
        assert len(helps) == 1 and flat(helps[0].replace("&#39;", "'")) == flat(expected.replace("'", "\u2019")), (
            question.id,
            helps,
        )
    assert "Cochez toutes les cases qui conviennent." in HOW_TO.values()


# --- who reads the answers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, expected",
    [
        ("Centre social", "du Centre social"),
        ("Médiathèque", "de la Médiathèque"),
        ("AJCV", "de l'AJCV"),
        ("Structures partenaires", "des Structures partenaires"),
        ("Le Phare", "du Phare"),
        ("La Passerelle", "de la Passerelle"),
        ("Vilogia", "de Vilogia"),
    ],
)
def test_the_structure_gets_its_article(name, expected):
    assert of_name(name) == expected


def test_printed_privacy_line_names_the_team_with_its_article(svc, printed):
    campaign = svc.campaigns.get(PDP)  # structure « Centre social »
    line = flat(rgpd_line(campaign))
    assert "sont lues par l'équipe du Centre social et gardées" in line
    assert "adressez-vous à l'équipe du Centre social." in line
    text = pdf_text(printed("panneau", PDP, "citoyen", "A3"))
    assert "lues par l'équipe du Centre social" in text and "lues par Centre social" not in text
