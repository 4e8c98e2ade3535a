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

    def write(self, action: str, detail: str, who: str) -> None:
        """Add an entry; who acted is the caller's to say (a use case never sees a request)."""
        self.records.append(
            AUDIT, {"id": str(uuid.uuid4()), "at": utc_now(), "action": action, "detail": detail, "who": who}
        )

    def all(self) -> list[dict]:
        """Every entry, in the order written."""
        return self.records.all(AUDIT)
