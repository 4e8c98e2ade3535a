"""``survey restitution copie``: the static copy of a campaign's published restitution, as a
folder (or a zip) to put on a USB key or the structure's website."""

from __future__ import annotations

from pathlib import Path

import click

from ..exports.restitution_site import copy_files, folder_name, write_folder, zip_bytes
from ..model.restitution import campaign_restitution_id
from ..services import restitution as restitutions
from ..storage.atomic import atomic_write_bytes
from .root import CommandError, campaign_named, data_option, main, make_app


@main.group("restitution", short_help="Copie une restitution publiée pour un site web.")
def restitution_group():
    """La restitution d'une campagne (composée et publiée sur la page « Restitution »)."""


@restitution_group.command("copie")
@click.argument("campaign_id", metavar="CAMPAGNE")
@click.option(
    "--out",
    "out",
    required=True,
    help="Dossier où écrire index.html et sa mise en forme ; un nom finissant par .zip écrit un zip.",
)
@data_option
def copy(campaign_id: str, out: str, data_dir: str):
    """Écrit la copie de la restitution publiée de CAMPAGNE : une page qui s'ouvre sans serveur.

    \b
    Exemples :
      survey restitution copie porteur-de-parole-numerique --out restitution/
      survey restitution copie porteur-de-parole-numerique --out restitution.zip
    """
    app = make_app(data_dir)
    campaign_named(app, campaign_id)
    svc = app.extensions["survey"]
    stored = restitutions.repository(svc).get(campaign_restitution_id(campaign_id))
    if stored is None or not stored.published:
        raise CommandError(
            f"La restitution de la campagne « {campaign_id} » n'est pas publiée : composez-la et publiez-la "
            "sur sa page « Restitution » de la coordination."
        )
    page = restitutions.page(svc, stored, app.config["TIMEZONE"])
    files = copy_files(page, svc.media)
    target = Path(out)
    if target.suffix.lower() == ".zip":
        atomic_write_bytes(target, zip_bytes(files, folder_name(page)))
        click.echo(f"Copie écrite : {target} (dézippez-la, puis ouvrez {folder_name(page)}/index.html).")
    else:
        index = write_folder(files, target)
        click.echo(f"Copie écrite : ouvrez {index} dans un navigateur.")
