"""A refusal that no view caught (a ``SurveyError`` from any layer) is the French error page with
its status: never a 500, never a traceback in the page or the log."""

from __future__ import annotations

import logging

import pytest

from survey.formats.xlsform.spec import XLSFormError
from survey.model.errors import SurveyError
from survey.model.questionnaire import Problem, QuestionnaireError
from survey.services.answer_channel import ChannelRefused
from survey.services.tags import TagError
from survey.storage import AnswerConflict

REFUSALS = {
    "etiquette": TagError("L'étiquette « logement » existe déjà."),
    "canal": ChannelRefused("Ce questionnaire ne se remplit pas en ligne par le public."),
    "fichier": XLSFormError("Ce fichier n'est pas un classeur XLSForm."),
    "questionnaire": QuestionnaireError([Problem("essai.yaml", 4, "age", "La question n'a pas de libellé.")]),
    "introuvable": type("Missing", (SurveyError,), {"status": 404})("Cette affiche n'existe plus."),
}


@pytest.fixture
def refusing_client(app):
    """The app with one more page that raises the refusal its address names, as a view would
    that forgot to catch it (added before the first request, as Flask requires)."""

    def refuse(kind: str):
        raise REFUSALS[kind]

    app.add_url_rule("/essai-refus/<kind>", "essai_refus", refuse)
    return app.test_client()


@pytest.mark.parametrize(
    "kind, status, title",
    [
        ("etiquette", 400, "Demande incorrecte"),
        ("canal", 410, "Terminé"),
        ("fichier", 422, "Action impossible"),
        ("questionnaire", 422, "Action impossible"),
        ("introuvable", 404, "Page introuvable"),
    ],
)
def test_an_uncaught_refusal_is_its_french_page_with_its_status(refusing_client, caplog, kind, status, title):
    with caplog.at_level(logging.WARNING):
        response = refusing_client.get(f"/essai-refus/{kind}")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert REFUSALS[kind].message.split("\n")[0].replace("'", "&#39;") in page
    assert "Traceback" not in page and "Erreur de l&#39;application" not in page
    assert [r for r in caplog.records if r.exc_info] == []  # a line in the log, no traceback
    assert any(REFUSALS[kind].message in r.getMessage() for r in caplog.records)


def test_a_bug_is_still_the_plain_500_page(app, caplog):
    def broken():
        raise KeyError("oubli")

    app.add_url_rule("/essai-bug", "essai_bug", broken)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/essai-bug")
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.get_data(as_text=True)
    assert "oubli" not in response.get_data(as_text=True)


def test_every_user_facing_error_carries_its_french_message():
    """The layers' own exceptions keep their names and what callers catch them as."""
    from survey import DataFolderError
    from survey.exports import ExportError
    from survey.model.wifi import WifiError
    from survey.printing import PrintError
    from survey.services.accounts import AccountError
    from survey.services.corrections import CorrectionError
    from survey.services.fieldwork.photos import PhotoError
    from survey.services.publishing import DeleteRefused, SaveRefused
    from survey.services.queued_answers import UnreadableJSON
    from survey.services.site_settings import AddressError
    from survey.services.volunteers import VolunteerError

    for cls in (
        AccountError,
        AddressError,
        CorrectionError,
        DeleteRefused,
        ExportError,
        PhotoError,
        PrintError,
        TagError,
        UnreadableJSON,
        VolunteerError,
        WifiError,
        XLSFormError,
    ):
        error = cls("Un message en français.")
        assert isinstance(error, SurveyError) and isinstance(error, ValueError), cls
        assert error.message == str(error) == "Un message en français."
    assert isinstance(DataFolderError("Dossier illisible."), RuntimeError)
    conflict = AnswerConflict("un-identifiant")
    assert conflict.answer_id == "un-identifiant" and conflict.status == 409
    assert "même identifiant" in conflict.message
    refused = SaveRefused([Problem("essai.yaml", 0, "", "Le titre manque.")])
    assert refused.message == "Le titre manque." and refused.status == 422
