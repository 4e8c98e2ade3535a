"""Dates and times the French way: « 31 décembre 2026 », « 9 h 30 », and typed « 9h30 ».

Stored times are UTC (``clock.py``); pages show them in the app's zone (Europe/Paris).
Month names are written here so that pages never depend on the machine's locale.
A calendar date stored alone (« 2026-12-31 ») is a day, never shifted by a zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from .clock import parse_time
from .errors import BadValue

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRENCH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# « 9h30 », « 9 h 30 », « 09:30 », « 9h », « 9.30 », « 14 »; « 930 » or « 9h3 » are refused.
_CLOCK = re.compile(r"^(\d{1,2})\s*(?:[hH:.]\s*(\d{2})?)?$")

TIME_EXAMPLES = "9h30, 14 h ou 17:45"


def day_words(day: date) -> str:
    """« 1er mars 2027 », « 31 décembre 2026 »."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def clock_words(hours: int, minutes: int) -> str:
    """« 9 h 30 », « 14 h » (no minutes when on the hour)."""
    return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"


def long_date(value: Any, zone: ZoneInfo | None = None) -> str:
    """A stored date or time as the day it was in ``zone``: « 31 décembre 2026 » ("" when unreadable).

    A calendar day (« 2026-12-31 », a ``date``) needs no zone; a time without one is counted in UTC.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return day_words(value)
    if isinstance(value, str) and _DAY_ONLY.match(value.strip()):
        try:
            return day_words(date.fromisoformat(value.strip()))
        except ValueError:
            return ""
    moment = parse_time(value)
    return day_words(moment.astimezone(zone or timezone.utc).date()) if moment else ""


def long_datetime(value: Any, zone: ZoneInfo, unknown: str = "date inconnue") -> str:
    """A stored UTC time as « 31 décembre 2026 à 9 h 30 » in ``zone``."""
    moment = parse_time(value)
    if moment is None:
        return long_date(value, zone) or unknown
    local = moment.astimezone(zone)
    return f"{day_words(local.date())} à {clock_words(local.hour, local.minute)}"


def clock_text(value: str) -> str:
    """A stored « 09:30 » as « 9 h 30 » (anything else is shown as it is)."""
    parsed = parse_clock(value or "")
    if parsed is None:
        return value or ""
    hours, minutes = (int(part) for part in parsed.split(":"))
    return clock_words(hours, minutes)


def parse_clock(text: str) -> str | None:
    """A typed time as stored, « HH:MM »: « 9h30 », « 9 h 30 », « 09:30 », « 9h » → ``09:30``…

    None when it is not a time of day (the caller says so in French, with TIME_EXAMPLES).
    """
    match = _CLOCK.match((text or "").strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def parse_date(text: str | None, what: str = "date") -> date | None:
    """A day typed as AAAA-MM-JJ or JJ/MM/AAAA; ValueError with a French message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    match = _FRENCH_DAY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise BadValue(
            f"La {what} « {text} » n'est pas une date valide : écrivez-la comme 2026-03-31 ou 31/03/2026."
        ) from None


def typed_day(text: Any) -> str:
    """What a date field stores: ISO when the text is a day (« 31/12/2026 » too), else the text, for the
    page's own check to refuse in French (WTForms filter and form readers)."""
    try:
        day = parse_date(text)
    except ValueError:
        return (text or "").strip()
    return day.isoformat() if day else ""


def typed_clock(text: Any) -> str:
    """What a time field stores: « HH:MM » when the text is a time (« 9h30 »), else the text itself."""
    return parse_clock(text or "") or (text or "").strip()


def register_filters(app: Any, zone: ZoneInfo) -> None:
    """``jour`` (« 31 décembre 2026 ») and ``heure`` (« 31 décembre 2026 à 9 h 30 ») for every page."""
    app.add_template_filter(lambda value: long_date(value, zone), "jour")
    app.add_template_filter(lambda value: long_datetime(value, zone), "heure")
    app.add_template_filter(clock_text, "horaire")
