"""The collection ``structures``: one record per structure, its ``id`` the structure's."""

from __future__ import annotations

from typing import Callable

from ...model.structure import DEFAULT_ID, DEFAULT_NAME, Structure
from ..interfaces import RecordCollections

STRUCTURES = "structures"


class StructureRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, structure: Structure) -> bool:
        """Insert a structure whose id is new; False (nothing written) if it is taken."""
        return self.records.add(STRUCTURES, structure.to_record())

    def get(self, structure_id: str) -> Structure | None:
        record = self.records.get(STRUCTURES, structure_id)
        return Structure.from_record(record) if record else None

    def all(self) -> list[Structure]:
        """Every structure, by name."""
        return sorted((Structure.from_record(r) for r in self.records.all(STRUCTURES)), key=lambda s: s.name.lower())

    def change(self, structure_id: str, fn: Callable[[dict], dict | None], create: bool = False) -> Structure | None:
        """Read, change and write one structure's record as one operation; with ``create``, ``fn``
        gets ``{"id": structure_id}`` when there is none yet (the default one before it is stored)."""
        record = self.records.change(STRUCTURES, structure_id, fn, create=create)
        return Structure.from_record(record) if record else None

    def owning(self, structure_id: str) -> Structure:
        """The structure named by a campaign's or an account's ``structure_id`` ("" is the
        default one); the default structure, unsaved, when it is not stored yet."""
        found = self.get(structure_id or DEFAULT_ID)
        if found is None and (structure_id or DEFAULT_ID) == DEFAULT_ID:
            return Structure(DEFAULT_ID, DEFAULT_NAME)
        return found or Structure(structure_id, structure_id)
