"""The collections ``volunteers`` (one record per volunteer code, its ``id`` the code) and
``kiosk_codes`` (one record per campaign: ``{"id": campaign, "code": …}``)."""

from __future__ import annotations

from typing import Callable

from ..interfaces import RecordCollections

VOLUNTEERS = "volunteers"
KIOSK_CODES = "kiosk_codes"


class VolunteerCodeRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def for_campaign(self, campaign_id: str) -> list[dict]:
        return [r for r in self.records.all(VOLUNTEERS) if r.get("campaign") == campaign_id]

    def add(self, record: dict) -> bool:
        """Insert a code that was never given; False (nothing written) if it was."""
        return self.records.add(VOLUNTEERS, record)

    def get(self, code: str) -> dict | None:
        return self.records.get(VOLUNTEERS, code)

    def change(self, code: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one code's record as one operation (revoking it once)."""
        return self.records.change(VOLUNTEERS, code, fn)


class KioskCodeRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def code(self, campaign_id: str) -> str:
        """The campaign's kiosk code, or "" when it has none."""
        return (self.records.get(KIOSK_CODES, campaign_id) or {}).get("code", "")

    def put(self, campaign_id: str, code: str) -> None:
        self.records.put(KIOSK_CODES, {"id": campaign_id, "code": code})

    def change(self, campaign_id: str, fn: Callable[[dict], dict | None]) -> dict:
        """Read, change and write the campaign's record as one operation (made if absent)."""
        record = self.records.change(KIOSK_CODES, campaign_id, fn, create=True)
        assert record is not None  # with create=True there is always a record
        return record
