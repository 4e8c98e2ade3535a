"""``survey instance-locale``: the shared instance on this machine in one command, to try it or
to develop it: a PostgreSQL of its own in a folder (``shared-db/``, made at the first run),
the demo campaigns, and two gunicorn workers on it. Ctrl-C stops the workers, then PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import DEFAULTS
from .root import CommandError, main
from .serve import serve

DATABASE = "survey"


@main.command(
    "instance-locale",
    help="Démarre l'instance partagée sur cet ordinateur : sa base PostgreSQL dans un dossier, deux processus serveurs.",
)
@click.option(
    "--dossier",
    "folder",
    default="shared-db",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Dossier de la base (créée au premier lancement) et de ses données.",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=DEFAULTS["PORT"], show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(2, 64), help="Processus serveurs.")
@click.pass_context
def local_instance(ctx, folder, host, port, workers):
    import os

    from .. import local_postgres

    starter = os.getpid()
    try:
        cluster = local_postgres.LocalPostgres(Path(folder) / "postgres")
        if cluster.create():
            click.echo(f"Base PostgreSQL créée dans {cluster.data}")
        cluster.start()
    except local_postgres.LocalPostgresError as exc:
        raise CommandError(f"PostgreSQL n'a pas pu démarrer : {exc}") from None
    try:
        cluster.ensure_database(DATABASE)
        click.echo(f"Base : {cluster.url(DATABASE)}")
        ctx.invoke(
            serve,
            host=host,
            port=port,
            data_dir=str(Path(folder) / "donnees"),
            with_demo=True,
            threads=8,
            use_https=False,
            database_url=cluster.url(DATABASE),
            workers=workers,
            behind_proxy=False,
        )
    finally:
        if os.getpid() == starter:  # a gunicorn worker leaving unwinds this stack too: not its to stop
            cluster.stop()
            click.echo("PostgreSQL arrêté.")
