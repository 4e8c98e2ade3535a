"""The two consents of a scribe's card are honoured by every later use of the words:
the answer page, « à citer », the summary (web and PDF), the quote cards, the wall,
and the CSV, XLSX and JSON exports. The rule itself lives in ``survey/model/consent.py``."""

from __future__ import annotations

import csv
import html
import importlib.util
import io
import json
import re
import uuid

import openpyxl
import pytest

from survey.exports import Export, ExportOptions
from survey.model.consent import QUOTE_NOTICE, may_display, may_quote
from survey.model.fieldwork import Session
from survey.printing.kinds import consented_quotes
from survey.services.fieldwork.wall import wall_cards
from survey.storage.repositories import SessionRepository
from tests.coord_world import CAMPAIGN_A, make_world

QUESTION = "complique"  # a long_text question of CAMPAIGN_A
SESSION = "s-consent-test"
DISPLAY_ONLY = "Mots à afficher mais pas à réutiliser"
REUSE_ONLY = "Mots pour le compte rendu mais pas pour le mur"
BOTH = "Mots acceptés partout"
SELF_FILLED = "Réponse écrite seule sur le téléphone"


@pytest.fixture
def world(tmp_path):
    world = make_world(tmp_path / "data")
    SessionRepository(world.svc.records).save(
        Session(id=SESSION, campaign=CAMPAIGN_A, place="Marché Europe", day="2026-11-21", starts="10:00", ends="12:00")
    )
    return world


def card(world, words, **choices) -> str:
    """A scribe's card through the real page; returns the stored answer's id."""
    client = world.client("coordination")
    answer_id = str(uuid.uuid4())
    response = client.post(
        f"/terrain/{CAMPAIGN_A}/sessions/{SESSION}/scribe?question={QUESTION}",
        data={"answer_id": answer_id, "paroles": words, **choices},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return answer_id


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored(world, answer_id):
    return world.svc.answers.get(CAMPAIGN_A, answer_id)


# -- the rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, display, quote",
    [
        ({"consent_display": True, "consent_report": False}, True, False),
        ({"consent_display": False, "consent_report": True}, False, True),
        ({"consent_display": True, "consent_report": True}, True, True),
        ({"consent_display": True}, True, False),  # a card without the reuse tick stored
        ({"channel": "qr"}, False, True),  # written alone, anonymous, under QUOTE_NOTICE
        ({"channel": "post-it"}, False, True),
        ({"channel": "qr", "first_name": "Fatima"}, False, False),  # a name needs an explicit tick
    ],
)
def test_the_rule_of_each_kind_of_answer(answer, display, quote):
    assert (may_display(answer), may_quote(answer)) == (display, quote)


def test_people_who_answer_alone_are_told_their_words_may_be_quoted(world):
    client = world.client("anonyme")
    assert QUOTE_NOTICE in page_text(client.get(f"/c/{CAMPAIGN_A}/confidentialite"))
    assert QUOTE_NOTICE in page_text(client.get(f"/c/{CAMPAIGN_A}/"))


# -- the answer page and « à citer » ---------------------------------------------


def test_the_answer_page_shows_both_consents_and_what_the_person_gave(world):
    answer_id = card(world, DISPLAY_ONLY, affiche="oui", prenom="Fatima", age="45 à 59 ans", quartier="Europe")
    page = page_text(world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer_id}"))
    facts = re.search(r'<dl class="facts" id="accords">(.*?)</dl>', page, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", facts).split())
    assert "Affiché aujourd'hui oui" in words
    assert "Réutilisé dans le compte rendu non" in words
    assert "Prénom Fatima" in words and "Tranche d'âge 45 à 59 ans" in words and "Quartier Europe" in words
    assert "Marché Europe" in words  # the session
    assert "ne peuvent pas être cités" in page
    assert 'name="citer" value="1"' not in page  # no « À citer » button


def test_citing_words_without_reuse_consent_is_refused_in_french(world):
    refused = card(world, DISPLAY_ONLY, affiche="oui")
    client = world.client("coordination")
    response = client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{refused}/citer",
        data={"question": QUESTION, "citer": "1"},
        follow_redirects=True,
    )
    assert "la personne n'a pas donné son accord" in page_text(response)
    assert not stored(world, refused).get("quotes")

    allowed = card(world, REUSE_ONLY, compte_rendu="oui")
    client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{allowed}/citer", data={"question": QUESTION, "citer": "1"}
    )
    assert stored(world, allowed)["quotes"] == [QUESTION]
    alone = world.add(CAMPAIGN_A, answers={QUESTION: SELF_FILLED})["id"]
    client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{alone}/citer", data={"question": QUESTION, "citer": "1"}
    )
    assert stored(world, alone)["quotes"] == [QUESTION]


# -- the summary -----------------------------------------------------------------


def test_the_summary_quotes_only_words_with_reuse_consent(world):
    # Marked « à citer » before the rule existed (or by another tool): still never quoted.
    world.add(
        CAMPAIGN_A,
        channel="porteur-de-parole",
        consent_display=True,
        consent_report=False,
        answers={QUESTION: DISPLAY_ONLY},
        quotes=[QUESTION],
    )
    world.add(
        CAMPAIGN_A,
        channel="porteur-de-parole",
        consent_display=False,
        consent_report=True,
        answers={QUESTION: REUSE_ONLY},
        quotes=[QUESTION],
    )
    client = world.client("coordination")
    summary = page_text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/synthese"))
    quotes = summary.split("Paroles d'habitants", 1)[1]
    assert REUSE_ONLY in quotes and DISPLAY_ONLY not in summary
    if importlib.util.find_spec("weasyprint") is not None:
        from pypdf import PdfReader

        pdf = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/synthese.pdf")
        assert pdf.status_code == 200
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
        assert "Mots pour le compte rendu" in text and "Mots à afficher" not in text


# -- quote cards and the wall ------------------------------------------------------


def test_quote_cards_need_both_consents_and_the_wall_needs_display_consent(world):
    card(world, DISPLAY_ONLY, affiche="oui")
    card(world, REUSE_ONLY, compte_rendu="oui")
    card(world, BOTH, affiche="oui", compte_rendu="oui")
    world.add(CAMPAIGN_A, answers={QUESTION: SELF_FILLED})
    questionnaire = world.svc.questionnaire_for(world.svc.campaigns.get(CAMPAIGN_A))
    printed = {q["text"] for q in consented_quotes(questionnaire, world.svc.answers.iter_answers(CAMPAIGN_A))}
    assert BOTH in printed and DISPLAY_ONLY not in printed and REUSE_ONLY not in printed
    assert SELF_FILLED not in printed  # never asked to be displayed
    on_wall = {c["text"] for c in wall_cards(world.svc, CAMPAIGN_A, SESSION)}
    assert on_wall == {DISPLAY_ONLY, BOTH}


# -- exports ------------------------------------------------------------------------


def export(world, fmt: str) -> bytes:
    out = io.BytesIO()
    Export(world.svc, world.svc.campaigns.get(CAMPAIGN_A), ExportOptions(format=fmt)).write(out)
    return out.getvalue()


def test_exports_tell_a_partner_which_words_may_be_reused(world):
    display_only = card(world, DISPLAY_ONLY, affiche="oui", prenom="Fatima", age="45 à 59 ans", quartier="Europe")
    alone = world.add(CAMPAIGN_A, answers={QUESTION: SELF_FILLED})["id"]

    rows = {
        r["Identifiant de la réponse"]: r
        for r in csv.DictReader(io.StringIO(export(world, "csv").decode("utf-8-sig")), delimiter=";")
    }
    assert [
        rows[display_only][k]
        for k in (
            "Accord : affiché aujourd'hui",
            "Accord : réutilisé dans le compte rendu",
            "Citation possible (sans nom)",
            "Prénom",
            "Tranche d'âge",
            "Quartier",
        )
    ] == ["oui", "non", "non", "Fatima", "45 à 59 ans", "Europe"]
    assert "Marché Europe" in rows[display_only]["Session"]
    assert [
        rows[alone][k]
        for k in (
            "Accord : affiché aujourd'hui",
            "Accord : réutilisé dans le compte rendu",
            "Citation possible (sans nom)",
        )
    ] == ["", "", "oui"]

    sheet = openpyxl.load_workbook(io.BytesIO(export(world, "xlsx")))["Réponses"]
    header = [c.value for c in sheet[1]]
    xlsx = {
        r[header.index("Identifiant de la réponse")]: dict(zip(header, r))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert (xlsx[display_only]["Accord : réutilisé dans le compte rendu"], xlsx[display_only]["Prénom"]) == (
        "non",
        "Fatima",
    )

    data = json.loads(export(world, "json"))
    by_id = {a["id"]: a for a in data["answers"]}
    assert {
        k: by_id[display_only][k]
        for k in ("consent_display", "consent_report", "may_quote", "first_name", "age_band", "quartier", "session")
    } == {
        "consent_display": True,
        "consent_report": False,
        "may_quote": False,
        "first_name": "Fatima",
        "age_band": "45 à 59 ans",
        "quartier": "Europe",
        "session": SESSION,
    }
    assert (by_id[alone]["consent_report"], by_id[alone]["may_quote"]) == (None, True)
