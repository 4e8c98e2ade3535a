"""The questionnaire model: what a questionnaire is, once read.

Immutable dataclasses (``Questionnaire``, ``Question``, ``Choice``, ``ShowIf``, ``Library``), the
question types and their named predicates (``Question.is_open``, ``is_choice``…), and the
``Problem`` a questionnaire file can have. No YAML, no files, no Flask: reading and writing
questionnaire files is ``survey.formats`` (``yaml_files``, ``yaml_writer``, ``xlsform``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from .errors import SurveyError

TYPES = {
    "short_text": "texte court",
    "long_text": "texte long",
    "single_choice": "choix unique",
    "multiple_choice": "choix multiple",
    "yes_no": "oui / non",
    "scale": "échelle de 1 à 5",
    "number": "nombre",
    "note": "texte d'information",
    "dessin": "dessin",
}
CHOICE_TYPES = {"single_choice", "multiple_choice"}
YES_NO_CHOICES = (("oui", "Oui"), ("non", "Non"))
DEFAULT_SCALE_LABELS = ("Pas du tout", "Un peu", "Moyennement", "Beaucoup", "Tout à fait")
OTHER_VALUE = "autre"
OTHER_LABEL = "Autre : précisez"
# Questions answered with a person's own words (a text field or a text block on paper).
OPEN_TYPES = ("short_text", "long_text")

# Who a questionnaire is for: the home page lists inhabitants' questionnaires apart from professionals'.
AUDIENCES = {"habitants": "Pour les habitants", "professionnels": "Pour les professionnels"}
DEFAULT_AUDIENCE = "habitants"
# Words of a question id or label that ask how to reach someone (see ``Question.asks_contact``).
_CONTACT_ID_WORDS = {
    "contact",
    "email",
    "mail",
    "courriel",
    "telephone",
    "tel",
    "phone",
    "portable",
    "prenom",
    "adresse",
}
_CONTACT_LABEL = re.compile(
    r"\b(contact|e-?mail|courriel|t[ée]l[ée]phone|num[ée]ro de t[ée]l|pr[ée]nom|"
    r"votre nom|adresse)\b",
    re.IGNORECASE,
)


# Language codes (ISO 639) as a French page names them; « und »: a form that named none.
LANGUAGE_WORDS = {
    "fr": "français",
    "en": "anglais",
    "ar": "arabe",
    "es": "espagnol",
    "pt": "portugais",
    "it": "italien",
    "de": "allemand",
    "tr": "turc",
    "ro": "roumain",
    "ru": "russe",
    "uk": "ukrainien",
    "zh": "chinois",
    "und": "non précisée",
}


def language_words(code: str | None) -> str:
    """« français », « non précisée »…: a stored language code in words (else the code itself)."""
    return LANGUAGE_WORDS.get((code or "und").lower(), code or "non précisée")


# A question's texts given as a list, one per position (``questions.<id>.scale_labels.1``…).
LISTED_TEXTS = ("scale_labels", "yes_no")


@dataclass(frozen=True)
class Translation:
    """One other language's words for a questionnaire: ``texts`` maps a text's key (``title``,
    ``questions.<id>.label``…, see ``model/translations.py``) to its words. Ids and choice
    values stay those of the reference, so answers in every language are counted together."""

    language: str
    texts: dict = field(default_factory=dict)
    # Who translated and how sure it is (« Traduction de l'équipe, à relire »): a translation
    # is not the seed document's words, and says so.
    note: str = ""

    def to_dict(self) -> dict:
        """The file format: top texts, then ``questions: {id: {label, help, choices…}}``."""
        data: dict = {"note": self.note} if self.note else {}
        questions: dict = {}
        for key, text in self.texts.items():
            parts = key.split(".")
            if parts[0] != "questions":
                data[key] = text
                continue
            item = questions.setdefault(parts[1], {})
            if parts[2] == "choices":
                item.setdefault("choices", {})[parts[3]] = text
            elif parts[2] in LISTED_TEXTS:
                item.setdefault(parts[2], {})[int(parts[3])] = text
            else:
                item[parts[2]] = text
        for item in questions.values():
            for name in LISTED_TEXTS:
                if name in item:
                    item[name] = [item[name][n] for n in sorted(item[name])]
        if questions:
            data["questions"] = questions
        return data


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    # « Aucun de ces appareils »: a choice of a multiple choice that excludes every other one.
    exclusive: bool = False
    # A drawing shown beside the words, for people who read little: the name of one of
    # printables/art/pictos/ (``formats/pictograms.py``), or "" for none. Not compared: a
    # choice with another drawing is the same choice (versions, exports).
    picto: str = field(default="", compare=False)


@dataclass(frozen=True)
class ShowIf:
    """Show a question only when an earlier answer has one of ``values``."""

    question: str
    values: tuple[str, ...]

    def matches(self, answer: Any) -> bool:
        if answer is None or answer == "" or answer == []:
            return False
        if isinstance(answer, (list, tuple)):
            return any(str(a) in self.values for a in answer)
        return str(answer) in self.values


class QuestionType:
    """The question types by name, so that callers do not compare type strings: shared by a
    question of one version and a question merged across versions (exports)."""

    type: str

    @property
    def is_open(self) -> bool:
        """Answered with the person's own words: a short or long text."""
        return self.type in OPEN_TYPES

    @property
    def is_choice(self) -> bool:
        """A list of choices written in the questionnaire (single or multiple)."""
        return self.type in CHOICE_TYPES

    @property
    def is_long_text(self) -> bool:
        """Several lines of the person's words: what a quote card or a panel can carry."""
        return self.type == "long_text"

    @property
    def is_multiple(self) -> bool:
        """Several choices at once: the answer is a list."""
        return self.type == "multiple_choice"

    @property
    def is_yes_no(self) -> bool:
        return self.type == "yes_no"

    @property
    def is_scale(self) -> bool:
        return self.type == "scale"

    @property
    def is_number(self) -> bool:
        return self.type == "number"

    @property
    def is_drawing(self) -> bool:
        """Answered with a drawing (on the screen, or a photo of paper) and an optional short
        phrase: the phrase is the answer's text, the image a medium (``model/media.py``)."""
        return self.type == "dessin"


@dataclass(frozen=True)
class Question(QuestionType):
    id: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    other: bool = False
    min: int | None = None
    max: int | None = None
    scale_labels: tuple[str, ...] = DEFAULT_SCALE_LABELS
    show_if: ShowIf | None = None
    source: dict = field(default_factory=dict, compare=False)
    line: int = field(default=0, compare=False)
    # Answered by a recording of the person's voice too (``voice: true``, ``model/media.py``).
    voice: bool = False
    # The words of « autre » and of oui / non, French unless a translation gave others.
    other_label: str = OTHER_LABEL
    yes_no_labels: tuple[str, str] = (YES_NO_CHOICES[0][1], YES_NO_CHOICES[1][1])

    @property
    def answerable(self) -> bool:
        return self.type != "note"

    @property
    def options(self) -> tuple[Choice, ...]:
        """Every value a person can pick, as shown: choices, oui/non, or 1..5."""
        if self.is_choice:
            # « Autre » has its pencil when the other choices have drawings, so that none is bare.
            other_picto = OTHER_VALUE if any(c.picto for c in self.choices) else ""
            extra = (Choice(OTHER_VALUE, self.other_label, picto=other_picto),) if self.other else ()
            return self.choices + extra
        if self.is_yes_no:
            # Oui and non always carry their drawing (a tick, a cross), as a scale its faces.
            return tuple(Choice(v, lab, picto=v) for (v, _), lab in zip(YES_NO_CHOICES, self.yes_no_labels))
        if self.is_scale:
            return tuple(Choice(str(i), f"{i} – {lab}") for i, lab in enumerate(self.scale_labels, 1))
        return ()

    def label_of(self, value: Any) -> str:
        """The words shown for a stored value (codes stay codes when unknown)."""
        for choice in self.options:
            if choice.value == str(value):
                return choice.label
        return "" if value is None else str(value)

    def is_shown(self, answers: dict) -> bool:
        return self.show_if is None or self.show_if.matches(answers.get(self.show_if.question))

    @property
    def exclusive_values(self) -> frozenset[str]:
        return frozenset(c.value for c in self.choices if c.exclusive)

    @property
    def asks_contact(self) -> bool:
        """A question that asks how to reach someone (contact, e-mail, phone, first name, address):
        the answers to such a questionnaire are not anonymous."""
        if not self.answerable:
            return False
        if set(re.split(r"[_-]", self.id)) & _CONTACT_ID_WORDS:
            return True
        return bool(_CONTACT_LABEL.search(self.label))


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    version: int
    language: str
    intro: str
    purpose: str
    consent: str
    source: dict
    questions: tuple[Question, ...]
    path: str = field(default="", compare=False)
    # Said by a volunteer or scribe who writes with the person (tablette, porte-à-porte, porteur
    # de parole); ``intro`` and ``consent`` are what a person reading alone sees (QR, kiosk, paper).
    intro_with_volunteer: str = ""
    consent_with_volunteer: str = ""
    audience: str = DEFAULT_AUDIENCE
    allow_empty: bool = False  # an answer with nothing in it is refused unless this is true
    # Other languages the questionnaire is offered in, each with every text translated
    # (``model/translations.py``); ``language`` stays the reference the answers are read in.
    translations: tuple[Translation, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        """The reference language first, then each translation's."""
        return (self.language, *(t.language for t in self.translations))

    def translation(self, language: str) -> Translation | None:
        for t in self.translations:
            if t.language == language:
                return t
        return None

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None

    @cached_property  # read several times by every answer's checks; the questions never change
    def answerable(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.answerable)

    @property
    def asks_for_contact(self) -> bool:
        """True when an answer may say who the person is: never promise anonymity then."""
        return any(q.asks_contact for q in self.questions)

    def intro_for(self, with_volunteer: bool) -> str:
        return (self.intro_with_volunteer if with_volunteer else "") or self.intro

    def consent_for(self, with_volunteer: bool) -> str:
        return (self.consent_with_volunteer if with_volunteer else "") or self.consent

    def number_of(self, question_id: str) -> int:
        """The 1-based number printed before a question (notes are not numbered)."""
        for number, q in enumerate(self.answerable, 1):
            if q.id == question_id:
                return number
        return 0

    def to_dict(self) -> dict:
        """A plain dict in the file format, for snapshots and exchange."""
        questions = []
        for q in self.questions:
            item: dict[str, object] = {"id": q.id, "type": q.type, "label": q.label}
            if q.help:
                item["help"] = q.help
            if q.required:
                item["required"] = True
            if q.choices:
                item["choices"] = [
                    {
                        "value": c.value,
                        "label": c.label,
                        **({"exclusive": True} if c.exclusive else {}),
                        **({"picto": c.picto} if c.picto else {}),
                    }
                    for c in q.choices
                ]
            if q.other:
                item["other"] = True
            if q.min is not None:
                item["min"] = q.min
            if q.max is not None:
                item["max"] = q.max
            if q.is_scale and q.scale_labels != DEFAULT_SCALE_LABELS:
                item["scale_labels"] = list(q.scale_labels)
            if q.voice:
                item["voice"] = True
            if q.show_if:
                values = list(q.show_if.values)
                item["show_if"] = {"question": q.show_if.question, "equals": values[0] if len(values) == 1 else values}
            if q.source:
                item["source"] = dict(q.source)
            questions.append(item)
        data = {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "language": self.language,
            "intro": self.intro,
            "purpose": self.purpose,
            "consent": self.consent,
            "source": dict(self.source),
            "questions": questions,
        }
        for key in ("intro_with_volunteer", "consent_with_volunteer"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.audience != DEFAULT_AUDIENCE:
            data["audience"] = self.audience
        if self.allow_empty:
            data["allow_empty"] = True
        if self.translations:
            data["languages"] = [t.language for t in self.translations]
            data["translations"] = {t.language: t.to_dict() for t in self.translations}
        return data


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a questionnaire file, said in French."""

    file: str
    line: int
    question: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line:
            where.append(f"ligne {self.line}")
        if self.question:
            where.append(f"question « {self.question} »")
        return f"{', '.join(where)} : {self.message}"


class QuestionnaireError(SurveyError, ValueError):
    """Every problem of one questionnaire, in ``problems``: nothing is built from a wrong file."""

    status = 422

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Library:
    """Every questionnaire of a folder; the invalid ones are reported, not fatal."""

    questionnaires: dict[str, Questionnaire]
    problems: list[Problem]

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        return self.questionnaires.get(questionnaire_id)

    def __iter__(self) -> Iterator[Questionnaire]:
        return iter(sorted(self.questionnaires.values(), key=lambda q: q.title.lower()))
