"""``survey db upgrade``: bring a PostgreSQL database's schema up to date (issue 15).

The server does the same at start (under the same advisory lock); the command is for an
upgrade done before starting the new version, or a database prepared ahead."""

from __future__ import annotations

import click

from .root import CommandError, main

database_option = click.option(
    "--database",
    "database_url",
    envvar="SURVEY_DATABASE_URL",
    metavar="URL",
    help="Base PostgreSQL (postgresql://utilisateur@hôte/base) ; par défaut SURVEY_DATABASE_URL.",
)


@main.group(help="Base de données PostgreSQL (instance partagée).")
def db():
    pass


@db.command(help="Crée ou met à jour les tables de la base PostgreSQL.")
@database_option
def upgrade(database_url):
    if not database_url:
        raise CommandError("indiquez la base : --database postgresql://… ou la variable SURVEY_DATABASE_URL.")
    from ..storage.postgres import migrations

    before, applied = migrations.upgrade_url(database_url)  # DatabaseUnreachable: said by the root group
    if applied:
        click.echo(f"Base mise à jour : version {before} → {applied[-1]}.")
    else:
        click.echo(f"Base déjà à jour (version {before}).")
