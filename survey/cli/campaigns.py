"""``survey campaigns``: the campaigns of a data folder, for the commands that take one."""

from __future__ import annotations

import click

from .root import data_option, main, make_app


@main.command(help="Liste les campagnes (identifiant et titre).")
@data_option
def campaigns(data_dir):
    app = make_app(data_dir)
    items = app.extensions["survey"].campaigns.all()
    if not items:
        click.echo("Aucune campagne. Lancez « survey demo » pour créer les campagnes de démonstration.")
    for c in items:
        click.echo(f"{c.id}\t{c.title}")
