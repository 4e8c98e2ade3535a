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

import functools

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
    _without_idle_hooks(app, limiter)

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


def _without_idle_hooks(app, limiter: Limiter) -> None:
    """Every limit here wraps its view (``limit_views``), which checks it; Flask-Limiter also
    hooks every request of the app, for what we do not use:
    - before it, a check of limits for the whole app, which we have none of (about 25 µs of every
      page, three of them per respondent);
    - after it, the ``X-RateLimit-…`` headers (off unless ``RATELIMIT_HEADERS_ENABLED``) and the
      costs of limits counted on the response (``deduct_when``: none of ours);
    - at its end, emptying the limiter's state of this request, kept on the request itself,
      which goes with it.
    Together, about 4 % of each answer sent. Each stays if the configuration asks for what it does."""
    manager = limiter.limit_manager
    if not (manager.default_limits or manager.application_limits or app.config.get("RATELIMIT_META")):
        hooks = app.before_request_funcs.get(None, [])
        check = getattr(limiter, "_check_request_limit", None)  # bound method: equal, not identical
        if check in hooks:
            hooks.remove(check)
    if not app.config.get("RATELIMIT_HEADERS_ENABLED"):
        after = app.after_request_funcs.get(None, [])
        after[:] = [hook for hook in after if not (isinstance(hook, functools.partial) and limiter in hook.args)]
    teardown = app.teardown_request_funcs.get(None, [])
    teardown[:] = [hook for hook in teardown if getattr(hook, "__self__", None) is not limiter]


def limit_view(app, endpoint: str, decorator) -> None:
    """The view counted by ``decorator`` (a Flask-Limiter limit), unless the client is the
    machine itself, which goes straight to the view: Flask-Limiter would find it exempt only
    after resolving the view's limits, about 70 µs of each answer sent."""
    view = app.view_functions[endpoint]
    limited = decorator(view)

    @functools.wraps(view)
    def counted_unless_from_this_machine(*args, **kwargs):
        return view(*args, **kwargs) if from_this_machine() else limited(*args, **kwargs)

    app.view_functions[endpoint] = counted_unless_from_this_machine


def limit_views(app, limiter: Limiter) -> None:
    """Wrap the limited views: they must all be registered already (``web.register`` calls
    this last), since a view missing here would simply not be limited. None of these limits
    counts on the response (``deduct_when``): ``_without_idle_hooks`` relies on it."""

    def wrap(endpoint: str, decorator) -> None:
        limit_view(app, endpoint, decorator)

    wrap("public.answer_form", limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"], methods=["POST"]))
    # Guessing volunteer codes, typed or as links: one count per client for both.
    code_limit = lambda: current_app.config["VOLUNTEER_CODE_RATE_LIMIT"]  # noqa: E731
    wrap("volunteer.home", limiter.shared_limit(code_limit, scope="volunteer-code", methods=["POST"]))
    wrap("volunteer.link", limiter.shared_limit(code_limit, scope="volunteer-code"))
    # A tablet's queue sends one answer after another: more room than the form.
    wrap("offline.submit", limiter.limit(lambda: current_app.config["OFFLINE_RATE_LIMIT"]))
