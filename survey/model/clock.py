"""Times as they are stored (UTC, ISO 8601 ending in Z) and read back.

Stored times are always UTC; pages and exports show Europe/Paris.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo


def stamp(moment: datetime) -> str:
    """``2026-11-21T10:03:12Z``: an aware datetime as stored."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def utc_now() -> str:
    return stamp(datetime.now(timezone.utc))


def local_today(zone: str | ZoneInfo, now: datetime | None = None) -> date:
    """Today where the team is (the app's zone), not where the machine's clock is set.

    Near midnight UTC the two differ: a session « aujourd'hui » must be Paris's today.
    """
    place = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return (now or datetime.now(timezone.utc)).astimezone(place).date()


def local_day(value: Any, zone: str | ZoneInfo) -> date | None:
    """The day, where the team is, of a stored timestamp (None when missing or unreadable)."""
    moment = parse_time(value)
    if moment is None:
        return None
    return moment.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)).date()


def parse_time(value: Any) -> datetime | None:
    """A stored timestamp as an aware datetime (naive ones are UTC); None when missing or unreadable."""
    if not value or not isinstance(value, (str, datetime)):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
