"""Saving a campaign: the campaign is the model's (``model/campaign.py``), its records the
storage's (``storage/repositories/campaigns.py``); what saving adds is the short code."""

from __future__ import annotations

from ..model.campaign import Campaign
from ..storage.repositories import CampaignRepository
from . import short_codes


class Campaigns(CampaignRepository):
    """The campaigns as the app uses them (``Services.campaigns``)."""

    def save(self, campaign: Campaign) -> None:
        """Store the campaign; it keeps its short code (a form never carries it), or gets one."""
        if not campaign.short_code:
            stored = self.get(campaign.id)
            campaign.short_code = (stored.short_code if stored else "") or short_codes.claim(self.records, campaign.id)
        super().save(campaign)
