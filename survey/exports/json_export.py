"""JSON for other tools: the questionnaire definition, every known version, then one
object per answer (stored codes, as in ``docs/DESIGN.md``), written as it streams."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from ..questionnaires import Questionnaire

ANSWERS_PER_CHUNK = 200
# Internal bookkeeping of the store, meaningless outside it.
PRIVATE_KEYS = ("fingerprint",)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_chunks(definitions: list[Questionnaire], answers: Iterable[dict], *,
                campaign: dict | None = None, sessions: list[dict] | None = None) -> Iterator[bytes]:
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
        clean = {k: v for k, v in answer.items() if k not in PRIVATE_KEYS}
        parts.append(separator + _dumps(clean))
        separator = ",\n"
        if len(parts) >= ANSWERS_PER_CHUNK:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")
