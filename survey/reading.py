"""Reading answers: search the free text, filter, page through 50 000 answers.

Search ignores case and accents (« ecole » finds « École »). Paging keeps only
the requested page in memory while the answers stream from the store.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .questionnaires import Questionnaire
from .results import TEXT_TYPES

PER_PAGE = 20
HIDDEN_CHOICES = {"non": "Réponses visibles", "oui": "Réponses masquées", "toutes": "Toutes les réponses"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'", "ß": "ss"})


def fold(text) -> str:
    """Lower case without accents, for comparisons: « Œuvre ÉCOLE » → « oeuvre ecole »."""
    text = str(text or "").translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def free_texts(answer: dict, questionnaire: Questionnaire | None = None) -> dict[str, str]:
    """The free text of an answer: text questions and « Autre : précisez » fields."""
    values = answer.get("answers") or {}
    if questionnaire is None:
        return {k: v for k, v in values.items() if isinstance(v, str) and v}
    found = {}
    for q in questionnaire.answerable:
        if q.type in TEXT_TYPES and isinstance(values.get(q.id), str) and values[q.id]:
            found[q.id] = values[q.id]
        other = values.get(f"{q.id}__autre")
        if q.other and isinstance(other, str) and other:
            found[f"{q.id}__autre"] = other
    return found


@dataclass
class Filters:
    query: str = ""              # words to find in the free text (all of them)
    tag: str = ""                # only answers with this tag
    hidden: str = "non"          # "non" visible ones, "oui" hidden ones, "toutes"
    question: str = ""           # only answers with text for this question
    quoted: bool = False         # only answers with a text marked « à citer »

    @classmethod
    def from_args(cls, args) -> "Filters":
        hidden = args.get("masquees", "non")
        return cls(query=(args.get("q") or "").strip()[:200], tag=(args.get("etiquette") or "").strip()[:40],
                   hidden=hidden if hidden in HIDDEN_CHOICES else "non",
                   question=(args.get("question") or "").strip()[:80], quoted=args.get("citer") == "1")

    def to_args(self) -> dict:
        args = {"q": self.query, "etiquette": self.tag, "question": self.question,
                "masquees": self.hidden if self.hidden != "non" else "", "citer": "1" if self.quoted else ""}
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.to_args())


def select(answers: Iterable[dict], questionnaire: Questionnaire | None, filters: Filters) -> Iterator[dict]:
    """The answers that match every filter, in the store's order."""
    words = fold(filters.query).split()
    for answer in answers:
        hidden = bool(answer.get("hidden"))
        if (filters.hidden == "non" and hidden) or (filters.hidden == "oui" and not hidden):
            continue
        if filters.tag and filters.tag not in (answer.get("tags") or []):
            continue
        if filters.quoted and not answer.get("quotes"):
            continue
        if filters.question or words:
            texts = free_texts(answer, questionnaire)
            if filters.question:
                texts = {k: v for k, v in texts.items() if k in (filters.question, f"{filters.question}__autre")}
                if not texts:
                    continue
            if words:
                haystack = fold(" ".join(texts.values()))
                if not all(w in haystack for w in words):
                    continue
        yield answer


@dataclass
class Page:
    items: list = field(default_factory=list)
    number: int = 1
    per_page: int = PER_PAGE
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when none)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0


def page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)


def newest_first(items: Iterable, number: int = 1, per_page: int = PER_PAGE) -> Page:
    """Page ``number`` of ``items`` (given oldest first), newest first.

    Keeps at most ``number × per_page`` items while streaming, so the first
    pages are cheap whatever the campaign's size.
    """
    number = max(1, number)
    window: deque = deque(maxlen=number * per_page)
    total = 0
    for item in items:
        total += 1
        window.append(item)
    last_page = max(1, math.ceil(total / per_page))
    # Past the end, show the last page: the window then holds every item.
    return _page_from_window(window, min(number, last_page), per_page, total)


def _page_from_window(window: deque, number: int, per_page: int, total: int) -> Page:
    newest = list(reversed(window))      # the newest ``len(window)`` items, newest first
    start = (number - 1) * per_page
    return Page(newest[start:start + per_page], number, per_page, total)


def is_answer_id(value) -> bool:
    """Answer ids are UUIDs: anything else cannot be an answer (and is not looked up)."""
    try:
        return str(uuid.UUID(str(value))) == str(value).lower()
    except (ValueError, AttributeError):
        return False
