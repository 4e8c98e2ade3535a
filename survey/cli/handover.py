"""``survey envoyer CAMPAGNE URL --jeton …``: hand a laptop's campaign over to the shared
instance over HTTPS, resumable and verified on both sides (services/handover.py)."""

from __future__ import annotations

import click

from ..services.handover import send_campaign
from .root import CommandError, campaign_named, data_option, main, make_app


@main.command(
    "envoyer",
    help=(
        "Envoie une campagne (réponses, versions du questionnaire, sessions, photos) vers l'instance "
        "partagée, avec le jeton d'envoi créé sur l'instance pour cette campagne. Envoyer deux fois "
        "n'enregistre qu'une fois ; relancée après une coupure, la commande reprend où elle s'était "
        "arrêtée ; à la fin, les deux côtés sont comparés (nombres et empreintes). L'adresse commence "
        "par https:// (http:// seulement sur un réseau local)."
    ),
)
@click.argument("campaign_id", metavar="CAMPAGNE")
@click.argument("url", metavar="URL")
@click.option("--jeton", "token", envvar="SURVEY_JETON_ENVOI", required=True, help="Jeton d'envoi créé sur l'instance.")
@click.option(
    "--ca",
    "ca",
    type=click.Path(dir_okay=False, exists=True),
    help="Fichier de l'autorité de certification de l'instance, si elle a la sienne.",
)
@data_option
def envoyer(campaign_id, url, token, ca, data_dir):
    app = make_app(data_dir)
    campaign = campaign_named(app, campaign_id)

    def progress(sent: int) -> None:
        click.echo(f"… {sent} réponses envoyées", err=True)

    report = send_campaign(
        app.extensions["survey"],
        campaign.id,
        url,
        token,
        ca=ca,
        batch=app.config["HANDOVER_BATCH"],
        after_batch=progress,
    )
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise CommandError("l'envoi n'est pas complet : voyez les lignes « Refusé » et « Différence » ci-dessus.")
