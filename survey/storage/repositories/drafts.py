"""The collection ``drafts``: the questionnaire editor's work in progress (services/drafts.py
says what a draft holds)."""

from __future__ import annotations

from typing import Callable

from ..interfaces import RecordCollections

COLLECTION = "drafts"


class DraftRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, draft: dict) -> bool:
        return self.records.add(COLLECTION, draft)

    def get(self, draft_id: str) -> dict | None:
        return self.records.get(COLLECTION, draft_id)

    def all(self) -> list[dict]:
        return self.records.all(COLLECTION)

    def change(self, draft_id: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one draft as one operation; None if it is gone."""
        return self.records.change(COLLECTION, draft_id, fn)

    def delete(self, draft_id: str) -> bool:
        return self.records.delete(COLLECTION, draft_id)
