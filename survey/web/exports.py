"""Exports in the coordinator space: a form, then a streamed download.

``GET /coordination/campagnes/<id>/exporter`` shows the choices (format,
separator, BOM, labels or codes, dates, channel, place, hidden answers);
``GET /coordination/campagnes/<id>/export.<format>?…`` sends the file as it is
written. Options travel in the query string, so a download link can be kept.
"""

from __future__ import annotations

import tempfile

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from .. import allocator
from ..exports import FORMATS, Export, ExportError, ExportOptions
from ..exports.filters import Filters, parse_date
from ..exports.media_zip import ZIP_FORMATS, ZIP_MIMETYPE, media_filename, write_with_media
from ..model.campaign import CHANNELS
from .access import audit, campaign_or_404, coordinator_required, services
from .errors import render_error
from .field_errors import pinned

bp = Blueprint("exports", __name__, url_prefix="/coordination/campagnes")

# Query values of the form (ASCII, readable in a kept link).
SEPARATOR_ARGS = {"point-virgule": ";", "virgule": ","}
VALUE_ARGS = ("libelles", "codes")
# Which field of the form each problem's words are about (``field_errors.pinned``).
PROBLEM_FIELDS = [
    ("doit venir avant", "au"),
    ("date de début", "du"),
    ("date de fin", "au"),
    ("séparateur", "sep-pv"),
    ("canal", "canal"),
]


def options_from_args(args, fmt: str, timezone_name: str) -> tuple[ExportOptions | None, list[str]]:
    """The export options a query string asks for, or the French problems with it."""
    problems = []
    separator = SEPARATOR_ARGS.get(args.get("separateur") or "point-virgule")
    if separator is None:
        problems.append("Choisissez le point-virgule ou la virgule comme séparateur.")
    dates = {}
    for key, what in (("du", "date de début"), ("au", "date de fin")):
        try:
            dates[key] = parse_date(args.get(key), what)
        except ValueError as exc:
            problems.append(str(exc))
            dates[key] = None
    channel = args.get("canal") or ""
    if channel and channel not in CHANNELS:
        problems.append("Ce canal de collecte n'existe pas.")
    options = ExportOptions(
        format=fmt,
        separator=separator or ";",
        bom=args.get("bom", "oui") != "non",
        codes=args.get("valeurs") == "codes",
        personal=fmt == "datapackage" and args.get("personnelles") == "oui",
        filters=Filters(
            date_from=dates["du"],
            date_to=dates["au"],
            channel=channel,
            place=(args.get("lieu") or "").strip()[:200],
            include_hidden=args.get("masquees") == "oui",
            timezone=timezone_name,
        ),
    )
    problems += options.problems()
    return (None if problems else options), problems


@bp.route("/<campaign_id>/exporter")
@coordinator_required
def form(campaign_id: str):
    campaign = campaign_or_404(campaign_id)
    problems: list[str] = []
    status = 200
    if "telecharger" in request.args:
        fmt = request.args.get("format") or "csv"
        options, problems = options_from_args(request.args, fmt, current_app.config["TIMEZONE"])
        if options is not None:
            kept = {k: v for k, v in request.args.items() if k not in ("telecharger", "format") and v}
            return redirect(url_for("exports.download", campaign_id=campaign.id, fmt=fmt, **kept), code=303)
        status = 422
    count = services().answers.count(campaign.id)
    return render_template(
        "exports/form.html",
        campaign=campaign,
        formats=FORMATS,
        channels=CHANNELS,
        args=request.args,
        field_errors=pinned(problems, PROBLEM_FIELDS, "format-csv"),
        count=count,
    ), status


@bp.route("/<campaign_id>/export.<fmt>")
@coordinator_required
def download(campaign_id: str, fmt: str):
    campaign = campaign_or_404(campaign_id)
    if fmt not in FORMATS:
        abort(404, description="Ce format d'export n'existe pas : choisissez CSV, XLSX, JSON ou données ouvertes.")
    options, problems = options_from_args(request.args, fmt, current_app.config["TIMEZONE"])
    if options is None:
        return render_error(400, " ".join(problems))
    try:
        export = Export(services(), campaign, options)
    except ExportError as exc:
        return render_error(409, str(exc))
    audit(
        "export",
        f"{campaign.id} · {fmt}"
        + (f" · {request.query_string.decode('ascii', 'replace')}" if request.query_string else ""),
    )
    if request.args.get("medias") == "oui" and fmt in ZIP_FORMATS:
        return media_download(export)
    filename = export.filename()
    response = Response(
        export.stream(),
        content_type=export.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
    allocator.give_back_after(response, current_app.config)
    return response


def media_download(export: Export):
    """The CSV or XLSX with the recordings and drawings, in one zip (``exports/media_zip.py``):
    written to a temporary file first (a zip of media is megabytes, not a stream of rows)."""
    target = tempfile.TemporaryFile()
    try:
        write_with_media(export, target)
    except BaseException:
        target.close()
        raise
    size = target.tell()
    target.seek(0)

    def chunks():
        try:
            while chunk := target.read(1 << 20):
                yield chunk
        finally:
            target.close()

    response = Response(
        chunks(),
        content_type=ZIP_MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{media_filename(export)}"',
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )
    response.call_on_close(target.close)
    allocator.give_back_after(response, current_app.config)
    return response
