"""French habits and plain words in the coordinator and team pages (issue 11 § 7): dates in
words, times typed « 9h30 », the team one row per person, optional fields that stay optional,
closing a campaign asked first, an editor that speaks of questions and choices, and no
command-line hint in any page."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string

from survey.editor_messages import plain
from survey.formats.yaml_files import from_dict
from survey.model.clock import local_today
from survey.model.fieldwork import Session
from survey.model.french_time import MONTHS, long_date, long_datetime, parse_clock
from survey.model.questionnaire import QuestionnaireError
from survey.services import drafts
from survey.storage.repositories.fieldwork import SESSIONS
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, make_world

PARIS = ZoneInfo("Europe/Paris")
EDITOR = "/coordination/questionnaires"
BESOINS = "besoins-numeriques-habitants"


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


@pytest.fixture
def coordinator(world):
    return world.client("coordination")


def text(response) -> str:
    """What a person reads: tags removed, entities decoded, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def stored_sessions(world, campaign=CAMPAIGN_A) -> list[dict]:
    return [r for r in world.svc.records.all(SESSIONS) if r["campaign"] == campaign]


def new_session(client, campaign=CAMPAIGN_A, **fields):
    data = {"lieu": "Marché Europe", "jour": "2026-11-21", **fields}
    return client.post(f"/terrain/{campaign}/sessions/nouvelle", data=data)


# --------------------------------------------------------------------------- dates


def test_every_month_is_written_in_french_words():
    for month, name in enumerate(MONTHS, 1):
        assert long_date(f"2026-{month:02d}-15") == f"15 {name} 2026"
    assert long_date("2026-12-31") == "31 décembre 2026"
    assert long_date("2027-03-01") == "1er mars 2027"
    assert long_date("pas une date") == "" and long_date(None) == ""


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("2026-03-29T00:59:00Z", "29 mars 2026 à 1 h 59"),  # winter time: UTC+1
        ("2026-03-29T01:00:00Z", "29 mars 2026 à 3 h"),  # summer time from 2 h: UTC+2
        ("2026-10-25T00:30:00Z", "25 octobre 2026 à 2 h 30"),  # still summer time
        ("2026-10-25T01:30:00Z", "25 octobre 2026 à 2 h 30"),  # winter time again
        ("2026-12-31T23:30:00Z", "1er janvier 2027 à 0 h 30"),  # already the next year in Paris
        ("2026-07-14T07:05:00Z", "14 juillet 2026 à 9 h 05"),
    ],
)
def test_stored_times_are_shown_in_paris_time_across_daylight_saving(stored, shown):
    assert long_datetime(stored, PARIS) == shown


def test_today_is_the_teams_day_not_the_machines():
    # 23:30 UTC on 29 November is already 30 November in Paris: a session « aujourd'hui » is the 30th.
    late = datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)
    assert local_today("Europe/Paris", now=late) == date(2026, 11, 30)
    assert local_today(PARIS, now=late.replace(hour=22)) == date(2026, 11, 29)


def test_a_calendar_day_is_never_shifted_by_the_time_zone():
    assert long_date("2026-12-31", PARIS) == long_date("2026-12-31") == "31 décembre 2026"
    assert long_date("2026-12-31T23:30:00Z", PARIS) == "1er janvier 2027"


def test_the_page_filters_are_the_french_ones(world):
    with world.app.test_request_context():
        shown = render_template_string(
            "{{ a|heure }} / {{ b|jour }} / {{ c|jour }} / {{ d|heure }} / {{ e|horaire }}",
            a="2026-12-31T08:30:00Z",
            b="2026-12-31T23:30:00Z",
            c="2026-06-01",
            d="illisible",
            e="09:30",
        )
    assert shown == "31 décembre 2026 à 9 h 30 / 1er janvier 2027 / 1er juin 2026 / date inconnue / 9 h 30"


def test_coordinator_pages_show_dates_in_words(world, coordinator):
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.starts_on, campaign.ends_on = "2026-03-01", "2026-12-31"
    world.svc.campaigns.save(campaign)
    page = text(coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/"))
    assert "du 1er mars 2026 au 31 décembre 2026" in page and "2026-12-31" not in page
    world.svc.answers.update(
        CAMPAIGN_A, world.answer_a, lambda a: a.__setitem__("submitted_at", "2026-07-14T07:05:00Z")
    )
    answer = text(coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}"))
    assert "14 juillet 2026 à 9 h 05" in answer
    codes = text(coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/benevoles"))
    assert re.search(r"actif depuis le \d{1,2}(er)? (" + "|".join(MONTHS) + r") \d{4}", codes)
    for path in (
        f"/coordination/campagnes/{CAMPAIGN_A}/",
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses",
        f"/coordination/campagnes/{CAMPAIGN_A}/resultats",
        "/coordination/journal",
        f"{EDITOR}/",
    ):
        assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b", text(coordinator.get(path))), path


def test_a_campaign_not_open_yet_says_its_date_in_words(world, coordinator):
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.starts_on = "2099-01-01"
    world.svc.campaigns.save(campaign)
    assert "Pas encore ouverte (début le 1er janvier 2099)" in text(
        coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/")
    )


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("9h30", "09:30"),
        ("9 h 30", "09:30"),
        ("09:30", "09:30"),
        ("9h", "09:00"),
        ("9 H", "09:00"),
        ("14", "14:00"),
        ("17:45", "17:45"),
        ("21h05 ", "21:05"),
        ("0h", "00:00"),
        ("9.30", "09:30"),
    ],
)
def test_times_are_typed_as_people_write_them(typed, stored):
    assert parse_clock(typed) == stored


@pytest.mark.parametrize("typed", ["", "25h", "24:00", "9h60", "9h3", "930", "midi", "9h30m", "-1h"])
def test_what_is_not_a_time_is_refused(typed):
    assert parse_clock(typed) is None


def test_the_session_form_takes_french_times_and_says_what_is_wrong(world, coordinator):
    response = new_session(coordinator, debut="9h30", fin="17 h")
    assert response.status_code == 303, text(response)[:500]
    (record,) = stored_sessions(world)
    assert (record["starts"], record["ends"]) == ("09:30", "17:00")
    assert "21 novembre 2026, 9 h 30–17 h – Marché Europe" in text(coordinator.get(f"/terrain/{CAMPAIGN_A}/"))
    edit = coordinator.get(f"/terrain/{CAMPAIGN_A}/sessions/{record['id']}/modifier").get_data(as_text=True)
    assert 'value="9 h 30"' in edit and 'value="17 h"' in edit
    wrong = new_session(coordinator, debut="25h", jour="21/11/2026")
    assert wrong.status_code == 422
    assert "L'heure de début « 25h » n'est pas une heure : écrivez-la comme 9h30, 14 h ou 17:45" in text(wrong)
    assert len(stored_sessions(world)) == 1


def test_a_day_typed_the_french_way_is_understood(world, coordinator):
    assert new_session(coordinator, jour="31/12/2026").status_code == 303
    assert stored_sessions(world)[0]["day"] == "2026-12-31"
    new = coordinator.post(
        "/coordination/campagnes/nouvelle",
        data={
            "title": "Fin d'année",
            "questionnaire": CAMPAIGN_A,
            "channels": ["qr"],
            "retention_months": "12",
            "starts_on": "1/12/2026",
            "ends_on": "31/12/2026",
        },
    )
    assert new.status_code == 303, text(new)[:500]
    campaign = world.svc.campaigns.get("fin-d-annee")
    assert (campaign.starts_on, campaign.ends_on) == ("2026-12-01", "2026-12-31")


# --------------------------------------------------------------------------- the team


def test_the_team_is_one_row_per_person(world, coordinator):
    form = text(coordinator.get(f"/terrain/{CAMPAIGN_A}/sessions/nouvelle"))
    assert "Personne 1 : pseudonyme" in form and "Personne 2 : pseudonyme" in form
    assert "pseudonyme : rôle" not in form
    response = new_session(coordinator, membre=["Inès", "", "Yanis"], role=["scribe", "", ""])
    assert response.status_code == 303, text(response)[:500]
    (record,) = stored_sessions(world)
    assert record["team"] == [{"pseudonym": "Inès", "role": "scribe"}, {"pseudonym": "Yanis", "role": ""}]
    assert "Équipe : Inès (scribe), Yanis" in text(coordinator.get(f"/terrain/{CAMPAIGN_A}/"))
    page = coordinator.get(f"/terrain/{CAMPAIGN_A}/sessions/{record['id']}/modifier").get_data(as_text=True)
    assert 'value="Inès"' in page and 'value="Yanis"' in page
    assert re.search(r'<option value="scribe" selected>', page)


def test_add_a_person_shows_one_more_row_without_saving(world, coordinator):
    response = new_session(
        coordinator, membre=["Inès", "", ""], role=["scribe", "", ""], action="ajouter-personne", lieu=""
    )
    assert response.status_code == 200
    page = text(response)
    assert "Personne 4 : pseudonyme" in page and "Personne 5" not in page
    assert "À corriger" not in page and stored_sessions(world) == []
    assert 'value="Inès"' in response.get_data(as_text=True)


def test_a_role_without_a_name_is_said_plainly(world, coordinator):
    response = new_session(coordinator, membre=["Inès", ""], role=["scribe", "accroche"])
    assert response.status_code == 422
    assert "Personne 2 de l'équipe : écrivez son pseudonyme, ou laissez la ligne vide." in text(response)
    assert stored_sessions(world) == []


def test_a_team_stored_as_lines_is_still_read(world, coordinator):
    world.svc.records.put(
        SESSIONS,
        {
            "id": "s20261121-old1",
            "campaign": CAMPAIGN_A,
            "place": "Marché",
            "day": "2026-11-21",
            "starts": "10:00",
            "ends": "12:00",
            "team": "Inès : scribe\nYanis",
            "questions": [],
            "stopped": 0,
            "photos": [],
        },
    )
    assert Session.from_record(world.svc.records.get(SESSIONS, "s20261121-old1")).team == [
        {"pseudonym": "Inès", "role": "scribe"},
        {"pseudonym": "Yanis", "role": ""},
    ]
    assert "Équipe : Inès (scribe), Yanis" in text(coordinator.get(f"/terrain/{CAMPAIGN_A}/"))
    page = coordinator.get(f"/terrain/{CAMPAIGN_A}/sessions/s20261121-old1/modifier").get_data(as_text=True)
    assert 'value="Inès"' in page and 'value="Yanis"' in page
    # The former one-field form (a page opened before the update) still works.
    assert new_session(coordinator, equipe="Awa : accroche").status_code == 303
    assert [r["team"] for r in stored_sessions(world) if r["id"] != "s20261121-old1"] == [
        [{"pseudonym": "Awa", "role": "accroche"}]
    ]


# --------------------------------------------------------------------------- optional fields


def test_a_campaign_with_only_what_is_required(world, coordinator):
    response = coordinator.post(
        "/coordination/campagnes/nouvelle",
        data={
            "title": "Le strict minimum",
            "questionnaire": CAMPAIGN_A,
            "channels": ["qr"],
            "identifier": "",
            "quartier": "",
            "structure": "",
            "starts_on": "",
            "ends_on": "",
            "description": "",
            "help_text": "",
            "retention_months": "",
        },
    )
    assert response.status_code == 303, text(response)[:500]
    campaign = world.svc.campaigns.get("le-strict-minimum")
    assert campaign.retention_months == 12 and campaign.starts_on == "" and campaign.ends_on == ""
    campaign.retention_months = 18
    world.svc.campaigns.save(campaign)
    edit = coordinator.post(
        "/coordination/campagnes/le-strict-minimum/modifier",
        data={"title": "Le strict minimum", "questionnaire": CAMPAIGN_A, "channels": ["qr"], "retention_months": ""},
    )
    assert edit.status_code == 303, text(edit)[:500]
    assert world.svc.campaigns.get("le-strict-minimum").retention_months == 18


def test_a_session_with_only_place_and_day(world, coordinator):
    response = new_session(coordinator, debut="", fin="", membre=["", ""], role=["", ""])
    assert response.status_code == 303, text(response)[:500]
    (record,) = stored_sessions(world)
    assert (record["starts"], record["ends"], record["team"], record["questions"]) == ("", "", [], [])


def test_editor_fields_left_empty_are_no_error(world, coordinator):
    url = _new_draft(coordinator, "Vide mais juste")
    presentation = coordinator.post(
        f"{url}presentation", data={"title": "Vide mais juste", "id": "", "intro": "", "purpose": "", "consent": ""}
    )
    assert presentation.status_code == 303
    coordinator.post(f"{url}questions", data={"type": "number", "label": "Combien ?"})
    coordinator.post(
        f"{url}questions/1",
        data={
            "action": "enregistrer",
            "type": "number",
            "label": "Combien ?",
            "id": "",
            "help": "",
            "min": "",
            "max": "",
            "condition": "",
        },
    )
    coordinator.post(f"{url}questions", data={"type": "single_choice", "label": "Souvent ?"})
    coordinator.post(
        f"{url}questions/2",
        data={
            "action": "enregistrer",
            "type": "single_choice",
            "label": "Souvent ?",
            "id": "",
            "help": "",
            "choix_libelle": ["Oui", "Non", ""],
            "choix_valeur": ["", "", ""],
        },
    )
    page = text(coordinator.get(url))
    assert "À corriger" not in page, page
    draft = drafts.all_drafts(world.svc)[0]
    assert draft["data"]["id"] == "vide-mais-juste"
    assert draft["data"]["questions"][0] == {"id": "combien", "type": "number", "label": "Combien ?"}


# --------------------------------------------------------------------------- closing a campaign


def test_closing_a_campaign_is_asked_first(world, coordinator):
    page = coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/").get_data(as_text=True)
    close = f"/coordination/campagnes/{CAMPAIGN_A}/fermer"
    assert f'href="{close}"' in page and f'action="{close}"' not in page
    confirm = coordinator.get(close)
    assert confirm.status_code == 200 and "Je confirme" in text(confirm)
    assert not world.svc.campaigns.get(CAMPAIGN_A).closed
    unconfirmed = coordinator.post(close, data={})
    assert "cochez la case de confirmation" in text(unconfirmed)
    assert not world.svc.campaigns.get(CAMPAIGN_A).closed
    done = coordinator.post(close, data={"confirmer": "oui"}, follow_redirects=True)
    assert world.svc.campaigns.get(CAMPAIGN_A).closed and "La campagne est fermée" in text(done)


# --------------------------------------------------------------------------- editor words

FILE_WORDS = re.compile(
    r"« ?(choices|label|value|show_if|equals|scale_labels|required|other|min|max|type|id|title|"
    r"questions|source|lines|exclusive|allow_empty) ?»|\((id|label|value|note)\)|\bclés?\b|\bYAML\b|single_choice|"
    r"multiple_choice|short_text|long_text|yes_no|\btrue\b|\bfalse\b"
)
BROKEN = [
    {"title": "x", "version": 1, "questions": []},
    {"id": "Pas Bon", "title": ["x"], "version": 0, "questions": [], "source": "?", "allow_empty": "oui"},
    {
        "id": "q",
        "title": "x",
        "version": 1,
        "questions": [
            "juste un texte",
            {"id": "", "type": "", "label": ""},
            {"id": "Mauvais Id", "type": "inconnu", "label": "?"},
            {"id": "choix", "type": "single_choice", "label": "Choix ?"},
            {
                "id": "choix2",
                "type": "multiple_choice",
                "label": "Choix ?",
                "choices": [
                    {"value": ""},
                    {"value": "Pas bon", "label": "x"},
                    {"value": "autre", "label": "Autre"},
                    {"value": "a", "label": "A"},
                    {"value": "a", "label": "B"},
                ],
            },
            {
                "id": "texte",
                "type": "short_text",
                "label": "?",
                "choices": [],
                "other": True,
                "required": "oui",
                "min": 1,
                "scale_labels": ["a"],
                "source": "x",
            },
            {"id": "info", "type": "note", "label": "Lisez", "required": True},
            {"id": "nombre", "type": "number", "label": "?", "min": "dix", "max": 1.5},
            {"id": "bornes", "type": "number", "label": "?", "min": 10, "max": 1},
            {"id": "echelle", "type": "scale", "label": "?", "scale_labels": ["a", "b"]},
            {"id": "oui", "type": "yes_no", "label": "?"},
            {"id": "c1", "type": "short_text", "label": "?", "show_if": {"question": "oui"}},
            {"id": "c2", "type": "short_text", "label": "?", "show_if": {"question": "plus_loin", "equals": "x"}},
            {"id": "c3", "type": "short_text", "label": "?", "show_if": {"question": "nombre", "equals": "1"}},
            {"id": "c4", "type": "short_text", "label": "?", "show_if": {"question": "oui", "equals": "peut-etre"}},
            {"id": "c5", "type": "short_text", "label": "?", "show_if": {"question": "texte", "equals": "x"}},
            {"id": "oui", "type": "short_text", "label": "Doublon"},
            {
                "id": "seul",
                "type": "single_choice",
                "label": "?",
                "choices": [
                    {"value": "a", "label": "A", "exclusive": True},
                    {"value": "b", "label": "B", "exclusive": "oui"},
                ],
            },
        ],
    },
]


@pytest.mark.parametrize("data", BROKEN)
def test_editor_messages_never_name_file_keys(data):
    with pytest.raises(QuestionnaireError) as caught:
        from_dict(data, "brouillon")
    assert len(caught.value.problems) >= 1
    for problem in caught.value.problems:
        words = plain(problem.message)
        assert not FILE_WORDS.search(words), (problem.message, words)


def test_a_new_message_of_the_loader_still_loses_its_keys():
    assert plain("la liste « choices » doit être triée") == "la liste « liste de choix » doit être triée"
    assert not FILE_WORDS.search(plain("« show_if » et « other » ne vont pas ensemble"))


def _new_draft(client, title) -> str:
    response = client.post(f"{EDITOR}/nouveau", data={"titre": title})
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_fresh_draft_shows_no_problem_before_anything_is_done(world, coordinator):
    url = _new_draft(coordinator, "Tout neuf")
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "error-summary" not in page.get_data(as_text=True) and "À corriger" not in text(page)
    # A choice question just added: nothing to reproach before it is filled in.
    added = coordinator.post(f"{url}questions", data={"type": "single_choice", "label": "Vous venez souvent ?"})
    question = coordinator.get(added.headers["Location"])
    assert "error-summary" not in question.get_data(as_text=True)
    assert "error-summary" not in coordinator.get(url).get_data(as_text=True)
    # Once the coordinator keeps it without choices, it is said, in the editor's words.
    coordinator.post(
        added.headers["Location"],
        data={
            "action": "enregistrer",
            "type": "single_choice",
            "label": "Vous venez souvent ?",
            "choix_libelle": [""],
            "choix_valeur": [""],
        },
    )
    page = text(coordinator.get(url))
    assert "ajoutez au moins un choix à cette question" in page and "choices" not in page


def test_saving_an_empty_draft_says_a_question_is_missing(world, coordinator):
    url = _new_draft(coordinator, "Sans question")
    response = coordinator.post(f"{url}enregistrer")
    assert response.status_code == 422
    page = text(response)
    assert "ajoutez au moins une question" in page and "« questions »" not in page


def test_a_refused_preview_shows_every_problem(world, coordinator):
    url = _new_draft(coordinator, "Aperçu trop tôt")
    coordinator.post(f"{url}questions", data={"type": "multiple_choice", "label": "Quoi ?"})
    shown = coordinator.get(f"{url}apercu", follow_redirects=True)
    assert "ajoutez au moins un choix à cette question" in text(shown)


def test_a_broken_file_imported_is_explained_with_its_line(world, coordinator):
    from io import BytesIO

    broken = b"id: casse\ntitle: Cass\xc3\xa9\nversion: 1\nquestions:\n  - id: q1\n    type: single_choice\n    label: Ok ?\n"
    response = coordinator.post(
        f"{EDITOR}/importer", data={"fichier": (BytesIO(broken), "casse.yaml")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "casse.yaml, ligne 5, question « q1 » : ajoutez au moins un choix à cette question" in text(response)


# --------------------------------------------------------------------------- no command line in pages

CLI_HINT = re.compile(
    r"\bsurvey (serve|purge|check|print|export|import-queue|code-kiosque|coordinator|demo|xlsform|"
    r"campaigns)\b|--(data|dry-run|https|out|format)\b|\.venv|SURVEY_[A-Z_]+|\bmake (demo|test|setup)\b"
    r"|ligne de commande|terminal"
)


def _fill(rule, values: dict) -> str | None:
    path = rule.rule
    for argument in rule.arguments:
        if argument not in values:
            return None
        path = re.sub(r"<(?:[^:<>]+:)?" + argument + ">", str(values[argument]), path)
    return path


def test_no_page_gives_a_command_line_hint(world, coordinator):
    session = new_session(coordinator)
    assert session.status_code == 303
    session_id = stored_sessions(world)[0]["id"]
    draft = _new_draft(coordinator, "Brouillon")
    coordinator.post(f"{draft}questions", data={"type": "scale", "label": "Note ?"})
    values = {
        "campaign_id": CAMPAIGN_A,
        "answer_id": world.answer_a,
        "session_id": session_id,
        "draft_id": draft.rstrip("/").rsplit("/", 1)[-1],
        "questionnaire_id": BESOINS,
        "number": 1,
        "code": world.code_a,
        "version": 1,
    }
    volunteer = world.client("benevole_a")
    checked = []
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "deconnexion" in rule.rule:
            continue
        path = _fill(rule, values)
        if path is None:
            continue
        for client in (coordinator, volunteer, world.app.test_client()):
            response = client.get(path)
            if response.mimetype != "text/html" or 300 <= response.status_code < 400:
                continue  # error pages (404, 410…) are pages too
            checked.append(path)
            found = CLI_HINT.search(text(response))
            assert not found, (path, found.group(0))
    assert len(set(checked)) >= 30, sorted(set(checked))
    # The purge is a button on the data page.
    data = coordinator.get(f"/coordination/campagnes/{CAMPAIGN_A}/donnees").get_data(as_text=True)
    assert "Purger" in data and f'action="/coordination/campagnes/{CAMPAIGN_A}/purger"' in data


def test_campaign_b_pages_too(world, coordinator):
    """The second demo campaign (choices, scale) has other pages: results and summary with dates."""
    for path in (
        f"/coordination/campagnes/{CAMPAIGN_B}/",
        f"/coordination/campagnes/{CAMPAIGN_B}/resultats",
        f"/coordination/campagnes/{CAMPAIGN_B}/synthese",
    ):
        page = text(coordinator.get(path))
        assert not CLI_HINT.search(page) and not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page), path
