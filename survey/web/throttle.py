"""Slowing down whoever guesses a secret (a password, a kiosk code) without locking out its owner.

Failures are counted per (client address, subject) pair: after the free tries the pair
waits, twice as long after each further failure, up to a maximum. An address that fails
on many subjects waits too. The subject alone (a coordinator's name, a campaign) is never
a key, so guessing from another machine never blocks the owner's own device.

Where the failures are kept: in memory on the laptop (one process; a restart forgets,
docs/SECURITY.md); with ``DATABASE_URL`` or ``SHARED_THROTTLES`` (``survey serve --workers``),
in the records collection ``throttle`` (the database's, or the data folder's), so that the
workers count together (an attacker spreading tries over several servers waits as if on one).
Each failure is one ``change``: an atomic read-modify-write of that key's recent times.
"""

from __future__ import annotations

import threading
import time

from flask import current_app
from flask_babel import format_decimal, get_translations

FIRST_DELAY = 30  # seconds, after the last free try; doubles with each further failure


SHARED_COLLECTION = "throttle"  # the records collection of the shared counts


class MemoryFailures:
    """Failure times by key, in this process."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def read(self, key: str) -> list[float]:
        with self.lock:
            return list(self.times.get(key, []))

    def add(self, key: str, now: float, window: int) -> None:
        with self.lock:
            self.times[key] = [t for t in self.times.get(key, []) if now - t < window] + [now]

    def clear(self, key: str) -> None:
        with self.lock:
            self.times.pop(key, None)


class SharedFailures:
    """Failure times by key in a records collection (the database of a shared instance):
    one record per key, ``{"id": key, "times": [...]}``, older times dropped at each write."""

    def __init__(self, records, kind: str) -> None:
        self.records, self.kind = records, kind

    def read(self, key: str) -> list[float]:
        record = self.records.get(SHARED_COLLECTION, f"{self.kind}|{key}")
        return list(record.get("times", [])) if record else []

    def add(self, key: str, now: float, window: int) -> None:
        def one_more(record: dict) -> None:
            record["times"] = [t for t in record.get("times", []) if now - t < window] + [now]

        self.records.change(SHARED_COLLECTION, f"{self.kind}|{key}", one_more, create=True)

    def clear(self, key: str) -> None:
        self.records.delete(SHARED_COLLECTION, f"{self.kind}|{key}")


class Throttle:
    """Failure counts per (address, subject) and per address, within ``window`` seconds,
    kept in ``failures`` (``MemoryFailures`` unless given)."""

    def __init__(self, free_tries: int, max_delay: int, address_tries: int, window: int, failures=None):
        self.free_tries, self.max_delay = free_tries, max_delay
        self.address_tries, self.window = address_tries, window
        self.failures = failures if failures is not None else MemoryFailures()

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self.failures.read(key) if now - t < self.window]

    def blocked_for(self, address: str, subject: str, now: float | None = None) -> int:
        """Seconds to wait before another try (0 = may try now)."""
        now = now or time.time()
        wait = 0.0
        pair = self._recent(f"{address}|{subject}", now)
        if len(pair) >= self.free_tries:
            delay = min(self.max_delay, FIRST_DELAY * 2 ** min(len(pair) - self.free_tries, 20))
            wait = max(wait, pair[-1] + delay - now)
        by_address = self._recent(f"ip:{address}", now)
        if len(by_address) >= self.address_tries:
            wait = max(wait, by_address[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def fail(self, address: str, subject: str, now: float | None = None) -> None:
        now = now or time.time()
        for key in (f"{address}|{subject}", f"ip:{address}"):
            self.failures.add(key, now, self.window)

    def forget(self, address: str, subject: str) -> None:
        self.failures.clear(f"{address}|{subject}")


def app_throttle(kind: str, prefix: str) -> Throttle:
    """The app's throttle for ``kind``, set by the ``<prefix>_…`` settings of config.py."""
    key = f"survey_throttle_{kind}"
    throttle = current_app.extensions.get(key)
    if throttle is None:
        config = current_app.config
        throttle = current_app.extensions.setdefault(
            key,
            Throttle(
                config[f"{prefix}_FREE_TRIES"],
                config[f"{prefix}_MAX_DELAY"],
                config[f"{prefix}_ADDRESS_TRIES"],
                config[f"{prefix}_WINDOW"],
                SharedFailures(current_app.extensions["survey"].records, kind)
                if config.get("DATABASE_URL") or config.get("SHARED_THROTTLES")
                else None,
            ),
        )
    return throttle


def wait_words(seconds: int) -> str:
    """« 40 secondes », « 8 minutes »: how long to wait, in words (the page's language: a kiosk's
    exit speaks the form's; the coordinator's login is French)."""
    if seconds < 90:
        count, said = seconds, ngettext("%(num)s seconde", "%(num)s secondes", seconds)
    else:
        count = round(seconds / 60)
        said = ngettext("%(num)s minute", "%(num)s minutes", count)
    return said % {"num": format_decimal(count)}  # the number as the language writes it


def ngettext(singular: str, plural: str, count: int) -> str:
    """The catalog's form for ``count``, the number left to fill (Flask-Babel's own ``ngettext``
    would put the bare number in). Named so that ``pybabel extract`` finds its messages."""
    return get_translations().ungettext(singular, plural, count)
