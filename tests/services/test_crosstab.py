"""Cross-tabulation (issue 17 §3): the table matches a count made independently, multiple
choices are percentages of respondents, and the kept parts stay exact after a change."""

from __future__ import annotations

import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from survey.services.crosstab import CrosstabError, crosstab
from tests.factories import make_answer

ZONE = ZoneInfo("Europe/Paris")
CAMPAIGN = "besoins-numeriques-habitants"


@pytest.fixture
def world(app):
    svc = app.extensions["survey"]
    campaign = svc.campaigns.get(CAMPAIGN)
    questionnaire = svc.library.get(campaign.questionnaire)
    rng = random.Random(17)
    answers = []
    for n in range(400):
        month = rng.choice(["2026-03", "2026-04"])
        answer = make_answer(
            CAMPAIGN,
            campaign.questionnaire,
            submitted_at=f"{month}-1{rng.randint(0, 9)}T10:00:00Z",
            channel=rng.choice(["qr", "tablette", "papier"]),
            age_band=rng.choice(["moins-de-25", "25-59", "60-et-plus", None]),
            place=rng.choice(["Tours", "Vierzon", ""]),
            hidden=n % 37 == 0,
            answers={
                "internet": rng.choice(["oui", "non", None]),
                "equipement": rng.sample(["smartphone", "ordinateur", "tablette", "imprimante"], rng.randint(0, 3)),
                "aisance": rng.choice([1, 2, 3, 4, 5, None]),
            },
        )
        answer["answers"] = {k: v for k, v in answer["answers"].items() if v not in (None, [])}
        svc.answers.add(answer)
        answers.append(answer)
    return svc, campaign, questionnaire, answers


def table(svc, campaign, questionnaire, row, column):
    return crosstab(svc.answers, campaign, questionnaire, row, column, zone=ZONE)


def test_a_single_choice_by_channel_matches_a_count_made_by_hand(world):
    svc, campaign, questionnaire, answers = world
    by_hand, answered = Counter(), Counter()
    for a in answers:
        value = a["answers"].get("internet")
        if a["hidden"] or value is None:
            continue
        by_hand[(value, a["channel"])] += 1
        answered[a["channel"]] += 1
    result = table(svc, campaign, questionnaire, "internet", "canal")
    assert [key for key, _ in result.columns] == ["tablette", "qr", "papier"]
    for (value, channel), n in by_hand.items():
        assert result.count(value, channel) == n
        assert result.share(value, channel) == pytest.approx(100 * n / answered[channel])
    assert sum(result.share(v, "qr") for v, _ in result.rows) == pytest.approx(100)


def test_a_multiple_choice_is_a_share_of_respondents_whose_total_passes_100(world):
    svc, campaign, questionnaire, answers = world
    result = table(svc, campaign, questionnaire, "equipement", "age")
    assert result.multiple
    respondents = Counter(
        a.get("age_band") or "Non précisé" for a in answers if not a["hidden"] and a["answers"].get("equipement")
    )
    ticked = Counter(
        (choice, a.get("age_band") or "Non précisé")
        for a in answers
        if not a["hidden"]
        for choice in a["answers"].get("equipement", [])
    )
    for key, _ in result.columns:
        assert result.respondents[key] == respondents[key]
        for value, _ in result.rows:
            assert result.count(value, key) == ticked[(value, key)]
    assert sum(result.share(v, "25-59") for v, _ in result.rows) > 100
    assert result.table()[0][0] == questionnaire.question("equipement").label


def test_by_month_and_by_place_and_by_another_question(world):
    svc, campaign, questionnaire, answers = world
    months = table(svc, campaign, questionnaire, "aisance", "mois")
    assert [label for _, label in months.columns] == ["mars 2026", "avril 2026"]
    places = table(svc, campaign, questionnaire, "aisance", "lieu")
    labels = [label for _, label in places.columns]
    assert "Tours" in labels and "Vierzon" in labels and campaign.place in labels
    crossed = table(svc, campaign, questionnaire, "aisance", "internet")
    by_hand = sum(
        1
        for a in answers
        if not a["hidden"] and a["answers"].get("aisance") == 4 and a["answers"].get("internet") == "oui"
    )
    assert crossed.count("4", "oui") == by_hand


def test_a_change_is_counted_at_once(world):
    svc, campaign, questionnaire, answers = world
    before = table(svc, campaign, questionnaire, "internet", "canal")
    target = next(a for a in answers if not a["hidden"] and a["answers"].get("internet") == "oui")
    svc.answers.change(CAMPAIGN, target["id"], lambda a: {**a, "hidden": True})
    after = table(svc, campaign, questionnaire, "internet", "canal")
    assert after.count("oui", target["channel"]) == before.count("oui", target["channel"]) - 1


@pytest.mark.parametrize(
    "row, column, words",
    [
        ("autre", "canal", "question à choix"),
        ("internet", "internet", "autre chose que la question des lignes"),
        ("internet", "inconnu", "le canal, le lieu"),
    ],
)
def test_what_cannot_be_crossed_is_said_in_french(world, row, column, words):
    svc, campaign, questionnaire, _ = world
    with pytest.raises(CrosstabError, match=words):
        table(svc, campaign, questionnaire, row, column)
