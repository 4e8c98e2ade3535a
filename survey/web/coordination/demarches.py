"""Démarches in the coordinator space (issue 17 §2, §4): list them, create and change one
(a title, campaigns chosen among those the coordinator sees), its « Chiffres clés » page, and
the diagnostic report of a démarche or a campaign (PDF, or ODT to edit).

Who sees a démarche is ``services/demarches.py`` ``may_see_demarche``; one the coordinator
may not see answers « n'existe pas » (404), as a campaign of another structure does.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from ... import allocator
from ...services import demarches as service
from ...services import report as reports
from ...services.demarches import KIND_LABELS, DemarcheError
from ...services.report import CrossChoice, ReportError, crossing_choices
from ..access import audit, campaign_or_404, coordinator_required, current_account, services, visible_campaigns
from ..errors import render_error
from .blueprint import bp

# What each figure counts, and where a coordinator reads it for one campaign.
FIGURE_LINKS = {
    "personnes": ("terrain.report", "Terrain"),
    "reponses": ("coordination.answers", "Lire les réponses"),
    "questionnaires": ("coordination.answers", "Lire les réponses"),
    "post-it": ("coordination.answers", "Lire les réponses"),
    "paroles": ("coordination.answers", "Lire les réponses"),
    "citations": ("coordination.answers", "Lire les réponses"),
    "sessions": ("terrain.report", "Terrain"),
}
REPORT_TYPES = {
    "pdf": ("application/pdf", "PDF"),
    "odt": ("application/vnd.oasis.opendocument.text", "ODT"),
}


def demarche_or_404(demarche_id: str):
    svc = services()
    found = svc.demarches.get(demarche_id)
    if found is None or not service.may_see_demarche(svc, current_account(), found):
        abort(404)
    return found


@bp.route("/demarches/")
@coordinator_required
def demarches():
    svc = services()
    rows = [(d, service.demarche_campaigns(svc, d)) for d in service.visible_demarches(svc, current_account())]
    return render_template("coordination/demarches.html", rows=rows)


@bp.route("/demarches/nouvelle", methods=["GET", "POST"])
@bp.route("/demarches/<demarche_id>/modifier", methods=["GET", "POST"])
@coordinator_required
def demarche_form(demarche_id: str = ""):
    existing = demarche_or_404(demarche_id) if demarche_id else None
    title = existing.title if existing else ""
    chosen = list(existing.campaign_ids) if existing else []
    problem = ""
    if request.method == "POST":
        title, chosen = request.form.get("titre", ""), request.form.getlist("campagnes")
        try:
            saved = service.save_demarche(services(), current_account(), title, chosen, demarche_id)
        except DemarcheError as exc:
            problem = exc.message
        else:
            audit("demarche", f"démarche {saved.id} enregistrée ({len(saved.campaign_ids)} campagnes)")
            flash("Démarche enregistrée.")
            return redirect(url_for("coordination.demarche", demarche_id=saved.id), code=303)
    return render_template(
        "coordination/demarche_form.html",
        existing=existing,
        title_value=title[:300],
        chosen=set(chosen),
        campaigns=visible_campaigns(),
        problem=problem,
    ), (422 if problem else 200)


@bp.route("/demarches/<demarche_id>/supprimer", methods=["POST"])
@coordinator_required
def delete_demarche(demarche_id: str):
    """Forget the grouping (its campaigns and their answers stay), once confirmed."""
    found = demarche_or_404(demarche_id)
    if request.form.get("confirmer") != "oui":
        flash("La démarche n'est pas supprimée : cochez la case de confirmation.")
        return redirect(url_for("coordination.demarche_form", demarche_id=found.id), code=303)
    if service.delete_demarche(services(), current_account(), found.id):
        audit("demarche", f"démarche {found.id} supprimée")
        flash("Démarche supprimée. Ses campagnes et leurs réponses restent.")
    return redirect(url_for("coordination.demarches"), code=303)


@bp.route("/demarches/<demarche_id>/")
@coordinator_required
def demarche(demarche_id: str):
    """« Chiffres clés »: each figure, its rule, its share per campaign with a link to it."""
    found = demarche_or_404(demarche_id)
    svc = services()
    figures = service.key_figures(svc, found)
    return render_template(
        "coordination/demarche.html",
        demarche=found,
        figures=figures,
        kind_labels=KIND_LABELS,
        links=FIGURE_LINKS,
        crossings=crossing_choices(svc, service.demarche_campaigns(svc, found)),
        report_url=url_for("coordination.demarche_report", demarche_id=found.id),
        report_types=REPORT_TYPES,
    )


@bp.route("/campagnes/<campaign_id>/rapport")
@coordinator_required
def campaign_report_page(campaign_id: str):
    """The campaign's report: choose the format and the cross-tabs, then download."""
    campaign = campaign_or_404(campaign_id)
    if request.args.get("format"):
        return _report_file(
            campaign.id, lambda crossings: reports.campaign_report(services(), campaign, crossings, **_kw())
        )
    return render_template(
        "coordination/campaign_report.html",
        campaign=campaign,
        crossings=crossing_choices(services(), [campaign]),
        report_url=url_for("coordination.campaign_report_page", campaign_id=campaign.id),
        report_types=REPORT_TYPES,
    )


@bp.route("/demarches/<demarche_id>/rapport")
@coordinator_required
def demarche_report(demarche_id: str):
    found = demarche_or_404(demarche_id)
    if not request.args.get("format"):
        return redirect(url_for("coordination.demarche", demarche_id=found.id) + "#rapport", code=303)
    return _report_file(found.id, lambda crossings: reports.demarche_report(services(), found, crossings, **_kw()))


def _kw() -> dict:
    return {"tz": current_app.config["TIMEZONE"], "quote_limit": current_app.config["REPORT_QUOTES_MAX"]}


def _report_file(name: str, make):
    fmt = request.args.get("format", "")
    if fmt not in REPORT_TYPES:
        return render_error(422, "Choisissez le format du rapport : PDF ou ODT (à modifier).")
    try:
        crossings = [CrossChoice.parse(code) for code in request.args.getlist("croisement")[:20]]
        content = make(crossings)
    except ReportError as exc:
        return render_error(422, exc.message)
    if fmt == "odt":
        from ...exports.report_document import report_odt

        data = report_odt(content)
    else:
        from ...printing import PrintError
        from ...printing.report_pdf import report_pdf

        try:
            data = report_pdf(current_app.extensions["printing"].renderer(), content)
        except PrintError as exc:
            return render_error(500, str(exc))
    audit("export", f"rapport {fmt.upper()} de {name}")
    response = Response(
        data,
        mimetype=REPORT_TYPES[fmt][0],
        headers={"Content-Disposition": f'attachment; filename="rapport-{name}.{fmt}"'},
    )
    allocator.give_back_after(response, current_app.config)
    return response
