"""JSON for other tools: the questionnaire definition, every known version, then one
object per answer (stored codes, as in ``docs/DESIGN.md``), written as it streams."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from ..model.consent import may_quote
from ..model.questionnaire import Questionnaire

ANSWERS_PER_CHUNK = 200
# Internal bookkeeping of the store, meaningless outside it.
PRIVATE_KEYS = ("fingerprint",)
# Always present, null when not asked, so that a partner can tell which words may be reused.
RESPONDENT_KEYS = ("session", "consent_display", "consent_report", "first_name", "age_band", "quartier")


def exported_answer(answer: dict) -> dict:
    """One answer as a partner gets it: as stored, with the consent keys and the reuse rule
    (``may_quote``), and corrections without the words they replaced."""
    clean = {k: v for k, v in answer.items() if k not in PRIVATE_KEYS}
    for key in RESPONDENT_KEYS:
        clean.setdefault(key, None)
    clean["may_quote"] = may_quote(answer)
    if isinstance(clean.get("corrections"), list):
        clean["corrections"] = [
            {"at": c.get("at"), "by": c.get("by")} for c in clean["corrections"] if isinstance(c, dict)
        ]
    return clean


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_chunks(
    definitions: list[Questionnaire],
    answers: Iterable[dict],
    *,
    campaign: dict | None = None,
    sessions: list[dict] | None = None,
) -> Iterator[bytes]:
    """``{"campaign": …, "questionnaire": <current>, "versions": […], "sessions": […], "answers": [ … ]}``,
    one answer a line (``campaign`` and ``sessions`` only when given)."""
    current = definitions[-1]
    head = "{"
    if campaign is not None:
        head += f'"campaign":{_dumps(campaign)},\n'
    head += f'"questionnaire":{_dumps(current.to_dict())},\n'
    head += '"versions":[' + ",".join(_dumps(d.to_dict()) for d in definitions) + "],\n"
    if sessions is not None:
        head += f'"sessions":{_dumps(sessions)},\n'
    head += '"answers":['
    parts = [head]
    separator = "\n"
    for answer in answers:
        parts.append(separator + _dumps(exported_answer(answer)))
        separator = ",\n"
        if len(parts) >= ANSWERS_PER_CHUNK:
            yield "".join(parts).encode("utf-8", "replace")
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8", "replace")
