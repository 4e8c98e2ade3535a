"""The column plan of an export: which columns, in which order, and the cells of each answer.

Questions come first, in questionnaire order, across every known version of the
questionnaire: a question added later is empty for older answers, a removed one
keeps its column. A multiple-choice question gives one column with the chosen
labels joined by " | " and one 0/1 column per choice ("question/choix"); the
"Autre : précisez" text has its own column. Metadata follow.

Rows are built by one small function per question, chosen once when the plan
is made, so that a large export spends its time writing, not deciding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Callable
from zoneinfo import ZoneInfo

from ..campaigns import CHANNELS
from ..questionnaires import CHOICE_TYPES, OTHER_VALUE, TYPES, Choice, Question, Questionnaire
from .filters import DEFAULT_TIMEZONE, parse_time

JOIN = " | "
OTHER_EXPORT_LABEL = "Autre"
CLOSED_TYPES = CHOICE_TYPES | {"yes_no", "scale"}
# A cell starting with one of these is run as a formula by spreadsheets (OWASP, CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (code header, label header) of the metadata columns, in order.
META = (
    ("id", "Identifiant de la réponse"),
    ("submitted_at_local", "Date et heure (heure de Paris)"),
    ("submitted_at_utc", "Date et heure (UTC)"),
    ("channel", "Canal"),
    ("place", "Lieu"),
    ("collector", "Collecté par"),
    ("session", "Session"),
    ("version", "Version du questionnaire"),
    ("tags", "Thèmes"),
    ("hidden", "Masquée"),
)


def neutralise(text: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a quote (text cells only)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class MergedQuestion:
    """One question as it appears across versions (the newest wording wins)."""

    id: str
    type: str
    label: str
    help: str
    options: tuple[Choice, ...]    # every value ever offered, "autre" last; empty for open questions
    other: bool
    versions: tuple[int, ...]
    show_if: str                   # the newest condition, in words; empty when always shown

    @property
    def closed(self) -> bool:
        return self.type in CLOSED_TYPES

    def label_of(self, value) -> str:
        for choice in self.options:
            if choice.value == str(value):
                return choice.label
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    key: str       # the code name: question id, "question/choix", "question__autre" or a metadata name
    header: str    # what the file shows
    kind: str      # "text" or "number"


def merge_versions(definitions: list[Questionnaire]) -> list[MergedQuestion]:
    """Answerable questions of every version (oldest first in ``definitions``), newest order."""
    if not definitions:
        return []
    newest_first = list(reversed(definitions))
    order: list[str] = [q.id for q in newest_first[0].answerable]
    for older in newest_first[1:]:
        previous = None
        for q in older.answerable:
            if q.id not in order:
                order.insert(order.index(previous) + 1 if previous else 0, q.id)
            previous = q.id
    merged = []
    for qid in order:
        found = [(d, d.question(qid)) for d in newest_first if d.question(qid) is not None]
        owner, newest = found[0]
        options: list[Choice] = []
        seen = set()
        other = any(q.other for _, q in found)
        for _, q in found:
            for choice in q.options:
                if choice.value not in seen and choice.value != OTHER_VALUE:
                    seen.add(choice.value)
                    options.append(choice)
        if other:
            options.append(Choice(OTHER_VALUE, OTHER_EXPORT_LABEL))
        merged.append(MergedQuestion(
            id=qid, type=newest.type, label=newest.label, help=newest.help, options=tuple(options),
            other=other, versions=tuple(sorted({d.version for d, _ in found})),
            show_if=_condition(newest, owner),
        ))
    return merged


def _condition(question: Question, definition: Questionnaire) -> str:
    if question.show_if is None:
        return ""
    target = definition.question(question.show_if.question)
    words = " ou ".join(f"« {target.label_of(v) if target else v} »" for v in question.show_if.values)
    return f"si « {question.show_if.question} » vaut {words}"


class Plan:
    """The columns of one export and how to fill them from a stored answer.

    ``codes``: choice codes and question ids instead of labels.
    ``escape``: neutralise text cells against formula injection (CSV).
    """

    def __init__(self, definitions: list[Questionnaire], *, place: str | Callable[[dict], str] = "",
                 codes: bool = False, escape: bool = False, timezone_name: str = DEFAULT_TIMEZONE):
        if not definitions:
            raise ValueError("no questionnaire definition")
        self.definitions = list(definitions)
        self.questionnaire = self.definitions[-1]
        self.questions = merge_versions(self.definitions)
        self.codes = codes
        self.escape = escape
        self.tz = ZoneInfo(timezone_name)
        self.place_of = place if callable(place) else (lambda answer, _p=place: answer.get("place") or _p)
        self._text = neutralise if escape else (lambda s: s)
        self.columns: list[Column] = []
        self._producers: list[Callable] = []
        for q in self.questions:
            self._add_question(q)
        self._add_metadata()
        self._unique_headers()

    # -- public ------------------------------------------------------------

    def header(self) -> list[str]:
        return [self._text(c.header) for c in self.columns]

    def row(self, answer: dict) -> list:
        """The cells of one answer: str, int or None (empty)."""
        values = answer.get("answers") or {}
        out: list = []
        for produce in self._producers:
            produce(answer, values, out)
        return out

    # -- building ----------------------------------------------------------

    def _column(self, key: str, label: str, kind: str = "text") -> None:
        self.columns.append(Column(key, key if self.codes else label, kind))

    def _label_map(self, q: MergedQuestion) -> dict:
        text = self._text
        return {c.value: text(c.value if self.codes else c.label) for c in q.options}

    def _add_question(self, q: MergedQuestion) -> None:
        text = self._text
        qid = q.id
        if q.type == "multiple_choice":
            self._add_multiple(q)
        elif q.closed:
            self._column(qid, q.label, "number" if q.type == "scale" and self.codes else "text")
            labels = self._label_map(q)
            codes = self.codes and q.type == "scale"

            def closed(answer, values, out, qid=qid, labels=labels, codes=codes):
                value = values.get(qid)
                if value is None or value == "":
                    out.append(None)
                elif codes and isinstance(value, int):
                    out.append(value)
                elif isinstance(value, list):  # the type changed between versions
                    out.append(JOIN.join(labels.get(str(v)) or text(str(v)) for v in value))
                else:
                    out.append(labels.get(str(value)) or text(str(value)))
            self._producers.append(closed)
        elif q.type == "number":
            self._column(qid, q.label, "number")

            def number(answer, values, out, qid=qid):
                value = values.get(qid)
                if value is None or value == "" or isinstance(value, bool):
                    out.append(None if value in (None, "") else text(str(value)))
                elif isinstance(value, (int, float)):
                    out.append(value)
                else:
                    out.append(_as_number(value, text))
            self._producers.append(number)
        else:
            self._column(qid, q.label)

            def free(answer, values, out, qid=qid):
                value = values.get(qid)
                if value is None or value == "":
                    out.append(None)
                elif isinstance(value, str):
                    out.append(text(value))
                elif isinstance(value, list):
                    out.append(text(JOIN.join(str(v) for v in value)))
                else:
                    out.append(value if isinstance(value, int) and not isinstance(value, bool) else text(str(value)))
            self._producers.append(free)
        if q.other and q.type != "multiple_choice":
            self._add_other_text(q)

    def _add_multiple(self, q: MergedQuestion) -> None:
        text = self._text
        qid = q.id
        self._column(qid, q.label)
        for choice in q.options:
            self._column(f"{qid}/{choice.value}", f"{q.label}/{choice.label}", "number")
        labels = self._label_map(q)
        order = [c.value for c in q.options]
        blank = [None] * (1 + len(order))

        def multiple(answer, values, out, qid=qid, labels=labels, order=order, blank=blank):
            value = values.get(qid)
            if value is None or value == "" or value == []:
                out.extend(blank)
                return
            chosen = value if isinstance(value, list) else [value]
            chosen = [str(v) for v in chosen]
            out.append(JOIN.join(labels.get(v) or text(v) for v in chosen))
            picked = set(chosen)
            out.extend([1 if v in picked else 0 for v in order])
        self._producers.append(multiple)
        if q.other:
            self._add_other_text(q)

    def _add_other_text(self, q: MergedQuestion) -> None:
        text = self._text
        key = f"{q.id}__{OTHER_VALUE}"
        self._column(key, f"{q.label} (autre, précisez)")

        def other(answer, values, out, key=key):
            value = values.get(key)
            out.append(text(str(value)) if value not in (None, "") else None)
        self._producers.append(other)

    def _add_metadata(self) -> None:
        text = self._text
        codes = self.codes
        tz = self.tz
        place_of = self.place_of
        channels = {code: text(code if codes else label) for code, label in CHANNELS.items()}
        yes, no = (1, 0) if codes else ("oui", "non")
        for key, label in META:
            self._column(key, label, "number" if key == "version" or (key == "hidden" and codes) else "text")

        def meta(answer, values, out):
            when = parse_time(answer.get("submitted_at"))
            channel = answer.get("channel") or ""
            place = place_of(answer)
            collector = answer.get("collector")
            session = answer.get("session")
            tags = answer.get("tags")
            out += (
                text(str(answer.get("id") or "")) or None,
                when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if when else None,
                when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if when else None,
                channels.get(channel) or (text(channel) if channel else None),
                text(place) if place else None,
                text(str(collector)) if collector else None,
                text(str(session)) if session else None,
                answer.get("version"),
                text(JOIN.join(str(t) for t in tags)) if tags else None,
                yes if answer.get("hidden") else no,
            )
        self._producers.append(meta)

    def _unique_headers(self) -> None:
        """Two questions with the same wording still get distinct headers."""
        seen: dict[str, int] = {}
        for c in self.columns:
            seen[c.header] = seen.get(c.header, 0) + 1
        self.columns = [Column(c.key, f"{c.header} ({c.key})" if seen[c.header] > 1 else c.header, c.kind)
                        for c in self.columns]


def _as_number(value, text):
    """A number typed as text (paper transcription) stays a number when it is one."""
    raw = str(value).strip().replace("\u202f", "").replace(" ", "")
    try:
        return int(raw)
    except ValueError:
        return text(str(value))


def type_label(question_type: str) -> str:
    return TYPES.get(question_type, question_type)
