"""``survey print``: the printables from the command line, with French messages."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import DEFAULTS
from .root import CommandError, campaign_named, data_option, main, make_app

HELP = """Imprime en PDF une affiche, un panneau, des cartes ou le questionnaire papier d'une campagne.

\b
TYPE : affiche, ordi-panneau, panneau, cartes-reponse, cartes-paroles, questionnaire-papier.
CAMPAGNE : l'identifiant de la campagne (voir « survey campaigns »).
Au-delà de {sheets} feuilles, l'impression est seulement comptée : ajoutez --oui pour la faire.

\b
Exemples :
  survey print affiche porteur-de-parole-numerique --out affiches.pdf
  survey print ordi-panneau ordi-panneau-quotidien --size A0 --tile A4 --out ordi.pdf
  survey print cartes-paroles porteur-de-parole-numerique --du 01/03/2026 --out cartes.pdf
  survey print questionnaire-papier besoins-numeriques-habitants --langue ar --out papier-ar.pdf
"""


@main.command(
    "print",
    help=HELP.format(sheets=DEFAULTS["PRINT_CONFIRM_SHEETS"]),
    short_help="Imprime affiches, panneaux, cartes et questionnaires (PDF).",
)
@click.argument("kind", metavar="TYPE", required=False)
@click.argument("campaign_id", metavar="CAMPAGNE", required=False)
@click.option("--question", help="Une seule question (son identifiant). « * » : tout le questionnaire sur une affiche.")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Toutes les questions, une page chacune (c'est le choix par défaut sans --question).",
)
@click.option("--size", help="Format : A4, A3, A2, A1 ou A0 (par défaut : selon le type).")
@click.option("--tile", help="Découpe la page en feuilles A4 (ou A3) à assembler : --tile A4.")
@click.option(
    "--langue",
    "language",
    help="Une langue du questionnaire (ar, en…) : le questionnaire papier s'imprime dans cette langue ; "
    "une affiche, un panneau ou un ordi-panneau en français et dans cette langue.",
)
@data_option
@click.option(
    "--base-url",
    help="Adresse publique écrite dans les QR codes, par exemple "
    "http://192.168.1.20:8000 (par défaut : l'adresse enregistrée, celle de la "
    "page « Adresse à imprimer sur les affiches » ou trouvée par « survey serve », "
    "avec le port où le serveur tourne).",
)
@click.option(
    "--du", "since", help="Cartes-paroles : les paroles données à partir de ce jour (2026-03-31 ou 31/03/2026)."
)
@click.option("--au", "until", help="Cartes-paroles : les paroles données jusqu'à ce jour inclus.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Fichier PDF à écrire.")
@click.option(
    "--oui",
    "agreed",
    is_flag=True,
    help=f"Imprime même au-delà de {DEFAULTS['PRINT_CONFIRM_SHEETS']} feuilles (sans cette option, une impression plus grosse est seulement comptée).",
)
def print_command(
    kind, campaign_id, question, every, size, tile, language, data_dir, base_url, since, until, out, agreed
):
    from ..model.french_time import parse_date
    from ..printing import KINDS, make_pdf, prepare_job, sheet_count, sheet_count_text
    from ..printing.kinds import ordi_plan_text
    from ..printing.links import clean_base_url
    from ..printing.render import Renderer
    from ..services import site_settings

    if not kind:
        raise CommandError(f"Indiquez le type d'imprimé : {', '.join(KINDS)}.")
    if not campaign_id:
        raise CommandError("Indiquez la campagne (son identifiant, voir « survey campaigns »).")
    if not out:
        raise CommandError("Indiquez le fichier à écrire avec --out, par exemple --out affiche.pdf.")
    if every and question:
        raise CommandError("Choisissez --all ou --question, pas les deux.")
    try:
        first_day, last_day = parse_date(since, "date de début"), parse_date(until, "date de fin")
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    target = Path(out)
    if target.suffix.lower() != ".pdf":
        raise CommandError(f"Le fichier « {out} » doit finir par .pdf.")
    if not target.parent.is_dir():
        raise CommandError(f"Le dossier « {target.parent} » n'existe pas.")

    app = make_app(data_dir)
    campaign_named(app, campaign_id)
    # A PrintError or an AddressError is said by the group (root.SurveyGroup).
    records = app.extensions["survey"].records
    address = site_settings.for_command(
        records, clean_base_url(base_url) if base_url else app.config.get("PUBLIC_BASE_URL"), app.config["PORT"]
    )
    base, warning = address.url, address.warning
    job = prepare_job(
        app.extensions["survey"],
        kind,
        campaign_id,
        base,
        question=question,
        size=size,
        tile=tile,
        wifi=site_settings.team_wifi(records),
        since=first_day,
        until=last_day,
        quote_limit=app.config["QUOTE_CARDS_MAX"],
        zone=app.config["TIMEZONE"],
        language=language,
    )
    if job.kind.id == "ordi-panneau" and not job.question:
        click.echo(ordi_plan_text(job.questionnaire))
    sheets = sheet_count(job)
    limit = app.config["PRINT_CONFIRM_SHEETS"]
    if sheets and sheets > limit and not agreed:
        raise CommandError(
            f"cette impression ferait {sheet_count_text(job, sheets)}, plus de {limit}. "
            "Rien n'a été imprimé. Pour la faire quand même, relancez la commande avec --oui.",
            label="Attention",
        )
    pdf = make_pdf(Renderer(), job)
    if warning:
        click.echo(warning, err=True)
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise CommandError(f"Impossible d'écrire « {out} » ({exc.strerror}).") from None
    what = f"{job.fmt.size}" + (f", découpé en feuilles {job.tile}" if job.tile else "")
    click.echo(f"{job.kind.title} ({what}) : {target} — {_pages(pdf)} page(s). QR codes vers {base}")


def _pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)
