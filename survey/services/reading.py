"""Reading answers: search the free text, filter, page through 50 000 answers.

Search ignores case and accents (« ecole » finds « École »). Paging keeps only
the requested page in memory while the answers stream from the store.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..model.questionnaire import Questionnaire
from .results import TEXT_TYPES

PER_PAGE = 20
HIDDEN_CHOICES = {"non": "Réponses visibles", "oui": "Réponses masquées", "toutes": "Toutes les réponses"}
# The Unicode blocks of combining diacritical marks (accents, cedillas…), removed after NFKD.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'", "ß": "ss"})


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return _COMBINING.sub("", decomposed).casefold()


# Latin letters and common punctuation fold one character at a time: a translation table
# does the same work as _fold_slow in one C call (French text is almost always in it).
_TABLE_RANGES = ((0x00, 0x250), (0x2000, 0x2070), (0x20AC, 0x20AD))
_FAST_TABLE = {c: _fold_slow(chr(c)) for start, end in _TABLE_RANGES for c in range(start, end)}
_OUTSIDE_TABLE = re.compile("[^\x00-\u024f\u2000-\u206f\u20ac]")


def fold(text: Any) -> str:
    """Lower case without accents, for comparisons: « Œuvre ÉCOLE » → « oeuvre ecole »."""
    text = str(text or "")
    if text.isascii():
        return text.lower()
    if not _OUTSIDE_TABLE.search(text):
        return text.translate(_FAST_TABLE)
    return _fold_slow(text)


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
    query: str = ""  # words to find in the free text (all of them)
    tag: str = ""  # only answers with this tag
    hidden: str = "non"  # "non" visible ones, "oui" hidden ones, "toutes"
    question: str = ""  # only answers with text for this question
    quoted: bool = False  # only answers with a text marked « à citer »

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Filters":
        hidden = args.get("masquees", "non")
        return cls(
            query=(args.get("q") or "").strip()[:200],
            tag=(args.get("etiquette") or "").strip()[:40],
            hidden=hidden if hidden in HIDDEN_CHOICES else "non",
            question=(args.get("question") or "").strip()[:80],
            quoted=args.get("citer") == "1",
        )

    def to_args(self) -> dict:
        args = {
            "q": self.query,
            "etiquette": self.tag,
            "question": self.question,
            "masquees": self.hidden if self.hidden != "non" else "",
            "citer": "1" if self.quoted else "",
        }
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


def page_number(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)


WINDOW_LIMIT = 1000  # beyond this many items kept, page in two passes instead


def newest_first(source: Callable[[], Iterable], number: int = 1, per_page: int = PER_PAGE) -> Page:
    """Page ``number`` (newest first) of what ``source()`` yields oldest first.

    Early pages: one pass keeping the newest ``number × per_page`` items. Deep
    pages: a counting pass, then a pass that keeps only the page, so memory
    stays small even at page 2 500 of 50 000 answers. Past the end: the last page.
    """
    number = max(1, number)
    if number * per_page <= WINDOW_LIMIT:
        window: deque = deque(maxlen=number * per_page)
        total = 0
        for item in source():
            total += 1
            window.append(item)
        number = min(number, max(1, math.ceil(total / per_page)))  # the window then holds it all
        newest = list(reversed(window))
        start = (number - 1) * per_page
        return Page(newest[start : start + per_page], number, per_page, total)
    total = sum(1 for _ in source())
    number = min(number, max(1, math.ceil(total / per_page)))
    # Newest-first positions [start, end) are oldest-first positions [total - end, total - start).
    start = (number - 1) * per_page
    low, high = max(0, total - start - per_page), total - start
    kept = list(islice(source(), low, high)) if high > 0 else []
    return Page(list(reversed(kept)), number, per_page, total)
