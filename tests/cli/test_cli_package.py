"""The ``survey`` command as a package: every command registered on one root group that
imports none of them, and one way to tell the person typing what went wrong."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from survey.cli import main

SURVEY = Path(__file__).resolve().parents[2] / "survey"
COMMANDS = {
    "campaigns",
    "check",
    "code-kiosque",
    "coordinator",
    "data",
    "db",
    "demo",
    "envoyer",
    "export",
    "import-queue",
    "instance-locale",
    "print",
    "purge",
    "rapport",
    "restitution",
    "serve",
    "xlsform",
}


def test_every_command_is_registered_and_listed(runner):
    assert set(main.commands) == COMMANDS
    listing = runner.invoke(main, ["--help"]).output.partition("Commands:")[2]
    assert {line.split()[0] for line in listing.splitlines() if line.strip()} == COMMANDS


@pytest.mark.parametrize(
    "args, message",
    [
        (["print", "affiche", "une-campagne"], "Indiquez le fichier à écrire avec --out"),
        (["export", "une-campagne", "--format", "pdf"], "Le format « pdf » n'existe pas"),
        (["code-kiosque", "inconnue"], "La campagne « inconnue » n'existe pas"),
        (["xlsform", "export", "inconnu"], "le questionnaire « inconnu » n'existe pas"),
    ],
)
def test_a_mistake_is_said_in_french_on_stderr_and_exits_1(runner, tmp_path, args, message):
    result = runner.invoke(main, [*args, "--data", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : ") and message in result.stderr
    assert result.stdout == ""


def test_check_ends_with_a_french_error_when_a_file_is_broken(runner, tmp_path):
    (tmp_path / "casse.yaml").write_text("id: casse\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--questionnaires", str(tmp_path)])
    assert result.exit_code == 1
    assert "ERREUR  casse.yaml, ligne 1" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Erreur : ")
    (tmp_path / "vide").mkdir()
    empty = runner.invoke(main, ["check", "--questionnaires", str(tmp_path / "vide")])
    assert empty.exit_code == 1 and empty.stderr.startswith("Erreur : Aucun questionnaire dans ")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import of a file: level 0 is absolute, 1 is ``from .x``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


def test_the_root_group_imports_no_command_and_nothing_imports_the_cli():
    """No import circle: commands import the root, never the other way; no view imports the CLI."""
    assert [m for level, m in _imports(SURVEY / "cli" / "root.py") if level == 1] == []
    outside = [path for path in SURVEY.rglob("*.py") if "cli" not in path.relative_to(SURVEY).parts[:1]]
    users = [
        str(path.relative_to(SURVEY))
        for path in outside
        for level, m in _imports(path)
        if (level == 0 and m.startswith("survey.cli")) or (level >= 1 and m.split(".")[0] == "cli")
    ]
    assert users == ["__main__.py"]
