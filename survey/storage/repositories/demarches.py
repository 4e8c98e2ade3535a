"""The collection ``demarches``: one record per démarche (``model.demarche.Demarche``)."""

from __future__ import annotations

from typing import Callable

from ...model.demarche import Demarche
from ..interfaces import RecordCollections

DEMARCHES = "demarches"


class DemarcheRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def all(self) -> list[Demarche]:
        """Every démarche, by title."""
        return sorted((Demarche.from_record(r) for r in self.records.all(DEMARCHES)), key=lambda d: d.title.lower())

    def get(self, demarche_id: str) -> Demarche | None:
        record = self.records.get(DEMARCHES, demarche_id) if demarche_id else None
        return Demarche.from_record(record) if record else None

    def add(self, demarche: Demarche) -> bool:
        """Insert a démarche whose id is new; False (nothing written) if it is taken."""
        return self.records.add(DEMARCHES, demarche.to_record())

    def change(self, demarche_id: str, fn: Callable[[dict], dict | None]) -> Demarche | None:
        """Read, change and write one démarche as one operation."""
        record = self.records.change(DEMARCHES, demarche_id, fn)
        return Demarche.from_record(record) if record else None

    def delete(self, demarche_id: str) -> bool:
        return self.records.delete(DEMARCHES, demarche_id)
