"""``survey data copy``: move a whole data folder between a folder and a PostgreSQL database
(either way, or folder to folder), verified on both sides (services/data_copy.py)."""

from __future__ import annotations

import click

from ..config import DEFAULTS
from ..services.data_copy import check_source, check_target, copy_data, is_database, opened, same_place
from .root import CommandError, main

# The folder of the files (photos, edited questionnaires) on the database's side: the
# instance's data folder, as for ``survey serve`` (root.data_option, with its own help).
files_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    envvar="SURVEY_DATA",
    default=DEFAULTS["DATA_DIR"],
    show_default=True,
    help="Dossier des données du côté de la base PostgreSQL : ses photos et questionnaires modifiés.",
)


@main.group(help="Déplacer toutes les données (dossier ↔ base PostgreSQL).")
def data():
    pass


@data.command(
    "copy",
    help=(
        "Copie toutes les données (réponses, campagnes, sessions, comptes, journal, photos, "
        "questionnaires modifiés) d'un dossier ou d'une base PostgreSQL vers un autre, puis "
        "vérifie que les deux côtés sont identiques (nombres et empreintes). La relancer après "
        "une coupure termine la copie sans doublon. La clé secrète et le certificat HTTPS ne "
        "sont pas copiés : ils restent propres à chaque machine."
    ),
)
@click.option(
    "--from",
    "source",
    required=True,
    metavar="DOSSIER|URL",
    help="D'où copier : un dossier de données ou postgresql://…",
)
@click.option(
    "--to", "target", required=True, metavar="DOSSIER|URL", help="Où copier : un dossier de données ou postgresql://…"
)
@click.option(
    "--fusionner",
    "merge",
    is_flag=True,
    help="Accepter une destination qui contient déjà d'autres données : elles sont gardées, celles-ci ajoutées.",
)
@files_option
def copy(source, target, merge, data_dir):
    """``--data`` is the folder of the files (photos, questionnaires) on the database's side."""
    if same_place(source, target):
        raise CommandError("la source et la destination sont le même endroit : rien à copier.")
    check_source(source)  # DataCopyError: said by the root group
    check_target(target)
    if is_database(source) or is_database(target):
        click.echo(f"Fichiers (photos, questionnaires) du côté base : dossier {data_dir}")
    with opened(source, data_dir) as here, opened(target, data_dir) as there:
        report = copy_data(here, there, merge=merge)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise CommandError("la copie n'est pas complète : voyez les lignes « Refusé » et « Différence » ci-dessus.")
