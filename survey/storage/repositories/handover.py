"""The collections of a campaign's hand-over from a laptop to the shared instance (issue 15 §4):
``upload_tokens`` on the instance (one record per token, its ``id`` the token's SHA-256, never
the token itself) and ``handover_progress`` on the laptop (one record per campaign and
instance: the last answer the instance acknowledged, so that a cut resumes there)."""

from __future__ import annotations

from typing import Callable

from ..interfaces import RecordCollections

UPLOAD_TOKENS = "upload_tokens"
PROGRESS = "handover_progress"


class UploadTokenRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, record: dict) -> bool:
        return self.records.add(UPLOAD_TOKENS, record)

    def get(self, token_hash: str) -> dict | None:
        return self.records.get(UPLOAD_TOKENS, token_hash)

    def all(self) -> list[dict]:
        return self.records.all(UPLOAD_TOKENS)

    def change(self, token_hash: str, fn: Callable[[dict], dict | None]) -> dict | None:
        """Read, change and write one token's record as one operation (revoking it)."""
        return self.records.change(UPLOAD_TOKENS, token_hash, fn)


class HandoverProgressRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def get(self, key: str) -> dict:
        return self.records.get(PROGRESS, key) or {}

    def put(self, record: dict) -> None:
        self.records.put(PROGRESS, record)

    def delete(self, key: str) -> None:
        self.records.delete(PROGRESS, key)
