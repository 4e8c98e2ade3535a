"""Every mistake the ``survey`` command meets is said one way: « Erreur : » and a French message on
stderr, exit 1, no traceback, whether the command or a layer below it (a ``SurveyError``) refused."""

from __future__ import annotations

import click
import pytest

from survey.cli import main
from survey.cli.root import CommandError, SurveyGroup
from survey.model.errors import SurveyError
from survey.services.tags import TagError

CAMPAIGN = "porteur-de-parole-numerique"  # a demo campaign (the ``app`` fixture loads them)


def said_once(result, message: str) -> None:
    """The command stopped on purpose (SystemExit 1, not an exception caught by the runner),
    printed nothing on stdout and one French error on stderr."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("Erreur : ") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


# Every command that opens a data folder, with arguments that would otherwise be fine.
WITH_DATA = [
    ["campaigns"],
    ["demo"],
    ["purge", "--dry-run"],
    ["code-kiosque", CAMPAIGN],
    ["coordinator", "add", "camille", "--password", "un-mot-de-passe-long"],
    ["export", CAMPAIGN],
    ["print", "affiche", CAMPAIGN, "--out", "{tmp}/affiche.pdf"],
    ["xlsform", "export", "inconnu"],
]


@pytest.mark.parametrize("args", WITH_DATA, ids=lambda args: " ".join(args[:2]))
def test_a_data_folder_that_cannot_be_made_is_one_french_error(runner, tmp_path, args):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(main, [*args, "--data", str(blocker / "data")])
    said_once(result, "Impossible de créer le dossier de données")


@pytest.mark.parametrize(
    "args, message",
    [
        # Raised by the services and the layers under them, reported by the group (no wrapping).
        (["coordinator", "add", "Pas Valide", "--password", "un-mot-de-passe-long"], "Le nom doit faire 2 à 40"),
        (["coordinator", "add", "camille", "--password", "court"], "Le mot de passe doit faire au moins"),
        (["export", CAMPAIGN, "--separator", "|"], "Le séparateur doit être « ; »"),
        (["print", "banderole", CAMPAIGN, "--out", "{tmp}/x.pdf"], "Type d'imprimé « banderole » inconnu"),
        (["print", "affiche", "inconnue", "--out", "{tmp}/x.pdf"], "La campagne « inconnue » n'existe pas"),
        (["print", "affiche", CAMPAIGN, "--size", "A9", "--out", "{tmp}/x.pdf"], "A9"),
        # Said by the commands themselves.
        (["code-kiosque", "inconnue"], "La campagne « inconnue » n'existe pas"),
        (["export", "inconnue"], "La campagne « inconnue » n'existe pas"),
        (["export", CAMPAIGN, "--format", "pdf"], "Le format « pdf » n'existe pas"),
        (["export", CAMPAIGN, "--from", "hier"], "date de début"),
        (["xlsform", "export", "inconnu"], "le questionnaire « inconnu » n'existe pas"),
        (["print", "affiche", CAMPAIGN, "--out", "{tmp}/x.png"], "doit finir par .pdf"),
    ],
)
def test_each_commands_bad_input_is_one_french_error(app, data_dir, runner, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(main, [*args, "--data", str(data_dir)])
    said_once(result, message)


def test_files_that_cannot_be_read_are_one_french_error(app, data_dir, runner, tmp_path):
    not_json = tmp_path / "file.json"
    not_json.write_text("[[[", encoding="utf-8")
    said_once(runner.invoke(main, ["import-queue", str(not_json), "--data", str(data_dir)]), "Impossible de lire")
    not_a_workbook = tmp_path / "questionnaire.xlsx"
    not_a_workbook.write_bytes(b"pas un classeur")
    result = runner.invoke(main, ["xlsform", "import", str(not_a_workbook), "--data", str(data_dir)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Erreur : ") and "Traceback" not in result.output


def test_the_group_says_any_survey_error_and_lets_a_bug_through(runner):
    """The mechanism itself, on a group of its own: a SurveyError from a sub-group's command is
    said like a CommandError; anything else is a bug and is not dressed up as a user's mistake."""

    @click.group(cls=SurveyGroup)
    def root():
        pass

    @root.group()
    def inner():
        pass

    @inner.command()
    def tag():
        raise TagError("L'étiquette « logement » existe déjà.")

    @root.command()
    def refuse():
        raise CommandError("Rien n'a été imprimé.", label="Attention")

    @root.command()
    def bug():
        raise KeyError("oubli")

    said_once(runner.invoke(root, ["inner", "tag"]), "L'étiquette « logement » existe déjà.")
    refused = runner.invoke(root, ["refuse"])
    assert refused.exit_code == 1 and refused.stderr == "Attention : Rien n'a été imprimé.\n"
    crashed = runner.invoke(root, ["bug"])
    assert isinstance(crashed.exception, KeyError)


def test_a_command_error_is_a_survey_error():
    error = CommandError("Indiquez la campagne.")
    assert isinstance(error, SurveyError) and isinstance(error, click.ClickException)
    assert error.message == str(error) == "Indiquez la campagne." and error.exit_code == 1
