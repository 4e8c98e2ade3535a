"""The questionnaire's form as a person posts it from a page: the factory's form
(``survey/forms.py``) on Flask-WTF's base, which takes the request's data when none is given
and checks the CSRF token (``WTF_CSRF_ENABLED``). Only the web needs a request; the tablets'
API, ``survey import-queue`` and the editor's preview use the plain form."""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm

from ..forms import QuestionnaireForm, form_class_for
from ..model.questionnaire import Questionnaire


class PostedQuestionnaireForm(QuestionnaireForm, FlaskForm):
    """A questionnaire form whose token is checked, its messages in the page's language."""

    translate = staticmethod(gettext)


def posted_form_class(services, questionnaire: Questionnaire, max_text_length: int) -> type[QuestionnaireForm]:
    """The posted form of this questionnaire version, kept like the plain one."""
    return form_class_for(services, questionnaire, max_text_length, PostedQuestionnaireForm)
