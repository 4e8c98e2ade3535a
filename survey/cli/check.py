"""``survey check``: every questionnaire file read, each problem said with its file and line."""

from __future__ import annotations

import click

from ..config import DEFAULTS
from ..formats.yaml_files import load_library
from .root import CommandError, main


@main.command(help="Vérifie les fichiers de questionnaires et dit chaque problème.")
@click.option(
    "--questionnaires",
    "folder",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Dossier des questionnaires (par défaut : questionnaires/).",
)
def check(folder):
    folder = folder or DEFAULTS["QUESTIONNAIRES_DIR"]
    library = load_library(folder)
    for q in library:
        click.echo(f"OK  {q.id} (version {q.version}, {len(q.answerable)} questions)")
    for problem in library.problems:
        click.echo(f"ERREUR  {problem}", err=True)
    if library.problems:
        count = len(library.problems)
        raise CommandError(f"{count} problème{'s' if count > 1 else ''} dans les questionnaires de {folder}.")
    if not library.questionnaires:
        raise CommandError(f"Aucun questionnaire dans {folder}.")
