"""The `dessin` question in the questionnaire files: YAML, XLSForm both ways (an `image` with the
`draw` appearance, accepted by pyxform), the form's phrase field, the paper questionnaire's frame."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pyxform.xls2xform import convert
from werkzeug.datastructures import MultiDict

from survey.formats.xlsform import export_xlsform, import_xlsform
from survey.formats.yaml_files import parse_text
from survey.forms import EMPTY_MESSAGE, build_form_class
from survey.model.questionnaire import TYPES
from survey.printing.kinds import build_questionnaire_papier
from tests.web.test_drawing_answers import QUESTIONNAIRE

ANSWER_ID = "0b8a2c3e-5d3f-4a4e-9f62-7c1d2e3f4a5b"


@pytest.fixture(scope="module")
def questionnaire():
    return parse_text(QUESTIONNAIRE, "dessins-quartier.yaml")


def test_the_yaml_type_is_read_and_named(questionnaire):
    drawing = questionnaire.question("idee")
    assert drawing.is_drawing and not drawing.is_open and drawing.answerable
    assert TYPES["dessin"] == "dessin"
    assert not questionnaire.question("avis").is_drawing


def test_xlsform_round_trip_keeps_the_drawing_and_pyxform_accepts_it(questionnaire):
    data = export_xlsform(questionnaire)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["survey"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("name")] == "idee")
    assert row[header.index("type")] == "image" and row[header.index("appearance")] == "draw"
    warnings: list = []
    xform = convert(xlsform=io.BytesIO(data), warnings=warnings, file_type=".xlsx").xform
    assert 'appearance="draw"' in xform and 'mediatype="image/*"' in xform
    assert warnings == []
    back = import_xlsform(data).data
    assert [(q["id"], q["type"], q.get("required", False)) for q in back["questions"]] == [
        ("idee", "dessin", True),
        ("avis", "short_text", False),
    ]


def test_an_xlsform_photo_is_still_left_out_with_a_note():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in (
        ["type", "name", "label", "appearance"],
        ["image", "photo", "Une photo", ""],
        ["text", "t", "Un mot", ""],
    ):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    result = import_xlsform(out.getvalue())
    assert [q["id"] for q in result.data["questions"]] == ["t"]
    assert any("photo" in note.lower() for note in result.notes)


def test_the_phrase_is_optional_and_a_drawing_alone_answers_a_required_question(questionnaire):
    form_class = build_form_class(questionnaire, 5000)
    phrase = form_class(MultiDict({"answer_id": ANSWER_ID, "q_idee": "Un banc"}))
    assert phrase.validate_questions() and phrase.answers() == {"idee": "Un banc"}
    nothing = form_class(MultiDict({"answer_id": ANSWER_ID}))
    assert not nothing.validate_questions()
    assert nothing.question_field(questionnaire.question("idee")).errors == ["Cette question demande une réponse."]
    drawn = form_class(MultiDict({"answer_id": ANSWER_ID}))
    drawn.media_answered = frozenset({"idee"})
    assert drawn.validate_questions() and drawn.answers() == {}
    assert drawn.empty_error is None and EMPTY_MESSAGE


def test_the_paper_questionnaire_prints_a_frame_and_a_phrase_line(tmp_path):
    from survey import create_app
    from survey.model.campaign import Campaign
    from survey.printing import prepare_job
    from survey.printing.render import Renderer

    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "dessins-quartier.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "QUESTIONNAIRES_DIR": str(folder), "SECRET_KEY": "t"})
    svc = app.extensions["survey"]
    svc.campaigns.save(Campaign(id="dessins", title="Dessins", questionnaire="dessins-quartier", channels=["papier"]))
    job = prepare_job(svc, "questionnaire-papier", "dessins", "http://imprimerie.test:8000")
    renderer = Renderer()
    context = build_questionnaire_papier(job, renderer.fitter)
    html = renderer.html(job.kind.template, fmt=job.fmt, **context)
    assert '<li class="item type-dessin">' in html and '<div class="drawing-frame"></div>' in html
    words = html.replace("\u202f", " ").replace("\xa0", " ")  # French typography's thin spaces
    assert "Votre petite phrase (si vous voulez) :" in words and "Dessinez dans le cadre." in words
