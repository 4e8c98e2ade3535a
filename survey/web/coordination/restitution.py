"""« Restitution »: the coordinator composes what is given back to the inhabitants of a campaign
or of a démarche (charts, quotes whose authors agreed to their reuse, key figures, « Ce que nous
en retenons », « Et maintenant ? »), previews it, publishes and unpublishes it, and takes its
static copy and its posters. The choices and their checks are ``services/restitution.py``; the
public page is ``web/restitution.py``.

Every route exists twice, under ``/campagnes/<campaign_id>/`` and ``/demarches/<demarche_id>/``;
``Target`` is what the address names, found the way every other page finds it (a campaign or a
démarche of another structure is the 404 of one that does not exist)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from ... import allocator
from ...exports.restitution_site import copy_files, folder_name, page_html, zip_bytes
from ...model.restitution import QUOTES_MAX, TEXT_MAX, Restitution
from ...printing.restitution import POSTER_SIZES, VOICES_SIZES
from ...services import restitution as restitutions
from ..access import audit, campaign_or_404, coordinator_required, current_coordinator, services
from ..errors import render_error
from .blueprint import bp
from .demarches import demarche_or_404

NOT_PUBLISHED = "Publiez d'abord la restitution : le QR code et la copie mènent à sa page publique."
NOT_COMPOSED = "Composez d'abord la restitution, puis enregistrez-la."


@dataclass
class Target:
    """A campaign's or a démarche's restitution, and the address arguments of its pages."""

    restitution: Restitution
    title: str
    args: dict
    back: str  # the page of the campaign or démarche
    what: str  # for the journal: « la campagne x », « la démarche y »

    @property
    def campaigns(self):
        svc = services()
        found = (svc.campaigns.get(cid) for cid in restitutions.campaign_ids_of(svc, self.restitution))
        return [c for c in found if c is not None]


def target(campaign_id: str | None, demarche_id: str | None) -> Target:
    svc = services()
    if demarche_id is not None:
        demarche = demarche_or_404(demarche_id)
        return Target(
            restitutions.for_demarche(svc, demarche),
            demarche.title,
            {"demarche_id": demarche.id},
            url_for("coordination.demarche", demarche_id=demarche.id),
            f"la démarche {demarche.id}",
        )
    campaign = campaign_or_404(campaign_id or "")
    return Target(
        restitutions.for_campaign(svc, campaign),
        campaign.title,
        {"campaign_id": campaign.id},
        url_for("coordination.campaign", campaign_id=campaign.id),
        f"la campagne {campaign.id}",
    )


def medium_url(drawing) -> str:
    """A drawing or a recording as the coordination sees it (the answer's media page)."""
    return url_for(
        "coordination.medium", campaign_id=drawing.campaign_id, answer_id=drawing.answer_id, name=drawing.file
    )


def _zone() -> str:
    return current_app.config["TIMEZONE"]


def _public_url(restitution: Restitution) -> str:
    from ..addresses import public_address

    return f"{public_address().url}/restitution/{restitution.slug}"


def _render(found: Target, chosen: Restitution | None = None, problems=(), status: int = 200):
    gathered = restitutions.gather(services(), found.campaigns, _zone())
    restitution = found.restitution
    return (
        render_template(
            "coordination/restitution.html",
            target=found,
            restitution=restitution,
            chosen=chosen or restitution,
            found=gathered,
            problems=list(problems),
            public_url=_public_url(restitution) if restitution.slug else "",
            medium_url=medium_url,
            text_max=TEXT_MAX,
            quotes_max=QUOTES_MAX,
            poster_sizes=POSTER_SIZES,
            voices_sizes=VOICES_SIZES,
        ),
        status,
    )


@bp.route("/campagnes/<campaign_id>/restitution", methods=["GET", "POST"])
@bp.route("/demarches/<demarche_id>/restitution", methods=["GET", "POST"])
@coordinator_required
def restitution(campaign_id: str | None = None, demarche_id: str | None = None):
    found = target(campaign_id, demarche_id)
    if request.method == "GET":
        return _render(found)
    form = request.form
    chosen = restitutions.Composition(
        title=form.get("title", ""),
        charts=form.getlist("charts"),
        quotes=form.getlist("quotes"),
        retained=form.get("retained", ""),
        next_steps=form.get("next_steps", ""),
        figures=form.get("figures") == "1",
        drawings=form.getlist("drawings"),
        recordings=form.getlist("recordings"),
    )
    base = found.restitution
    try:
        saved = restitutions.save(services(), base, chosen, current_coordinator() or "", _zone())
    except restitutions.RestitutionError as exc:
        shown = Restitution.from_record(
            dict(
                base.to_record(),
                title=chosen.title,
                charts=chosen.charts,
                quotes=chosen.quotes,
                drawings=chosen.drawings,
                recordings=chosen.recordings,
                retained=chosen.retained,
                next_steps=chosen.next_steps,
                figures=chosen.figures,
            )
        )
        return _render(found, shown, exc.problems, 400)
    audit("restitution", f"restitution de {found.what} composée")
    flash("Restitution enregistrée." + (" La page publique montre ces choix." if saved.published else ""))
    return redirect(url_for("coordination.restitution", **found.args), 303)


def _stored_or_404(found: Target) -> Restitution:
    stored = restitutions.repository(services()).get(found.restitution.id)
    if stored is None:
        abort(404, description=NOT_COMPOSED)
    return stored


@bp.route("/campagnes/<campaign_id>/restitution/apercu")
@bp.route("/demarches/<demarche_id>/restitution/apercu")
@coordinator_required
def restitution_preview(campaign_id: str | None = None, demarche_id: str | None = None):
    """The page as the public will see it, with a band that says whether it is public."""
    found = target(campaign_id, demarche_id)
    shown = restitutions.page(services(), _stored_or_404(found), _zone())
    html = page_html(
        shown,
        url_for("static", filename="restitution.css"),
        preview=True,
        back_href=url_for("coordination.restitution", **found.args),
        medium_href=medium_url,
    )
    return Response(html, mimetype="text/html")


@bp.route("/campagnes/<campaign_id>/restitution/publier", methods=["POST"])
@bp.route("/demarches/<demarche_id>/restitution/publier", methods=["POST"])
@coordinator_required
def restitution_publish(campaign_id: str | None = None, demarche_id: str | None = None):
    found = target(campaign_id, demarche_id)
    stored = _stored_or_404(found)
    publish = request.form.get("publier") == "1"
    restitutions.set_published(services(), stored.id, publish, current_coordinator() or "")
    audit("restitution", f"restitution de {found.what} {'publiée' if publish else 'retirée'}")
    flash(
        "La restitution est publiée : sa page est ouverte à tous sur le réseau."
        if publish
        else "La restitution n'est plus publique : sa page, sa copie et ses affiches ne s'ouvrent plus."
    )
    return redirect(url_for("coordination.restitution", **found.args), 303)


def _published(found: Target) -> Restitution | None:
    stored = _stored_or_404(found)
    return stored if stored.published else None


@bp.route("/campagnes/<campaign_id>/restitution/copie.zip")
@bp.route("/demarches/<demarche_id>/restitution/copie.zip")
@coordinator_required
def restitution_copy(campaign_id: str | None = None, demarche_id: str | None = None):
    """The static copy: a zip of one folder, ``index.html`` and its stylesheet."""
    found = target(campaign_id, demarche_id)
    stored = _published(found)
    if stored is None:
        return render_error(409, NOT_PUBLISHED)
    shown = restitutions.page(services(), stored, _zone())
    folder = folder_name(shown)
    data = zip_bytes(copy_files(shown, services().media), folder)
    audit("export", f"copie de la restitution de {found.what}")
    return Response(
        data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{folder}.zip"'}
    )


def _renderer():
    return current_app.extensions["printing"].renderer()


@bp.route("/campagnes/<campaign_id>/restitution/<which>.pdf")
@bp.route("/demarches/<demarche_id>/restitution/<which>.pdf")
@coordinator_required
def restitution_poster(which: str, campaign_id: str | None = None, demarche_id: str | None = None):
    """``affiche``: the restitution poster (A4…A0, tiled on A4 or A3 when asked); ``paroles``:
    « Paroles d'habitants », one quote per A3 or A2 poster."""
    found = target(campaign_id, demarche_id)
    if which not in ("affiche", "paroles"):
        return render_error(404, "Cet imprimé n'existe pas.")
    stored = _published(found)
    if stored is None:
        return render_error(409, NOT_PUBLISHED)
    from ...printing import PrintError
    from ...printing.restitution import restitution_poster as poster
    from ...printing.restitution import voices_posters

    shown = restitutions.page(services(), stored, _zone())
    size = (request.args.get("size") or ("A2" if which == "affiche" else "A3")).strip().upper()
    try:
        if which == "affiche":
            pdf = poster(_renderer(), shown, _public_url(stored), size, request.args.get("tile") or None)
        else:
            pdf = voices_posters(_renderer(), shown, _public_url(stored), size, services().media)
    except PrintError as exc:
        return render_error(400, str(exc))
    audit("export", f"{which} de la restitution de {found.what} ({size})")
    name = f"{'affiche-restitution' if which == 'affiche' else 'paroles-habitants'}-{stored.slug}-{size}.pdf"
    response = Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
    allocator.give_back_after(response, current_app.config)
    return response
