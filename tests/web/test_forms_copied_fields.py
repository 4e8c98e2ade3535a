"""A questionnaire form's fields are copies of fields bound once per form class
(``forms.FieldsCopied``, WTForms' ``bind_field`` hook): each respondent's POST builds its form,
and running every field's constructor again was a quarter of that POST's CPU.

A copy must behave exactly as a freshly bound field: its own data and errors (one person's
answer or mistake never shows in the next person's form), this form's meta and translations,
the same HTML; the CSRF token's field is never copied from another form."""

from __future__ import annotations

import uuid

from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta

from survey import create_app
from survey.formats.yaml_files import from_dict
from survey.forms import REQUIRED_MESSAGE, build_form_class
from survey.web.posted_forms import posted_form_class

QUESTIONNAIRE = from_dict(
    {
        "id": "copies",
        "title": "Copies",
        "version": 1,
        "language": "fr",
        "questions": [
            {"id": "avis", "type": "short_text", "label": "Votre avis", "required": True},
            {"id": "age", "type": "number", "label": "Votre âge", "min": 0, "max": 120},
            {
                "id": "lieux",
                "type": "multiple_choice",
                "label": "Où ?",
                "other": True,
                "choices": [{"value": "parc", "label": "Au parc"}, {"value": "gare", "label": "À la gare"}],
            },
        ],
    },
    "copies",
)


def sent(form_class, **answers):
    return form_class(formdata=MultiDict({"answer_id": str(uuid.uuid4()), **answers}))


def test_each_form_has_its_own_answers_and_errors():
    form_class = build_form_class(QUESTIONNAIRE, 20)
    wrong = sent(form_class, q_age="deux cents", q_lieux=["parc", "autre"])
    assert not wrong.validate_questions()
    assert wrong.q_avis.errors == [REQUIRED_MESSAGE] and wrong.q_age.errors and wrong.q_lieux.errors
    right = sent(form_class, q_avis="Très bien", q_age="42", q_lieux=["gare"])
    assert right.validate_questions(), {f.name: f.errors for f in right}
    assert right.answers() == {"avis": "Très bien", "age": 42, "lieux": ["gare"]}
    assert all(not field.errors for field in right)
    # The first form is left as it was: the second one's data did not reach it.
    assert wrong.q_avis.data in ("", None) and wrong.q_lieux.data == ["parc", "autre"]
    assert wrong.q_avis.errors == [REQUIRED_MESSAGE]
    empty = sent(form_class)
    assert empty.q_lieux.data == [] and empty.q_age.data in ("", None)


def test_each_field_belongs_to_its_form():
    form_class = build_form_class(QUESTIONNAIRE, 20)
    one, two = sent(form_class, q_avis="Un"), sent(form_class, q_avis="Deux")
    for name in ("q_avis", "q_age", "q_lieux", "q_lieux__autre", "answer_id"):
        assert one[name] is not two[name]
        assert one[name]._form is one and two[name]._form is two
        assert one[name].meta is one.meta and two[name].meta is two.meta


def test_a_copied_field_is_what_binding_makes():
    form_class = build_form_class(QUESTIONNAIRE, 20)
    form = sent(form_class, q_avis="Très <bien>", q_age="42", q_lieux=["parc"])
    for name, field in form._fields.items():
        bound = DefaultMeta().bind_field(form, getattr(form_class, name), {"name": name, "prefix": ""})
        bound.process(MultiDict([(name, value) for value in form[name].raw_data]))
        assert type(field) is type(bound)
        assert set(vars(field)) == set(vars(bound))
        assert field.label() == bound.label()
        if field.widget is not None:  # check boxes are drawn by the template, not by a widget
            assert field() == bound()
        assert (field.name, field.id, field.type, field.validators) == (
            bound.name,
            bound.id,
            bound.type,
            bound.validators,
        )


def test_the_token_field_of_a_posted_form_is_its_own(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "s" * 40, "TESTING": True, "WTF_CSRF_ENABLED": True})
    services = app.extensions["survey"]
    with app.test_request_context("/", method="POST", data={"q_avis": "Oui"}):
        form_class = posted_form_class(services, QUESTIONNAIRE, 20)
        one, two = form_class(), form_class()
        assert one.csrf_token is not two.csrf_token
        assert one.csrf_token.csrf_impl is not two.csrf_token.csrf_impl
        assert one.q_avis.data == "Oui" and two.q_avis.data == "Oui"
        assert not one.validate_questions() and one.csrf_errors  # no token sent: refused as before
