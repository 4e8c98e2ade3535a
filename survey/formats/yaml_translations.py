"""The ``languages`` and ``translations`` of a questionnaire file, read and checked.

A file declares its other languages (``languages: [en, ar]``) and gives, for each, every
text a person reads (``translations: {en: {title, intro…, questions: {id: {label, help,
choices: {value: words}, other, scale_labels: [5 words], yes_no: [2 words]}}}}``). Each
problem is said in French with the line, like the rest of the file (``yaml_files.py``): a
declared language with a text missing, a translation of a question that does not exist.
"""

from __future__ import annotations

import re
from typing import Callable

from ..model.questionnaire import LISTED_TEXTS, Questionnaire, Translation, language_words
from ..model.translations import TOP_TEXTS, missing_texts, texts_to_translate, unknown_texts

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
LINE, KEY_LINES = "__line__", "__key_lines__"
_META = {LINE, KEY_LINES}
QUESTION_TEXTS = ("label", "help", "choices", "other", *LISTED_TEXTS)
LIST_SIZES = {"scale_labels": 5, "yes_no": 2}
# How a text's key is named in a message: « le libellé de la question « x » ».
_WHAT = {
    "title": "le titre",
    "intro": "l'introduction (intro)",
    "intro_with_volunteer": "l'introduction dite par un ou une bénévole (intro_with_volunteer)",
    "purpose": "le but (purpose)",
    "consent": "le texte de consentement (consent)",
    "consent_with_volunteer": "le consentement dit par un ou une bénévole (consent_with_volunteer)",
    "label": "le libellé (label)",
    "help": "l'aide (help)",
    "other": "les mots de « Autre : précisez » (other)",
    "scale_labels": "les 5 mots de l'échelle (scale_labels)",
    "yes_no": "les mots « Oui » et « Non » (yes_no)",
}

Problem = Callable[[int, str, str], None]  # (line, question, message)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


BOOLEAN = '« {value} » est lu comme vrai/faux en YAML : mettez les mots entre guillemets ("Yes")'


def _bad_words(value) -> str:
    """Why a value is not words a person reads ("" when it is)."""
    if isinstance(value, bool):
        return BOOLEAN.format(value="Yes/No/On/Off")
    return ""


def _named(language: str) -> str:
    return f"en {language_words(language)} ({language})"


class ReadTranslations:
    """The translations of one file as read, with the lines to point problems at."""

    def __init__(self) -> None:
        self.texts: dict[str, dict[str, str]] = {}
        self.notes: dict[str, str] = {}
        self.lines: dict[str, int] = {}  # language -> line of its block
        self.question_lines: dict[tuple[str, str], int] = {}  # (language, question id) -> line
        self.declared: list[str] = []


def read(data: dict, reference: str, top_line: int, problem: Problem) -> ReadTranslations:
    """The ``languages`` and ``translations`` keys, with every problem of their shape."""
    found = ReadTranslations()
    key_lines = data.get(KEY_LINES, {})
    declared = data.get("languages")
    if declared is not None:
        line = key_lines.get("languages", top_line)
        if not isinstance(declared, list) or not all(isinstance(x, str) for x in declared):
            problem(line, "", "« languages » doit être une liste de codes de langue, comme [en, ar]")
            declared = []
        for code in declared:
            code = code.strip()
            if not LANGUAGE.match(code):
                problem(line, "", f"« {code} » n'est pas un code de langue (deux lettres, comme en ou ar)")
            elif code == reference:
                problem(line, "", f"« {code} » est déjà la langue du questionnaire (language) : ne la répétez pas")
            elif code in found.declared:
                problem(line, "", f"la langue « {code} » apparaît deux fois dans « languages »")
            else:
                found.declared.append(code)
    raw = data.get("translations")
    if raw is None:
        for code in found.declared:
            problem(key_lines.get("languages", top_line), "", f"la traduction {_named(code)} manque (translations)")
        return found
    if not isinstance(raw, dict):
        problem(key_lines.get("translations", top_line), "", "« translations » doit donner un bloc par langue")
        return found
    raw_lines = raw.get(KEY_LINES, {})
    for code in found.declared:
        if code not in raw:
            problem(key_lines.get("translations", top_line), "", f"la traduction {_named(code)} manque (translations)")
    for code, block in raw.items():
        if code in _META:
            continue
        line = raw_lines.get(code, top_line)
        if code not in found.declared:
            problem(line, "", f"la langue « {code} » est traduite mais pas déclarée dans « languages »")
            continue
        if not isinstance(block, dict):
            problem(line, "", f"la traduction {_named(code)} doit donner des textes (title, questions…)")
            continue
        found.lines[code] = line
        found.texts[code] = _block_texts(code, block, line, found, problem)
        found.notes[code] = _text(block.get("note"))
    return found


def _block_texts(code: str, block: dict, line: int, found: ReadTranslations, problem: Problem) -> dict[str, str]:
    texts: dict[str, str] = {}
    block_lines = block.get(KEY_LINES, {})
    for key, value in block.items():
        if key in _META or key == "note":
            continue
        where = block_lines.get(key, line)
        if key in TOP_TEXTS:
            if isinstance(value, (dict, list)):
                problem(where, "", f"{_WHAT[key]} {_named(code)} doit être un texte")
            elif _bad_words(value):
                problem(where, "", f"{_WHAT[key]} {_named(code)} : {_bad_words(value)}")
            elif _text(value):
                texts[key] = _text(value)
        elif key == "questions":
            if not isinstance(value, dict):
                problem(where, "", f"les questions {_named(code)} s'écrivent « id: {{label: …}} »")
                continue
            for qid, item in value.items():
                if qid in _META:
                    continue
                qline = value.get(KEY_LINES, {}).get(qid, where)
                found.question_lines[(code, str(qid))] = qline
                _question_texts(code, str(qid), item, qline, texts, problem)
        else:
            problem(where, "", f"la clé « {key} » de la traduction {_named(code)} est inconnue")
    return texts


def _question_texts(code: str, qid: str, item, line: int, texts: dict[str, str], problem: Problem) -> None:
    if not isinstance(item, dict):
        problem(line, qid, f"la traduction {_named(code)} de cette question doit donner « label » (et help, choices…)")
        return
    base = f"questions.{qid}"
    for key, value in item.items():
        if key in _META:
            continue
        if key not in QUESTION_TEXTS:
            problem(line, qid, f"la clé « {key} » de la traduction {_named(code)} est inconnue")
        elif key == "choices":
            if not isinstance(value, dict):
                problem(line, qid, f"les choix {_named(code)} s'écrivent « valeur: mots »")
                continue
            for choice, words in value.items():
                if _bad_words(words):
                    problem(line, qid, f"le choix « {choice} » {_named(code)} : {_bad_words(words)}")
                elif choice not in _META and _text(words):
                    texts[f"{base}.choices.{choice}"] = _text(words)
        elif key in LIST_SIZES:
            size = LIST_SIZES[key]
            if not isinstance(value, list) or len(value) != size or not all(_text(v) for v in value):
                problem(line, qid, f"{_WHAT[key]} {_named(code)} : il faut exactement {size} textes")
                continue
            if any(_bad_words(v) for v in value):
                problem(line, qid, f"{_WHAT[key]} {_named(code)} : " + BOOLEAN.format(value="Yes/No"))
                continue
            texts.update({f"{base}.{key}.{n}": _text(v) for n, v in enumerate(value, 1)})
        elif isinstance(value, (dict, list)):
            problem(line, qid, f"{_WHAT[key]} {_named(code)} doit être un texte")
        elif _bad_words(value):
            problem(line, qid, f"{_WHAT[key]} {_named(code)} : {_bad_words(value)}")
        elif _text(value):
            texts[f"{base}.{key}"] = _text(value)


def described(key: str) -> str:
    """A text's key as a person reads it: « le libellé (label) de « age » »."""
    qid, what = _said(key)
    return f"{what} de « {qid} »" if qid else what


def _said(key: str) -> tuple[str, str]:
    """(question id or "", what the key names, in French)."""
    parts = key.split(".")
    if parts[0] != "questions":
        return "", _WHAT[key]
    if parts[2] == "choices":
        return parts[1], f"le choix « {parts[3]} »"
    return parts[1], _WHAT[parts[2]]


def checked(questionnaire: Questionnaire, found: ReadTranslations, problem: Problem) -> tuple[Translation, ...]:
    """The translations of a questionnaire built without problems, each checked against it:
    every text given (lines of the missing ones), none of a question or choice it has not."""
    translations = []
    for code in found.declared:
        if code not in found.texts:
            continue
        given = found.texts[code]
        in_order = {key: given[key] for key in texts_to_translate(questionnaire) if key in given}
        translation = Translation(code, {**in_order, **given}, found.notes.get(code, ""))
        said: set[tuple[str, str]] = set()  # the 5 words of a scale are one problem, not 5
        for keys, sentence in (
            (missing_texts(questionnaire, translation), "ne donne pas {what}"),
            (unknown_texts(questionnaire, translation), "traduit {what}, que le questionnaire n'a pas"),
        ):
            for key in keys:
                qid, what = _said(key)
                message = f"la traduction {_named(code)} " + sentence.format(what=what)
                if (qid, message) not in said:
                    said.add((qid, message))
                    problem(found.question_lines.get((code, qid), found.lines[code]), qid, message)
        translations.append(translation)
    return tuple(translations)
