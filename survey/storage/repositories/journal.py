"""The collection ``audit``: the journal of who did what, when (logins, exports, erasures,
purges, corrections), read by coordinators on the page « Journal »."""

from __future__ import annotations

import uuid

from ...model.clock import utc_now
from ..interfaces import RecordCollections

AUDIT = "audit"


class Journal:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def write(self, action: str, detail: str, who: str, structure_id: str = "") -> None:
        """Add an entry; who acted is the caller's to say (a use case never sees a request), and
        the structure whose coordinators may read it (none: the default structure's)."""
        entry = {"id": str(uuid.uuid4()), "at": utc_now(), "action": action, "detail": detail, "who": who}
        if structure_id:
            entry["structure_id"] = structure_id
        self.records.append(AUDIT, entry)

    def all(self) -> list[dict]:
        """Every entry, in the order written."""
        return self.records.all(AUDIT)
