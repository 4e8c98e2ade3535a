"""Counts kept per part of a campaign's answers, merged by addition.

A page that shows a count asks the store for ``partials``: one small summary per part
(a chunk of 100 answers in the local store), which the store may keep and serve again
while the part's answers do not change. The page adds the parts up: after a save, a
hide, a correction or a deletion only the parts that changed are read again, and the
sum is exactly what counting every answer afresh gives (tests/services/test_kept_counts.py).

Rules for a summary (see docs/DESIGN.md « Pages that read only what they show »):
- its key names everything it depends on (its version, the time zone, the questionnaire's
  shape): two computations never share a key;
- it depends on the answers only: what changes elsewhere (a session's place, the campaign's
  tag list) is applied after the merge;
- it is small: counts, never the answers' words;
- nobody changes a part once returned (it may be the store's kept copy): ``merged`` adds
  them into a new Counter.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from ..model.clock import parse_time
from ..model.consent import may_display
from ..storage.interfaces import AnswerStore

VERSION = 1  # bump when a summary counts differently: kept parts of the old one are not reused


def merged(parts: Iterable[Counter]) -> Counter:
    """The parts added up, in a new Counter (the parts are left as they were)."""
    total: Counter = Counter()
    for part in parts:
        total.update(part)
    return total


def added(one: Counter, other: Counter) -> Counter:
    """``one + other`` in a new Counter, both left as they were: the bigger is copied (at C
    speed) and the smaller added to the copy, so adding the last chunk's few counts to a
    campaign's costs little (``Counter.__add__`` walks both in Python). Counts are positive,
    so the result is the same as ``+``."""
    big, small = (one, other) if len(one) >= len(other) else (other, one)
    total = big.copy()
    total.update(small)
    return total


def kept(store: AnswerStore, campaign_id: str, key: str, summarise: Callable[[list[dict]], Counter]) -> Counter:
    """``summarise`` over every answer of the campaign, from the store's parts (which it
    may keep merged by blocks of older chunks: ``added`` makes a new Counter)."""
    return merged(store.partials(campaign_id, key, summarise, added))


def day_of(value: object, zone: ZoneInfo) -> str:
    """The local day (ISO) an answer was submitted, « inconnu » when it has no time."""
    moment = parse_time(value)
    return moment.astimezone(zone).date().isoformat() if moment is not None else "inconnu"


# -- the facts every team and session page counts --------------------------------


def _facts_of(zone: ZoneInfo) -> Callable[[list[dict]], Counter]:
    def summarise(answers: list[dict]) -> Counter:
        facts: Counter = Counter()
        for answer in answers:
            hidden = bool(answer.get("hidden"))
            session = answer.get("session")
            facts[("session", session, answer.get("channel", ""))] += 1
            if hidden:
                facts["hidden"] += 1
            else:
                for tag in dict.fromkeys(answer.get("tags") or []):
                    facts[("tag", tag)] += 1
                if may_display(answer) and not answer.get("wall_hidden"):
                    facts[("displayed", session)] += 1
            collector = answer.get("collector")
            if collector:
                facts[("collector", collector, day_of(answer.get("submitted_at"), zone))] += 1
        return facts

    return summarise


class Facts:
    """What the team's and the coordinator's field pages count, for one campaign:

    - ``("session", session id or None, channel)``: answers of a session on a channel;
    - ``("displayed", session id or None)``: visible answers whose person agreed to display;
    - ``("tag", tag)``: visible answers carrying the tag; ``"hidden"``: hidden answers;
    - ``("collector", pseudonym, local day)``: answers a team member signed, by day."""

    def __init__(self, counts: Counter):
        self.counts = counts

    @classmethod
    def of(cls, store: AnswerStore, campaign_id: str, tz: str | ZoneInfo) -> Facts:
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        return cls(kept(store, campaign_id, f"faits/{VERSION}/{zone.key}", _facts_of(zone)))

    @property
    def hidden(self) -> int:
        return self.counts["hidden"]

    def session_channel(self, session_id: str | None, channel: str) -> int:
        return self.counts[("session", session_id, channel)]

    def by_session(self) -> dict[str | None, Counter]:
        """Session id → answers by channel."""
        found: dict[str | None, Counter] = {}
        for key, n in self.counts.items():
            if isinstance(key, tuple) and key[0] == "session" and n:
                found.setdefault(key[1], Counter())[key[2]] += n
        return found

    def displayed(self, session_id: str | None) -> int:
        return self.counts[("displayed", session_id)]

    def tag(self, name: str) -> int:
        return self.counts[("tag", name)]

    def collected(self, collector: str, day: date | None = None) -> int:
        """Answers signed by ``collector``: on ``day`` (local), or in all."""
        if not collector:
            return 0
        if day is not None:
            return self.counts[("collector", collector, day.isoformat())]
        return sum(
            n for key, n in self.counts.items() if isinstance(key, tuple) and key[:2] == ("collector", collector)
        )


def count_matching(store: AnswerStore, campaign_id: str, key: str, test: Callable[[dict], bool]) -> int:
    """How many answers pass ``test``, kept per part under ``key`` (which must name the test)."""

    def summarise(answers: list[dict]) -> Counter:
        return Counter({"n": sum(1 for a in answers if test(a))})

    return kept(store, campaign_id, f"compte/{VERSION}/{key}", summarise)["n"]
