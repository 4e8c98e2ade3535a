"""The collection ``restitutions``: one record per restitution (``model/restitution.py``), its
``id`` that of the campaign or démarche it gives back (``campagne-…``, ``demarche-…``)."""

from __future__ import annotations

from typing import Callable, Hashable

from ...model.restitution import Restitution
from ..interfaces import RecordCollections

RESTITUTIONS = "restitutions"


class RestitutionRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def get(self, restitution_id: str) -> Restitution | None:
        record = self.records.get(RESTITUTIONS, restitution_id)
        return Restitution.from_record(record) if record else None

    def all(self) -> list[Restitution]:
        return [Restitution.from_record(r) for r in self.records.all(RESTITUTIONS)]

    def by_slug(self, slug: str) -> Restitution | None:
        """The restitution whose public address is ``slug`` (published or not)."""
        for record in self.records.all(RESTITUTIONS):
            if record.get("slug") == slug:
                return Restitution.from_record(record)
        return None

    def change(
        self, restitution_id: str, fn: Callable[[dict], dict | None], create: bool = False
    ) -> Restitution | None:
        """Read, change and write one restitution as one operation (``fn`` gets ``{"id": …}``
        when there is none and ``create``)."""
        record = self.records.change(RESTITUTIONS, restitution_id, fn, create=create)
        return Restitution.from_record(record) if record else None

    def delete(self, restitution_id: str) -> bool:
        return self.records.delete(RESTITUTIONS, restitution_id)

    def stamp(self) -> Hashable | None:
        """Changes whenever a restitution is written (for pages kept in memory)."""
        return self.records.stamp(RESTITUTIONS)
