"""The collection ``campaigns``: one record per campaign, the fields of ``model.campaign.Campaign``."""

from __future__ import annotations

from typing import Callable

from ...model.campaign import Campaign
from ..interfaces import RecordCollections

COLLECTION = "campaigns"


class CampaignRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def all(self) -> list[Campaign]:
        """Every campaign, by title."""
        return sorted((Campaign.from_record(r) for r in self.records.all(COLLECTION)), key=lambda c: c.title.lower())

    def get(self, campaign_id: str) -> Campaign | None:
        record = self.records.get(COLLECTION, campaign_id)
        return Campaign.from_record(record) if record else None

    def save(self, campaign: Campaign) -> None:
        """Store the whole campaign as given (its short code is the caller's: services/campaigns.py)."""
        self.records.put(COLLECTION, campaign.to_record())

    def change(self, campaign_id: str, fn: Callable[[Campaign], Campaign | None]) -> Campaign | None:
        """Change a stored campaign in one atomic operation (``fn`` changes the Campaign given):
        for a toggle such as closing, which must not start from a campaign read earlier."""

        def apply(record: dict) -> dict:
            campaign = Campaign.from_record(record)
            fn(campaign)
            return {**record, **campaign.to_record()}

        record = self.records.change(COLLECTION, campaign_id, apply)
        return Campaign.from_record(record) if record else None
