"""The network coordinator's pages (issue 15 §3): the structures with their campaigns and
answer counts, a new structure, a new coordinator account for a structure.

Only a network coordinator reaches them; the rules are ``services/structures.py``, the
accounts' ``services/accounts.py`` (the same rules as ``survey coordinator add``). A
structure's printed identity (name, RGPD contact, logo) is edited on its own page
(``structure_identity.py``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ...model.structure import ROLE_COORDINATOR, ROLE_NETWORK
from ...services import structures
from ...services.accounts import AccountError, create_coordinator, normalise_name
from ..access import audit, coordinator_required, current_account, services
from .blueprint import bp

NETWORK_ONLY = "Cette page est réservée à la coordination du réseau. Demandez-lui d'ajouter une structure ou un compte."


def network_required() -> None:
    if not structures.is_network(current_account()):
        abort(403, description=NETWORK_ONLY)


@bp.route("/structures/", methods=["GET", "POST"])
@coordinator_required
def structures_list():
    """Every structure with its campaigns and their answers (kept counts), and « Nouvelle structure »."""
    network_required()
    svc = services()
    error = None
    typed = {"identifiant": "", "nom": "", "contact": ""}
    if request.method == "POST":
        typed = {key: request.form.get(key, "").strip() for key in typed}
        try:
            created = structures.create_structure(svc, typed["identifiant"], typed["nom"], typed["contact"])
        except structures.StructureError as exc:
            error = exc.message
        else:
            audit("structure créée", f"structure {created.id} : {created.name}", structure_id=created.id)
            flash(f"La structure « {created.name} » est créée. Ajoutez maintenant le compte de sa coordination.")
            return redirect(url_for("coordination.structure_account", structure_id=created.id), code=303)
    figures = structures.network_figures(svc)
    return render_template(
        "coordination/structures.html",
        figures=figures,
        total=sum(f.answers for f in figures),
        network_accounts=structures.network_accounts(svc),
        error=error,
        typed=typed,
    ), (422 if error else 200)


@bp.route("/structures/<structure_id>/comptes", methods=["GET", "POST"])
@coordinator_required
def structure_account(structure_id: str):
    """A coordinator account for this structure (or one more network coordinator)."""
    network_required()
    svc = services()
    structure = svc.structures.get(structure_id)
    if structure is None:
        abort(404, description="Cette structure n'existe pas. Vérifiez l'adresse.")
    error, name, role = None, "", ROLE_COORDINATOR
    if request.method == "POST":
        name = request.form.get("nom", "")
        role = ROLE_NETWORK if request.form.get("role") == ROLE_NETWORK else ROLE_COORDINATOR
        password = request.form.get("mot_de_passe", "")
        if password != request.form.get("confirmation", ""):
            error = "Les deux mots de passe ne sont pas identiques."
        else:
            try:
                record = create_coordinator(svc, name, password, structure.id, role)
            except AccountError as exc:
                error = exc.message
            else:
                what = "coordination du réseau" if role == ROLE_NETWORK else f"coordination de {structure.name}"
                audit("compte créé", f"compte {record['name']} : {what}", structure_id=structure.id)
                flash(f"Le compte « {record['name']} » est créé ({what}). Donnez-lui son mot de passe de vive voix.")
                return redirect(url_for("coordination.structures_list"), code=303)
    return render_template(
        "coordination/structure_account.html",
        structure=structure,
        error=error,
        name=normalise_name(name),
        role=role,
        network=ROLE_NETWORK,
    ), (422 if error else 200)
