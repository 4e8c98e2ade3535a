"""Slowing down whoever guesses a secret (a password, a kiosk code) without locking out its owner.

Failures are counted per (client address, subject) pair: after the free tries the pair
waits, twice as long after each further failure, up to a maximum. An address that fails
on many subjects waits too. The subject alone (a coordinator's name, a campaign) is never
a key, so guessing from another machine never blocks the owner's own device. Kept by the
app, in memory: one process, and a restart forgets (docs/SECURITY.md).
"""

from __future__ import annotations

import threading
import time

from flask import current_app

FIRST_DELAY = 30  # seconds, after the last free try; doubles with each further failure


class Throttle:
    """Failure counts per (address, subject) and per address, within ``window`` seconds."""

    def __init__(self, free_tries: int, max_delay: int, address_tries: int, window: int):
        self.free_tries, self.max_delay = free_tries, max_delay
        self.address_tries, self.window = address_tries, window
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self.failures.get(key, []) if now - t < self.window]
        if recent:
            self.failures[key] = recent
        else:
            self.failures.pop(key, None)
        return recent

    def blocked_for(self, address: str, subject: str, now: float | None = None) -> int:
        """Seconds to wait before another try (0 = may try now)."""
        now = now or time.time()
        with self.lock:
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
        with self.lock:
            for key in (f"{address}|{subject}", f"ip:{address}"):
                self.failures.setdefault(key, []).append(now)

    def forget(self, address: str, subject: str) -> None:
        with self.lock:
            self.failures.pop(f"{address}|{subject}", None)


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
            ),
        )
    return throttle


def wait_words(seconds: int) -> str:
    """« 40 secondes », « 8 minutes »: how long to wait, in words."""
    if seconds < 90:
        return f"{seconds} secondes"
    return f"{round(seconds / 60)} minutes"
