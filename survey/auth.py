"""Coordinator accounts, login, and the audit log.

Coordinators log in with a name and a password (scrypt hash from Werkzeug).
Failed logins are throttled per name and per client address. Sensitive actions
(logins, exports, deletions, purges) are written to an audit log that
coordinators can read.
"""

from __future__ import annotations

import functools
import re
import secrets
import time
import uuid

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import utc_now
from .scope import local_target
from .services import services
from .throttle import Throttle, app_throttle, wait_words

bp = Blueprint("auth", __name__)

ACCOUNTS = "accounts"
AUDIT = "audit"
MIN_PASSWORD = 10
SESSIONS = "coordinator_sessions"  # one record per signed-in device: signing out deletes it
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class AccountError(ValueError):
    """A French message about an account that cannot be created."""


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def create_coordinator(svc, name: str, password: str) -> dict:
    name = normalise_name(name)
    if not _NAME.match(name):
        raise AccountError("Le nom doit faire 2 à 40 caractères : lettres minuscules sans accent, chiffres, "
                           "point, tiret ou « _ ».")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Le mot de passe doit faire au moins {MIN_PASSWORD} caractères.")
    record = {"id": name, "name": name, "role": "coordinator",
              "password_hash": generate_password_hash(password), "created_at": utc_now()}
    if not svc.records.add(ACCOUNTS, record):
        raise AccountError(f"Le nom « {name} » est déjà pris.")
    return record


def has_coordinator(svc) -> bool:
    return bool(svc.records.all(ACCOUNTS))


def start_coordinator_session(name: str) -> None:
    """Sign ``name`` in on this device: a server-side record the cookie points to.

    The cookie alone proves nothing: signing out deletes the record, so a copy of the cookie
    taken before stops working at once, and the record expires after
    ``COORDINATOR_SESSION_HOURS`` whatever the cookie says.
    """
    hours = current_app.config["COORDINATOR_SESSION_HOURS"]
    sid, now = secrets.token_urlsafe(24), time.time()
    records = services().records
    records.delete_where(SESSIONS, lambda r: r.get("expires", 0) < now)  # the list stays short
    records.add(SESSIONS, {"id": sid, "account": name, "started_at": utc_now(), "expires": now + hours * 3600})
    session.clear()
    session["coordinator"] = name
    session["coordinator_session"] = sid
    session.permanent = True
    g.coordinator = g.signed_in = name


def end_coordinator_session() -> None:
    sid = session.get("coordinator_session")
    if isinstance(sid, str):
        services().records.delete(SESSIONS, sid)
    session.clear()
    g.signed_in = None


def end_every_session(name: str) -> int:
    """« Se déconnecter de tous les appareils »: every device of this account signs in again."""
    return services().records.delete_where(SESSIONS, lambda r: r.get("account") == name)


def current_coordinator() -> str | None:
    """The coordinator signed in on this device, checked against the server's records."""
    if "signed_in" in g:
        return g.signed_in
    name, sid = session.get("coordinator"), session.get("coordinator_session")
    g.signed_in = None
    if isinstance(name, str) and isinstance(sid, str):
        records = services().records
        record = records.get(SESSIONS, sid)
        if (record and record.get("account") == name and record.get("expires", 0) > time.time()
                and records.get(ACCOUNTS, name) is not None):
            g.signed_in = name
    return g.signed_in


def is_coordinator() -> bool:
    """A logged-in coordinator whose account still exists (or tests without login)."""
    if current_app.config.get("LOGIN_DISABLED"):
        return True
    return current_coordinator() is not None


def coordinator_required(view):
    """Only a logged-in coordinator reaches this view."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_app.config.get("LOGIN_DISABLED"):
            g.coordinator = "test"
            return view(*args, **kwargs)
        name = current_coordinator()
        if not name:
            session.pop("coordinator", None)
            session.pop("coordinator_session", None)
            return redirect(url_for("auth.login", suite=request.full_path))
        g.coordinator = name
        return view(*args, **kwargs)

    return wrapped


def audit(action: str, detail: str = "", who: str | None = None) -> None:
    """Record who did what, when (read by coordinators in the audit page)."""
    services().records.append(AUDIT, {
        "id": str(uuid.uuid4()), "at": utc_now(), "action": action, "detail": detail,
        "who": who or getattr(g, "coordinator", None) or current_coordinator() or "",
    })


def _throttle() -> Throttle:
    return app_throttle("login", "LOGIN")


def _wait_message(wait: int) -> str:
    return f"Trop d'essais sans succès depuis cet appareil. Par sécurité, attendez {wait_words(wait)} avant de réessayer."


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
            account = svc.records.get(ACCOUNTS, name) if name else None
            if account and check_password_hash(account["password_hash"], password):
                throttle.forget(address, name)
                start_coordinator_session(name)
                audit("connexion", f"connexion de {name}")
                return redirect(local_target(request.args.get("suite"), url_for("coordination.home")), code=303)
            throttle.fail(address, name)
            error = "Nom ou mot de passe incorrect."
            status = 401
    return render_template("auth/login.html", error=error, name=name), status


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
    flash("Vous êtes déconnecté·e de tous vos appareils." if name and everywhere
          else "Vous êtes déconnecté·e.")
    return redirect(url_for("index"), code=303)


@bp.route("/premier-demarrage", methods=["GET", "POST"])
def first_run():
    """Create the first coordinator; the page disappears once one exists."""
    svc = services()
    if has_coordinator(svc):
        abort(404)
    error = None
    name = ""
    if request.method == "POST":
        name = request.form.get("nom", "")
        password = request.form.get("mot_de_passe", "")
        if password != request.form.get("confirmation", ""):
            error = "Les deux mots de passe ne sont pas identiques."
        else:
            try:
                create_coordinator(svc, name, password)
            except AccountError as exc:
                error = str(exc)
            else:
                start_coordinator_session(normalise_name(name))
                audit("compte créé", f"premier compte coordinateur : {normalise_name(name)}")
                return redirect(url_for("coordination.home"), code=303)
    return render_template("auth/first_run.html", error=error, name=name), (422 if error else 200)


def init_app(app) -> None:
    app.register_blueprint(bp)
