"""Correcting the words of a stored answer (the RGPD right to rectification, and typing slips).

A coordinator can correct any answer; the team member who captured an answer (a
scribe's card, a typed post-it, a paper sheet) can correct it on the day it was
saved. The words before the correction stay in the answer (``corrections``: who,
when, every text as it was), and the audit log says who corrected which answer,
without the words.

Only the written texts are corrected (text questions and « Autre : précisez »):
choices and consents are what the person gave, and are not edited afterwards.

The store's ``fingerprint`` is not touched: it stays the digest of the answer as
first submitted, so a tablet that sends the original again still gets « already
stored », never a conflict (``storage/answers.py``).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..config import DEFAULTS
from ..model.answer_record import typed_text
from ..model.clock import parse_time, utc_now
from ..model.errors import SurveyError
from .reading import free_texts
from .structures import structure_of_campaign

if TYPE_CHECKING:
    from ..model.questionnaire import Questionnaire
    from . import Services


class CorrectionError(SurveyError, ValueError):
    """A French message about a correction that cannot be saved."""


def correctable_texts(answer: dict, questionnaire: Questionnaire | None = None) -> dict[str, str]:
    """The answer's written texts, by key (question id or ``question__autre``)."""
    return free_texts(answer, questionnaire)


def normalise(text: Any) -> str:
    return typed_text(str(text or "")).replace("\r\n", "\n").strip()


def changed_texts(answer: dict, submitted: dict, questionnaire: Questionnaire | None, limit: int) -> dict[str, str]:
    """The texts of ``submitted`` that differ from the stored ones; CorrectionError if one is
    empty, too long, or not a written text of this answer."""
    current = correctable_texts(answer, questionnaire)
    changes = {}
    for key, value in submitted.items():
        if key not in current:
            raise CorrectionError("Seuls les textes écrits de cette réponse peuvent être corrigés.")
        text = normalise(value)
        if not text:
            raise CorrectionError(
                "Un texte corrigé ne peut pas être vide. Pour retirer la réponse, effacez-la depuis sa page."
            )
        if len(text) > limit:
            raise CorrectionError(f"Le texte est trop long : {len(text)} caractères pour {limit} au plus.")
        if text != current[key]:
            changes[key] = text
    return changes


def correct_answer(svc: Services, campaign_id: str, answer_id: str, changes: dict[str, str], who: str) -> dict | None:
    """Write ``changes`` into the stored answer in one locked write, keeping the texts before.

    Returns the corrected answer (None if it no longer exists). Logged in the audit log."""
    if not changes:
        return svc.answers.get(campaign_id, answer_id)

    def change(answer: dict) -> None:
        before = copy.deepcopy(answer.get("answers") or {})
        answer["answers"] = {**before, **changes}
        history = answer.get("corrections")
        history = list(history) if isinstance(history, list) else []
        history.append({"at": utc_now(), "by": who, "answers_before": before})
        answer["corrections"] = history

    corrected = svc.answers.change(campaign_id, answer_id, change)
    if corrected is not None:
        svc.journal.write(
            "correction",
            f"réponse {answer_id} de la campagne {campaign_id} corrigée "
            f"({', '.join(sorted(changes))}) ; le texte d'avant est gardé avec la réponse",
            who,
            structure_of_campaign(svc, campaign_id),
        )
    return corrected


def saved_today(answer: dict, zone: str = DEFAULTS["TIMEZONE"], now: datetime | None = None) -> bool:
    """True when the answer was saved on today's date, in the app's zone."""
    sent = parse_time(answer.get("submitted_at"))
    if sent is None:
        return False
    tz = ZoneInfo(zone)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    return sent.astimezone(tz).date() == today


def member_may_correct(
    answer: dict, member: str | None, zone: str = DEFAULTS["TIMEZONE"], now: datetime | None = None
) -> bool:
    """A team member corrects what they captured themself, on the day they captured it."""
    return bool(member) and answer.get("collector") == member and saved_today(answer, zone, now)


def history(answer: dict, questionnaire: Questionnaire | None = None) -> list[dict]:
    """Each correction, newest first: when, who, and each text it changed (before → after)."""
    entries = answer.get("corrections")
    if not isinstance(entries, list):
        return []
    versions = [e.get("answers_before") or {} for e in entries if isinstance(e, dict)] + [answer.get("answers") or {}]
    shown = []
    for index, entry in enumerate(e for e in entries if isinstance(e, dict)):
        before, after = versions[index], versions[index + 1]
        changes = []
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                question = questionnaire.question(key.removesuffix("__autre")) if questionnaire else None
                changes.append(
                    {"label": question.label if question else key, "before": before.get(key), "after": after.get(key)}
                )
        shown.append({"at": entry.get("at"), "by": entry.get("by"), "changes": changes})
    shown.reverse()
    return shown
