"""One factory turns any questionnaire into a WTForms class (no code per questionnaire).

Fields are named ``q_<question id>`` so that an id such as ``data`` can never
shadow a form attribute. Choice questions are validated here against the
questionnaire, with French messages, rather than through WTForms' choice
machinery (see docs/DESIGN.md: WTForms 3.3 choice pitfalls).

Plain Python: a form is given its data and its limits (``max_text_length``) and needs no
request nor app, so the tablets' API, ``survey import-queue``, the editor's preview and tests
build and validate it anywhere. A page a person posts uses the same form on Flask-WTF's base
(``web/posted_forms.py``), which reads the request and checks its CSRF token: the factory
takes the base class, so this module knows nothing of the web.
"""

from __future__ import annotations

import re

from wtforms import Field, Form, HiddenField, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import ValidationError

from .catalogs import N_
from .model.answer_record import distinct_values, is_answer_id, typed_text
from .model.questionnaire import OTHER_VALUE, Question, Questionnaire


def french(text: str, **values) -> str:
    """A message in the source language, its ``%(name)s`` filled in: the plain form's ``translate``."""
    return text % values if values else text


# Marked for the catalogs (``N_``); the form says them through its ``translate`` (the French
# words here, the page's language on the web).
REQUIRED_MESSAGE = N_("Cette question demande une réponse.")
CHOICE_MESSAGE = N_("Choisissez une des réponses proposées.")
OTHER_MESSAGE = N_("Précisez votre réponse « Autre ».")
EMPTY_MESSAGE = N_("Répondez à au moins une question avant d'envoyer.")
TOO_LONG_MESSAGE = N_("Votre réponse est trop longue : %(length)s caractères pour %(limit)s au plus.")
EXCLUSIVE_MESSAGE = N_("« %(label)s » ne va pas avec une autre réponse : décochez l'un ou l'autre.")
INTEGER_MESSAGE = N_("Écrivez un nombre entier, en chiffres (par exemple 12).")
AT_LEAST_MESSAGE = N_("Le nombre doit être au moins %(limit)s.")
AT_MOST_MESSAGE = N_("Le nombre doit être au plus %(limit)s.")
_INTEGER = re.compile(r"^-?\d{1,9}$")


FIELD_PREFIX = "q_"  # a question's field is its id behind this (offline.js reads answers by it too)


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.id}"


def other_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.id}__autre"


class ValuesField(Field):
    """Several values under one name (check boxes), kept as a list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.data = []

    def process_formdata(self, valuelist):
        self.data = distinct_values(valuelist)

    def process_data(self, value):
        self.data = distinct_values(value or [])


def _max_length(limit: int):
    def check(form, field):
        if field.data and len(field.data) > limit:
            raise ValidationError(form.translate(TOO_LONG_MESSAGE, length=len(field.data), limit=limit))

    return check


def _one_of(question: Question):
    allowed = {c.value for c in question.options}

    def check(form, field):
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(v and v not in allowed for v in values):
            raise ValidationError(form.translate(CHOICE_MESSAGE))

    return check


def _exclusive(question: Question):
    """« Aucun de ces appareils » goes alone: ticked with another answer, the answer says two things."""
    alone = question.exclusive_values

    def check(form, field):
        chosen = field.data or []
        for value in chosen:
            if value in alone and len(chosen) > 1:
                raise ValidationError(form.translate(EXCLUSIVE_MESSAGE, label=question.label_of(value)))

    return check


def _integer(question: Question):
    def check(form, field):
        text = (field.data or "").strip().replace(" ", "").replace("\u202f", "")
        if not text:
            return
        if not _INTEGER.match(text):
            raise ValidationError(form.translate(INTEGER_MESSAGE))
        value = int(text)
        if question.min is not None and value < question.min:
            raise ValidationError(form.translate(AT_LEAST_MESSAGE, limit=question.min))
        if question.max is not None and value > question.max:
            raise ValidationError(form.translate(AT_MOST_MESSAGE, limit=question.max))

    return check


class FieldsCopied(DefaultMeta):
    """Binds a form's fields by copying ones bound once per form class (WTForms' documented
    ``bind_field`` hook), not by running every field's constructor again: a questionnaire has
    a dozen or more fields, and each respondent's POST builds its form (binding them all again was
    about 7 % of that POST's CPU in one process).

    A copy is exactly what binding makes: the same class and attributes, with this form, its
    meta and its translations; what a request changes (data, raw data, errors) is set afresh
    by ``process`` and ``validate`` on the copy. Only fields of the form class are copied: the
    CSRF token's field is made anew for each form by WTForms, and is bound the usual way."""

    def bind_field(self, form, unbound_field, options):
        cls = type(form)
        if getattr(cls, options["name"], None) is not unbound_field:
            return super().bind_field(form, unbound_field, options)
        key = (unbound_field, options["name"], options.get("prefix", ""))
        kept = cls.__dict__.get("_bound_once")
        if kept is None:
            kept = {}
            type.__setattr__(cls, "_bound_once", kept)
        model = kept.get(key)
        if model is None:
            model = kept[key] = super().bind_field(form, unbound_field, options)
        field = object.__new__(type(model))
        field.__dict__.update(model.__dict__)
        field.meta = form.meta
        field._form = form
        translations = options.get("translations")
        if translations is not None:
            field._translations = translations
        else:
            field.__dict__.pop("_translations", None)
        return field


class QuestionnaireForm(Form):
    """Base of every generated form; knows its questionnaire. Fed ``formdata`` (a MultiDict),
    it validates without a request or an app context."""

    Meta = FieldsCopied
    answer_id = HiddenField()
    started_at = HiddenField()
    questionnaire: Questionnaire
    empty_error: str | None = None  # the whole answer is empty (not one question's error)
    empty_message = EMPTY_MESSAGE  # also said by offline.js before it queues an empty answer
    # Ids of the questions answered by a medium sent with the form (a drawing, a recording): set
    # by the page that read the files, so that a drawing with no phrase is an answer.
    media_answered: frozenset[str] = frozenset()
    # Says a message in the language of the person who answers: the source words by default; a
    # page posted on the web passes the page's catalog (``web/posted_forms.py``).
    translate = staticmethod(french)

    def question_field(self, question: Question):
        return self[field_name(question)]

    def raw_value(self, question: Question):
        data = self.question_field(question).data
        if question.type == "multiple_choice":
            return list(data or [])
        return typed_text(data).strip() if isinstance(data, str) else data

    def raw_values(self) -> dict:
        """Each answerable question's value as typed (``raw_value``), read once for a pass that
        needs them all several times (which questions show, their checks, the answer kept)."""
        return {q.id: self.raw_value(q) for q in self.questionnaire.answerable}

    def answers(self, only: set[str] | None = None, raw: dict | None = None) -> dict:
        """The stored form of the answers: only questions shown, only non-empty values."""
        raw = self.raw_values() if raw is None else raw
        result: dict = {}
        for q in self.visible_questions(only, raw):
            value = raw[q.id]
            if value in ("", None, []):
                continue
            if q.type in ("number", "scale"):
                try:
                    value = int(str(value).replace(" ", "").replace("\u202f", ""))
                except ValueError:
                    continue
            elif isinstance(value, str):
                value = value.replace("\r\n", "\n")
            result[q.id] = value
            if q.other and (value == OTHER_VALUE or (isinstance(value, list) and OTHER_VALUE in value)):
                text = typed_text(self[other_name(q)].data or "").strip()
                if text:
                    result[f"{q.id}__autre"] = text
        return result

    def visible_questions(self, only: set[str] | None = None, raw: dict | None = None) -> list[Question]:
        """Questions whose show_if holds, given the answers typed so far (``raw``: ``raw_values``)."""
        raw = self.raw_values() if raw is None else raw
        shown: set = set()
        visible = []
        for q in self.questionnaire.answerable:
            if q.show_if is not None and (
                q.show_if.question not in shown or not q.show_if.matches(raw[q.show_if.question])
            ):
                continue
            shown.add(q.id)
            if only is None or q.id in only:
                visible.append(q)
        return visible

    def validate_questions(self, only: set[str] | None = None, final: bool = True, raw: dict | None = None) -> bool:
        """Validate the questions in ``only`` (all if None) that are shown. ``final``: the answer is
        being sent (not one step of it), so an answer with nothing in it is refused unless the
        questionnaire allows it. ``raw``: ``raw_values``, when the caller read them already
        (validating does not change them)."""
        super().validate()
        self.empty_error = None
        raw = self.raw_values() if raw is None else raw
        visible = {q.id for q in self.visible_questions(only, raw)}
        ok = not self.csrf_errors
        for q in self.questionnaire.answerable:
            field = self.question_field(q)
            if q.id not in visible:
                field.errors = []
                continue
            errors = list(field.errors)
            value = raw[q.id]
            if q.required and value in ("", None, []) and q.id not in self.media_answered:
                errors = [self.translate(REQUIRED_MESSAGE)]
            if q.other and not errors:
                chosen = value if isinstance(value, list) else [value]
                other = self[other_name(q)]
                if OTHER_VALUE in chosen and not typed_text(other.data or "").strip():
                    errors = [self.translate(OTHER_MESSAGE)]
                elif other.errors:
                    errors = list(other.errors)
            field.errors = errors
            ok = ok and not errors
        answered = self.answers(only, raw) or self.media_answered
        if ok and final and not self.questionnaire.allow_empty and not answered:
            self.empty_error = self.translate(EMPTY_MESSAGE)
            ok = False
        if not is_answer_id(self.answer_id.data):
            ok = False
        return ok

    @property
    def csrf_errors(self) -> list:
        token = getattr(self, "csrf_token", None)
        return list(token.errors) if token is not None and token.errors else []


def build_form_class(
    questionnaire: Questionnaire, max_text_length: int, base: type[QuestionnaireForm] = QuestionnaireForm
) -> type[QuestionnaireForm]:
    """A form class for one questionnaire version (cheap: cache it per id and version).

    ``base``: the plain form fed its data, usable anywhere; a page posted by a browser passes
    the web's base instead (``web/posted_forms.py``: the token checked, the request read)."""

    class Form(base):  # type: ignore[valid-type,misc]  # the base is chosen by the caller
        pass

    Form.questionnaire = questionnaire
    limit = _max_length(max_text_length)
    for q in questionnaire.answerable:
        if q.type == "short_text":
            field = StringField(q.label, validators=[limit])
        elif q.type == "long_text":
            field = TextAreaField(q.label, validators=[limit])
        elif q.type == "multiple_choice":
            field = ValuesField(q.label, validators=[_one_of(q), _exclusive(q)])
        elif q.type == "number":
            field = StringField(q.label, validators=[_integer(q)])
        elif q.is_drawing:  # the optional short phrase; the drawing itself is a file (media-<id>)
            field = StringField(q.label, validators=[limit])
        else:  # single_choice, yes_no, scale
            field = StringField(q.label, validators=[_one_of(q)])
        setattr(Form, field_name(q), field)
        if q.other:
            setattr(Form, other_name(q), StringField(f"{q.label} ({OTHER_VALUE})", validators=[limit]))
    return Form


def form_class_for(
    services, questionnaire: Questionnaire, max_text_length: int, base: type[QuestionnaireForm] = QuestionnaireForm
) -> type[QuestionnaireForm]:
    """``build_form_class``, kept in ``services.form_classes`` per version, language and base."""
    key = (questionnaire.id, questionnaire.version, questionnaire.language, base)
    cls = services.form_classes.get(key)
    if cls is None:
        cls = services.form_classes[key] = build_form_class(questionnaire, max_text_length, base)
    return cls


EMPTY_SHEET = "Rien n'est tapé : recopiez au moins une réponse de la feuille avant d'enregistrer."


def validate_sheet(form) -> tuple[bool, str | None]:
    """The form's rules, except that a question left blank on the sheet stays blank: the
    person may have skipped a required one, and the facilitator must not invent an answer.
    (valid, a message about the whole sheet or None)."""
    form.validate_questions()
    ok = not form.csrf_errors
    for question in form.visible_questions():
        field = form.question_field(question)
        field.errors = [e for e in field.errors if e != form.translate(REQUIRED_MESSAGE)]
        ok = ok and not field.errors
    if ok and not form.answers():
        return False, EMPTY_SHEET
    return ok, None
