"""The short address a person types (``/K7PX``): it opens the campaign's form. The codes
themselves (given, claimed, looked up) are ``survey/services/short_codes.py``."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.routing import BaseConverter

from ..catalogs import N_
from ..services.short_codes import ALPHABET, LENGTHS, campaign_for
from .access import services

bp = Blueprint("short_codes", __name__)


class ShortCodeConverter(BaseConverter):
    """Matches only what a short code can be: static paths (``/connexion``…) never match."""

    regex = f"[{ALPHABET}{ALPHABET.lower()}]{{{LENGTHS[0]},{LENGTHS[-1]}}}"


@bp.route("/<short:code>")
@bp.route("/<short:code>/")
def open_form(code: str):
    """A typed short address: the campaign's form (its query arguments carried)."""
    svc = services()
    campaign_id = campaign_for(svc.records, code)
    if campaign_id is None or svc.campaigns.get(campaign_id) is None:
        abort(
            404,
            description=N_(
                "Cette adresse courte ne correspond à aucune campagne. Vérifiez les lettres et "
                "les chiffres (il n'y a ni voyelle, ni 0, ni 1), ou demandez le bon lien à l'équipe."
            ),
        )
    return redirect(url_for("public.answer_form", campaign_id=campaign_id, **request.args.to_dict()), code=302)
