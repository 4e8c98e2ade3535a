"""Counts per session: people stopped, answers by channel, words displayed."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...config import DEFAULTS
from ...spreadsheet import neutralise
from ..kept_counts import Facts

if TYPE_CHECKING:
    from .. import Services

DEFAULT_TZ = DEFAULTS["TIMEZONE"]
NO_SESSION = "(hors session)"


@dataclass
class SessionCount:
    label: str
    session_id: str | None
    stopped: int = 0
    answered: int = 0
    displayed: int = 0
    by_channel: Counter = field(default_factory=Counter)


def session_counts(svc: Services, campaign_id: str, tz: str = DEFAULT_TZ) -> list[SessionCount]:
    """One row per session of the campaign (and one for answers outside any), from the
    kept counts: the page costs the sessions, not the answers."""
    known = svc.sessions.for_campaign(campaign_id)
    rows: dict[str | None, SessionCount] = {s.id: SessionCount(s.label, s.id, stopped=s.stopped) for s in known}
    loose = SessionCount(NO_SESSION, None)
    facts = Facts.of(svc.answers, campaign_id, tz)
    for session_id, channels in facts.by_session().items():
        row = rows.get(session_id) or loose
        row.answered += sum(channels.values())
        row.by_channel.update(channels)
        row.displayed += facts.displayed(session_id)
    return list(rows.values()) + ([loose] if loose.answered else [])


def session_counts_csv(svc: Services, campaign_id: str, tz: str = DEFAULT_TZ) -> bytes:
    """The same table as a CSV for French Excel (`;`, UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Session", "Identifiant", "Personnes arrêtées", "Réponses", "Paroles affichables"])
    for row in session_counts(svc, campaign_id, tz):
        writer.writerow([neutralise(row.label), row.session_id or "", row.stopped, row.answered, row.displayed])
    return buffer.getvalue().encode("utf-8")
