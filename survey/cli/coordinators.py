"""``survey coordinator add``: a coordinator account made from the command line."""

from __future__ import annotations

import click

from .root import data_option, main, make_app


@main.group(help="Gère les comptes des coordinateurs.")
def coordinator():
    pass


@coordinator.command("add", help="Crée un compte coordinateur (le mot de passe est demandé).")
@click.argument("name")
@data_option
@click.option("--password", envvar="SURVEY_PASSWORD", default=None, hidden=True)
def coordinator_add(name, data_dir, password):
    from ..services.accounts import create_coordinator

    app = make_app(data_dir)
    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Encore une fois")
    record = create_coordinator(app.extensions["survey"], name, password)  # AccountError: said by the group
    click.echo(f"Compte « {record['name']} » créé.")
