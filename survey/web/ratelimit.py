"""Per-client limits on what a script could flood: the public form and volunteer codes.

Flask-Limiter, counting where ``RATELIMIT_STORAGE_URI`` says: in memory (``memory://``,
the default) for the laptop's single waitress process; the workers of a shared instance
count together in Redis (``redis://…``, docs/DEPLOYMENT.md). The ``limits`` library has no
PostgreSQL storage (memory, Redis/Valkey, Memcached, MongoDB only), so the database cannot
hold these counts; the login and kiosk throttles (``throttle.py``) are in the database.
Counted per client address (``request.remote_addr``); the machine itself
(loopback) is not limited. Behind a reverse proxy the app would see one address
for everybody: pass the real one (werkzeug's ProxyFix) before relying on this.
Off while testing, unless a test sets ``RATELIMIT_ENABLED``.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from ..catalogs import N_
from .errors import render_error

FORM_MESSAGE = N_(
    "Trop d'envois en peu de temps depuis cet appareil. Attendez une minute, revenez en "
    "arrière (vos réponses sont encore dans la page) puis envoyez à nouveau."
)
CODE_ENDPOINTS = ("volunteer.home", "volunteer.link")
LOOPBACK = {"127.0.0.1", "::1"}
CODE_MESSAGE = N_("Trop d'essais de code en peu de temps. Attendez une minute avant de réessayer.")


def from_this_machine() -> bool:
    """The laptop itself (its browser, a kiosk on it, a benchmark) is not the flood we fear."""
    return request.remote_addr in LOOPBACK


def add_limiter(app) -> Limiter:
    """The limiter and its hooks (it counts before each request), and the French 429 page."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        default_limits=[],
        strategy="moving-window",
    )
    app.extensions["survey_limiter"] = limiter
    _without_idle_check(app, limiter)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        message = (
            FORM_MESSAGE
            if request.endpoint == "public.answer_form"
            else (CODE_MESSAGE if request.endpoint in CODE_ENDPOINTS else None)
        )
        response, status = render_error(429, message)
        return response, status, {"Retry-After": "60"}

    return limiter


def _without_idle_check(app, limiter: Limiter) -> None:
    """Every limit here wraps its view (``limit_views``), which checks it; Flask-Limiter also
    checks before every request for limits of the whole app, which we have none of: that check
    found nothing yet cost about 25 µs of every page (three of them per respondent).
    It stays if the configuration ever sets such limits (``RATELIMIT_DEFAULT``…)."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or app.config.get("RATELIMIT_META"):
        return
    hooks = app.before_request_funcs.get(None, [])
    check = getattr(limiter, "_check_request_limit", None)  # bound method: equal, not identical
    if check in hooks:
        hooks.remove(check)


def limit_views(app, limiter: Limiter) -> None:
    """Wrap the limited views: they must all be registered already (``web.register`` calls
    this last), since a view missing here would simply not be limited."""

    def wrap(endpoint: str, decorator) -> None:
        app.view_functions[endpoint] = decorator(app.view_functions[endpoint])

    wrap(
        "public.answer_form",
        limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"], methods=["POST"], exempt_when=from_this_machine),
    )
    # Guessing volunteer codes, typed or as links: one count per client for both.
    code_limit = lambda: current_app.config["VOLUNTEER_CODE_RATE_LIMIT"]  # noqa: E731
    wrap(
        "volunteer.home",
        limiter.shared_limit(code_limit, scope="volunteer-code", methods=["POST"], exempt_when=from_this_machine),
    )
    wrap("volunteer.link", limiter.shared_limit(code_limit, scope="volunteer-code", exempt_when=from_this_machine))
    # A tablet's queue sends one answer after another: more room than the form.
    wrap(
        "offline.submit", limiter.limit(lambda: current_app.config["OFFLINE_RATE_LIMIT"], exempt_when=from_this_machine)
    )
