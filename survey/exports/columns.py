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
from datetime import timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from ..model.campaign import CHANNELS
from ..model.consent import may_quote
from ..model.media import RECORDING, medium_for, transcription_of
from ..model.questionnaire import CHOICE_TYPES, OTHER_VALUE, TYPES, Choice, Question, Questionnaire, QuestionType
from ..services.media import media_kind
from ..services.results import place_of
from ..spreadsheet import neutralise
from .filters import DEFAULT_TIMEZONE, parse_time

JOIN = " | "
# A recording's or a drawing's column (``<question>__fichier``) names its file in the zip's folder.
MEDIA_COLUMN_SUFFIX = "__fichier"
TRANSCRIPTION_COLUMN_SUFFIX = "__transcription"
MEDIA_FOLDER = "medias"
OTHER_EXPORT_LABEL = "Autre"
CLOSED_TYPES = CHOICE_TYPES | {"yes_no", "scale"}
CACHE_LIMIT = 10_000  # entries of a per-export cache (bounded: memory stays flat)
CSV_EMPTY = ""  # an empty cell of a CSV, as Python's csv writer writes None

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
    # What the person agreed to on a scribe's card (empty: not asked, the person answered alone),
    # and the rule that follows from it (survey/model/consent.py): may a partner quote these words?
    ("consent_display", "Accord : affiché aujourd'hui"),
    ("consent_report", "Accord : réutilisé dans le compte rendu"),
    ("may_quote", "Citation possible (sans nom)"),
    ("person_first_name", "Prénom"),  # codes that no question id takes (« quartier » may be one)
    ("person_age_band", "Tranche d'âge"),
    ("person_quartier", "Quartier"),
    # The language the person read the questionnaire in (a code: fr, en, ar…); the labels of
    # the columns and answers stay the reference's whatever it is (issue 16).
    ("language", "Langue de la réponse"),
)
# Metadata columns of dates ("2026-03-01 10:30:00" text; date cells in an XLSX).
DATE_COLUMNS = ("submitted_at_local", "submitted_at_utc")
# Metadata columns that hold 1/0 with --codes.
FLAG_COLUMNS = ("hidden", "consent_display", "consent_report", "may_quote")


@dataclass(frozen=True)
class MergedQuestion(QuestionType):
    """One question as it appears across versions (the newest wording wins)."""

    id: str
    type: str
    label: str
    help: str
    options: tuple[Choice, ...]  # every value ever offered, "autre" last; empty for open questions
    other: bool
    versions: tuple[int, ...]
    show_if: str  # the newest condition, in words; empty when always shown
    voice: bool = False  # some version takes a recording for it (``voice: true``)

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
    key: str  # the code name: question id, "question/choix", "question__autre" or a metadata name
    header: str  # what the file shows
    kind: str  # "text", "number" or "datetime"


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
        merged.append(
            MergedQuestion(
                id=qid,
                type=newest.type,
                label=newest.label,
                help=newest.help,
                options=tuple(options),
                other=other,
                versions=tuple(sorted({d.version for d, _ in found})),
                show_if=_condition(newest, owner),
                voice=any(getattr(q, "voice", False) for _, q in found),
            )
        )
    return merged


def _condition(question: Question, definition: Questionnaire) -> str:
    if question.show_if is None:
        return ""
    target = definition.question(question.show_if.question)
    words = " ou ".join(f"« {target.label_of(v) if target else v} »" for v in question.show_if.values)
    return f"si « {question.show_if.question} » vaut {words}"


class Plan:
    """The columns of one export and how to fill them from a stored answer.

    ``place``: where answers without a place of their own were collected (the campaign's).
    ``sessions``: field sessions of the campaign, ``id -> (label, place)``: an answer
    captured in a session shows the session's words and place.
    ``codes``: choice codes and question ids instead of labels.
    ``for_csv``: cells for a CSV, where everything is text: text cells are neutralised
    against formula injection; numbers and flags are their text and an empty cell is ""
    (``csv_text``), made once here, so that the writer only joins text (csv_export.py).
    """

    def __init__(
        self,
        definitions: list[Questionnaire],
        *,
        place: str = "",
        sessions: dict[str, tuple[str, str]] | None = None,
        codes: bool = False,
        for_csv: bool = False,
        timezone_name: str = DEFAULT_TIMEZONE,
        voice_on_open_questions: bool = False,
    ):
        if not definitions:
            raise ValueError("no questionnaire definition")
        self.definitions = list(definitions)
        self.questionnaire = self.definitions[-1]
        self.questions = merge_versions(self.definitions)
        self.codes = codes
        self.for_csv = for_csv
        self.tz = ZoneInfo(timezone_name)
        self.default_place = place
        self.sessions = dict(sessions or {})
        self._session_places = {key: where for key, (_label, where) in self.sessions.items()}
        self._text = neutralise if for_csv else _same
        # A number or an empty cell: as a CSV writes it, or as it is (XLSX, open data).
        self._cell = csv_text if for_csv else _same
        self._empty = CSV_EMPTY if for_csv else None
        self.columns: list[Column] = []
        self._producers: list[Callable] = []
        for q in self.questions:
            self._add_question(q)
            kind = media_kind(q, voice_on_open_questions)
            if kind:
                self._add_medium(q, kind)
        self._add_metadata()
        self._unique_headers()

    # -- public ------------------------------------------------------------

    def place_of(self, answer: dict) -> str:
        """Where an answer was collected: its own place, its session's, or the campaign's."""
        return place_of(answer, self._session_places, self.default_place)

    def header(self) -> list[str]:
        return [self._text(c.header) for c in self.columns]

    def row(self, answer: dict) -> list:
        """The cells of one answer: str, int or None (empty); only str for a CSV."""
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
        if q.is_multiple:
            self._add_multiple(q)
        elif q.closed:
            self._column(qid, q.label, "number" if q.is_scale and self.codes else "text")
            labels = self._label_map(q)
            codes = self.codes and q.is_scale
            cell = self._cell
            # One lookup for the usual case: a known code (scales are stored as numbers).
            table = {None: self._empty, "": self._empty, **labels}
            if q.is_scale:
                table.update(
                    {
                        int(c.value): cell(int(c.value)) if codes else labels[c.value]
                        for c in q.options
                        if c.value.isdigit()
                    }
                )

            def unusual(value):
                if codes and isinstance(value, int) and not isinstance(value, bool):
                    return cell(value)
                if isinstance(value, list):  # the type changed between versions
                    return JOIN.join(labels.get(str(v)) or text(str(v)) for v in value)
                return labels.get(str(value)) or text(str(value))

            def closed(answer, values, out, qid=qid):
                value = values.get(qid)
                try:
                    out.append(table[value])
                except (KeyError, TypeError):
                    out.append(unusual(value))

            self._producers.append(closed)
        elif q.is_number:
            self._column(qid, q.label, "number")
            cell, empty = self._cell, self._empty

            def number(answer, values, out, qid=qid):
                value = values.get(qid)
                if value.__class__ is int or value.__class__ is float:
                    out.append(cell(value))
                elif value is None or value == "":
                    out.append(empty)
                else:  # typed as text (paper transcription): a number if it reads as one
                    out.append(cell(_as_number(value, text)))

            self._producers.append(number)
        else:
            self._column(qid, q.label)
            cell, empty = self._cell, self._empty

            def free(answer, values, out, qid=qid):
                value = values.get(qid)
                if value.__class__ is str:
                    out.append(text(value) if value else empty)
                elif value is None:
                    out.append(empty)
                elif isinstance(value, list):
                    out.append(text(JOIN.join(str(v) for v in value)))
                else:
                    out.append(
                        cell(value) if isinstance(value, int) and not isinstance(value, bool) else text(str(value))
                    )

            self._producers.append(free)
        if q.other and not q.is_multiple:
            self._add_other_text(q)

    def _add_multiple(self, q: MergedQuestion) -> None:
        text = self._text
        qid = q.id
        self._column(qid, q.label)
        for choice in q.options:
            self._column(f"{qid}/{choice.value}", f"{q.label}/{choice.label}", "number")
        labels = self._label_map(q)
        order = [c.value for c in q.options]
        blank = (self._empty,) * (1 + len(order))
        yes, no = self._cell(1), self._cell(0)  # "1" and "0" in a CSV
        # The cells of each combination of choices, made once: people pick few combinations.
        cache: dict[tuple, tuple] = {}

        def cells_for(chosen: tuple) -> tuple:
            chosen = tuple(str(v) for v in chosen)
            picked = set(chosen)
            return (JOIN.join(labels.get(v) or text(v) for v in chosen), *(yes if v in picked else no for v in order))

        def multiple(answer, values, out, qid=qid):
            value = values.get(qid)
            if not value:
                out += blank
                return
            key = tuple(value) if value.__class__ is list else (value,)
            try:
                cells = cache.get(key)
            except TypeError:  # not a list of plain values: no cache
                out += cells_for(key)
                return
            if cells is None:
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cells = cache[key] = cells_for(key)
            out += cells

        self._producers.append(multiple)
        if q.other:
            self._add_other_text(q)

    def _add_medium(self, q: MergedQuestion, kind: str) -> None:
        """The file of a recording or a drawing, as named in a zip with media (``medias/<file>``)."""
        text, empty = self._text, self._empty
        key = f"{q.id}{MEDIA_COLUMN_SUFFIX}"
        self._column(key, f"{q.label} ({'enregistrement' if kind == RECORDING else 'dessin'} : fichier)")

        def medium(answer, values, out, qid=q.id):
            entry = medium_for(answer, qid) if "media" in answer else None
            out.append(text(f"{MEDIA_FOLDER}/{entry['file']}") if entry else empty)

        self._producers.append(medium)
        if kind != RECORDING:
            return
        # What a facilitator heard in it, marked as such: never the person's own typed words.
        self._column(f"{q.id}{TRANSCRIPTION_COLUMN_SUFFIX}", f"{q.label} (transcription de l'enregistrement)")

        def transcription(answer, values, out, qid=q.id):
            said = transcription_of(answer, qid) if "transcriptions" in answer else None
            out.append(text(said["text"]) if said else empty)

        self._producers.append(transcription)

    def _add_other_text(self, q: MergedQuestion) -> None:
        text, empty = self._text, self._empty
        key = f"{q.id}__{OTHER_VALUE}"
        self._column(key, f"{q.label} (autre, précisez)")

        def other(answer, values, out, key=key):
            value = values.get(key)
            out.append(empty if value is None or value == "" else text(value if value.__class__ is str else str(value)))

        self._producers.append(other)

    def _add_metadata(self) -> None:
        text, cell, empty = self._text, self._cell, self._empty
        codes = self.codes
        channels = {code: text(code if codes else label) for code, label in CHANNELS.items()}
        default_place = text(self.default_place) if self.default_place else empty
        yes, no = (cell(1), cell(0)) if codes else ("oui", "non")
        for key, label in META:
            kind = (
                "datetime"
                if key in DATE_COLUMNS
                else "number"
                if key == "version" or (key in FLAG_COLUMNS and codes)
                else "text"
            )
            self._column(key, label, kind)
        times = _time_formatter(self.tz, empty)

        sessions = {
            key: (text(key if codes else label), text(where) if where else default_place)
            for key, (label, where) in self.sessions.items()
        }

        def as_text(value):
            return empty if not value else text(value if value.__class__ is str else str(value))

        def flag(value):
            return yes if value is True else (no if value is False else empty)

        def meta(answer, values, out):
            get = answer.get
            local, utc = times(get("submitted_at"))
            channel = get("channel")
            place = get("place")
            session = get("session")
            known = sessions.get(session) if session.__class__ is str else None
            tags = get("tags")
            out += (
                as_text(get("id")),
                local,
                utc,
                channels[channel] if channel.__class__ is str and channel in channels else as_text(channel),
                as_text(place) if place else (known[1] if known else default_place),
                as_text(get("collector")),
                known[0] if known else as_text(session),
                cell(get("version")),
                text(JOIN.join(str(t) for t in tags)) if isinstance(tags, list) and tags else as_text(tags),
                yes if get("hidden") else no,
                flag(get("consent_display")),
                flag(get("consent_report")),
                yes if may_quote(answer) else no,
                as_text(get("first_name")),
                as_text(get("age_band")),
                as_text(get("quartier")),
                as_text(get("language")),
            )

        self._producers.append(meta)

    def _unique_headers(self) -> None:
        """Two questions with the same wording still get distinct headers."""
        seen: dict[str, int] = {}
        for c in self.columns:
            seen[c.header] = seen.get(c.header, 0) + 1
        self.columns = [
            Column(c.key, f"{c.header} ({c.key})" if seen[c.header] > 1 else c.header, c.kind) for c in self.columns
        ]


def _time_formatter(tz, empty=None) -> Callable:
    """``stamp -> (local text, UTC text)``, fast for the stored form "2026-11-21T10:03:12Z";
    ``(empty, empty)`` when there is no time.

    Offsets of Europe/Paris are whole hours and change on the hour, so the
    local date and hour are worked out once per UTC hour and reused.
    """
    hours: dict[str, str] = {}
    pattern = "%Y-%m-%d %H:%M:%S"

    def times(stamp):
        standard = stamp.__class__ is str and len(stamp) == 20 and stamp[10] == "T" and stamp[19] == "Z"
        if standard:
            prefix = hours.get(stamp[:13])
            if prefix is not None:
                return prefix + stamp[13:19], f"{stamp[:10]} {stamp[11:19]}"
        when = parse_time(stamp)
        if when is None:
            return empty, empty
        local = when.astimezone(tz)
        if standard and not local.utcoffset() % timedelta(hours=1):
            if len(hours) >= CACHE_LIMIT:
                hours.clear()
            hours[stamp[:13]] = local.strftime("%Y-%m-%d %H")
        return local.strftime(pattern), when.astimezone(timezone.utc).strftime(pattern)

    return times


def _same(value):
    return value


def csv_text(value) -> str:
    """A cell as Python's ``csv`` writer writes it: text as it is, None empty, else ``str()``."""
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def _as_number(value, text):
    """A number typed as text (paper transcription) stays a number when it is one."""
    if isinstance(value, str):
        try:
            return int(value.strip().replace("\u202f", "").replace(" ", ""))
        except ValueError:
            pass
    return text(str(value))


def type_label(question_type: str) -> str:
    return TYPES.get(question_type, question_type)
