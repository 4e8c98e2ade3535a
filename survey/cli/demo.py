"""``survey demo``: the demonstration campaigns, one per questionnaire."""

from __future__ import annotations

import click

from ..services.demo import load_demo
from .root import data_option, main, make_app


@main.command(help="Crée les campagnes de démonstration (une par questionnaire).")
@data_option
def demo(data_dir):
    app = make_app(data_dir)
    created = load_demo(app.extensions["survey"], with_answers=True)
    click.echo(f"{len(created)} campagne(s) de démonstration créée(s) dans {app.config['DATA_DIR']}.")
