"""Pictograms on paper (issue 16 §3): the paper questionnaire draws each choice's pictogram
between its box and its words, in every language, as black vector strokes (photocopies)."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from survey.printing import make_pdf, prepare_job
from survey.printing.render import Renderer
from tests.printing_support import BASE, flat, make_printing_app, needs_tools, pdf_text, reader

BESOINS = "besoins-numeriques-habitants"
DARK = 100  # a pixel darker than this in every channel is ink: text, boxes, drawings


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    return make_printing_app(tmp_path_factory.mktemp("pictos") / "data").extensions["survey"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def without_pictograms(questionnaire):
    """The same questionnaire, its choices bare (oui / non keep theirs: the model gives them)."""
    questions = tuple(
        replace(q, choices=tuple(replace(c, picto="") for c in q.choices)) for q in questionnaire.questions
    )
    return replace(questionnaire, questions=questions)


def ink(pdf: bytes, page: int, folder: Path) -> int:
    """How many pixels of the page, rendered as a printer would, are inked."""
    path = folder / "sheet.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(folder / "p")],
        check=True,
    )
    with Image.open(folder / "p.png") as image:
        data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if max(data[i : i + 3]) < DARK)


@needs_tools
def test_the_paper_questionnaire_draws_the_pictograms_beside_the_boxes(svc, renderer, tmp_path):
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE)
    drawn = make_pdf(renderer, job)
    bare = make_pdf(renderer, replace(job, questionnaire=without_pictograms(job.questionnaire)))
    # Every word is still there: the drawing goes beside them, never instead.
    text = pdf_text(drawn)
    for question in job.questionnaire.answerable:
        for choice in question.options:
            if choice.value != "autre":
                assert flat(choice.label) in text
    # Page 2 holds the devices question: its five drawings, and those of « Pourquoi pas internet ».
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with_pictos, without = ink(drawn, 2, tmp_path / "a"), ink(bare, 2, tmp_path / "b")
    assert with_pictos > without + 400, (with_pictos, without)
    assert len(reader(drawn).pages) <= len(reader(bare).pages) + 1


def test_the_pictograms_are_inline_vector_strokes_of_our_own(svc, renderer):
    """Drawn from printables/art/pictos/ into the page, not fetched: nothing leaves the LAN."""
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE)
    html = renderer.html(job.kind.template, fmt=job.fmt, **job.kind.build(job, renderer.fitter))
    assert html.count('<svg class="picto"') >= 39
    assert 'stroke="currentColor"' in html and "<img" not in html.split('class="items"')[1]


@needs_tools
def test_an_arabic_sheet_has_the_same_drawings(svc, renderer, tmp_path):
    questionnaire = svc.questionnaire_for(svc.campaigns.get(BESOINS))
    if "ar" not in questionnaire.languages:
        pytest.skip("no Arabic translation of the questionnaire")
    job = prepare_job(svc, "questionnaire-papier", BESOINS, BASE, language="ar")
    drawn = make_pdf(renderer, job)
    bare = make_pdf(renderer, replace(job, questionnaire=without_pictograms(job.questionnaire)))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert ink(drawn, 2, tmp_path / "a") > ink(bare, 2, tmp_path / "b") + 400
