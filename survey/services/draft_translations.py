"""A draft's translations, edited side by side with the reference texts (issue 16).

The draft keeps them as the file does (``languages`` and ``translations`` of
``docs/QUESTIONNAIRE_FORMAT.md``): every text a person reads, per language. Which texts a
language must give comes from the reference (French) questions as they stand in the draft,
so a question added or a choice renamed shows at once as « à traduire ».
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats import yaml_translations
from ..formats.yaml_files import from_dict
from ..model.questionnaire import LANGUAGE_WORDS, Questionnaire, QuestionnaireError, Translation
from ..model.translations import OWN_NAMES, texts_to_translate

# Texts longer than this, or with a line break, get a text area rather than one line.
LONG_TEXT = 60
TEXT_MAX = 5000


@dataclass(frozen=True)
class Row:
    key: str  # ``questions.age.choices.jeune``: the form field's name too
    group: str  # « Présentation », « Question 3 » : the rows are shown under these headings
    what: str  # « Un choix », « L'aide sous la question »: the field's label
    reference: str
    translated: str
    long: bool


TOP_WORDS = {
    "title": "Le titre",
    "intro": "L'introduction",
    "intro_with_volunteer": "L'introduction dite par un ou une bénévole",
    "purpose": "À quoi servira votre réponse",
    "consent": "Vos données et vos droits",
    "consent_with_volunteer": "Vos données et vos droits, dit par un ou une bénévole",
}
QUESTION_WORDS = {"label": "La question", "help": "L'aide sous la question", "other": "« Autre : précisez »"}


def _placed(key: str, numbers: dict[str, int]) -> tuple[str, str]:
    """(heading, label) of a text's field, in the editor's words (no file keys)."""
    parts = key.split(".")
    if parts[0] != "questions":
        return "Présentation", TOP_WORDS.get(key, key)
    group = f"Question {numbers.get(parts[1], '?')}"
    kind = parts[2]
    if kind == "choices":
        return group, f"Un choix (code « {parts[3]} »)"
    if kind == "scale_labels":
        return group, f"Échelle, niveau {parts[3]}"
    if kind == "yes_no":
        return group, "Le bouton « Oui »" if parts[3] == "1" else "Le bouton « Non »"
    return group, QUESTION_WORDS.get(kind, kind)


def reference_of(data: dict) -> Questionnaire | None:
    """The draft's questionnaire in its reference language, translations aside; None while
    the reference itself has problems (they are fixed first, on the draft's page)."""
    bare = {k: v for k, v in data.items() if k not in ("languages", "translations")}
    try:
        return from_dict(bare, "brouillon")
    except QuestionnaireError:
        return None


def languages(data: dict) -> list[str]:
    declared = data.get("languages")
    return [c for c in declared if isinstance(c, str)] if isinstance(declared, list) else []


def texts(data: dict, language: str) -> dict[str, str]:
    """The texts the draft gives for ``language`` (flat keys), whatever their problems."""
    found = yaml_translations.read(data, str(data.get("language") or "fr"), 0, lambda *_: None)
    return found.texts.get(language, {})


def note(data: dict, language: str) -> str:
    block = (data.get("translations") or {}).get(language)
    return str(block.get("note") or "") if isinstance(block, dict) else ""


def rows(data: dict, language: str) -> list[Row]:
    """Every text of the reference, with its translation (empty: still to translate)."""
    reference = reference_of(data)
    if reference is None:
        return []
    given = texts(data, language)
    numbers = {q.id: n for n, q in enumerate(reference.questions, 1)}
    return [
        Row(key, *_placed(key, numbers), text, given.get(key, ""), len(text) > LONG_TEXT or "\n" in text)
        for key, text in texts_to_translate(reference).items()
    ]


def progress(data: dict) -> list[tuple[str, str, int, int]]:
    """(code, name in its own words, texts translated, texts in all) per declared language."""
    reference = reference_of(data)
    expected = texts_to_translate(reference) if reference is not None else {}
    out = []
    for code in languages(data):
        given = texts(data, code)
        done = sum(1 for key in expected if given.get(key, "").strip())
        out.append((code, OWN_NAMES.get(code, code), done, len(expected)))
    return out


def put_texts(data: dict, language: str, form: dict[str, str], translator_note: str) -> None:
    """The translation of ``language`` as the side-by-side page sends it: one field per key
    of the reference; an empty field is a text still to translate."""
    reference = reference_of(data)
    if reference is None or language not in languages(data):
        return
    given = {
        key: (form.get(key) or "").strip()[:TEXT_MAX]
        for key in texts_to_translate(reference)
        if (form.get(key) or "").strip()
    }
    block = Translation(language, given, translator_note.strip()[:TEXT_MAX]).to_dict()
    data.setdefault("translations", {})
    if not isinstance(data["translations"], dict):
        data["translations"] = {}
    data["translations"][language] = block


def addable(data: dict) -> list[tuple[str, str]]:
    """Languages a coordinator may add: (code, « English — anglais »)."""
    taken = {str(data.get("language") or "fr"), *languages(data)}
    return [
        (code, f"{name} — {LANGUAGE_WORDS.get(code, code)}") for code, name in OWN_NAMES.items() if code not in taken
    ]


def add_language(data: dict, language: str) -> bool:
    if language not in dict(addable(data)):
        return False
    data["languages"] = [*languages(data), language]
    data.setdefault("translations", {})
    if isinstance(data["translations"], dict):
        data["translations"].setdefault(language, {})
    return True


def remove_language(data: dict, language: str) -> bool:
    if language not in languages(data):
        return False
    data["languages"] = [c for c in languages(data) if c != language]
    if isinstance(data.get("translations"), dict):
        data["translations"].pop(language, None)
    if not data["languages"]:
        data.pop("languages")
        data.pop("translations", None)
    return True


def rename_question(data: dict, old_id: str, new_id: str) -> None:
    """A question's id changed in the editor: its translations follow it."""
    if not old_id or old_id == new_id:
        return
    for block in _blocks(data):
        questions = block.get("questions")
        if isinstance(questions, dict) and old_id in questions:
            questions[new_id] = questions.pop(old_id)


def prune(data: dict) -> None:
    """Drop the translations of what the draft no longer has (a question deleted, a choice
    removed, a help emptied): they would only be reported as translating nothing."""
    reference = {
        q.get("id"): q for q in data.get("questions") or [] if isinstance(q, dict) and isinstance(q.get("id"), str)
    }
    for block in _blocks(data):
        for key in ("intro", "intro_with_volunteer", "purpose", "consent", "consent_with_volunteer"):
            if key in block and not data.get(key):
                block.pop(key)
        questions = block.get("questions")
        if not isinstance(questions, dict):
            continue
        for qid in list(questions):
            question, item = reference.get(qid), questions[qid]
            if question is None:
                questions.pop(qid)
            elif isinstance(item, dict):
                _prune_question(question, item)


def _prune_question(question: dict, item: dict) -> None:
    kept = {
        "help": bool(question.get("help")),
        "other": bool(question.get("other")),
        "scale_labels": question.get("type") == "scale",
        "yes_no": question.get("type") == "yes_no",
        "choices": bool(question.get("choices")),
    }
    for key, keep in kept.items():
        if key in item and not keep:
            item.pop(key)
    if isinstance(item.get("choices"), dict):
        values = {c.get("value") for c in question.get("choices") or [] if isinstance(c, dict)}
        for value in list(item["choices"]):
            if value not in values:
                item["choices"].pop(value)


def _blocks(data: dict) -> list[dict]:
    translations = data.get("translations")
    return [b for b in translations.values() if isinstance(b, dict)] if isinstance(translations, dict) else []
