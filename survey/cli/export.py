"""``survey export CAMPAGNE``: the same files as the web page, written to ``exports/``."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

import click

from ..exports import FORMATS, Export, ExportOptions
from ..exports.datapackage import DATA_FILE, DESCRIPTOR, write_folder
from ..exports.filters import Filters, parse_date
from ..exports.media_zip import ZIP_FORMATS, media_filename, write_with_media
from ..model.campaign import CHANNELS
from .root import CommandError, campaign_named, data_option, main, make_app

DEFAULT_FOLDER = "exports"
PROGRESS_STEP = 100


def _counted(source: Iterable[dict], bar) -> Iterator[dict]:
    """Move the progress bar as answers are read (every hundred, to stay cheap)."""
    pending = 0
    for answer in source:
        yield answer
        pending += 1
        if pending == PROGRESS_STEP:
            bar.update(pending)
            pending = 0
    bar.update(pending)


def _write_package(svc, campaign, job: Export, out: str | None) -> None:
    """A data package is a folder: ``--out DIR``, else ``exports/<campagne>-<date>/``."""
    if out == "-":
        raise CommandError("Un paquet de données est un dossier : donnez --out DOSSIER.")
    folder = Path(out) if out else Path(DEFAULT_FOLDER) / job.filename(datetime.now(job.plan.tz)).removesuffix(".zip")
    total = svc.answers.count(campaign.id)
    try:
        with click.progressbar(
            length=total, label=f"Export de {total} réponse{'s' if total != 1 else ''}", file=sys.stderr
        ) as bar:
            kept = write_folder(job, folder, _counted(svc.answers.iter_answers(campaign.id), bar))
    except OSError as exc:
        raise CommandError(f"Le paquet n'a pas pu être écrit dans « {folder} » ({exc.strerror}).") from None
    click.echo(
        f"{kept} réponse{'s' if kept != 1 else ''} dans le paquet de données ouvertes {folder} "
        f"({DESCRIPTOR} et {DATA_FILE})"
        + (" — avec des données personnelles : ne le publiez pas." if job.options.personal else ".")
    )


def _target(out: str | None, filename: str) -> Path:
    if not out:
        return Path(DEFAULT_FOLDER) / filename
    path = Path(out)
    if path.is_dir() or out.endswith(("/", os.sep)):
        return path / filename
    return path


@main.command(
    help="Exporte les réponses d'une campagne en CSV, XLSX, JSON, ou en données ouvertes (--format datapackage : "
    "un dossier avec le CSV et sa description, sans données personnelles) ; par défaut dans le dossier exports/."
)
@click.argument("campaign_id", metavar="CAMPAGNE")
@click.option(
    "--format", "fmt", default="csv", show_default=True, metavar="csv|xlsx|json|datapackage", help="Format du fichier."
)
@click.option(
    "--out",
    default=None,
    metavar="CHEMIN",
    help="Fichier ou dossier où écrire (par défaut : exports/<campagne>-<AAAAMMJJ-HHMM>.<format>). "
    "« - » écrit sur la sortie standard (CSV et JSON).",
)
@click.option(
    "--separator",
    default=";",
    show_default=True,
    metavar="';'|','",
    help="Séparateur du CSV : point-virgule (Excel en français) ou virgule.",
)
@click.option("--no-bom", is_flag=True, help="CSV sans BOM (Excel lit alors mal les accents).")
@click.option("--codes", is_flag=True, help="Codes des réponses et des questions au lieu des libellés.")
@click.option(
    "--from",
    "date_from",
    default=None,
    metavar="DATE",
    help="Réponses envoyées à partir de ce jour (2026-03-01 ou 01/03/2026).",
)
@click.option("--to", "date_to", default=None, metavar="DATE", help="Réponses envoyées jusqu'à ce jour inclus.")
@click.option("--channel", default=None, metavar="CANAL", help="Un seul canal : " + ", ".join(CHANNELS) + ".")
@click.option("--place", default=None, metavar="LIEU", help="Un seul lieu (écrit comme dans les réponses).")
@click.option("--include-hidden", is_flag=True, help="Inclut les réponses masquées (exclues par défaut).")
@click.option(
    "--donnees-personnelles",
    "personal",
    is_flag=True,
    help="Données ouvertes seulement : inclut prénoms, personnes qui ont recueilli et réponses libres sans "
    "accord de réutilisation (le paquet ne doit alors pas être publié).",
)
@click.option(
    "--avec-medias",
    "with_media",
    is_flag=True,
    help="CSV ou XLSX seulement : un fichier zip avec le tableau et, dans medias/, les enregistrements "
    "et les dessins des réponses (le tableau nomme le fichier de chaque réponse).",
)
@data_option
def export(
    campaign_id,
    fmt,
    out,
    separator,
    no_bom,
    codes,
    date_from,
    date_to,
    channel,
    place,
    include_hidden,
    personal,
    with_media,
    data_dir,
):
    if fmt not in FORMATS:
        raise CommandError(f"Le format « {fmt} » n'existe pas : choisissez csv, xlsx, json ou datapackage.")
    if personal and fmt != "datapackage":
        raise CommandError("--donnees-personnelles ne sert qu'aux données ouvertes (--format datapackage).")
    if channel and channel not in CHANNELS:
        raise CommandError(f"Le canal « {channel} » n'existe pas. Canaux : {', '.join(CHANNELS)}.")
    if with_media and (fmt not in ZIP_FORMATS or out == "-"):
        raise CommandError("--avec-medias écrit un fichier zip avec un CSV ou un XLSX : donnez --format csv ou xlsx.")
    try:
        first, last = parse_date(date_from, "date de début"), parse_date(date_to, "date de fin")
    except ValueError as exc:
        raise CommandError(str(exc)) from None

    app = make_app(data_dir)
    svc = app.extensions["survey"]
    campaign = campaign_named(app, campaign_id)
    filters = Filters(
        date_from=first,
        date_to=last,
        channel=channel or "",
        place=place or "",
        include_hidden=include_hidden,
        timezone=app.config["TIMEZONE"],
    )
    options = ExportOptions(
        format=fmt, separator=separator, bom=not no_bom, codes=codes, filters=filters, personal=personal
    )
    job = Export(svc, campaign, options)  # an ExportError is said by the group (root.SurveyGroup)
    if fmt == "datapackage":
        _write_package(svc, campaign, job, out)
        return

    if out == "-":
        if fmt == "xlsx":
            raise CommandError("Un fichier XLSX ne s'écrit pas sur la sortie standard : donnez --out FICHIER.")
        job.write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return

    filename = media_filename(job) if with_media else job.filename(datetime.now(job.plan.tz))
    target = _target(out, filename)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target, then renamed: a failed export never leaves half a file.
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise CommandError(f"Impossible d'écrire dans « {target.parent} » ({exc.strerror}).") from None
    total = svc.answers.count(campaign.id)
    try:
        with os.fdopen(fd, "wb") as handle:
            with click.progressbar(
                length=total, label=f"Export de {total} réponse{'s' if total != 1 else ''}", file=sys.stderr
            ) as bar:
                answers = _counted(svc.answers.iter_answers(campaign.id), bar)
                if with_media:
                    write_with_media(job, handle, answers)
                else:
                    job.write(handle, answers)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"L'export n'a pas pu être écrit dans « {target} » ({exc.strerror}).") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    kept = job.exported
    click.echo(f"{kept} réponse{'s' if kept != 1 else ''} exportée{'s' if kept != 1 else ''} dans {target}")
