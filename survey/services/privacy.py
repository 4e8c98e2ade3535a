"""Personal data (RGPD): limited retention, erasure on request, the processing notice.

Answers are kept ``campaign.retention_months`` months after they were sent
(``submitted_at``), then purged: by ``survey purge`` or the button of the
campaign's « Données personnelles » page. Every real purge and every deletion is
written to the audit log.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..model.campaign import Campaign
from ..model.clock import stamp
from .media import delete_media_of, delete_orphan_media
from .results import parse_time
from .structures import campaign_owner, structure_of_campaign

if TYPE_CHECKING:
    from . import Services


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (31 March − 1 month = 28/29 Feb)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff_for(campaign: Campaign, now: datetime | None = None) -> datetime:
    """Answers sent before this moment are past the campaign's retention period."""
    now = now or datetime.now(timezone.utc)
    return months_before(now, int(campaign.retention_months))


def is_expired(answer: dict, cutoff: datetime) -> bool | None:
    """True if sent before ``cutoff``; None when the answer has no readable date."""
    sent = parse_time(answer.get("submitted_at"))
    if sent is None:
        return None
    return sent < cutoff


@dataclass
class PurgeResult:
    campaign_id: str
    retention_months: int
    cutoff: str
    expired: int = 0  # answers past the retention period
    deleted: int = 0  # of which actually deleted (0 in a dry run)
    undated: int = 0  # answers without a readable date: kept, and said

    @property
    def summary(self) -> str:
        return (
            f"{self.deleted} réponse{'s' if self.deleted > 1 else ''} supprimée{'s' if self.deleted > 1 else ''} "
            f"(envoyées avant le {self.cutoff[:10]}, conservation {self.retention_months} mois)"
        )


def expired_ids(svc: Services, campaign: Campaign, now: datetime | None = None) -> tuple[list[str], int, datetime]:
    cutoff = cutoff_for(campaign, now)
    ids, undated = [], 0
    for answer in svc.answers.iter_answers(campaign.id):
        state = is_expired(answer, cutoff)
        if state is None:
            undated += 1
        elif state:
            ids.append(answer["id"])
    return ids, undated, cutoff


def purge_campaign(
    svc: Services, campaign: Campaign, now: datetime | None = None, dry_run: bool = False, audit_as: str | None = None
) -> PurgeResult:
    """Delete the campaign's answers older than its retention period; say how many.

    With ``audit_as`` (who asked), a real purge is written to the audit log,
    even when nothing was old enough (the log then shows the purge was done);
    that needs an app context.
    """
    ids, undated, cutoff = expired_ids(svc, campaign, now)
    result = PurgeResult(campaign.id, int(campaign.retention_months), stamp(cutoff), expired=len(ids), undated=undated)
    if dry_run:
        return result
    result.deleted = svc.answers.delete_many(campaign.id, ids)
    # Their recordings and drawings go with them, and those of answers never sent.
    delete_orphan_media(svc, campaign.id)
    if audit_as is not None:
        svc.journal.write("purge", f"campagne {campaign.id} : {result.summary}", audit_as, campaign_owner(campaign))
    return result


def purge_all(
    svc: Services, now: datetime | None = None, dry_run: bool = False, audit_as: str | None = None
) -> list[PurgeResult]:
    return [purge_campaign(svc, c, now, dry_run, audit_as) for c in svc.campaigns.all()]


def orphan_campaigns(svc: Services) -> list[str]:
    """Answer folders whose campaign no longer exists: no retention period is known for them."""
    known = {c.id for c in svc.campaigns.all()}
    return [cid for cid in svc.answers.campaigns() if cid not in known]


def delete_answer(svc: Services, campaign_id: str, answer_id: str, who: str) -> bool:
    """Erase one answer on request (the RGPD right to erasure), its recordings and drawings with
    it, and log it without its content."""
    answer = svc.answers.get(campaign_id, answer_id)
    deleted = svc.answers.delete(campaign_id, answer_id)
    if answer is not None:
        delete_media_of(svc, [answer])
    if deleted:
        svc.journal.write(
            "suppression",
            f"réponse {answer_id} de la campagne {campaign_id} effacée à la demande",
            who,
            structure_of_campaign(svc, campaign_id),
        )
    return deleted


def retention_sentence(months: int) -> str:
    months = int(months)
    if months % 12 == 0:
        years = months // 12
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{months} mois"
