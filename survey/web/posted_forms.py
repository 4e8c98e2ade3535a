"""The questionnaire's form as a person posts it from a page: the factory's form
(``survey/forms.py``) on Flask-WTF's base, which takes the request's data when none is given
and checks the CSRF token (``WTF_CSRF_ENABLED``). Only the web needs a request; the tablets'
API, ``survey import-queue`` and the editor's preview use the plain form."""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import escape

from ..forms import QuestionnaireForm, form_class_for
from ..model.questionnaire import Questionnaire


class TokenWhenShown:
    """A form's CSRF token, signed when a page shows it. A posted form is built for every
    answer sent, but shown again only when something must be corrected: an answer saved
    goes on to the thank-you page, and signing a token nobody sees was about 4 % of its CPU."""

    __slots__ = ("_sign", "_token")

    def __init__(self, sign):
        self._sign = sign
        self._token: str | None = None

    def __str__(self) -> str:
        if self._token is None:
            self._token = self._sign()
        return self._token

    def __html__(self) -> str:
        return str(escape(str(self)))


class TokenSignedWhenShown(FlaskForm.Meta.csrf_class):
    """Flask-WTF's CSRF for forms, its token made by ``TokenWhenShown`` (WTForms renders a
    field's value through ``__html__``); checking a posted token is unchanged."""

    def generate_csrf_token(self, csrf_token_field):
        sign = super().generate_csrf_token
        return TokenWhenShown(lambda: sign(csrf_token_field))


class PostedQuestionnaireForm(QuestionnaireForm, FlaskForm):
    """A questionnaire form whose token is checked, its messages in the page's language."""

    class Meta:
        csrf_class = TokenSignedWhenShown

    translate = staticmethod(gettext)


def posted_form_class(services, questionnaire: Questionnaire, max_text_length: int) -> type[QuestionnaireForm]:
    """The posted form of this questionnaire version, kept like the plain one."""
    return form_class_for(services, questionnaire, max_text_length, PostedQuestionnaireForm)
