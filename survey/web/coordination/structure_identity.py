"""« Ma structure » (``/coordination/structure``): the name, RGPD contact and logo that every
printable of the structure's campaigns carries (``services/structure_identity.py``).

One form sends the three together (the logo as a file), so it is larger than the app's usual
limit: the view raises the limit and checks the CSRF token itself, as the questionnaire import
does, so that a too-big logo gets the page's own French message rather than a bare 413.
"""

from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from wtforms.validators import ValidationError

from ...model.structure import CONTACT_MAX, NAME_MAX, owner_of
from ...services import structure_identity as identity
from ..access import audit, coordinator_required, current_account, services
from .blueprint import bp

UPLOAD_SLACK = 64 * 1024  # the form's fields and multipart overhead, above the logo itself
TOO_BIG = (
    f"Le logo est trop lourd : la limite est de {identity.MAX_LOGO_BYTES // (1024 * 1024)} Mo. "
    "Enregistrez-le plus petit (en PNG ou en JPEG), puis envoyez-le."
)
EXPIRED = "La page a expiré. Rechargez-la, puis envoyez à nouveau le formulaire."


def add_hooks(app) -> None:
    # The form checks its own token once the bigger size limit is set (see save_structure_identity).
    app.extensions["csrf"].exempt(save_structure_identity)


def coordinator_structure() -> str:
    """The structure whose identity this coordinator edits: their account's (the default one for
    an account from before structures, and for a network coordinator's own)."""
    return owner_of(current_account() or {})


def _page(errors: list[str] | None = None, typed: dict | None = None, status: int = 200):
    structure = services().structures.owning(coordinator_structure())
    return render_template(
        "coordination/structure_identity.html",
        structure=structure,
        name=typed["name"] if typed else identity.chosen_name(structure),
        contact=typed["contact"] if typed else structure.contact,
        errors=errors or [],
        name_max=NAME_MAX,
        contact_max=CONTACT_MAX,
        logo_max=identity.MAX_LOGO_BYTES // (1024 * 1024),
    ), status


@bp.route("/structure", methods=["GET"])
@coordinator_required
def structure_identity():
    return _page()


@bp.route("/structure", methods=["POST"])
@coordinator_required
def save_structure_identity():
    request.max_content_length = identity.MAX_LOGO_BYTES + UPLOAD_SLACK
    if (request.content_length or 0) > request.max_content_length:
        return _page([TOO_BIG], status=413)  # said before reading a byte of it
    try:
        form, upload = request.form, request.files.get("logo")
    except RequestEntityTooLarge:  # a body sent without its length
        return _page([TOO_BIG], status=413)
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(form.get("csrf_token"))
        except ValidationError:
            return _page([EXPIRED], status=400)
    typed = {"name": form.get("nom", ""), "contact": form.get("contact", "")}
    logo = upload.read(identity.MAX_LOGO_BYTES + 1) if upload is not None and upload.filename else None
    change = identity.IdentityChange(typed["name"], typed["contact"], logo, remove_logo=bool(form.get("retirer_logo")))
    svc = services()
    structure_id = coordinator_structure()
    before = svc.structures.owning(structure_id)
    try:
        after = identity.save_identity(svc, structure_id, change)
    except identity.IdentityError as exc:
        return _page(exc.problems, typed, status=422)
    audit("identité de la structure changée", identity.describe_change(before, after))
    flash("Enregistré. Les prochaines affiches, panneaux et feuilles imprimeront ce nom, ce contact et ce logo.")
    return redirect(url_for("coordination.structure_identity"), code=303)


@bp.route("/structure/logo", methods=["GET"])
@coordinator_required
def structure_logo():
    """The logo as stored, for the page's preview."""
    structure = services().structures.owning(coordinator_structure())
    data = identity.read_logo(services(), structure)
    if data is None:
        raise NotFound("Cette structure n'a pas de logo.")
    response = send_file(io.BytesIO(data), mimetype=identity.logo_type(structure))
    response.headers["Cache-Control"] = "private, no-cache"
    return response
