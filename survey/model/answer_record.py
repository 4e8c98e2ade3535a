"""The one shape of a stored answer, whatever brought it: the form, the offline
queue, a scribe's card, a post-it, the demo. See docs/DESIGN.md."""

from __future__ import annotations

import re
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


# Control characters nobody types on purpose (U+0000 to U+001F but tab, line feed and carriage
# return): a paste from a terminal or an old word processor brings them along. Dropped at every
# way in, whatever the storage: PostgreSQL cannot hold U+0000, and the files must not keep what
# the database would refuse (one rule for both, docs/DESIGN.md).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def typed_text(value: Any) -> Any:
    """A text without the invisible control characters of a paste; any other value as given."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _typed_answers(answers: dict) -> dict:
    """Every text of ``answers`` through ``typed_text``; a text left empty is no answer."""
    kept: dict = {}
    for key, value in answers.items():
        value = distinct_values(typed_text(v) for v in value) if isinstance(value, list) else typed_text(value)
        if value != "":
            kept[key] = value
    return kept


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
    language: str | None = None,
    **respondent: Any,
) -> dict:
    """An answer ready for ``Services.save_answer``. ``respondent`` holds what a passer-by
    chose to give on a scribe's card (first_name, age_band, quartier, the two consents).
    ``language``: the one the person read the questionnaire in (one of ``questionnaire.languages``;
    the questionnaire's own by default; a translated questionnaire gives its language)."""
    now = utc_now()
    answers = _typed_answers(answers)
    respondent = {key: typed_text(value) for key, value in respondent.items()}
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
        "language": language if language in questionnaire.languages else questionnaire.language,
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
