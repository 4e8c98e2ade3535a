"""Counting a campaign's answers: for the dashboard, the printed summary and exports.

Pure functions over an iterable of stored answers (see docs/DESIGN.md) and the
questionnaire: no Flask, no storage. One pass, one answer in memory at a time,
so 50 000 answers cost a fraction of a second.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from ..config import DEFAULTS
from ..model.campaign import CHANNELS
from ..model.clock import parse_time
from ..model.consent import may_quote
from ..model.questionnaire import OPEN_TYPES, OTHER_VALUE, Question, Questionnaire
from ..storage.interfaces import AnswerStore
from . import kept_counts

CLOSED_TYPES = ("single_choice", "multiple_choice", "yes_no", "scale")
TEXT_TYPES = OPEN_TYPES  # free-text questions: their answers are read, not counted
NO_PLACE = "Lieu non précisé"
NO_COLLECTOR = "Sans bénévole (réponse seule)"
TEXT_SCAN = 10_000  # the dashboard looks for each question's latest texts among this many newest answers
DEFAULT_TZ = DEFAULTS["TIMEZONE"]


def local_day(value: Any, tz: str | ZoneInfo = DEFAULT_TZ) -> date | None:
    """The day (in the campaign's time zone) an answer was submitted."""
    moment = parse_time(value)
    if moment is None:
        return None
    return moment.astimezone(_zone(tz)).date()


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def percent(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def percent_text(value: float) -> str:
    """« 40 % », « 33,3 % » (French: comma, no-break space before %)."""
    rounded = round(value, 1)
    text = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}".replace(".", ",")
    return f"{text}\u00a0%"


def place_of(answer: dict, session_places: dict | None = None, default: str = NO_PLACE) -> str:
    """Where an answer was collected: its own place, its field session's place, else the
    campaign's (``default``). Exports use the same rule, so a place read on the dashboard
    is one the export filter finds."""
    if answer.get("place"):
        return str(answer["place"])
    session = answer.get("session")
    places = session_places or {}
    if isinstance(session, str) and places.get(session):
        return places[session]
    return default


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass
class OptionCount:
    value: str
    label: str
    count: int
    percent: float  # of the people who answered the question

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass
class TextAnswer:
    answer_id: str
    text: str
    submitted_at: str
    question_id: str
    quoted: bool = False
    other: bool = False  # the « Autre : précisez » text of a choice question


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0  # answers with a value for this question
    options: list[OptionCount] = field(default_factory=list)  # closed questions
    texts: list[TextAnswer] = field(default_factory=list)  # free text, « autre » texts, oldest first
    text_count: int = 0  # all texts, even beyond ``max_texts``
    numbers: dict = field(default_factory=dict)  # number questions: min, median, mean, max

    @property
    def closed(self) -> bool:
        return self.question.type in CLOSED_TYPES

    @property
    def free_text(self) -> bool:
        return self.question.type in TEXT_TYPES

    @property
    def several(self) -> bool:
        """Several choices per person: percentages add up to more than 100."""
        return self.question.is_multiple


@dataclass
class Count:
    key: str
    label: str
    count: int
    percent: float

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass
class Results:
    total: int = 0  # answers counted (hidden ones left out unless asked)
    hidden: int = 0  # answers marked hidden
    first_at: str = ""
    last_at: str = ""
    by_day: list[Count] = field(default_factory=list)
    by_channel: list[Count] = field(default_factory=list)
    by_place: list[Count] = field(default_factory=list)
    by_collector: list[Count] = field(default_factory=list)
    by_tag: list[Count] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    quotes: list[TextAnswer] = field(default_factory=list)

    def question(self, question_id: str) -> QuestionResult | None:
        for result in self.questions:
            if result.question.id == question_id:
                return result
        return None


def _counts(counter: Counter, total: int, labels: Mapping | None = None, order: Iterable | None = None) -> list[Count]:
    keys = order if order is not None else [k for k, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [Count(k, (labels or {}).get(k, k), counter[k], percent(counter[k], total)) for k in keys]


Part = tuple[Counter, str, str, tuple[TextAnswer, ...]]  # a part of the answers, counted


class _Tally:
    """The counts of a set of answers, summed as they stream by: the same code counts
    one part of a campaign (kept by the store) and a whole list of answers.

    ``counts`` keys: ``total``, ``hidden``, ``("day", day)``, ``("channel", c)``,
    ``("place", own place, session)``, ``("collector", c)``, ``("tag", t)``,
    ``("resp", question)``, ``("opt", question, value)``, ``("num", question, value)``,
    ``("text", question)``; plus the first and last times and the quoted texts
    (chosen by hand, few)."""

    def __init__(self, questionnaire: Questionnaire, zone: ZoneInfo, include_hidden: bool):
        self.by_id = {q.id: q for q in questionnaire.answerable}
        self.zone = zone
        self.include_hidden = include_hidden
        self.counts: Counter = Counter()
        self.first = self.last = ""
        self.quotes: list[TextAnswer] = []

    def add(self, answer: dict) -> bool:
        """Count one answer; False when it is left out (hidden)."""
        counts = self.counts
        if answer.get("hidden"):
            counts["hidden"] += 1
            if not self.include_hidden:
                return False
        counts["total"] += 1
        submitted = answer.get("submitted_at") or ""
        if submitted and (not self.first or submitted < self.first):
            self.first = submitted
        if submitted > self.last:
            self.last = submitted
        day = local_day(submitted, self.zone)
        counts[("day", day.isoformat() if day else "inconnu")] += 1
        counts[("channel", answer.get("channel") or "inconnu")] += 1
        session = answer.get("session")
        counts[("place", str(answer.get("place") or ""), session if isinstance(session, str) else "")] += 1
        counts[("collector", answer.get("collector") or NO_COLLECTOR)] += 1
        for tag in dict.fromkeys(answer.get("tags") or []):
            counts[("tag", tag)] += 1
        values = answer.get("answers") or {}
        # Only words the person agreed to see reused reach « Paroles d'habitants ».
        quoted = set(answer.get("quotes") or []) if may_quote(answer) else set()
        for key, value in values.items():  # only the questions answered: fewer than all of them
            q = self.by_id.get(key)
            if q is None or is_empty(value):
                continue
            counts[("resp", q.id)] += 1
            if q.is_multiple:
                for v in dict.fromkeys(value if isinstance(value, list) else [value]):
                    counts[("opt", q.id, str(v))] += 1
            elif q.type in CLOSED_TYPES:
                counts[("opt", q.id, str(value))] += 1
            elif q.is_number:
                try:
                    counts[("num", q.id, float(value))] += 1
                except (TypeError, ValueError):
                    pass
            for text in texts_of(answer, q, values, quoted):
                counts[("text", q.id)] += 1
                if text.quoted:
                    self.quotes.append(text)
        return True

    def part(self) -> Part:
        return self.counts, self.first, self.last, tuple(self.quotes)

    def merge(self, part: Part) -> None:
        """Add a part (left unchanged: it may be the store's kept copy)."""
        counts, first, last, quotes = part
        self.counts.update(counts)
        if first and (not self.first or first < self.first):
            self.first = first
        if last > self.last:
            self.last = last
        self.quotes.extend(quotes)


def _merged_parts(one: Part, other: Part) -> Part:
    """Two parts in stored order as one, made of new objects (the store may keep both)."""
    firsts = [t for t in (one[1], other[1]) if t]
    return kept_counts.added(one[0], other[0]), min(firsts, default=""), max(one[2], other[2]), one[3] + other[3]


def texts_of(answer: dict, q: Question, values: dict, quoted: set) -> list[TextAnswer]:
    """The free texts of ``answer`` for question ``q`` (its words, its « Autre » text)."""
    found = []
    if q.type in TEXT_TYPES:
        found.append(_text(answer, q, str(values[q.id]), q.id in quoted, other=False))
    other = values.get(f"{q.id}__autre")
    if q.other and not is_empty(other):
        found.append(_text(answer, q, str(other), False, other=True))
    return found


def _text(answer: dict, q: Question, text: str, quoted: bool, other: bool) -> TextAnswer:
    return TextAnswer(answer.get("id", ""), text, answer.get("submitted_at", ""), q.id, quoted=quoted, other=other)


def _median(values: Counter) -> float:
    """The median of values given with their counts (no list of a million numbers)."""
    n = sum(values.values())
    middle = sorted(values)
    wanted = (n - 1) // 2, n // 2  # the two middle positions (the same one when n is odd)
    found: list[float] = []
    seen = 0
    for value in middle:
        seen += values[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


def _question_result(q: Question, counts: Counter, extra_values: dict, numbers: dict, texts: list) -> QuestionResult:
    respondents = counts[("resp", q.id)]
    options = []
    if q.type in CLOSED_TYPES:
        known = [c.value for c in q.options]
        # Values not in today's questionnaire (older versions) still count, after the known ones.
        extra = sorted(v for v in extra_values.get(q.id, ()) if v not in known)
        for value in known + extra:
            n = counts[("opt", q.id, value)]
            options.append(OptionCount(value, q.label_of(value), n, percent(n, respondents)))
    figures = {}
    found = numbers.get(q.id)
    if found:
        how_many = sum(found.values())
        figures = {
            "min": min(found),
            "median": _median(found),
            "mean": math.fsum(v * n for v, n in found.items()) / how_many,
            "max": max(found),
        }
    return QuestionResult(q, respondents, options, texts, counts[("text", q.id)], figures)


def _results(
    tally: _Tally,
    questionnaire: Questionnaire,
    texts: dict[str, list[TextAnswer]],
    tags: Iterable[str],
    session_places: dict | None,
    default_place: str,
) -> Results:
    counts = tally.counts
    total = counts["total"]
    days: Counter = Counter()
    channels: Counter = Counter()
    places: Counter = Counter()
    collectors: Counter = Counter()
    tag_counts: Counter = Counter({t: 0 for t in tags})
    values: dict[str, set] = {}
    numbers: dict[str, Counter] = {}
    for key, n in counts.items():
        if not isinstance(key, tuple) or not n:
            continue
        kind = key[0]
        if kind == "day":
            days[key[1]] += n
        elif kind == "channel":
            channels[key[1]] += n
        elif kind == "place":
            places[place_of({"place": key[1], "session": key[2] or None}, session_places, default_place)] += n
        elif kind == "collector":
            collectors[key[1]] += n
        elif kind == "tag":
            tag_counts[key[1]] += n
        elif kind == "opt":
            values.setdefault(key[1], set()).add(key[2])
        elif kind == "num":
            numbers.setdefault(key[1], Counter())[key[2]] += n
    channel_labels = {code: label for code, label in CHANNELS.items()}
    return Results(
        total=total,
        hidden=counts["hidden"],
        first_at=tally.first,
        last_at=tally.last,
        by_day=_counts(days, total, order=sorted(days)),
        by_channel=_counts(channels, total, channel_labels),
        by_place=_counts(places, total),
        by_collector=_counts(collectors, total),
        by_tag=_counts(tag_counts, total),
        questions=[_question_result(q, counts, values, numbers, texts.get(q.id, [])) for q in questionnaire.answerable],
        quotes=tally.quotes,
    )


def summarise(
    answers: Iterable[dict],
    questionnaire: Questionnaire,
    *,
    tz: str | ZoneInfo = DEFAULT_TZ,
    include_hidden: bool = False,
    max_texts: int | None = None,
    tags: Iterable[str] = (),
    session_places: dict | None = None,
    default_place: str = NO_PLACE,
) -> Results:
    """Every count the dashboard and the printed summary show, in one pass.

    Hidden answers (spam, out of scope) are left out unless ``include_hidden``.
    ``max_texts`` keeps only the last that many free-text answers per question
    (the most recent, as the store yields oldest first); counts stay exact.
    ``tags`` lists the campaign's tags so that unused ones show 0;
    ``session_places`` maps field-session ids to their place; ``default_place`` is the campaign's.
    A stored campaign is counted by ``campaign_summary`` (from kept parts) instead.
    """
    tally = _Tally(questionnaire, _zone(tz), include_hidden)
    texts: dict[str, deque[TextAnswer]] = {q.id: deque(maxlen=max_texts) for q in questionnaire.answerable}
    for answer in answers:
        if tally.add(answer):
            values = answer.get("answers") or {}
            quoted = set(answer.get("quotes") or []) if may_quote(answer) else set()
            for key, value in values.items():
                q = tally.by_id.get(key)
                if q is not None and not is_empty(value):
                    texts[q.id].extend(texts_of(answer, q, values, quoted))
    latest = {qid: list(found) for qid, found in texts.items()}
    return _results(tally, questionnaire, latest, tags, session_places, default_place)


def questionnaire_shape(questionnaire: Questionnaire) -> str:
    """A short digest of what counting depends on in a questionnaire: its answerable
    questions, their types and « Autre » fields (not their words), for a kept part's key."""
    shape = "|".join(f"{q.id}:{q.type}:{int(bool(q.other))}" for q in questionnaire.answerable)
    return hashlib.blake2b(shape.encode("utf-8"), digest_size=8).hexdigest()


def campaign_summary(
    store: AnswerStore,
    campaign_id: str,
    questionnaire: Questionnaire,
    *,
    tz: str | ZoneInfo = DEFAULT_TZ,
    include_hidden: bool = False,
    max_texts: int | None = None,
    tags: Iterable[str] = (),
    session_places: dict | None = None,
    default_place: str = NO_PLACE,
) -> Results:
    """``summarise`` over a stored campaign, at the cost of what changed.

    The counts are the store's parts added up (``partials``: only parts whose answers
    changed are read again); the latest ``max_texts`` texts per question come from the
    newest answers, read backwards until each question has its texts."""
    zone = _zone(tz)
    key = f"resultats/{kept_counts.VERSION}/{zone.key}/{int(include_hidden)}/{questionnaire_shape(questionnaire)}"

    def part(answers: list[dict]) -> Part:
        tally = _Tally(questionnaire, zone, include_hidden)
        for answer in answers:
            tally.add(answer)
        return tally.part()

    tally = _Tally(questionnaire, zone, include_hidden)
    for found in store.partials(campaign_id, key, part, _merged_parts):
        tally.merge(found)
    limit = None if max_texts is None else TEXT_SCAN
    texts = latest_texts(store.iter_newest(campaign_id), questionnaire, tally, max_texts, include_hidden, limit)
    return _results(tally, questionnaire, texts, tags, session_places, default_place)


def latest_texts(
    newest: Iterable[dict],
    questionnaire: Questionnaire,
    tally: _Tally,
    max_texts: int | None,
    include_hidden: bool,
    limit: int | None = None,
) -> dict[str, list[TextAnswer]]:
    """The last ``max_texts`` texts of each question (oldest first, as ``summarise``),
    read from the newest answers and stopping as soon as every question has its share
    (``tally`` says how many texts each question has in all), or after ``limit`` answers:
    a question seldom answered then shows fewer texts (still the latest ones), and the
    dashboard's link « Lire les … réponses à cette question » leads to the others."""
    wanted = {}
    for q in questionnaire.answerable:
        count = tally.counts[("text", q.id)]
        wanted[q.id] = count if max_texts is None else min(max_texts, count)
    found: dict[str, list[list[TextAnswer]]] = {qid: [] for qid in wanted}
    have = dict.fromkeys(wanted, 0)
    missing = sum(1 for n in wanted.values() if n)
    by_id = {q.id: q for q in questionnaire.answerable}
    for answer in islice(newest, limit) if missing else ():
        if answer.get("hidden") and not include_hidden:
            continue
        values = answer.get("answers") or {}
        quoted = set(answer.get("quotes") or []) if may_quote(answer) else set()
        for key, value in values.items():
            asked = by_id.get(key)
            if asked is None or is_empty(value) or have[asked.id] >= wanted[asked.id]:
                continue
            texts = texts_of(answer, asked, values, quoted)
            if texts:
                found[asked.id].append(texts)
                have[asked.id] += len(texts)
                if have[asked.id] >= wanted[asked.id]:
                    missing -= 1
        if not missing:
            break
    latest = {}
    for qid, per_answer in found.items():
        flat = [t for texts in reversed(per_answer) for t in texts]
        latest[qid] = flat[max(0, len(flat) - wanted[qid]) :] if wanted[qid] else []
    return latest


def collector_counts(
    answers: Iterable[dict], collector: str, today: date, tz: str | ZoneInfo = DEFAULT_TZ
) -> tuple[int, int]:
    """(answers collected today, answers collected in all) by one volunteer pseudonym."""
    zone = _zone(tz)
    on_day = overall = 0
    for answer in answers:
        if not collector or answer.get("collector") != collector:
            continue
        overall += 1
        if local_day(answer.get("submitted_at"), zone) == today:
            on_day += 1
    return on_day, overall


def campaign_collector_counts(
    store: AnswerStore, campaign_id: str, collector: str, today: date, tz: str | ZoneInfo = DEFAULT_TZ
) -> tuple[int, int]:
    """``collector_counts`` over a stored campaign, from the kept counts (``kept_counts.Facts``)."""
    facts = kept_counts.Facts.of(store, campaign_id, tz)
    return facts.collected(collector, today), facts.collected(collector)


def answer_rows(answer: dict, questionnaire: Questionnaire) -> list[tuple[Question, str]]:
    """One answer as (question, words shown) rows, in questionnaire order, for reading."""
    values = answer.get("answers") or {}
    rows = []
    for q in questionnaire.answerable:
        value = values.get(q.id)
        if is_empty(value):
            continue
        if isinstance(value, list):
            shown = ", ".join(q.label_of(v) for v in value)
        elif q.type in CLOSED_TYPES:
            shown = q.label_of(value)
        else:
            shown = str(value)
        other = values.get(f"{q.id}__autre")
        if q.other and other and (value == OTHER_VALUE or (isinstance(value, list) and OTHER_VALUE in value)):
            shown = f"{shown} : {other}"
        rows.append((q, shown))
    return rows
