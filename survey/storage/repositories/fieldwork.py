"""The collections ``sessions`` (``model.fieldwork.Session``) and ``doors`` (one record per
door knocked, as ``model.fieldwork.new_door`` makes it)."""

from __future__ import annotations

from typing import Hashable

from ...model.fieldwork import TEAM_COUNTED, Session
from ..interfaces import RecordCollections

SESSIONS = "sessions"
DOORS = "doors"


class SessionRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def for_campaign(self, campaign_id: str) -> list[Session]:
        """The campaign's sessions, newest day and time first."""
        found = [Session.from_record(r) for r in self.records.all(SESSIONS) if r.get("campaign") == campaign_id]
        return sorted(found, key=lambda s: (s.day, s.starts), reverse=True)

    def get(self, campaign_id: str, session_id: str) -> Session | None:
        """A session of this campaign (a session of another campaign is not found)."""
        record = self.records.get(SESSIONS, session_id) if session_id else None
        if not record or record.get("campaign") != campaign_id:
            return None
        return Session.from_record(record)

    def save(self, session: Session) -> None:
        """Create a session, or write what its form edits (place, day, times, team, questions).

        What the team adds while the session runs (people stopped, photos) is kept as stored,
        in the same locked write: the form was opened before the last taps."""

        def details(record: dict) -> dict:
            fresh = session.to_record()
            if "campaign" in record:  # already stored
                fresh.update({key: record[key] for key in TEAM_COUNTED if key in record})
            return fresh

        self.records.change(SESSIONS, session.id, details, create=True)

    def count_stopped(self, session: Session, delta: int = 1) -> int:
        """One more (or one less) person stopped; the new count. One atomic change, so taps
        from several phones at once are all counted."""

        def bump(record: dict) -> None:
            record["stopped"] = max(0, int(record.get("stopped") or 0) + delta)

        stored = self.records.change(SESSIONS, session.id, bump)
        return stored["stopped"] if stored else 0

    def add_photo(self, session: Session, photo: dict) -> None:
        """Attach a stored photo file to the session (one atomic change)."""
        self.records.change(
            SESSIONS, session.id, lambda record: record.update(photos=list(record.get("photos") or []) + [photo])
        )

    def campaign_of_each(self) -> dict[str, str | None]:
        """Session id → its campaign, for every session (``Services.session_campaigns`` keeps it)."""
        return {r["id"]: r.get("campaign") for r in self.records.all(SESSIONS)}

    def stamp(self) -> Hashable | None:
        """Changes whenever a session is written (None before the first one)."""
        return self.records.stamp(SESSIONS)


class DoorRepository:
    def __init__(self, records: RecordCollections) -> None:
        self.records = records

    def add(self, door: dict) -> None:
        """Keep a door's outcome (``model.fieldwork.new_door``); each knock is a new record."""
        self.records.append(DOORS, door)

    def for_campaign(self, campaign_id: str) -> list[dict]:
        return [d for d in self.records.all(DOORS) if d.get("campaign") == campaign_id]
