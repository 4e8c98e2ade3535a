"""Counting a campaign's answers: for the dashboard, the printed summary and exports.

Pure functions over an iterable of stored answers (see docs/DESIGN.md) and the
questionnaire: no Flask, no storage. One pass, one answer in memory at a time,
so 50 000 answers cost a fraction of a second.
"""

from __future__ import annotations

import statistics
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from ..config import DEFAULTS
from ..model.clock import parse_time
from ..model.consent import may_quote
from ..model.questionnaire import OPEN_TYPES, OTHER_VALUE, Question, Questionnaire
from .campaigns import CHANNELS

CLOSED_TYPES = ("single_choice", "multiple_choice", "yes_no", "scale")
TEXT_TYPES = OPEN_TYPES  # free-text questions: their answers are read, not counted
NO_PLACE = "Lieu non précisé"
NO_COLLECTOR = "Sans bénévole (réponse seule)"
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
        return self.question.type == "multiple_choice"


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


class _Question:
    """Running counts for one question while the answers stream by."""

    def __init__(self, question: Question, max_texts: int | None):
        self.question = question
        self.max_texts = max_texts
        self.respondents = 0
        self.counter: Counter = Counter()
        self.texts: deque[TextAnswer] = deque(maxlen=max_texts)
        self.text_count = 0
        self.numbers: list[float] = []

    def add(self, answer: dict, value: Any, values: dict, quoted: set) -> list[TextAnswer]:
        """Count ``value``, this question's answer in ``answer``; the free texts found."""
        q = self.question
        if is_empty(value):
            return []
        self.respondents += 1
        found = []
        if q.type == "multiple_choice":
            for v in dict.fromkeys(value if isinstance(value, list) else [value]):
                self.counter[str(v)] += 1
        elif q.type in CLOSED_TYPES:
            self.counter[str(value)] += 1
        elif q.type == "number":
            try:
                self.numbers.append(float(value))
            except (TypeError, ValueError):
                pass
        elif q.type in TEXT_TYPES:
            found.append(self._text(answer, str(value), q.id in quoted, other=False))
        other = values.get(f"{q.id}__autre")
        if q.other and not is_empty(other):
            found.append(self._text(answer, str(other), False, other=True))
        return found

    def _text(self, answer: dict, text: str, quoted: bool, other: bool) -> TextAnswer:
        item = TextAnswer(
            answer.get("id", ""), text, answer.get("submitted_at", ""), self.question.id, quoted=quoted, other=other
        )
        self.text_count += 1
        self.texts.append(item)
        return item

    def result(self) -> QuestionResult:
        q = self.question
        options = []
        if q.type in CLOSED_TYPES:
            known = [c.value for c in q.options]
            # Values not in today's questionnaire (older versions) still count, after the known ones.
            extra = sorted(k for k in self.counter if k not in known)
            for value in known + extra:
                options.append(
                    OptionCount(
                        value, q.label_of(value), self.counter[value], percent(self.counter[value], self.respondents)
                    )
                )
        numbers = {}
        if self.numbers:
            numbers = {
                "min": min(self.numbers),
                "median": statistics.median(self.numbers),
                "mean": statistics.fmean(self.numbers),
                "max": max(self.numbers),
            }
        return QuestionResult(q, self.respondents, options, list(self.texts), self.text_count, numbers)


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
    """
    zone = _zone(tz)
    running = [_Question(q, max_texts) for q in questionnaire.answerable]
    by_id = {item.question.id: item for item in running}
    days: Counter = Counter()
    channels: Counter = Counter()
    places: Counter = Counter()
    collectors: Counter = Counter()
    tag_counts: Counter = Counter({t: 0 for t in tags})
    quotes: list[TextAnswer] = []
    total = hidden = 0
    first = last = ""
    for answer in answers:
        if answer.get("hidden"):
            hidden += 1
            if not include_hidden:
                continue
        total += 1
        submitted = answer.get("submitted_at") or ""
        if submitted and (not first or submitted < first):
            first = submitted
        if submitted > last:
            last = submitted
        day = local_day(submitted, zone)
        days[day.isoformat() if day else "inconnu"] += 1
        channels[answer.get("channel") or "inconnu"] += 1
        places[place_of(answer, session_places, default_place)] += 1
        collectors[answer.get("collector") or NO_COLLECTOR] += 1
        for tag in dict.fromkeys(answer.get("tags") or []):
            tag_counts[tag] += 1
        values = answer.get("answers") or {}
        # Only words the person agreed to see reused reach « Paroles d'habitants ».
        quoted = set(answer.get("quotes") or []) if may_quote(answer) else set()
        for key, value in values.items():  # only the questions answered: fewer than all of them
            item = by_id.get(key)
            if item is not None:
                for text in item.add(answer, value, values, quoted):
                    if text.quoted:
                        quotes.append(text)
    channel_labels = {code: label for code, label in CHANNELS.items()}
    return Results(
        total=total,
        hidden=hidden,
        first_at=first,
        last_at=last,
        by_day=_counts(days, total, order=sorted(days)),
        by_channel=_counts(channels, total, channel_labels),
        by_place=_counts(places, total),
        by_collector=_counts(collectors, total),
        by_tag=_counts(tag_counts, total),
        questions=[item.result() for item in running],
        quotes=quotes,
    )


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
