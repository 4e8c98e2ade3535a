"""The one shape of a stored answer, whatever brought it: the form, the offline
queue, a scribe's card, a post-it, the demo. See docs/DESIGN.md."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Iterable

from .clock import utc_now

if TYPE_CHECKING:
    from .questionnaire import Questionnaire


def distinct_values(values: Iterable[Any]) -> list[str]:
    """The values of a multiple choice, each once, in the order first given, empty ones dropped.

    A box is ticked or not: a request that repeats a value (2,000 copies once made a count of
    40,010 %) still ticks it once. Every way in (the form, the tablets' JSON, ``survey
    import-queue``, the answer record itself) goes through here."""
    return list(dict.fromkeys(str(v) for v in values if v not in (None, "")))


def new_answer(
    campaign: Any,
    questionnaire: Questionnaire,
    *,
    answer_id: str,
    answers: dict,
    channel: str,
    collector: str = "",
    session: str | None = None,
    poster: str | None = None,
    started_at: str | None = None,
    submitted_at: str | None = None,
    **respondent: Any,
) -> dict:
    """An answer ready for ``Services.save_answer``. ``respondent`` holds what a passer-by
    chose to give on a scribe's card (first_name, age_band, quartier, the two consents)."""
    now = utc_now()
    answers = {key: distinct_values(value) if isinstance(value, list) else value for key, value in answers.items()}
    return {
        "id": answer_id,
        "campaign": campaign.id,
        "questionnaire": questionnaire.id,
        "version": questionnaire.version,
        "channel": channel,
        "collector": collector or "",
        "session": session or None,
        "poster": poster or None,
        "started_at": started_at or now,
        "submitted_at": submitted_at or now,
        "language": questionnaire.language,
        "answers": answers,
        "tags": [],
        "hidden": False,
        **respondent,
    }


def is_answer_id(value: Any) -> bool:
    """An answer id as forms and tablets make it when they open: a UUID in its canonical form
    (lowercase, with hyphens). Anything else is refused, and never looked up."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
