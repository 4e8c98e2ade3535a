"""Counts per session: people stopped, answers by channel, words displayed."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model.consent import may_display
from ...spreadsheet import neutralise
from .sessions import SessionRepository

if TYPE_CHECKING:
    from .. import Services

NO_SESSION = "(hors session)"


@dataclass
class SessionCount:
    label: str
    session_id: str | None
    stopped: int = 0
    answered: int = 0
    displayed: int = 0
    by_channel: Counter = field(default_factory=Counter)


def session_counts(svc: Services, campaign_id: str) -> list[SessionCount]:
    known = SessionRepository(svc.records).for_campaign(campaign_id)
    rows: dict[str | None, SessionCount] = {s.id: SessionCount(s.label, s.id, stopped=s.stopped) for s in known}
    loose = SessionCount(NO_SESSION, None)
    for answer in svc.answers.iter_answers(campaign_id):
        row = rows.get(answer.get("session")) or loose
        row.answered += 1
        row.by_channel[answer.get("channel", "")] += 1
        if may_display(answer) and not answer.get("hidden") and not answer.get("wall_hidden"):
            row.displayed += 1
    return list(rows.values()) + ([loose] if loose.answered else [])


def session_counts_csv(svc: Services, campaign_id: str) -> bytes:
    """The same table as a CSV for French Excel (`;`, UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Session", "Identifiant", "Personnes arrêtées", "Réponses", "Paroles affichables"])
    for row in session_counts(svc, campaign_id):
        writer.writerow([neutralise(row.label), row.session_id or "", row.stopped, row.answered, row.displayed])
    return buffer.getvalue().encode("utf-8")
