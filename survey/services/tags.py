"""Thematic coding: each campaign has its list of tags; an answer can carry several.

The list lives in the RecordStore collection ``campaign_tags`` (one record per
campaign); the tags of an answer live in the answer itself (``tags``), as do
the « hidden » flag and the texts marked « à citer » (``quotes``: question ids).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..config import DEFAULTS
from ..model.errors import SurveyError
from .kept_counts import Facts
from .reading import fold

if TYPE_CHECKING:
    from . import Services

COLLECTION = "campaign_tags"
MAX_TAG = 40
MAX_TAGS = 60


class TagError(SurveyError, ValueError):
    """A French message about a tag that cannot be added."""


def campaign_tags(svc: Services, campaign_id: str) -> list[str]:
    record = svc.records.get(COLLECTION, campaign_id)
    return list(record.get("tags", [])) if record else []


def tag_counts(svc: Services, campaign_id: str, tz: str = DEFAULTS["TIMEZONE"]) -> dict[str, int]:
    """The campaign's tags, each with how many visible answers carry it (kept counts)."""
    facts = Facts.of(svc.answers, campaign_id, tz)
    return {name: facts.tag(name) for name in campaign_tags(svc, campaign_id)}


def add_tag(svc: Services, campaign_id: str, name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TagError("Écrivez le nom de l'étiquette.")
    if len(name) > MAX_TAG:
        raise TagError(f"Le nom d'une étiquette fait au plus {MAX_TAG} caractères.")

    def append(record: dict) -> None:  # checked and written under one lock: two tabs add both
        tags = list(record.get("tags") or [])
        if any(fold(t) == fold(name) for t in tags):
            raise TagError(f"L'étiquette « {name} » existe déjà.")
        if len(tags) >= MAX_TAGS:
            raise TagError(f"Une campagne a au plus {MAX_TAGS} étiquettes.")
        record["tags"] = tags + [name]

    svc.records.change(COLLECTION, campaign_id, append, create=True)
    return name


def remove_tag(svc: Services, campaign_id: str, name: str) -> int:
    """Take a tag off the list and off every answer; how many answers lost it."""
    removed = []

    def drop(record: dict) -> None:
        tags = list(record.get("tags") or [])
        if name in tags:
            removed.append(name)
        record["tags"] = [t for t in tags if t != name]

    svc.records.change(COLLECTION, campaign_id, drop)
    if not removed:
        return 0
    tagged = [a["id"] for a in svc.answers.iter_answers(campaign_id) if name in (a.get("tags") or [])]
    for answer_id in tagged:
        svc.answers.change(
            campaign_id, answer_id, lambda a: a.__setitem__("tags", [t for t in a.get("tags") or [] if t != name])
        )
    return len(tagged)


def set_answer_tags(
    svc: Services, campaign_id: str, answer_id: str, chosen: Iterable[str], shown: Iterable[str] | None = None
) -> dict | None:
    """Tag an answer with the ``chosen`` tags among the campaign's (others are ignored).

    With ``shown`` (the tags the form was showing as ticked), only what this person
    changed is applied, to the answer as stored: a tag that someone else added or
    removed meanwhile stays so. Without it, the answer gets exactly ``chosen``."""
    allowed = campaign_tags(svc, campaign_id)
    chosen = set(chosen)
    shown = None if shown is None else set(shown)

    def retag(answer: dict) -> None:
        if shown is None:
            wanted = chosen
        else:  # the stored tags, minus those this person unticked, plus those they ticked
            wanted = (set(answer.get("tags") or []) - (shown - chosen)) | (chosen - shown)
        answer["tags"] = [t for t in allowed if t in wanted]

    return svc.answers.change(campaign_id, answer_id, retag)


def set_hidden(svc: Services, campaign_id: str, answer_id: str, hidden: bool) -> dict | None:
    return svc.answers.change(campaign_id, answer_id, lambda a: a.__setitem__("hidden", bool(hidden)))


def set_quoted(svc: Services, campaign_id: str, answer_id: str, question_id: str, quoted: bool) -> dict | None:
    """Mark (or unmark) the text of one question of one answer as « à citer »."""

    def change(answer: dict) -> None:
        values = answer.get("answers") or {}
        quotes = [q for q in answer.get("quotes") or [] if q != question_id]
        if quoted and isinstance(values.get(question_id), str) and values[question_id]:
            quotes.append(question_id)
        answer["quotes"] = quotes

    return svc.answers.change(campaign_id, answer_id, change)
