"""The collection ``questionnaire_versions``: the definition of each questionnaire version
that answers were given under, as ``{"id": "<questionnaire>@<version>", "questionnaire",
"version", "saved_at", "definition"}`` (the definition in the file format; services/versions.py
turns it back into a questionnaire)."""

from __future__ import annotations

from ...model.clock import utc_now
from ..interfaces import RecordCollections

COLLECTION = "questionnaire_versions"


def snapshot_id(questionnaire_id: str, version: int) -> str:
    return f"{questionnaire_id}@{version}"


class VersionRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def keep(self, questionnaire_id: str, version: int, definition: dict) -> bool:
        """Keep a version's definition unless one is kept already (the first one wins)."""
        record = {
            "id": snapshot_id(questionnaire_id, version),
            "questionnaire": questionnaire_id,
            "version": version,
            "saved_at": utc_now(),
            "definition": definition,
        }
        return self.records.add(COLLECTION, record)

    def get(self, questionnaire_id: str, version: int) -> dict | None:
        return self.records.get(COLLECTION, snapshot_id(questionnaire_id, version))

    def of(self, questionnaire_id: str) -> list[dict]:
        """The kept versions of one questionnaire, in stored order."""
        return [r for r in self.records.all(COLLECTION) if r.get("questionnaire") == questionnaire_id]

    def delete(self, questionnaire_id: str, version: int) -> bool:
        return self.records.delete(COLLECTION, snapshot_id(questionnaire_id, version))
