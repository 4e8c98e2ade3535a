"""``survey rapport CAMPAGNE_OU_DEMARCHE --format pdf|odt --out F``: the diagnostic report."""

from __future__ import annotations

from pathlib import Path

import click

from .root import CommandError, data_option, main, make_app

FORMATS = ("pdf", "odt")


@main.command("rapport")
@click.argument("target", metavar="CAMPAGNE_OU_DEMARCHE")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True, help="PDF, ou ODT à modifier."
)
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Fichier à écrire.")
@click.option(
    "--croisement",
    "crossings",
    multiple=True,
    metavar="QUESTIONNAIRE:QUESTION:COLONNES",
    help="Un tableau croisé à ajouter (colonnes : une autre question, canal, lieu, age ou mois). Répétable.",
)
@data_option
def report_command(target, fmt, out, crossings, data_dir):
    """Écrit le rapport de diagnostic d'une démarche ou d'une campagne (chiffres clés, méthode,
    graphiques, citations par thème, croisements, protection des données)."""
    from ..services.report import CrossChoice, report_for

    if not out:
        raise CommandError(f"Indiquez le fichier à écrire avec --out, par exemple --out rapport.{fmt}.")
    path = Path(out)
    if path.suffix.lower() != f".{fmt}":
        raise CommandError(f"Le fichier « {out} » doit finir par .{fmt}.")
    if not path.parent.is_dir():
        raise CommandError(f"Le dossier « {path.parent} » n'existe pas.")
    app = make_app(data_dir)
    svc = app.extensions["survey"]
    content = report_for(
        svc,
        target,
        [CrossChoice.parse(c) for c in crossings],
        tz=app.config["TIMEZONE"],
        quote_limit=app.config["REPORT_QUOTES_MAX"],
    )
    if fmt == "odt":
        from ..exports.report_document import report_odt

        data = report_odt(content)
    else:
        from ..printing.render import Renderer
        from ..printing.report_pdf import report_pdf

        data = report_pdf(Renderer(), content)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Impossible d'écrire « {out} » ({exc.strerror}).") from None
    click.echo(
        f"Rapport « {content.title} » : {path} — {content.quote_count} citation(s), "
        f"{sum(len(s.charts) for s in content.sections)} graphique(s)."
    )
