"""Reading answers: search the free text, filter, page through 50 000 answers.

Search ignores case and accents (« ecole » finds « École »). Paging keeps only
the requested page in memory while the answers stream from the store.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..model.questionnaire import Questionnaire
from ..storage.interfaces import AnswerStore
from .kept_counts import count_matching
from .results import TEXT_TYPES, questionnaire_shape

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


def text_fields(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The keys of an answer's values that hold free text: text questions and « Autre :
    précisez » fields, in the questionnaire's order."""
    fields: list[str] = []
    for q in questionnaire.answerable:
        if q.type in TEXT_TYPES:
            fields.append(q.id)
        if q.other:
            fields.append(f"{q.id}__autre")
    return tuple(fields)


def free_texts(
    answer: dict, questionnaire: Questionnaire | None = None, fields: tuple[str, ...] | None = None
) -> dict[str, str]:
    """The free text of an answer: text questions and « Autre : précisez » fields (``fields``:
    ``text_fields(questionnaire)``, made once by a caller that reads many answers)."""
    values = answer.get("answers") or {}
    if questionnaire is None:
        return {k: v for k, v in values.items() if isinstance(v, str) and v}
    found = {}
    for key in text_fields(questionnaire) if fields is None else fields:
        value = values.get(key)
        if isinstance(value, str) and value:
            found[key] = value
    return found


@dataclass
class Filters:
    query: str = ""  # words to find in the free text (all of them)
    tag: str = ""  # only answers with this tag
    hidden: str = "non"  # "non" visible ones, "oui" hidden ones, "toutes"
    question: str = ""  # only answers with text for this question
    quoted: bool = False  # only answers with a text marked « à citer »
    place: str = ""  # only answers collected there (``results.place_of``: the figures' rule)
    choice: str = ""  # only answers that chose ``value`` at question ``choice`` (any, without ``value``)
    value: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Filters":
        hidden = args.get("masquees", "non")
        return cls(
            query=(args.get("q") or "").strip()[:200],
            tag=(args.get("etiquette") or "").strip()[:40],
            hidden=hidden if hidden in HIDDEN_CHOICES else "non",
            question=(args.get("question") or "").strip()[:80],
            quoted=args.get("citer") == "1",
            place=(args.get("lieu") or "").strip()[:200],
            choice=(args.get("choix") or "").strip()[:80],
            value=(args.get("valeur") or "").strip()[:200],
        )

    def to_args(self) -> dict:
        args = {
            "q": self.query,
            "etiquette": self.tag,
            "question": self.question,
            "masquees": self.hidden if self.hidden != "non" else "",
            "citer": "1" if self.quoted else "",
            "lieu": self.place,
            "choix": self.choice,
            "valeur": self.value,
        }
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.to_args())


def matcher(
    questionnaire: Questionnaire | None, filters: Filters, place_of: Callable[[dict], str] | None = None
) -> Callable[[dict], bool]:
    """The test an answer must pass to match every filter (``place_of``: where an answer was
    collected, for the place filter; without it no answer has a place)."""
    words = fold(filters.query).split()
    fields = text_fields(questionnaire) if questionnaire is not None else None
    place = fold(filters.place.strip())

    def matches(answer: dict) -> bool:
        hidden = bool(answer.get("hidden"))
        if (filters.hidden == "non" and hidden) or (filters.hidden == "oui" and not hidden):
            return False
        if filters.tag and filters.tag not in (answer.get("tags") or []):
            return False
        if filters.choice and not chose(answer, filters.choice, filters.value):
            return False
        if place and (place_of is None or fold(place_of(answer).strip()) != place):
            return False
        if filters.quoted and not answer.get("quotes"):
            return False
        if filters.question or words:
            texts = free_texts(answer, questionnaire, fields)
            if filters.question:
                texts = {k: v for k, v in texts.items() if k in (filters.question, f"{filters.question}__autre")}
                if not texts:
                    return False
            if words:
                haystack = fold(" ".join(texts.values()))
                if not all(w in haystack for w in words):
                    return False
        return True

    return matches


def chose(answer: dict, question_id: str, value: str) -> bool:
    """Whether the answer chose ``value`` at ``question_id`` (one of a multiple choice's; a scale
    stored as a number matches its digits), as the charts and cross-tabs count it; with no
    ``value``, whether it answered the question at all (the people a percentage is of)."""
    given = (answer.get("answers") or {}).get(question_id)
    values = given if isinstance(given, list) else [given]
    return any(v is not None and v != "" and (not value or str(v) == value) for v in values)


def select(
    answers: Iterable[dict],
    questionnaire: Questionnaire | None,
    filters: Filters,
    place_of: Callable[[dict], str] | None = None,
) -> Iterator[dict]:
    """The answers that match every filter, in the store's order."""
    matches = matcher(questionnaire, filters, place_of)
    return (answer for answer in answers if matches(answer))


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


FOLD_KEY = "pli/1"  # names ``fold``: change it when fold changes, so no text folded the old way is reused
COUNT_AHEAD = 1000  # a search counts its matches this many answers past its page, then says « au moins »


@dataclass
class AnswersPage(Page):
    """A page of the answers list; ``exact`` false when ``total`` is only what a search
    found so far (« au moins … »): there are more answers it did not read."""

    exact: bool = True

    @property
    def pages(self) -> int:
        counted = max(1, math.ceil(self.total / self.per_page))
        return counted if self.exact else max(counted, self.number + 1)


def _kept_key(filters: Filters, questionnaire: Questionnaire | None) -> str:
    shape = questionnaire_shape(questionnaire) if questionnaire is not None and filters.question else ""
    chosen = [filters.choice, filters.value] if filters.choice else []
    return json.dumps(["lecture", filters.hidden, filters.tag, filters.question, filters.quoted, shape, *chosen])


def answers_page(
    store: AnswerStore,
    campaign_id: str,
    questionnaire: Questionnaire | None,
    filters: Filters,
    number: int = 1,
    per_page: int = PER_PAGE,
    known_tags: Iterable[str] = (),
    place_of: Callable[[dict], str] | None = None,
) -> AnswersPage:
    """Page ``number`` of the campaign's answers that pass ``filters``, newest first.

    Without words to find, the total is kept (``count`` of the store, less the kept count
    of hidden answers; or a kept count per filter) and the page is read from the nearer
    end of the campaign, stopping when it is full: page 1 reads the newest chunk. With
    words, the newest answers are read until the page is full and then ``COUNT_AHEAD``
    more to count the matches; past that, the total says « au moins » (``exact`` false).
    A tag or question that is not the campaign's is searched the same way (no kept count
    for a name typed in the address), and so is a place (``place_of``: where an answer was
    collected, which depends on the sessions' places, not on the answer alone)."""
    number = max(1, number)
    kept_filter = (
        not filters.query
        and not filters.place
        and (not filters.tag or filters.tag in set(known_tags))
        and (
            not filters.question
            or (questionnaire is not None and filters.question in {q.id for q in questionnaire.answerable})
        )
    )
    if not kept_filter:
        return _searched_page(store, campaign_id, questionnaire, filters, number, per_page, place_of)
    plain = not (filters.tag or filters.question or filters.quoted or filters.choice)
    if plain and filters.hidden == "toutes":
        total = store.count(campaign_id)
    elif plain:
        hidden = count_matching(store, campaign_id, "masquees", lambda a: bool(a.get("hidden")))
        total = hidden if filters.hidden == "oui" else store.count(campaign_id) - hidden
    else:
        total = count_matching(
            store,
            campaign_id,
            _kept_key(filters, questionnaire),
            matcher(questionnaire, filters),
        )
    number = min(number, max(1, math.ceil(total / per_page)))
    start = (number - 1) * per_page
    end = min(start + per_page, total)
    if end <= start:
        return AnswersPage([], number, per_page, total)
    if start <= total - end:  # nearer the newest end: the store starts at the page (a kept count per part)
        key = _kept_key(filters, questionnaire)
        found = islice(
            store.iter_newest_matching(campaign_id, key, matcher(questionnaire, filters), start), end - start
        )
        items = list(found)
    else:  # newest positions [start, end) are oldest-first positions [total - end, total - start)
        found = islice(select(store.iter_answers(campaign_id), questionnaire, filters), total - end, total - start)
        items = list(found)
        items.reverse()
    return AnswersPage(items, number, per_page, total)


def _searched_page(
    store: AnswerStore,
    campaign_id: str,
    questionnaire: Questionnaire | None,
    filters: Filters,
    number: int,
    per_page: int,
    place_of: Callable[[dict], str] | None = None,
) -> AnswersPage:
    """Read the newest answers until page ``number`` is full, then count ahead a little
    (``COUNT_AHEAD`` answers read; the chunks the store skips for the words cost nothing)."""
    start = (number - 1) * per_page
    items: list = []
    last_page: list = []  # the matches of the last page begun, for a page number past the end
    matches = read = 0
    limit = None
    matches_filters = matcher(questionnaire, filters, place_of)
    # The store may skip the chunks, and the answers, where a word cannot be (its kept folded
    # texts), saying how many answers it passed; each answer it gives is still tested here.
    words = fold(filters.query).split()
    for passed, answer in store.iter_newest_found(campaign_id, words, fold, FOLD_KEY):
        read += passed
        if limit is not None and read > limit:
            return AnswersPage(items, number, per_page, matches, exact=False)
        if answer is None or not matches_filters(answer):
            continue
        if matches % per_page == 0:
            last_page = []
        last_page.append(answer)
        if start <= matches < start + per_page:
            items.append(answer)
            if len(items) == per_page:
                limit = read + COUNT_AHEAD
        matches += 1
    if not items:  # past the end: the last page, as the list does
        number = max(1, math.ceil(matches / per_page))
        items = last_page
    return AnswersPage(items, number, per_page, matches)
