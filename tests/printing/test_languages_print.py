"""Printables in other languages (issue 16, section 1): the paper questionnaire in Arabic, right
to left and shaped, with Amiri embedded; bilingual posters and panels with one code per language
that opens the form in it; a language the questionnaire does not declare is a French message."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from survey.cli import main
from survey.model.translations import in_language
from survey.printing import PrintError, make_pdf, prepare_job
from survey.printing.kinds import Box, fit
from survey.printing.render import PAGE_SIZES, Renderer
from tests.factories import login_coordinator
from tests.printing_support import BASE, decode_qr, make_printing_app, needs_tools, page_sizes_mm, reader

PDP = "porteur-de-parole-numerique"
BESOINS = "besoins-numeriques-habitants"
ORDI = "ordi-panneau-quotidien"
PAGE = f"/coordination/campagnes/{PDP}/imprimer"
# What poppler adds around right-to-left runs (embeddings, marks) and where it may split a word.
BIDI_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\s]+")
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils is needed"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("languages-print") / "data", PUBLIC_BASE_URL=BASE)


@pytest.fixture(scope="module")
def svc(app):
    return app.extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture(scope="module")
def printed(svc, renderer):
    cache = {}

    def get(kind, campaign, language=None, size=None, question=None):
        key = (kind, campaign, language, size, question)
        if key not in cache:
            job = prepare_job(svc, kind, campaign, BASE, question=question, size=size, language=language)
            cache[key] = make_pdf(renderer, job)
        return cache[key]

    return get


def poppler_text(pdf: bytes, tmp_path) -> str:
    """The text as poppler extracts it: in logical (reading) order, right-to-left runs wrapped in
    bidi embedding marks, which are taken out here with all spaces (it may split a joined word)."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_MARKS.sub("", text)


def compact(text: str) -> str:
    return BIDI_MARKS.sub("", text)


def arabic_words(text: str) -> list[str]:
    """The Arabic words of a text: poppler gives each in logical order, but may move a Latin run
    (« CAF ») of a mixed line, so words are compared, not whole lines."""
    return re.findall(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3]+", text)


def embedded_fonts(pdf: bytes, tmp_path) -> dict[str, str]:
    """Font name (without its subset prefix) → « yes » when embedded, from ``pdffonts``."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = {}
    for line in lines[2:]:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        fonts[name] = parts[-5]  # emb column (type names may hold spaces: count from the end)
    return fonts


# --- the paper questionnaire in Arabic --------------------------------------------------------------
@needs_poppler
@needs_tools
def test_arabic_paper_questionnaire_is_in_arabic_with_amiri_and_a_code_to_the_arabic_form(svc, printed, tmp_path):
    pdf = printed("questionnaire-papier", BESOINS, "ar")
    arabic = in_language(svc.questionnaire_for(svc.campaigns.get(BESOINS)), "ar")
    text = poppler_text(pdf, tmp_path)
    for question in arabic.answerable:  # every question's words, as written (logical order)
        words = arabic_words(question.label)
        assert words and all(word in text for word in words), question.id
        if not re.search(r"[A-Za-z]", question.label):
            assert compact(question.label) in text, question.id
    assert compact(arabic.title) in text
    # The printed interface words come from the printables catalog, not French.
    assert compact("ضع علامة في المربعات") in text and compact("رمز الورقة، للإدخال:") in text
    assert "Cochezlescases" not in text and "Àquoiservira" not in text
    fonts = embedded_fonts(pdf, tmp_path)
    assert fonts.get("Affiche-Arabe") == "yes" and fonts.get("Affiche-Arabe-Bold") == "yes"
    assert all(round(w) == 210 and round(h) == 297 for w, h in page_sizes_mm(pdf))
    codes = decode_qr(pdf, tmp_path, page=1)
    assert len(codes) == 1 and codes[0].startswith(f"{BASE}/c/{BESOINS}/?canal=qr&affiche=P-")
    assert codes[0].endswith("&lang=ar")


def test_arabic_paper_page_is_right_to_left(svc, renderer):
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE, language="ar")
    html = renderer.html(job.kind.template, fmt=job.fmt, **job.kind.build(job, renderer.fitter))
    assert '<html lang="ar" dir="rtl">' in html
    # The team's own box stays French, left to right.
    assert '<div class="team" lang="fr" dir="ltr">' in html
    assert '"صفحة " counter(page) " من " counter(pages)' in html


def test_french_paper_keeps_french_and_its_plain_code(svc, renderer):
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE, language="fr")
    assert job.language is None
    html = renderer.html(job.kind.template, fmt=job.fmt, **job.kind.build(job, renderer.fitter))
    assert '<html lang="fr" dir="ltr">' in html and "lang=" not in job.url("qr")


# --- bilingual posters and panels -------------------------------------------------------------------
@needs_poppler
@needs_tools
@pytest.mark.parametrize("size", ["A4", "A3"])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_bilingual_poster_has_each_question_in_both_and_a_code_per_language(svc, printed, tmp_path, language, size):
    pdf = printed("affiche", PDP, language, size, "simplifie")
    french = svc.questionnaire_for(svc.campaigns.get(PDP))
    other = in_language(french, language)
    text = poppler_text(pdf, tmp_path)
    assert compact(french.question("simplifie").label.replace("?", "")) in text.replace("\u202f", "")
    assert compact(other.question("simplifie").label) in text
    width, height = PAGE_SIZES[size]
    assert [(round(w), round(h)) for w, h in page_sizes_mm(pdf)] == [(width, height)]
    if language == "ar":
        assert embedded_fonts(pdf, tmp_path).get("Affiche-Arabe-Bold") == "yes"
    codes = set(decode_qr(pdf, tmp_path, page=1, dpi=100))
    form = f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie"
    assert codes == {f"{form}&lang=fr", f"{form}&lang={language}"}


@needs_tools
def test_bilingual_posters_of_every_question_keep_one_page_each(svc, printed, tmp_path):
    french = printed("affiche", PDP, None, "A4")
    both = printed("affiche", PDP, "ar", "A4")
    assert len(reader(both).pages) == len(reader(french).pages)
    assert all((round(w), round(h)) == (210, 297) for w, h in page_sizes_mm(both))
    last = decode_qr(both, tmp_path, page=len(reader(both).pages), dpi=100)  # the whole questionnaire
    assert sorted(last) == [f"{BASE}/c/{PDP}/?canal=qr&affiche=A&lang={code}" for code in ("ar", "fr")]


@needs_tools
@pytest.mark.parametrize(
    "kind, campaign, question, poster",
    [("panneau", PDP, "simplifie", "PP-simplifie"), ("ordi-panneau", ORDI, None, "OP")],
)
def test_bilingual_panels_show_both_languages_and_a_code_per_language(
    svc, printed, tmp_path, kind, campaign, question, poster
):
    pdf = printed(kind, campaign, "ar", "A3", question)
    assert all((round(w), round(h)) == (420, 297) for w, h in page_sizes_mm(pdf))
    codes = decode_qr(pdf, tmp_path, page=1, dpi=100)
    asked = f"&question={question}" if question else ""
    assert sorted(codes) == [f"{BASE}/c/{campaign}/?canal=qr{asked}&affiche={poster}&lang={c}" for c in ("ar", "fr")]


def test_arabic_is_measured_with_the_face_that_draws_it(renderer):
    """Amiri's joined letters are narrower than DejaVu's: a fit measured with DejaVu would choose
    another size than the one Amiri needs, and a long Arabic question could overflow its box."""
    label = "هل تستعمل الإنترنت لتقوم بإجراءاتك الإدارية مثل الضمان الاجتماعي أو الضرائب أو التقاعد؟"
    box = Box(120, 30, 14, 3)
    arabic, latin = fit(renderer.fitter, label, box, "ar"), fit(renderer.fitter, label, box, "fr")
    assert arabic.size != latin.size
    assert arabic.lines * arabic.size * box.line_height <= box.height


# --- languages the questionnaire does not declare -----------------------------------------------------
def test_undeclared_language_is_a_french_error(svc):
    with pytest.raises(PrintError, match=r"n'est pas traduit dans la langue « de ».*ar \(العربية\)"):
        prepare_job(svc, "questionnaire-papier", BESOINS, BASE, language="de")
    with pytest.raises(PrintError, match="s'imprime en français seulement"):
        prepare_job(svc, "cartes-reponse", PDP, BASE, language="ar")


@pytest.mark.parametrize(
    "args, message",
    [
        (["questionnaire-papier", BESOINS, "--langue", "de"], "n'est pas traduit dans la langue « de »"),
        (["cartes-reponse", PDP, "--langue", "ar"], "s'imprime en français seulement"),
    ],
)
def test_cli_refuses_an_undeclared_language_in_french(app, runner, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = runner.invoke(
        main, ["print", *args, "--data", app.config["DATA_DIR"], "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code != 0 and message in result.output
    assert "Erreur : " in result.output and "Traceback" not in result.output and not out.exists()


def test_cli_prints_the_arabic_paper_questionnaire(app, runner, tmp_path):
    out = tmp_path / "papier-ar.pdf"
    result = runner.invoke(
        main,
        [
            "print",
            "questionnaire-papier",
            BESOINS,
            "--langue",
            "ar",
            "--data",
            app.config["DATA_DIR"],
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert reader(out.read_bytes()).pages


@pytest.fixture
def client(app):
    client = app.test_client()
    login_coordinator(client)
    return client


def test_print_page_offers_the_questionnaire_languages_in_their_own_words(client):
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="langue-questionnaire-papier"' in page and 'id="langue-affiche"' in page
    assert '<option value="ar" lang="ar">العربية</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    assert 'id="langue-cartes-reponse"' not in page


def test_web_prints_in_a_language_and_refuses_an_undeclared_one_in_french(client):
    response = client.get(f"{PAGE}/questionnaire-papier.pdf?langue=ar")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "-A4-ar.pdf" in response.headers["Content-Disposition"]
    response = client.get(f"{PAGE}/affiche.pdf?question=simplifie&langue=xx")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "n&#39;est pas traduit dans la langue « xx »" in response.get_data(as_text=True)


@needs_tools
def test_bilingual_poster_with_the_team_wifi_keeps_three_readable_codes(svc, renderer, tmp_path):
    from survey.model.wifi import Wifi, wifi_payload

    wifi = Wifi("Reseau-PdP", "motdepasse")
    job = prepare_job(svc, "affiche", PDP, BASE, question="simplifie", size="A3", language="ar", wifi=wifi)
    codes = set(decode_qr(make_pdf(renderer, job), tmp_path, page=1, dpi=100))
    form = f"{BASE}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie"
    assert codes == {wifi_payload(wifi.name, wifi.password), f"{form}&lang=fr", f"{form}&lang=ar"}
