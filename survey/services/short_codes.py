"""Short addresses people can type: ``http://192.168.1.20:8000/K7PX`` opens a campaign's form.

Each campaign gets a code of 4 characters (5 or 6 if ever crowded) from an alphabet
without vowels (so no code spells a word, nor any of the app's own paths such as
``/aide`` or ``/mur``) and without the characters people confuse (0 O, 1 I L). Codes
are case-insensitive. Uniqueness is the record store's: a code is claimed by inserting
it into ``records/short_codes`` under its file lock, which refuses an id already taken.
The campaign record keeps its code (``short_code``); ``/c/<campaign>/`` keeps working.
The page that opens a typed code is ``web/short_codes.py``.
"""

from __future__ import annotations

import secrets

from ..model.campaign import Campaign
from ..storage import RecordCollections
from ..storage.repositories import CampaignRepository

ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
LENGTHS = (4, 5, 6)
TRIES_PER_LENGTH = 20
COLLECTION = "short_codes"


def normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()


def is_code(code: str) -> bool:
    code = normalise(code)
    return LENGTHS[0] <= len(code) <= LENGTHS[-1] and all(c in ALPHABET for c in code)


def claim(records: RecordCollections, campaign_id: str) -> str:
    """A new code for this campaign, unique among all codes ever given."""
    for length in LENGTHS:
        for _ in range(TRIES_PER_LENGTH):
            code = "".join(secrets.choice(ALPHABET) for _ in range(length))
            if records.add(COLLECTION, {"id": code, "campaign": campaign_id}):
                return code
    raise RuntimeError("no short code left")  # 27^6 codes: never in practice


def campaign_for(records: RecordCollections, code: str) -> str | None:
    """The campaign id a typed code leads to (any case), or None."""
    if not is_code(code):
        return None
    record = records.get(COLLECTION, normalise(code))
    return record.get("campaign") if record else None


def code_for(records: RecordCollections, campaign_id: str, stored: dict | None) -> str:
    """The code a campaign keeps: the stored one, else a new one."""
    return (stored or {}).get("short_code") or claim(records, campaign_id)


def give_codes(records: RecordCollections) -> int:
    """Campaigns saved before short codes existed get theirs (once, under the record lock)."""
    campaigns = CampaignRepository(records)
    given = 0
    for campaign in campaigns.all():
        if campaign.short_code:
            continue

        def add_code(stored: Campaign) -> None:
            if not stored.short_code:  # another process may have given one meanwhile
                stored.short_code = claim(records, stored.id)

        campaigns.change(campaign.id, add_code)
        given += 1
    return given
