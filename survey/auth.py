"""Coordinator accounts, login, and the audit log.

Coordinators log in with a name and a password (scrypt hash from Werkzeug).
Failed logins are throttled per name and per client address. Sensitive actions
(logins, exports, deletions, purges) are written to an audit log that
coordinators can read.
"""

from __future__ import annotations

import functools
import re
import time
import uuid

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import utc_now
from .services import services

bp = Blueprint("auth", __name__)

ACCOUNTS = "accounts"
AUDIT = "audit"
MIN_PASSWORD = 10
MAX_FAILURES = 5            # failed logins allowed…
FAILURE_WINDOW = 15 * 60    # …within this many seconds, then a pause of the same length
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


def current_coordinator() -> str | None:
    return session.get("coordinator")


def is_coordinator() -> bool:
    """A logged-in coordinator whose account still exists (or tests without login)."""
    if current_app.config.get("LOGIN_DISABLED"):
        return True
    name = current_coordinator()
    return bool(name) and services().records.get(ACCOUNTS, name) is not None


def coordinator_required(view):
    """Only a logged-in coordinator reaches this view."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_app.config.get("LOGIN_DISABLED"):
            g.coordinator = "test"
            return view(*args, **kwargs)
        name = current_coordinator()
        if not name or services().records.get(ACCOUNTS, name) is None:
            session.pop("coordinator", None)
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


class LoginThrottle:
    """Counts recent failed logins per key (name, client address); kept by the app."""

    def __init__(self):
        self.failures: dict[str, list[float]] = {}

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self.failures.get(key, []) if now - t < FAILURE_WINDOW]
        self.failures[key] = recent
        return recent

    def blocked_for(self, keys, now: float | None = None) -> int:
        """Seconds to wait before another try (0 = may try now)."""
        now = now or time.time()
        wait = 0
        for key in keys:
            recent = self._recent(key, now)
            if len(recent) >= MAX_FAILURES:
                wait = max(wait, int(FAILURE_WINDOW - (now - recent[0])) + 1)
        return wait

    def fail(self, keys, now: float | None = None) -> None:
        now = now or time.time()
        for key in keys:
            self._recent(key, now).append(now)

    def forget(self, keys) -> None:
        for key in keys:
            self.failures.pop(key, None)


def _throttle() -> LoginThrottle:
    return current_app.extensions.setdefault("survey_login_throttle", LoginThrottle())


def _safe_next(target: str | None) -> str:
    # Only a path of this site: never an absolute URL an attacker chose.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("coordination.home")


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
        keys = [f"nom:{name}", f"ip:{request.remote_addr}"]
        throttle = _throttle()
        wait = throttle.blocked_for(keys)
        if wait:
            minutes = max(1, round(wait / 60))
            error = (f"Trop d'essais sans succès. Par sécurité, attendez {minutes} minute"
                     f"{'s' if minutes > 1 else ''} avant de réessayer.")
            status = 429
        else:
            account = svc.records.get(ACCOUNTS, name) if name else None
            if account and check_password_hash(account["password_hash"], password):
                throttle.forget(keys)
                session.clear()
                session["coordinator"] = name
                session.permanent = True
                g.coordinator = name
                audit("connexion", f"connexion de {name}")
                return redirect(_safe_next(request.args.get("suite")), code=303)
            throttle.fail(keys)
            error = "Nom ou mot de passe incorrect."
            status = 401
    return render_template("auth/login.html", error=error, name=name), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    name = current_coordinator()
    if name:
        audit("déconnexion", f"déconnexion de {name}", who=name)
    session.clear()
    flash("Vous êtes déconnecté·e.")
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
                session.clear()
                session["coordinator"] = normalise_name(name)
                g.coordinator = normalise_name(name)
                audit("compte créé", f"premier compte coordinateur : {normalise_name(name)}")
                return redirect(url_for("coordination.home"), code=303)
    return render_template("auth/first_run.html", error=error, name=name), (422 if error else 200)


def init_app(app) -> None:
    app.register_blueprint(bp)
