"""Cross-tabulation: a closed question against another question, the channel, the place,
the age band or the month (issue 17 §3), for a coordinator alone.

Counts come from the store's kept parts (``kept_counts``): each part of the campaign is
summarised once into counts of (row value, column key), so a table over 100 000 answers adds
small counters rather than re-reading every answer. Percentages are by column: of the people
of that column who answered the row question. A multiple choice counts each person once per
choice ticked, so its percentages are of respondents and their total passes 100 % (the page
says so). Hidden answers are left out, as on the dashboard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Hashable
from zoneinfo import ZoneInfo

from ..model.campaign import CHANNELS, Campaign
from ..model.french_time import MONTHS
from ..model.questionnaire import Question, Questionnaire
from ..storage.interfaces import AnswerStore
from .kept_counts import VERSION, day_of, kept
from .results import NO_PLACE, is_empty, percent

# What a column can be besides a question, with the words a coordinator reads.
DIMENSIONS = {
    "canal": "Le canal de collecte",
    "lieu": "Le lieu",
    "age": "La tranche d'âge",
    "mois": "Le mois",
}
NOT_SAID = "Non précisé"


class CrosstabError(ValueError):
    """A question or dimension that cannot be crossed, said in French."""


@dataclass(frozen=True)
class Crosstab:
    row: Question
    column_title: str
    rows: list[tuple[str, str]]  # (value, label), in the questionnaire's order
    columns: list[tuple[Hashable, str]]  # (key, label)
    counts: Counter  # (row value, column key) -> people
    respondents: Counter  # column key -> people who answered the row question
    skipped: Counter  # column key -> people who did not answer it

    @property
    def multiple(self) -> bool:
        return self.row.is_multiple

    def count(self, value: str, column: Hashable) -> int:
        return self.counts[(value, column)]

    def share(self, value: str, column: Hashable) -> float:
        """Percent of the column's respondents."""
        return percent(self.counts[(value, column)], self.respondents[column])

    def total(self, value: str) -> int:
        return sum(self.counts[(value, key)] for key, _ in self.columns)

    def total_share(self, value: str) -> float:
        return percent(self.total(value), self.all_respondents)

    @property
    def all_respondents(self) -> int:
        return sum(self.respondents[key] for key, _ in self.columns)

    def table(self) -> list[list]:
        """Header then rows: label, then « n » and « % » per column, then the whole."""
        header = [self.row.label]
        for _, label in self.columns:
            header += [f"{label} (personnes)", f"{label} (%)"]
        header += ["Ensemble (personnes)", "Ensemble (%)"]
        body = []
        for value, label in self.rows:
            line: list = [label]
            for key, _ in self.columns:
                line += [self.count(value, key), round(self.share(value, key), 1)]
            line += [self.total(value), round(self.total_share(value), 1)]
            body.append(line)
        answered: list = ["Personnes qui ont répondu"]
        for key, _ in self.columns:
            answered += [self.respondents[key], None]
        answered += [self.all_respondents, None]
        return [header, *body, answered]


def crossable(questionnaire: Questionnaire) -> list[Question]:
    """The questions a table can cross: those with choices written in the questionnaire."""
    return [q for q in questionnaire.answerable if q.is_choice or q.is_yes_no or q.is_scale]


def crosstab(
    store: AnswerStore,
    campaign: Campaign,
    questionnaire: Questionnaire,
    row_id: str,
    column: str,
    *,
    zone: ZoneInfo,
    session_places: dict[str, str] | None = None,
) -> Crosstab:
    """The table of ``row_id`` by ``column`` (a question id or a key of ``DIMENSIONS``)."""
    choices = {q.id: q for q in crossable(questionnaire)}
    row = choices.get(row_id)
    if row is None:
        raise CrosstabError("Choisissez une question à choix (choix, oui / non ou échelle) pour les lignes.")
    if column == row_id:
        raise CrosstabError("Choisissez pour les colonnes autre chose que la question des lignes.")
    other = choices.get(column)
    if other is None and column not in DIMENSIONS:
        raise CrosstabError("Choisissez pour les colonnes une question à choix, le canal, le lieu, l'âge ou le mois.")
    key = f"croisement/{VERSION}/{zone.key}/{row.id}/{column}"
    parts = kept(store, campaign.id, key, _summarise(row.id, column, zone))
    counts: Counter = Counter()
    respondents: Counter = Counter()
    skipped: Counter = Counter()
    places = session_places or {}

    def column_of(raw: Hashable) -> Hashable:
        if column != "lieu":
            return raw
        own, session = raw if isinstance(raw, tuple) else (raw, None)
        return own or places.get(session or "") or campaign.place or NO_PLACE

    for fact, n in parts.items():
        kind, *rest = fact
        if kind == "c":
            counts[(rest[0], column_of(rest[1]))] += n
        elif kind == "n":
            respondents[column_of(rest[0])] += n
        elif kind == "s":
            skipped[column_of(rest[0])] += n
    row_options = [(c.value, c.label) for c in row.options]
    known = {value for value, _ in row_options}
    row_options += sorted({(v, row.label_of(v)) for v, _ in counts if v not in known})
    return Crosstab(
        row=row,
        column_title=other.label if other is not None else DIMENSIONS[column],
        rows=row_options,
        columns=_columns(column, other, set(respondents) | set(skipped)),
        counts=counts,
        respondents=respondents,
        skipped=skipped,
    )


def _values(value: object) -> list[str]:
    """An answer's values as codes (a scale is stored as a number, a multiple choice as a list)."""
    if is_empty(value):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _summarise(row_id: str, column: str, zone: ZoneInfo) -> Callable[[list[dict]], Counter]:
    """Counts of one part: ``("c", row value, column key)``, ``("n", column key)`` (answered the
    row question) and ``("s", column key)`` (did not). Depends on the answers only: a place
    is kept as (own place, session) and named after the merge."""

    def column_keys(answer: dict) -> list[Hashable]:
        if column == "canal":
            return [answer.get("channel") or NOT_SAID]
        if column == "lieu":
            return [(answer.get("place") or "", answer.get("session") or "")]
        if column == "age":
            return [answer.get("age_band") or NOT_SAID]
        if column == "mois":
            return [day_of(answer.get("submitted_at"), zone)[:7]]
        found: list[Hashable] = [*_values((answer.get("answers") or {}).get(column))]
        return found or [NOT_SAID]

    def summarise(answers: list[dict]) -> Counter:
        facts: Counter = Counter()
        for answer in answers:
            if answer.get("hidden"):
                continue
            values = dict.fromkeys(_values((answer.get("answers") or {}).get(row_id)))
            for key in dict.fromkeys(column_keys(answer)):
                if not values:
                    facts[("s", key)] += 1
                    continue
                facts[("n", key)] += 1
                for value in values:
                    facts[("c", value, key)] += 1
        return facts

    return summarise


def _columns(column: str, other: Question | None, keys: set) -> list[tuple[Hashable, str]]:
    if other is not None:
        ordered = [(c.value, c.label) for c in other.options if c.value in keys]
        rest = sorted(k for k in keys if k not in {v for v, _ in ordered})
        return ordered + [(k, NOT_SAID if k == NOT_SAID else other.label_of(k)) for k in rest]
    if column == "canal":
        return sorted(
            ((k, CHANNELS.get(k, str(k))) for k in keys),
            key=lambda kv: list(CHANNELS).index(kv[0]) if kv[0] in CHANNELS else len(CHANNELS),
        )
    if column == "mois":
        return [(k, _month(str(k))) for k in sorted(keys, key=str)]
    return sorted(((k, str(k)) for k in keys), key=lambda kv: (kv[1] == NOT_SAID, kv[1].lower()))


def _month(key: str) -> str:
    """« 2026-03 » → « mars 2026 »."""
    year, _, month = key.partition("-")
    return f"{MONTHS[int(month) - 1]} {year}" if month.isdigit() and 1 <= int(month) <= 12 else NOT_SAID
