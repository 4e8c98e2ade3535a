"""Which answers an export includes: a date range, a channel, a place, hidden ones or not.

Dates are days in local time (Europe/Paris by default), both ends included, as
a coordinator says them ("du 1er au 15 mars"); stored times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from ..config import DEFAULTS
from ..model.clock import parse_time
from ..model.french_time import parse_date  # noqa: F401  (typed days: one reader for every page)

DEFAULT_TIMEZONE = DEFAULTS["TIMEZONE"]


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    channel: str = ""
    place: str = ""
    include_hidden: bool = False
    timezone: str = DEFAULT_TIMEZONE

    def problems(self) -> list[str]:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return ["La date de début doit venir avant la date de fin."]
        return []

    def _bounds(self) -> tuple[datetime | None, datetime | None]:
        tz = ZoneInfo(self.timezone)
        start = datetime.combine(self.date_from, time.min, tz) if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tz) if self.date_to else None
        return start, end

    def apply(self, answers: Iterable[dict], place_of: Callable[[dict], str]) -> Iterator[dict]:
        """The answers that pass every filter, in the order given (lazily)."""
        start, end = self._bounds()
        channel = self.channel
        place = self.place.strip().casefold()
        include_hidden = self.include_hidden
        for answer in answers:
            if not include_hidden and answer.get("hidden"):
                continue
            if channel and answer.get("channel") != channel:
                continue
            if place and (place_of(answer) or "").strip().casefold() != place:
                continue
            if start is not None or end is not None:
                when = parse_time(answer.get("submitted_at"))
                if when is None or (start is not None and when < start) or (end is not None and when >= end):
                    continue
            yield answer
