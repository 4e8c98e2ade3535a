"""The most frequent meaningful words of the free-text answers (issue 17 §3): per question and
per tag, and the tags by place, each figure leading to the answers behind it.

A word is counted once per answer that holds it (« 12 réponses disent "bus" »), accents folded
(« école » and « ecole » are one word, shown in its most frequent spelling), French stop words
and words of fewer than three letters left out. Hidden answers are not counted. Counts come
from the store's kept parts (``kept_counts``), re-read only where answers changed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Hashable

from ..model.campaign import Campaign
from ..model.questionnaire import Questionnaire
from ..storage.interfaces import AnswerStore
from .kept_counts import VERSION, kept
from .reading import fold, text_fields
from .results import NO_PLACE, questionnaire_shape

SHOWN = 12  # words per question or tag
MIN_LETTERS = 3
_LETTERS = re.compile(r"[^\W\d_]+")
# Words that say nothing of what people think, written without accents (compared folded).
STOP_WORDS = frozenset(
    """
    alors aussi autre autres avant avec avoir bah beaucoup bien bon car ce cela celle celles celui cependant ces cet
    cette ceux chaque chez comme comment dans des deja depuis donc dont elle elles encore entre est et etaient etait
    ete etre eux fait faire faut fois font hui ici ils jamais juste les leur leurs lui mais meme memes mes moi moins
    mon non nos notre nous oui par parce pas peu peut peuvent plus pour pourquoi quand que quel quelle quelles quels
    qui quoi rien sans ses seulement si sien son sont sous suis sur tas tes toi ton tous tout toute toutes tres trop
    une unes uns vos votre vous etc avez ont sera serait sais savoir veux veut voila plutot souvent toujours parfois
    ainsi apres chose choses gens dire dit quelque quelques fais vais vont aller assez autant tant cest jai jen
    lequel laquelle lesquels duquel auquel aux avons etes etions ayant ceci suivant selon vers via quelqu peux
    sait aujourd
    """.split()
)


def words_of(text: object) -> dict[str, str]:
    """The meaningful words of a text: folded word → the spelling used (lower case)."""
    found: dict[str, str] = {}
    for spelling in _LETTERS.findall(str(text or "").lower()):
        folded = fold(spelling)
        if len(folded) >= MIN_LETTERS and folded not in STOP_WORDS:
            found.setdefault(folded, spelling)
    return found


@dataclass(frozen=True)
class Word:
    folded: str  # what the search link looks for
    spelling: str  # shown
    answers: int


@dataclass(frozen=True)
class FreeTextWords:
    by_question: dict[str, list[Word]]  # question id → its most frequent words
    by_tag: dict[str, list[Word]]  # tag → the most frequent words of its answers
    tags_by_place: dict[str, Counter]  # tag → place → answers


def frequent_words(
    store: AnswerStore,
    campaign: Campaign,
    questionnaire: Questionnaire,
    session_places: dict[str, str] | None = None,
) -> FreeTextWords:
    fields = _fields(questionnaire)
    key = f"mots/{VERSION}/{questionnaire_shape(questionnaire)}"
    facts = kept(store, campaign.id, key, _summarise(fields))
    spellings: dict[str, Counter] = {}
    by_question: dict[str, Counter] = {}
    by_tag: dict[str, Counter] = {}
    tags_by_place: dict[str, Counter] = {}
    places = session_places or {}
    for fact, n in facts.items():
        kind, *rest = fact
        if kind == "q":
            by_question.setdefault(rest[0], Counter())[rest[1]] += n
        elif kind == "t":
            by_tag.setdefault(rest[0], Counter())[rest[1]] += n
        elif kind == "s":
            spellings.setdefault(rest[0], Counter())[rest[1]] += n
        elif kind == "p":
            own, session = rest[1]
            place = own or places.get(session) or campaign.place or NO_PLACE
            tags_by_place.setdefault(rest[0], Counter())[place] += n

    def top(counts: Counter) -> list[Word]:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN]
        return [Word(w, spellings.get(w, Counter({w: 1})).most_common(1)[0][0], n) for w, n in ranked]

    return FreeTextWords(
        by_question={qid: top(by_question[qid]) for qid in fields if qid in by_question},
        by_tag={tag: top(counts) for tag, counts in sorted(by_tag.items())},
        tags_by_place=dict(sorted(tags_by_place.items())),
    )


def _fields(questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Question id → the answer keys holding its free text (its own, and « Autre : précisez »)."""
    fields: dict[str, tuple[str, ...]] = {}
    for key in text_fields(questionnaire):
        qid = key.removesuffix("__autre")
        fields[qid] = (*fields.get(qid, ()), key)
    return fields


def _summarise(fields: dict[str, tuple[str, ...]]) -> Callable[[list[dict]], Counter]:
    """One part's counts: ``("q", question, word)`` and ``("t", tag, word)`` answers holding the
    word, ``("s", word, spelling)`` how it was written, ``("p", tag, (place, session))``."""

    def summarise(answers: list[dict]) -> Counter:
        facts: Counter = Counter()
        for answer in answers:
            if answer.get("hidden"):
                continue
            values = answer.get("answers") or {}
            tags = list(dict.fromkeys(t for t in answer.get("tags") or [] if isinstance(t, str)))
            where: Hashable = (answer.get("place") or "", answer.get("session") or "")
            said: dict[str, str] = {}
            for qid, keys in fields.items():
                words: dict[str, str] = {}
                for key in keys:
                    words.update(words_of(values.get(key)))
                for folded, spelling in words.items():
                    facts[("q", qid, folded)] += 1
                    facts[("s", folded, spelling)] += 1
                said.update(words)
            for tag in tags:
                facts[("p", tag, where)] += 1
                for folded in said:
                    facts[("t", tag, folded)] += 1
        return facts

    return summarise
