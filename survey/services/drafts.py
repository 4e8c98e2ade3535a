"""Drafts of the questionnaire editor, kept between requests without JavaScript.

A draft is a record of the collection ``drafts`` (``Services.drafts``): the questionnaire being edited,
as a dict in the file format (it may be invalid while it is being written), the
version it started from, and the import report if it came from a file. Nothing
reaches the questionnaire files until the coordinator saves and the draft passes
the loader's checks.

This module also turns the fields of the editor's HTML forms into that dict.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Collection, Iterable

from ..editor_messages import plain
from ..formats.yaml_files import from_dict
from ..model.clock import utc_now
from ..model.questionnaire import (
    CHOICE_TYPES,
    DEFAULT_SCALE_LABELS,
    OPEN_TYPES,
    OTHER_LABEL,
    OTHER_VALUE,
    TYPES,
    YES_NO_CHOICES,
    Problem,
    Questionnaire,
    QuestionnaireError,
    language_words,
)
from . import draft_translations

if TYPE_CHECKING:
    from . import Services

_DRAFT_ID = re.compile(r"^[0-9a-f]{32}$")
NEW_TITLE = "Nouveau questionnaire"


def is_draft_id(value: Any) -> bool:
    return bool(_DRAFT_ID.match(str(value or "")))


def slug(text: str, dashes: bool = False, limit: int = 40) -> str:
    """Words as an id: « Votre âge ? » -> ``votre_age``."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    out = ("-" if dashes else "_").join(words)[:limit].strip("_-")
    return out


def unique(base: str, taken: Collection[str], fallback: str) -> str:
    base = base or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


# --------------------------------------------------------------------------- records


def create(
    svc: Services,
    data: dict,
    *,
    base: Questionnaire | None = None,
    origin: str = "",
    notes: Iterable[str] = (),
    by: str = "",
) -> dict:
    draft = {
        "id": uuid.uuid4().hex,
        "base_id": base.id if base else None,
        "base_version": base.version if base else None,
        "data": data,
        "origin": origin,
        "notes": list(notes),
        "by": by,
        "created_at": utc_now(),
        "updated_at": utc_now(),
        "trash": None,
    }
    svc.drafts.add(draft)
    return draft


def get(svc: Services, draft_id: str) -> dict | None:
    if not is_draft_id(draft_id):
        return None
    return svc.drafts.get(draft_id)


class DraftChanged(Exception):
    """The draft was saved by someone else (another tab) after this request read it."""

    def __init__(self, draft_id: str, gone: bool = False):
        super().__init__(draft_id)
        self.draft_id, self.gone = draft_id, gone


def put(svc: Services, draft: dict) -> None:
    """Write back a draft this request read and changed, unless it was written meanwhile.

    Each write counts a ``revision``; the check and the write are one atomic change, so a
    second tab never silently overwrites the first one's edit (DraftChanged instead)."""
    seen = draft.get("revision", 0)
    draft_translations.prune(draft["data"])

    def write_if_unchanged(stored: dict) -> dict:
        if stored.get("revision", 0) != seen:
            raise DraftChanged(draft["id"])
        return dict(draft, revision=seen + 1, updated_at=utc_now())

    saved = svc.drafts.change(draft["id"], write_if_unchanged)
    if saved is None:
        raise DraftChanged(draft["id"], gone=True)
    draft.update(saved)


def delete(svc: Services, draft_id: str) -> bool:
    return is_draft_id(draft_id) and svc.drafts.delete(draft_id)


def all_drafts(svc: Services) -> list[dict]:
    return sorted(svc.drafts.all(), key=lambda d: d.get("updated_at", ""), reverse=True)


def for_base(svc: Services, questionnaire_id: str) -> dict | None:
    """The draft already editing this questionnaire, if any (one at a time is clearer)."""
    for draft in all_drafts(svc):
        if draft.get("base_id") == questionnaire_id:
            return draft
    return None


def blank(title: str, taken: set[str]) -> dict:
    """A new questionnaire: a title, a free id, one question to start from."""
    title = (title or "").strip() or NEW_TITLE
    return {
        "id": unique(slug(title, dashes=True), taken, "questionnaire").replace("_", "-"),
        "title": title,
        "version": 1,
        "language": "fr",
        "intro": "",
        "purpose": "",
        "consent": "",
        "source": {},
        "questions": [],
    }


# --------------------------------------------------------------------------- checking


def check(data: dict) -> tuple[Questionnaire | None, list[str], dict[int, list[str]]]:
    """Validate with the loader: (questionnaire or None, general problems, problems per question index)."""
    try:
        return from_dict(data, "brouillon"), [], {}
    except QuestionnaireError as exc:
        problems = exc.problems
    if draft_translations.reference_of(data) is None:
        return None, *placed(problems, data)
    # Only the translations are wrong: one line per language, not one per text to translate.
    unfinished = [
        f"la traduction en {language_words(code)} ({code}) n'est pas finie : {total - done} texte(s) à traduire"
        for code, _, done, total in draft_translations.progress(data)
        if done < total
    ]
    others = [plain(p.message) for p in problems if "ne donne pas" not in p.message]
    return None, unfinished + others, {}


def placed(problems: list[Problem], data: dict) -> tuple[list[str], dict[int, list[str]]]:
    """Attach each problem to the question it names (by id, or « n° 3 »), else to the whole form;
    said with the editor's words (« choix », « code »), never the file's keys."""
    general: list[str] = []
    per_question: dict[int, list[str]] = {}
    questions = data.get("questions") or []
    for problem in problems:
        problem = replace(problem, message=plain(problem.message))
        indexes = []
        if problem.question.startswith("n° ") and problem.question[3:].isdigit():
            indexes = [int(problem.question[3:]) - 1]
        elif problem.question:
            indexes = [i for i, q in enumerate(questions) if isinstance(q, dict) and q.get("id") == problem.question]
        if indexes:
            for index in indexes:
                per_question.setdefault(index, []).append(problem.message)
        else:
            general.append(problem.message)
    return general, per_question


# --------------------------------------------------------------------------- questions


def new_question(qtype: str, label: str, taken: set[str]) -> dict:
    qtype = qtype if qtype in TYPES else "short_text"
    label = (label or "").strip()
    question: dict = {"id": unique(slug(label), taken, "question"), "type": qtype, "label": label}
    if qtype in CHOICE_TYPES:
        question["choices"] = []
    return question


def options_of(question: dict) -> list[tuple[str, str]]:
    """The values a show_if may wait for, as (value, words shown)."""
    qtype = question.get("type")
    if qtype in CHOICE_TYPES:
        found = [
            (str(c.get("value", "")), str(c.get("label", "")))
            for c in question.get("choices") or []
            if isinstance(c, dict) and c.get("value")
        ]
        if question.get("other"):
            found.append((OTHER_VALUE, OTHER_LABEL))
        return found
    if qtype == "yes_no":
        return list(YES_NO_CHOICES)
    if qtype == "scale":
        labels = question.get("scale_labels") or DEFAULT_SCALE_LABELS
        return [(str(i), f"{i} – {label}") for i, label in enumerate(labels, 1)]
    return []


def condition_choices(questions: list[dict], index: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For the « shown only if » menu: earlier questions with the values one can pick."""
    groups = []
    for number, q in enumerate(questions[:index], 1):
        options = options_of(q)
        if options and q.get("id"):
            groups.append(
                (
                    q["id"],
                    f"{number}. {q.get('label', '')}",
                    [(f"{q['id']}={value}", label) for value, label in options],
                )
            )
    return groups


def condition_code(question: dict) -> str:
    show = question.get("show_if")
    if not isinstance(show, dict):
        return ""
    equals = show.get("equals")
    values = equals if isinstance(equals, list) else [equals]
    return f"{show.get('question', '')}={'|'.join(str(v) for v in values)}"


def _int_or_text(text: str) -> int | str | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text  # the loader says it must be a whole number


def question_from_form(form: Any, old: dict) -> dict:
    """The question as the editor's fields describe it (``form`` is request.form)."""
    qtype = form.get("type", old.get("type", "short_text"))
    if qtype not in TYPES:
        qtype = old.get("type", "short_text")
    label = form.get("label", "").strip()
    question = {"id": form.get("id", "").strip().lower(), "type": qtype, "label": label}
    if not question["id"]:
        question["id"] = slug(label) or old.get("id", "")
    help_text = form.get("help", "").strip()
    if help_text:
        question["help"] = help_text
    if form.get("required") and qtype != "note":
        question["required"] = True
    if qtype in CHOICE_TYPES:
        if "choix_libelle" in form or "choix_valeur" in form:
            values = form.getlist("choix_valeur")
            labels = form.getlist("choix_libelle")
            # « Réponse seule » boxes, by row: a row's code may change in the same save.
            ticked = {n for n in form.getlist("choix_seul") if n.isdigit()} if form.get("choix_seul_montre") else None
            kept = {c.get("value") for c in old.get("choices") or [] if isinstance(c, dict) and c.get("exclusive")}
            # Pictograms, by row (the loader checks the names); without the lists, each code keeps its own.
            shown_pictos = form.getlist("choix_picto")
            old_pictos = {c.get("value"): c.get("picto") for c in old.get("choices") or [] if isinstance(c, dict)}
            choices: list[dict] = []
            for row, (value, choice_label) in enumerate(zip(values, labels), 1):
                value, choice_label = value.strip().lower(), choice_label.strip()
                if not value and not choice_label:
                    continue
                if not value:
                    value = unique(slug(choice_label), {c["value"] for c in choices}, f"choix_{len(choices) + 1}")
                choice = {"value": value, "label": choice_label}
                # Without the boxes (a form of before), a choice keeps the flag while its code stays.
                if qtype == "multiple_choice" and (str(row) in ticked if ticked is not None else value in kept):
                    choice["exclusive"] = True
                picto = shown_pictos[row - 1].strip() if len(shown_pictos) >= row else old_pictos.get(value)
                if picto:
                    choice["picto"] = picto
                choices.append(choice)
        else:  # the type just became a choice: keep what there was
            choices = list(old.get("choices") or [])
            if qtype != "multiple_choice":
                choices = [
                    {k: v for k, v in c.items() if k != "exclusive"} if isinstance(c, dict) else c for c in choices
                ]
        question["choices"] = choices
        if form.get("other"):
            question["other"] = True
    if qtype == "number":
        for key in ("min", "max"):
            value = _int_or_text(form.get(key, ""))
            if value is not None:
                question[key] = value
    if qtype == "scale":
        labels = [form.get(f"echelle_{i}", "").strip() for i in range(1, 6)]
        if not any(labels):
            labels = list(old.get("scale_labels") or DEFAULT_SCALE_LABELS)
        if tuple(labels) != DEFAULT_SCALE_LABELS:
            question["scale_labels"] = labels
    code = form.get("condition", "")
    if code and "=" in code:
        target, _, values = code.partition("=")
        chosen = [v for v in values.split("|") if v]
        if target and chosen:
            question["show_if"] = {"question": target, "equals": chosen[0] if len(chosen) == 1 else chosen}
    if old.get("source"):
        question["source"] = old["source"]
    # Answered by voice too: the box of an open question says it (« voix_montre »: the box was on
    # the page); a form without it (the type just changed) keeps what there was, while open.
    voice = form.get("voice") if form.get("voix_montre") else old.get("voice") is True
    if voice and qtype in OPEN_TYPES:
        question["voice"] = True
    return question


def move_choice(question: dict, action: str) -> None:
    """``monter-2``, ``descendre-2``, ``retirer-2``: act on the 2nd choice (1-based)."""
    verb, _, number = action.partition("-")
    choices = question.get("choices") or []
    if not number.isdigit() or not 1 <= int(number) <= len(choices):
        return
    i = int(number) - 1
    if verb == "monter" and i > 0:
        choices[i - 1], choices[i] = choices[i], choices[i - 1]
    elif verb == "descendre" and i < len(choices) - 1:
        choices[i + 1], choices[i] = choices[i], choices[i + 1]
    elif verb == "retirer":
        del choices[i]


def rename_references(questions: list[dict], old_id: str, new_id: str) -> None:
    """When a question changes id, the conditions that named it follow."""
    if not old_id or old_id == new_id:
        return
    for q in questions:
        show = q.get("show_if")
        if isinstance(show, dict) and show.get("question") == old_id:
            show["question"] = new_id


def copy_of(questionnaire: Questionnaire, new_id: str) -> dict:
    data = questionnaire.to_dict()
    data.update(id=new_id, title=f"{questionnaire.title} (copie)", version=1)
    return data
