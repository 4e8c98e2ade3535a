"""Printables: posters, ordi-panneau, porteur de parole kit and paper questionnaires.

Every printed sheet leads back into the campaign's data (a QR code to the form with
the sheet's code, or a code to type the paper in). Templates, stylesheets and
drawings live in the top-level ``printables/`` folder; this package fills them
(``kinds``), renders them with WeasyPrint (``render``) and cuts big pages into
A4 sheets (``tiling``). ``views`` and ``survey.cli.printables`` are the two ways in.
"""

from __future__ import annotations

from datetime import date

from ..config import DEFAULTS
from ..services.structure_identity import identity_for
from .errors import PrintError
from .kinds import KINDS, WHOLE, PrintJob, check_language, check_question, check_size, check_tile, newest_quotes
from .render import PageFormat

__all__ = ["KINDS", "WHOLE", "PrintError", "PrintJob", "prepare_job", "make_pdf", "sheet_count", "sheet_count_text"]


def prepare_job(
    svc,
    kind_id: str,
    campaign_id: str,
    base_url: str,
    question: str | None = None,
    size: str | None = None,
    tile: str | None = None,
    wifi=None,
    since: date | None = None,
    until: date | None = None,
    quote_limit: int = DEFAULTS["QUOTE_CARDS_MAX"],
    zone: str = DEFAULTS["TIMEZONE"],
    language: str | None = None,
) -> PrintJob:
    """Check every choice against the campaign; a ``PrintError`` in French otherwise.
    ``wifi`` (``survey.model.wifi.Wifi``): the team's network, whose QR code posters show too.
    Quote cards: at most ``quote_limit`` quotes, the newest given between ``since`` and ``until``
    (days, both included), read from the newest answers back until there are enough.
    ``language``: one the questionnaire declares (``check_language``): the paper questionnaire
    prints in it, a poster or panel in French and in it."""
    kind = KINDS.get((kind_id or "").strip())
    if kind is None:
        raise PrintError(f"Type d'imprimé « {kind_id} » inconnu. Types possibles : {', '.join(KINDS)}.")
    campaign = svc.campaigns.get(campaign_id)
    if campaign is None:
        raise PrintError(f"La campagne « {campaign_id} » n'existe pas.")
    questionnaire = svc.questionnaire_for(campaign)
    if questionnaire is None:
        raise PrintError(f"Le questionnaire « {campaign.questionnaire} » de cette campagne n'est pas disponible.")
    question = check_question(kind, questionnaire, (question or "").strip() or None)
    size = check_size(kind, size)
    tile = check_tile(size, tile)
    language = check_language(kind, questionnaire, language)
    quotes = []
    if kind.id == "cartes-paroles":
        if since and until and since > until:
            raise PrintError("La date de début doit venir avant la date de fin.")
        quotes = newest_quotes(
            questionnaire, svc.answers.iter_newest(campaign.id), question, max(1, quote_limit), since, until, zone
        )
    return PrintJob(
        kind=kind,
        campaign=campaign,
        questionnaire=questionnaire,
        question=question,
        fmt=PageFormat(size, kind.orientation),
        base_url=base_url,
        tile=tile,
        quotes=quotes,
        since=since,
        until=until,
        wifi=wifi,
        zone=zone,
        identity=identity_for(svc, campaign),
        language=language,
    )


def sheet_count(job: PrintJob) -> int | None:
    """Sheets of paper a job will make, counted before rendering (None: the paper
    questionnaire, whose pages flow): a tiled page is its tiles and its QR code to stick on."""
    from .kinds import planned_pages
    from .tiling import sheets_per_page

    pages = planned_pages(job)
    if pages is None:
        return None
    return pages * (sheets_per_page(job.fmt, job.tile) if job.tile else 1)


def sheet_count_text(job: PrintJob, sheets: int) -> str:
    """« 208 feuilles A4 : 8 pages A0, chacune en 25 feuilles et 1 feuille avec son QR code à coller »."""
    from .kinds import planned_pages

    if not job.tile:
        return f"{sheets} feuille{'s' if sheets > 1 else ''} {job.fmt.size}"
    pages = planned_pages(job) or 1
    tiles = sheets // pages - 1
    if pages == 1:
        return (
            f"{sheets} feuilles {job.tile} : la page {job.fmt.size} en {tiles} feuilles "
            f"et 1 feuille avec son QR code à coller"
        )
    return (
        f"{sheets} feuilles {job.tile} : {pages} pages {job.fmt.size}, chacune en {tiles} feuilles "
        f"et 1 feuille avec son QR code à coller"
    )


def joined_pdfs(parts) -> bytes:
    """One PDF of the pages of ``parts`` (PDF bytes), in order."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for number, part in enumerate(parts):
        reader = PdfReader(BytesIO(part))
        writer.append(reader)
        if number == 0 and reader.metadata:
            writer.add_metadata(dict(reader.metadata))  # the title and author of the first
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf(renderer, job: PrintJob) -> bytes:
    """The PDF bytes of a job (tiled onto smaller sheets when asked)."""
    with renderer.lock:
        context = job.kind.build(job, renderer.fitter)
        stylesheets = ("common", job.kind.stylesheet)
        sheets = context.get("pages") or []
        if not job.tile and job.kind.batch_sheets and len(sheets) > job.kind.batch_sheets:
            step = job.kind.batch_sheets
            return joined_pdfs(
                renderer.render(job.kind.template, dict(context, pages=sheets[i : i + step]), job.fmt, stylesheets)
                for i in range(0, len(sheets), step)
            )
        if not job.tile:
            return renderer.render(job.kind.template, context, job.fmt, stylesheets)
        from .tiling import tile_pdf

        pdf, codes = renderer.render_with_codes(job.kind.template, context, job.fmt, stylesheets)
        return tile_pdf(renderer, pdf, job.fmt, PageFormat(job.tile), codes)
