"""« Comparer les lieux » (issue 17 §3): one closed question, the same chart for each place, and
the tags by place, for a campaign or a démarche whose campaigns share a questionnaire.

A place is the cross-tab's (``crosstab`` with the « lieu » column, so ``results.place_of``):
the answer's own place, else its field session's, else the campaign's. Each figure keeps the
campaigns it comes from, so a page can lead to the answers behind it (a démarche's place may
hold answers of several campaigns). Hidden answers are left out, as everywhere in the results.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..model.campaign import Campaign
from ..model.questionnaire import Question, Questionnaire
from .crosstab import CrosstabError, crossable, crosstab
from .report import campaigns_by_questionnaire  # the report groups a démarche's campaigns the same way
from .results import NO_PLACE, percent
from .words import frequent_words

if TYPE_CHECKING:
    from . import Services


@dataclass
class Figure:
    """A count in one place, and how many of it each campaign holds (campaign id → count)."""

    count: int = 0
    by_campaign: Counter = field(default_factory=Counter)

    def add(self, campaign_id: str, n: int) -> None:
        self.count += n
        self.by_campaign[campaign_id] += n


@dataclass
class PlaceChart:
    place: str
    respondents: Figure  # people of this place who answered the question
    skipped: int
    counts: dict[str, Figure]  # choice value → people who chose it

    def figure(self, value: str) -> Figure:
        return self.counts.get(value) or Figure()

    def share(self, value: str) -> float:
        """Percent of this place's respondents (a multiple choice: over 100 % in all)."""
        return percent(self.figure(value).count, self.respondents.count)


@dataclass
class PlaceComparison:
    question: Question
    rows: list[tuple[str, str]]  # (value, label), in the questionnaire's order
    places: list[PlaceChart]

    @property
    def multiple(self) -> bool:
        return self.question.is_multiple


def compare_places(
    svc: Services, campaigns: list[Campaign], questionnaire: Questionnaire, question_id: str, zone: ZoneInfo
) -> PlaceComparison:
    """The question's counts per place over ``campaigns`` (all of ``questionnaire``); raises
    ``CrosstabError`` (in French) for a question that is not a closed one."""
    charts: dict[str, PlaceChart] = {}
    rows: dict[str, str] = {}
    question = None
    for campaign in campaigns:
        table = crosstab(
            svc.answers, campaign, questionnaire, question_id, "lieu", zone=zone, session_places=_places(svc, campaign)
        )
        question = table.row
        rows.update({v: label for v, label in table.rows if v not in rows})
        for place, _ in table.columns:
            chart = charts.setdefault(str(place), PlaceChart(str(place), Figure(), 0, {}))
            chart.respondents.add(campaign.id, table.respondents[place])
            chart.skipped += table.skipped[place]
            for value, _label in table.rows:
                n = table.count(value, place)
                if n:
                    chart.counts.setdefault(value, Figure()).add(campaign.id, n)
    if question is None:
        raise CrosstabError("Choisissez une question à choix (choix, oui / non ou échelle).")
    ordered = sorted(charts.values(), key=lambda c: (c.place == NO_PLACE, c.place.lower()))
    return PlaceComparison(question, list(rows.items()), ordered)


def closed_questions(svc: Services, campaigns: list[Campaign]) -> list[tuple[Questionnaire, list[Campaign], Question]]:
    """Every closed question a comparison can show, with the campaigns that ask it (grouped
    by questionnaire: only the same question can be compared)."""
    return [
        (q, group, question) for q, group in campaigns_by_questionnaire(svc, campaigns) for question in crossable(q)
    ]


def tags_by_place(svc: Services, campaigns: list[Campaign]) -> dict[str, dict[str, Figure]]:
    """Tag → place → answers carrying it (``words.frequent_words``' count, per campaign)."""
    found: dict[str, dict[str, Figure]] = {}
    for campaign in campaigns:
        questionnaire = svc.questionnaire_for(campaign)
        if questionnaire is None:
            continue
        words = frequent_words(svc.answers, campaign, questionnaire, _places(svc, campaign))
        for tag, counts in words.tags_by_place.items():
            for place, n in counts.items():
                found.setdefault(tag, {}).setdefault(place, Figure()).add(campaign.id, n)
    return dict(sorted(found.items(), key=lambda kv: kv[0].lower()))


def _places(svc: Services, campaign: Campaign) -> dict[str, str]:
    return {s.id: s.place for s in svc.sessions.for_campaign(campaign.id)}
