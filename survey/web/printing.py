"""The print page of the coordinator space, and the PDFs it sends.

``GET /coordination/campagnes/<id>/imprimer`` lists the six printables, each with its
own small form (question, size, tiling); the form asks
``GET /coordination/campagnes/<id>/imprimer/<kind>.pdf?question=&size=&tile=``, which
sends the PDF as a download. A choice that cannot be printed shows the page again
with the reason in French. WeasyPrint is imported on the first print only.
"""

from __future__ import annotations

import threading
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request

from .. import allocator
from ..model.french_time import parse_date
from ..printing import KINDS, WHOLE, PrintError, make_pdf, prepare_job, sheet_count, sheet_count_text
from ..printing.kinds import board_questions, count_quotes, language_choices, open_questions, ordi_plan_text
from ..printing.links import short_url
from ..printing.render import PAGE_SIZES, PageFormat
from ..printing.tiling import sheets_per_page
from ..services import site_settings
from ..services.site_settings import AddressError
from .access import coordinator_required, load_campaign, services

bp = Blueprint("printing", __name__, url_prefix="/coordination/campagnes")
EXTENSION = "printing"


class PrintService:
    """The app's one renderer, made on first use (importing WeasyPrint takes half a second)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._renderer = None

    def renderer(self):
        with self._lock:
            if self._renderer is None:
                from ..printing.render import Renderer

                self._renderer = Renderer()
            return self._renderer


def add_hooks(app) -> None:
    app.extensions[EXTENSION] = PrintService()


def base_url() -> str:
    """Where the QR codes lead: the address of the page « Adresse à imprimer sur les affiches »
    (``site_settings.for_request``); a bad setting is said in French."""
    from .addresses import public_address

    try:
        return public_address().url
    except AddressError as exc:
        raise PrintError(str(exc)) from None


def team_wifi():
    return site_settings.team_wifi(services().records)


def question_choices(kind, questionnaire) -> list[tuple[str, str]]:
    """(value, label) of the question menu of one kind; the first is the default."""
    if not kind.uses_question:
        return []
    if kind.id == "cartes-paroles":
        pool = [q for q in questionnaire.answerable if q.is_long_text]
        first = [("", "Toutes les questions à réponse écrite")]
    elif kind.id == "ordi-panneau":
        pool = board_questions(questionnaire)
        first = [("", "Toutes les questions, trois par panneau")]
    elif kind.id in ("panneau", "cartes-reponse"):
        pool = open_questions(questionnaire) or board_questions(questionnaire)
        first = [("", "Toutes les questions (une page chacune)")]
    else:
        pool = board_questions(questionnaire)
        first = [
            ("", "Toutes les questions (une affiche chacune) et le questionnaire entier"),
            (WHOLE, "Le questionnaire entier (une seule affiche)"),
        ]
    return first + [(q.id, f"{questionnaire.number_of(q.id)}. {q.label}") for q in pool]


def tile_sheets_text(kind) -> str:
    """« A1 : 16 feuilles par page, A0 : 26 » (the QR code to stick on included)."""
    counts = [
        (size, sheets_per_page(PageFormat(size, kind.orientation), "A4"))
        for size in kind.sizes
        if PAGE_SIZES[size][0] > PAGE_SIZES["A4"][0]
    ]
    return ", ".join(f"{size} : {n} feuilles" for size, n in counts) + " par page, QR code à coller compris."


def render_page(
    campaign,
    questionnaire,
    error: str | None = None,
    chosen: dict | None = None,
    status: int = 200,
    confirm: dict | None = None,
):
    """``confirm``: a print too big to make without asking (its sheets, and the choices to send again)."""
    quotes = count_quotes(services(), campaign.id, questionnaire)
    kinds = [
        {
            "kind": kind,
            "questions": question_choices(kind, questionnaire),
            "sizes": [
                (size, f"{size} ({PAGE_SIZES[size][0] / 10:g} × {PAGE_SIZES[size][1] / 10:g} cm)".replace(".", ","))
                for size in kind.sizes
            ],
            "tiles": PAGE_SIZES[kind.sizes[-1]][0] >= PAGE_SIZES["A2"][0],
            "tile_sheets": tile_sheets_text(kind),
            "plan": ordi_plan_text(questionnaire) if kind.id == "ordi-panneau" else "",
            # The questionnaire's languages, named in their own words: the paper questionnaire prints
            # in one of them; a poster or panel in French and one of them (``Kind.languages``).
            "languages": language_choices(questionnaire) if kind.languages and len(questionnaire.languages) > 1 else [],
        }
        for kind in KINDS.values()
    ]
    base = base_url()
    return render_template(
        "printing/index.html",
        campaign=campaign,
        questionnaire=questionnaire,
        kinds=kinds,
        base_url=base,
        local_only=site_settings.is_local_only(base),
        wifi=team_wifi(),
        short_address=short_url(base, campaign),
        error=error,
        chosen=chosen or {},
        quotes=quotes,
        quote_limit=current_app.config["QUOTE_CARDS_MAX"],
        confirm=confirm,
    ), status


@bp.route("/<campaign_id>/imprimer")
@coordinator_required
def index(campaign_id: str):
    campaign, questionnaire = load_campaign(campaign_id)
    return render_page(campaign, questionnaire)


@bp.route("/<campaign_id>/imprimer/<kind>.pdf")
@coordinator_required
def pdf(campaign_id: str, kind: str):
    campaign, questionnaire = load_campaign(campaign_id)
    args = request.args
    chosen = {
        "kind": kind,
        "question": args.get("question", ""),
        "size": args.get("size", ""),
        "tile": args.get("tile", ""),
        "langue": args.get("langue", ""),
        "du": args.get("du", ""),
        "au": args.get("au", ""),
    }
    try:
        since = parse_date(args.get("du"), "date de début")
        until = parse_date(args.get("au"), "date de fin")
    except ValueError as exc:
        return render_page(campaign, questionnaire, str(exc), chosen, 400)
    try:
        job = prepare_job(
            services(),
            kind,
            campaign.id,
            base_url(),
            question=args.get("question"),
            size=args.get("size"),
            tile=args.get("tile"),
            wifi=team_wifi(),
            since=since,
            until=until,
            quote_limit=current_app.config["QUOTE_CARDS_MAX"],
            zone=current_app.config["TIMEZONE"],
            language=args.get("langue"),
        )
        sheets = sheet_count(job)
        if sheets and sheets > current_app.config["PRINT_CONFIRM_SHEETS"] and args.get("confirmer") != "oui":
            # Counted before anything is laid out: nothing is made until the coordinator agrees.
            return render_page(
                campaign,
                questionnaire,
                chosen=chosen,
                confirm={
                    "sheets": sheets,
                    "text": sheet_count_text(job, sheets),
                    "kind": job.kind,
                    "fields": [(name, value) for name, value in chosen.items() if name != "kind" and value],
                },
            )
        data = make_pdf(current_app.extensions[EXTENSION].renderer(), job)
    except PrintError as exc:
        return render_page(campaign, questionnaire, str(exc), chosen, 400)
    response = Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename=\"{job.filename}\"; filename*=UTF-8''{quote(job.filename)}",
            "Cache-Control": "no-store",
        },
    )
    allocator.give_back_after(response, current_app.config)
    return response
