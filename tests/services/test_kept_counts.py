"""Counts kept per part of the answers, and pages that read only what they show (issue 14).

Every kept count must be exactly what counting every answer afresh gives, after any mix of
saves, corrections, hides, tags and deletions, also when another process wrote; every list
page must be the slice of the full newest-first list; the wall must be what it always was."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from survey import create_app
from survey.formats.yaml_files import from_dict
from survey.model.consent import may_display
from survey.model.fieldwork import Session
from survey.services.fieldwork.report import NO_SESSION, session_counts
from survey.services.fieldwork.wall import MAX_CARDS, card_text, on_the_wall, wall_cards
from survey.services.kept_counts import Facts
from survey.services.reading import Filters, answers_page, matcher
from survey.services.results import campaign_collector_counts, campaign_summary, collector_counts, summarise
from survey.services.tags import add_tag, campaign_tags, set_answer_tags, set_hidden, tag_counts
from survey.storage import ChunkedAnswerStore
from tests.factories import make_answer

CAMPAIGN = "comptes-gardes"
TZ = "Europe/Paris"
CHUNK = 3
QUESTIONNAIRE = from_dict(
    {
        "id": "q-comptes",
        "title": "Comptes",
        "version": 1,
        "questions": [
            {
                "id": "choix",
                "type": "single_choice",
                "label": "Choix",
                "other": True,
                "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
            },
            {
                "id": "plusieurs",
                "type": "multiple_choice",
                "label": "Plusieurs",
                "choices": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
            },
            {"id": "oui", "type": "yes_no", "label": "Oui ou non"},
            {"id": "note", "type": "scale", "label": "Note"},
            {"id": "age", "type": "number", "label": "Âge"},
            {"id": "avis", "type": "long_text", "label": "Avis"},
            {"id": "mot", "type": "short_text", "label": "Un mot"},
        ],
    }
)
WORDS = ["école", "marché", "Bus", "CAF", "jardin", "numérique", "œuvre"]
TAGS = ["École", "Transport", "Santé"]
SESSIONS = ["s-marche", "s-ecole"]
COLLECTORS = ["", "Alice", "Bruno"]


def random_answer(rng: random.Random) -> dict:
    values: dict = {}
    if rng.random() < 0.8:
        values["choix"] = rng.choice(["a", "b", "autre", "ancienne-valeur"])
        if values["choix"] == "autre":
            values["choix__autre"] = rng.choice(WORDS)
    if rng.random() < 0.6:
        values["plusieurs"] = rng.sample(["x", "y"], rng.randint(1, 2))
    if rng.random() < 0.7:
        values["oui"] = rng.choice(["oui", "non"])
    if rng.random() < 0.5:
        values["note"] = rng.randint(1, 5)
    if rng.random() < 0.5:
        values["age"] = rng.choice([17, 30, 30, 45.5, 71])
    if rng.random() < 0.7:
        values["avis"] = " ".join(rng.sample(WORDS, 2))
    if rng.random() < 0.3:
        values["mot"] = rng.choice(WORDS)
    return make_answer(
        CAMPAIGN,
        QUESTIONNAIRE.id,
        answers=values,
        channel=rng.choice(["qr", "tablette", "post-it", "porteur-de-parole"]),
        collector=rng.choice(COLLECTORS),
        session=rng.choice([None, None, *SESSIONS, "session-inconnue"]),
        submitted_at=f"2026-03-0{rng.randint(1, 4)}T{rng.choice(['08', '12', '23'])}:{rng.randint(10, 59)}:00Z",
        consent_display=rng.random() < 0.5,
        consent_report=rng.random() < 0.5,
        first_name=rng.choice(["", "Lou"]),
        place=rng.choice([None, None, "Mairie"]),
    )


def random_change(rng: random.Random, answer: dict) -> None:
    """A correction, a withdrawal from the wall, a quote, a change of channel…"""
    kind = rng.randrange(5)
    values = answer.setdefault("answers", {})
    if kind == 0:
        values["avis"] = " ".join(rng.sample(WORDS, 3))
    elif kind == 1:
        answer["wall_hidden"] = not answer.get("wall_hidden")
    elif kind == 2 and values.get("avis"):
        answer["quotes"] = ["avis"]
    elif kind == 3:
        answer["channel"] = rng.choice(["qr", "post-it"])
    else:
        values.pop("choix", None)


def operate(store, svc, rng: random.Random, steps: int) -> None:
    """Random saves, corrections, hides, tags and deletions (``svc`` None: another process,
    through its own store only)."""
    for _ in range(steps):
        ids = [a["id"] for a in store.iter_answers(CAMPAIGN)]
        roll = rng.random()
        if roll < 0.5 or not ids:
            store.add(random_answer(rng))
        elif roll < 0.65:
            store.change(CAMPAIGN, rng.choice(ids), lambda a: random_change(rng, a))
        elif roll < 0.75:
            hidden = rng.random() < 0.7
            if svc is None:
                store.change(CAMPAIGN, rng.choice(ids), lambda a: a.update(hidden=hidden))
            else:
                set_hidden(svc, CAMPAIGN, rng.choice(ids), hidden)
        elif roll < 0.88:
            chosen = rng.sample(TAGS, rng.randint(0, 2))
            if svc is None:
                store.change(CAMPAIGN, rng.choice(ids), lambda a: a.update(tags=chosen))
            else:
                set_answer_tags(svc, CAMPAIGN, rng.choice(ids), chosen)
        elif roll < 0.96:
            store.delete(CAMPAIGN, rng.choice(ids))
        else:
            store.delete_many(CAMPAIGN, rng.sample(ids, min(len(ids), 4)))  # a purge


def _other_process(folder, seed: int, steps: int, done) -> None:
    store = ChunkedAnswerStore(folder, chunk_size=CHUNK)
    operate(store, None, random.Random(seed), steps)
    done.put("ok")


@pytest.fixture
def svc(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test",
            "ANSWER_CHUNK_SIZE": CHUNK,
            "TIMEZONE": TZ,
        }
    )
    svc = app.extensions["survey"]
    for name in TAGS:
        add_tag(svc, CAMPAIGN, name)
    for i, session_id in enumerate(SESSIONS):
        svc.sessions.save(Session(id=session_id, campaign=CAMPAIGN, place=f"Lieu {i}", day="2026-03-02", stopped=i))
    return svc


# -- the old definitions: every answer read, counted afresh ------------------------


def old_session_counts(svc) -> dict:
    known = {s.id for s in svc.sessions.for_campaign(CAMPAIGN)}
    rows: dict = {}
    for answer in svc.answers.iter_answers(CAMPAIGN):
        key = answer.get("session") if answer.get("session") in known else NO_SESSION
        row = rows.setdefault(key, [0, Counter(), 0])
        row[0] += 1
        row[1][answer.get("channel", "")] += 1
        if may_display(answer) and not answer.get("hidden") and not answer.get("wall_hidden"):
            row[2] += 1
    return rows


def old_wall(svc, session_id, include_withdrawn, postits) -> list[dict]:
    cards = []
    for answer in svc.answers.iter_answers(CAMPAIGN):
        if not on_the_wall(answer, postits) or answer.get("hidden"):
            continue
        if session_id and answer.get("session") != session_id:
            continue
        withdrawn = bool(answer.get("wall_hidden"))
        if withdrawn and not include_withdrawn:
            continue
        text = card_text(answer)
        if not text:
            continue
        card = {"id": answer["id"], "text": text, "name": answer.get("first_name") or ""}
        if include_withdrawn:
            card["withdrawn"] = withdrawn
        cards.append(card)
    cards.reverse()
    return cards if include_withdrawn else cards[:MAX_CARDS]


FILTERS = [
    Filters(),
    Filters(hidden="toutes"),
    Filters(hidden="oui"),
    Filters(tag="École"),
    Filters(tag="Transport", hidden="toutes"),
    Filters(tag="pas-une-etiquette"),
    Filters(question="avis"),
    Filters(question="choix", hidden="toutes"),
    Filters(quoted=True),
    Filters(query="ecole"),
    Filters(query="bus caf", hidden="toutes"),
]


def assert_kept_equals_recount(svc) -> None:
    store = svc.answers
    everything = list(store.iter_answers(CAMPAIGN))
    places = {s.id: s.place for s in svc.sessions.for_campaign(CAMPAIGN)}
    for include_hidden in (False, True):
        for max_texts in (0, 2, None):
            kept = campaign_summary(
                store,
                CAMPAIGN,
                QUESTIONNAIRE,
                tz=TZ,
                include_hidden=include_hidden,
                max_texts=max_texts,
                tags=TAGS,
                session_places=places,
                default_place="Quartier",
            )
            recount = summarise(
                everything,
                QUESTIONNAIRE,
                tz=TZ,
                include_hidden=include_hidden,
                max_texts=max_texts,
                tags=TAGS,
                session_places=places,
                default_place="Quartier",
            )
            assert kept == recount
    # A few figures counted here by hand too, not by the code under test.
    visible = [a for a in everything if not a.get("hidden")]
    summary = campaign_summary(store, CAMPAIGN, QUESTIONNAIRE, tz=TZ, tags=TAGS, max_texts=3)
    assert summary.total == len(visible) and summary.hidden == len(everything) - len(visible)
    assert {c.key: c.count for c in summary.by_channel} == Counter(a["channel"] for a in visible)
    assert summary.question("oui").respondents == sum(1 for a in visible if a["answers"].get("oui"))
    newest_texts = [a["answers"]["avis"] for a in reversed(visible) if a["answers"].get("avis")][:3]
    assert [t.text for t in summary.question("avis").texts] == list(reversed(newest_texts))

    rows = {(r.session_id or NO_SESSION): r for r in session_counts(svc, CAMPAIGN, TZ)}
    old = old_session_counts(svc)
    for key, (answered, channels, displayed) in old.items():
        assert (rows[key].answered, rows[key].by_channel, rows[key].displayed) == (answered, channels, displayed)
    assert all(key in old or row.answered == 0 for key, row in rows.items())

    facts = Facts.of(store, CAMPAIGN, TZ)
    for session_id in (None, *SESSIONS, "session-inconnue"):
        for channel in ("post-it", "porteur-de-parole"):
            expected = sum(1 for a in everything if a.get("session") == session_id and a.get("channel") == channel)
            assert facts.session_channel(session_id, channel) == expected
    for who in COLLECTORS:
        for day in (date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)):
            assert campaign_collector_counts(store, CAMPAIGN, who, day, TZ) == collector_counts(
                everything, who, day, TZ
            )
    assert tag_counts(svc, CAMPAIGN, TZ) == {
        t: sum(1 for a in visible if t in (a.get("tags") or [])) for t in campaign_tags(svc, CAMPAIGN)
    }

    newest = list(reversed(everything))
    for filters in FILTERS:
        matching = [a for a in newest if matcher(QUESTIONNAIRE, filters)(a)]
        pages = max(1, -(-len(matching) // 4))
        for number in range(1, pages + 2):
            page = answers_page(store, CAMPAIGN, QUESTIONNAIRE, filters, number, per_page=4, known_tags=TAGS)
            shown = min(number, pages)
            assert page.exact and page.total == len(matching), filters
            assert page.number == shown
            assert [a["id"] for a in page.items] == [a["id"] for a in matching[(shown - 1) * 4 : shown * 4]], (
                filters,
                number,
            )

    for session_id in (None, SESSIONS[0]):
        for withdrawn in (False, True):
            for postits in (False, True):
                assert wall_cards(svc, CAMPAIGN, session_id, withdrawn, postits) == old_wall(
                    svc, session_id, withdrawn, postits
                )


def test_kept_counts_equal_a_full_recount_after_random_changes_in_two_processes(svc):
    rng = random.Random(14)
    store = svc.answers
    operate(store, svc, rng, 60)
    assert_kept_equals_recount(svc)
    context = multiprocessing.get_context("fork")
    for round_number in range(3):
        done = context.Queue()
        other = context.Process(target=_other_process, args=(store.folder, 100 + round_number, 25, done))
        other.start()
        assert done.get(timeout=60) == "ok"
        other.join(timeout=60)
        assert_kept_equals_recount(svc)  # the other process's writes are seen
        operate(store, svc, rng, 25)
        assert_kept_equals_recount(svc)
    assert store.count(CAMPAIGN) > 30  # the campaign did grow: the checks were not on nothing


class Reads:
    """Counts the answers a page pulls from the store's iterators."""

    def __init__(self, monkeypatch, store):
        self.count = 0
        for name in ("iter_newest", "iter_answers"):
            monkeypatch.setattr(store, name, self.counting(getattr(store, name)))

    def counting(self, method):
        def wrapped(campaign_id):
            for answer in method(campaign_id):
                self.count += 1
                yield answer

        return wrapped


def test_a_list_page_and_the_wall_read_only_what_they_show(svc, monkeypatch):
    store = svc.answers
    rng = random.Random(3)
    for _ in range(150):  # answers nobody agreed to display
        store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"avis": rng.choice(WORDS)}, channel="qr"))
    cards = [
        make_answer(
            CAMPAIGN,
            QUESTIONNAIRE.id,
            answers={"avis": f"carte {i}"},
            channel="porteur-de-parole",
            consent_display=True,
        )
        for i in range(90)
    ]
    for card in cards:
        store.add(card)
    for _ in range(60):
        store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"avis": "école"}, channel="qr"))
    total = store.count(CAMPAIGN)
    newest = [a["id"] for a in store.iter_newest(CAMPAIGN)]
    with_ecole = sum(1 for a in store.iter_answers(CAMPAIGN) if a["answers"]["avis"] == "école")
    reads = Reads(monkeypatch, store)

    first = answers_page(store, CAMPAIGN, QUESTIONNAIRE, Filters(), 1)
    assert page_ids(first) == newest[:20] and first.total == total
    assert reads.count == 20  # page 1 reads its 20 answers, nothing more
    reads.count = 0
    deep = answers_page(store, CAMPAIGN, QUESTIONNAIRE, Filters(), 14)  # near the oldest end: read from there
    assert page_ids(deep) == newest[260:280] and reads.count == 40
    reads.count = 0
    found = answers_page(store, CAMPAIGN, QUESTIONNAIRE, Filters(query="ecole"), 1)
    assert len(found.items) == 20 and found.exact and found.total == with_ecole
    reads.count = 0
    wall = wall_cards(svc, CAMPAIGN, None)
    assert [c["id"] for c in wall] == [c["id"] for c in reversed(cards)][:MAX_CARDS]
    assert reads.count == 60 + MAX_CARDS  # the 60 newest answers, then its cards: no further
    reads.count = 0
    assert wall_cards(svc, CAMPAIGN, "session-sans-carte") == [] and reads.count == 0


def test_a_save_does_not_re_read_the_campaign(svc, monkeypatch):
    store = svc.answers
    for _ in range(60):
        store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"oui": "oui"}, collector="Alice"))
    campaign_summary(store, CAMPAIGN, QUESTIONNAIRE, tz=TZ, max_texts=0)
    Facts.of(store, CAMPAIGN, TZ)
    summarised = Counter()
    partials = store.partials

    def counting(campaign_id, key, summarise, *args, **kwargs):
        def wrapped(answers):
            summarised[key.split("/")[0]] += len(answers)
            return summarise(answers)

        return partials(campaign_id, key, wrapped, *args, **kwargs)

    monkeypatch.setattr(store, "partials", counting)
    store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"oui": "non"}, collector="Alice"))
    summary = campaign_summary(store, CAMPAIGN, QUESTIONNAIRE, tz=TZ, max_texts=0)
    today = datetime.now(ZoneInfo(TZ)).date()
    assert campaign_collector_counts(store, CAMPAIGN, "Alice", today, TZ) == (61, 61)
    assert summary.total == 61
    assert 0 < summarised["resultats"] <= CHUNK and 0 < summarised["faits"] <= CHUNK


def page_ids(page) -> list[str]:
    return [a["id"] for a in page.items]


def test_a_search_counts_ahead_then_says_at_least(svc, monkeypatch):
    import survey.services.reading as reading

    store = svc.answers
    for i in range(40):
        store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"avis": f"jardin {i}"}))
    monkeypatch.setattr(reading, "COUNT_AHEAD", 6)
    page = answers_page(store, CAMPAIGN, QUESTIONNAIRE, Filters(query="jardin"), 1, per_page=10)
    assert not page.exact and page.total == 16 and page.has_next  # 10 shown, 6 more read: « au moins 16 »
    assert [a["answers"]["avis"] for a in page.items] == [f"jardin {i}" for i in range(39, 29, -1)]
    second = answers_page(store, CAMPAIGN, QUESTIONNAIRE, Filters(query="jardin"), 4, per_page=10)
    assert second.exact and second.total == 40 and not second.has_next


def test_the_dashboard_looks_for_latest_texts_among_the_newest_answers_only(svc, monkeypatch):
    import survey.services.results as results

    store = svc.answers
    store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"mot": "ancien"}))
    for i in range(30):
        store.add(make_answer(CAMPAIGN, QUESTIONNAIRE.id, answers={"avis": f"avis {i}"}))
    monkeypatch.setattr(results, "TEXT_SCAN", 12)
    reads = Reads(monkeypatch, store)
    summary = campaign_summary(store, CAMPAIGN, QUESTIONNAIRE, tz=TZ, max_texts=5)
    assert [t.text for t in summary.question("avis").texts] == [f"avis {i}" for i in range(25, 30)]
    # « mot » was answered once, long ago: counted, its text left to « Lire les réponses ».
    assert summary.question("mot").text_count == 1 and summary.question("mot").texts == []
    assert reads.count == 12
