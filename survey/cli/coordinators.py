"""``survey coordinator add``: a coordinator account made from the command line."""

from __future__ import annotations

import click

from ..model.structure import DEFAULT_ID, ROLE_COORDINATOR, ROLE_NETWORK
from .root import data_option, main, make_app


@main.group(help="Gère les comptes des coordinateurs.")
def coordinator():
    pass


@coordinator.command("add", help="Crée un compte coordinateur (le mot de passe est demandé).")
@click.argument("name")
@data_option
@click.option("--password", envvar="SURVEY_PASSWORD", default=None, hidden=True)
@click.option(
    "--structure",
    "structure_id",
    default=DEFAULT_ID,
    show_default=True,
    help="Identifiant de la structure dont le compte voit les campagnes.",
)
@click.option("--reseau", is_flag=True, help="Coordination du réseau : le compte voit toutes les structures.")
def coordinator_add(name, data_dir, password, structure_id, reseau):
    from ..services.accounts import create_coordinator

    app = make_app(data_dir)
    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Encore une fois")
    role = ROLE_NETWORK if reseau else ROLE_COORDINATOR
    # AccountError (a bad name, an unknown structure): said by the group
    record = create_coordinator(app.extensions["survey"], name, password, structure_id, role)
    what = "coordination du réseau" if reseau else f"coordination de la structure « {record['structure_id']} »"
    click.echo(f"Compte « {record['name']} » créé ({what}).")
