"""The questionnaire's form is plain Python: built and validated with no request and no app
(the tablets' API, ``survey import-queue``, the editor's preview); only the pages a person posts
take Flask-WTF's base, and their CSRF check is as before."""

from __future__ import annotations

import uuid

import pytest
from flask import has_app_context, has_request_context
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from survey import create_app
from survey.formats.yaml_files import from_dict
from survey.forms import REQUIRED_MESSAGE, build_form_class, form_class_for
from survey.web.posted_forms import posted_form_class

QUESTIONNAIRE = from_dict(
    {
        "id": "essai",
        "title": "Essai",
        "version": 1,
        "language": "fr",
        "questions": [
            {"id": "avis", "type": "short_text", "label": "Votre avis", "required": True},
            {"id": "age", "type": "number", "label": "Votre âge", "min": 0, "max": 120},
            {
                "id": "lieu",
                "type": "single_choice",
                "label": "Où ?",
                "choices": [{"value": "parc", "label": "Au parc"}, {"value": "gare", "label": "À la gare"}],
            },
        ],
    },
    "essai",
)


def plain_form(**answers):
    form_class = build_form_class(QUESTIONNAIRE, 20)
    return form_class(formdata=MultiDict({"answer_id": str(uuid.uuid4()), **answers}))


def test_a_form_is_built_and_validated_with_no_app_at_all():
    assert not has_app_context() and not has_request_context()
    good = plain_form(q_avis="Très bien", q_age="42", q_lieu="parc")
    assert good.validate_questions() and good.answers() == {"avis": "Très bien", "age": 42, "lieu": "parc"}
    assert not isinstance(good, FlaskForm) and not hasattr(good, "csrf_token")

    bad = plain_form(q_avis="", q_age="deux cents", q_lieu="plage")
    assert not bad.validate_questions()
    errors = {q.id: bad.question_field(q).errors for q in QUESTIONNAIRE.answerable}
    assert errors == {
        "avis": [REQUIRED_MESSAGE],
        "age": ["Écrivez un nombre entier, en chiffres (par exemple 12)."],
        "lieu": ["Choisissez une des réponses proposées."],
    }


def test_the_text_limit_is_an_argument_not_a_setting():
    long = plain_form(q_avis="x" * 21)
    assert not long.validate_questions()
    assert long.question_field(QUESTIONNAIRE.question("avis")).errors == [
        "Votre réponse est trop longue : 21 caractères pour 20 au plus."
    ]


@pytest.fixture
def csrf_app(tmp_path):
    return create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test"})


def test_a_posted_page_still_checks_its_csrf_token(csrf_app):
    svc = csrf_app.extensions["survey"]
    posted = posted_form_class(svc, QUESTIONNAIRE, 20)
    plain = form_class_for(svc, QUESTIONNAIRE, 20)
    assert issubclass(posted, FlaskForm) and not issubclass(plain, FlaskForm)
    assert posted_form_class(svc, QUESTIONNAIRE, 20) is posted  # kept per version and kind
    data = {"answer_id": str(uuid.uuid4()), "q_avis": "Bien"}
    with csrf_app.test_request_context(method="POST", data=data):
        form = posted()  # reads the request, as the public form and the paper typing do
        assert form.raw_value(QUESTIONNAIRE.question("avis")) == "Bien"
        assert not form.validate_questions() and form.csrf_errors
        assert plain(formdata=MultiDict(data)).validate_questions()  # the tablets' API: no token here
