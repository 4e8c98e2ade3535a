"""A questionnaire in other languages: which texts a translation must give, and the
questionnaire as a person reading another language sees it.

French stays the reference: ids and choice values never change, so answers given in every
language are counted, exported and compared together, under the reference's labels. A
translation gives one text per key of ``texts_to_translate`` (``title``,
``questions.<id>.label``, ``questions.<id>.choices.<value>``, ``questions.<id>.scale_labels.<n>``…);
the loader (``formats/yaml_files.py``) refuses a declared language with a text missing.
"""

from __future__ import annotations

from dataclasses import replace

from .questionnaire import Question, Questionnaire, Translation

TOP_TEXTS = ("title", "intro", "intro_with_volunteer", "purpose", "consent", "consent_with_volunteer")
# A language named in its own words, for the person who picks it (« العربية », « English »).
OWN_NAMES = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "it": "Italiano",
    "de": "Deutsch",
    "tr": "Türkçe",
    "ro": "Română",
    "ru": "Русский",
    "uk": "Українська",
    "zh": "中文",
}
# Written right to left: the page's ``dir`` and the PDF's direction follow.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})


def own_name(language: str) -> str:
    return OWN_NAMES.get(language, language)


def direction(language: str) -> str:
    """``rtl`` or ``ltr``, for HTML's ``dir`` and the printables."""
    return "rtl" if language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def question_texts(question: Question) -> dict[str, str]:
    """A question's texts a person reads, keyed as a translation gives them."""
    base = f"questions.{question.id}"
    texts = {f"{base}.label": question.label}
    if question.help:
        texts[f"{base}.help"] = question.help
    for choice in question.choices:
        texts[f"{base}.choices.{choice.value}"] = choice.label
    if question.other:
        texts[f"{base}.other"] = question.other_label
    if question.is_scale:
        texts.update({f"{base}.scale_labels.{n}": label for n, label in enumerate(question.scale_labels, 1)})
    if question.is_yes_no:
        texts.update({f"{base}.yes_no.{n}": label for n, label in enumerate(question.yes_no_labels, 1)})
    return texts


def texts_to_translate(questionnaire: Questionnaire) -> dict[str, str]:
    """Every text of the reference a person reads, in the order they read them."""
    texts = {key: getattr(questionnaire, key) for key in TOP_TEXTS if getattr(questionnaire, key)}
    for question in questionnaire.questions:
        texts.update(question_texts(question))
    return texts


def missing_texts(questionnaire: Questionnaire, translation: Translation) -> list[str]:
    """The keys the translation does not give (or gives empty), in reading order."""
    return [key for key in texts_to_translate(questionnaire) if not str(translation.texts.get(key) or "").strip()]


def unknown_texts(questionnaire: Questionnaire, translation: Translation) -> list[str]:
    """The keys the translation gives that the reference has not (a question or choice renamed)."""
    expected = texts_to_translate(questionnaire)
    return [key for key in translation.texts if key not in expected]


def in_language(questionnaire: Questionnaire, language: str) -> Questionnaire:
    """The questionnaire in ``language``: the same questions, ids and values, with the
    translation's words; the reference itself for its own language or one it has not."""
    translation = questionnaire.translation(language)
    if translation is None:
        return questionnaire
    words = translation.texts

    def said(key: str, reference: str) -> str:
        return words.get(key) or reference

    def translated(question: Question) -> Question:
        base = f"questions.{question.id}"
        return replace(
            question,
            label=said(f"{base}.label", question.label),
            help=said(f"{base}.help", question.help),
            choices=tuple(replace(c, label=said(f"{base}.choices.{c.value}", c.label)) for c in question.choices),
            other_label=said(f"{base}.other", question.other_label),
            scale_labels=tuple(
                said(f"{base}.scale_labels.{n}", label) for n, label in enumerate(question.scale_labels, 1)
            ),
            yes_no_labels=(
                said(f"{base}.yes_no.1", question.yes_no_labels[0]),
                said(f"{base}.yes_no.2", question.yes_no_labels[1]),
            ),
        )

    return replace(
        questionnaire,
        language=language,
        questions=tuple(translated(q) for q in questionnaire.questions),
        title=said("title", questionnaire.title),
        intro=said("intro", questionnaire.intro),
        intro_with_volunteer=said("intro_with_volunteer", questionnaire.intro_with_volunteer),
        purpose=said("purpose", questionnaire.purpose),
        consent=said("consent", questionnaire.consent),
        consent_with_volunteer=said("consent_with_volunteer", questionnaire.consent_with_volunteer),
    )
