"""Signing coordinators in and out, and the audit log of what the signed-in person does.

Coordinators log in with a name and a password (scrypt hash from Werkzeug); the accounts
and the log as stored are ``Services.accounts`` and ``Services.journal``.
Failed logins are throttled per name and per client address. Sensitive actions
(logins, exports, deletions, purges) are written to an audit log that
coordinators can read.
"""

from __future__ import annotations

import secrets
import time

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash

from ..model.clock import utc_now
from ..model.structure import ROLE_NETWORK
from ..services.accounts import AccountError, create_coordinator, has_coordinator, normalise_name
from .access import audit, current_coordinator, local_target, services
from .field_errors import on
from .throttle import Throttle, app_throttle, wait_words

bp = Blueprint("auth", __name__)


def start_coordinator_session(name: str) -> None:
    """Sign ``name`` in on this device: a server-side record the cookie points to.

    The cookie alone proves nothing: signing out deletes the record, so a copy of the cookie
    taken before stops working at once, and the record expires after
    ``COORDINATOR_SESSION_HOURS`` whatever the cookie says.
    """
    hours = current_app.config["COORDINATOR_SESSION_HOURS"]
    sid, now = secrets.token_urlsafe(24), time.time()
    sign_ins = services().sign_ins
    sign_ins.delete_where(lambda r: r.get("expires", 0) < now)  # the list stays short
    sign_ins.add({"id": sid, "account": name, "started_at": utc_now(), "expires": now + hours * 3600})
    session.clear()
    session["coordinator"] = name
    session["coordinator_session"] = sid
    session.permanent = True
    g.coordinator = g.signed_in = name
    g.account = services().accounts.get(name)


def end_coordinator_session() -> None:
    sid = session.get("coordinator_session")
    if isinstance(sid, str):
        services().sign_ins.delete(sid)
    session.clear()
    g.signed_in = None


def end_every_session(name: str) -> int:
    """« Se déconnecter de tous les appareils »: every device of this account signs in again."""
    return services().sign_ins.delete_where(lambda r: r.get("account") == name)


MISMATCH = "Les deux mots de passe ne sont pas identiques."


def _throttle() -> Throttle:
    return app_throttle("login", "LOGIN")


def _wait_message(wait: int) -> str:
    return (
        f"Trop d'essais sans succès depuis cet appareil. Par sécurité, attendez {wait_words(wait)} avant de réessayer."
    )


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    svc = services()
    if not has_coordinator(svc):
        return redirect(url_for("auth.first_run"))
    error = None
    status = 200
    name = ""
    if request.method == "POST":
        name = normalise_name(request.form.get("nom", ""))
        password = request.form.get("mot_de_passe", "")
        address = request.remote_addr or ""
        throttle = _throttle()
        wait = throttle.blocked_for(address, name)
        if wait:
            error = _wait_message(wait)
            status = 429
        else:
            account = svc.accounts.get(name) if name else None
            if account and check_password_hash(account["password_hash"], password):
                throttle.forget(address, name)
                start_coordinator_session(name)
                audit("connexion", f"connexion de {name}")
                return redirect(local_target(request.args.get("suite"), url_for("coordination.home")), code=303)
            throttle.fail(address, name)
            error = "Nom ou mot de passe incorrect."
            status = 401
    field = "nom" if status == 429 else "mot_de_passe"
    return render_template("auth/login.html", field_errors=on(field, error), name=name), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    name = current_coordinator()
    everywhere = request.form.get("partout") == "1"
    if name and everywhere:
        count = end_every_session(name)
        audit("déconnexion", f"{name} déconnecté·e de tous les appareils ({count})", who=name)
    elif name:
        audit("déconnexion", f"déconnexion de {name}", who=name)
    end_coordinator_session()
    flash("Vous êtes déconnecté·e de tous vos appareils." if name and everywhere else "Vous êtes déconnecté·e.")
    return redirect(url_for("index"), code=303)


@bp.route("/premier-demarrage", methods=["GET", "POST"])
def first_run():
    """Create the first coordinator; the page disappears once one exists. The person installing
    the app coordinates the whole network (``ROLE_NETWORK``): on a laptop that changes nothing
    (one structure), on a shared instance it is who adds the structures and their accounts."""
    svc = services()
    if has_coordinator(svc):
        abort(404)
    error = None
    name = ""
    if request.method == "POST":
        name = request.form.get("nom", "")
        password = request.form.get("mot_de_passe", "")
        if password != request.form.get("confirmation", ""):
            error = MISMATCH
        else:
            try:
                create_coordinator(svc, name, password, role=ROLE_NETWORK)
            except AccountError as exc:
                error = str(exc)
            else:
                start_coordinator_session(normalise_name(name))
                audit("compte créé", f"premier compte coordinateur : {normalise_name(name)}")
                return redirect(url_for("coordination.home"), code=303)
    field = "confirmation" if error == MISMATCH else "mot_de_passe" if error and "mot de passe" in error else "nom"
    return render_template("auth/first_run.html", field_errors=on(field, error), name=name), (422 if error else 200)
