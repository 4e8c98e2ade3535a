"""The web side: every blueprint and hook, registered by ``register(app)`` in one place.

Helpers every view shares (who is signed in, the 404 lookups, the safe redirect target)
are ``access.py``; the coordinator space is the ``coordination`` sub-package.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import request
from markupsafe import Markup

from ..formats import pictograms
from ..model import french_time
from ..model.consent import QUOTE_NOTICE
from ..model.questionnaire import language_words
from ..services.charts import count_text
from ..services.results import percent_text
from ..services.short_codes import give_codes
from . import (
    addresses,
    auth,
    compress,
    coordination,
    corrections,
    editor,
    editor_translations,
    errors,
    exports,
    field_errors,
    fieldwork,
    handover,
    help,
    kiosk,
    languages,
    media_uploads,
    offline,
    printing,
    privacy,
    provisional_look,
    public,
    ratelimit,
    restitution,
    security,
    short_codes,
    volunteer,
)

# The links under each campaign of the coordinator home, in this order.
COORDINATION_LINKS = [
    ("coordination.campaign", "Gérer la campagne"),
    ("coordination.results", "Résultats"),
    ("coordination.answers", "Lire les réponses"),
    ("coordination.restitution", "Restitution"),
    ("coordination.campaign_report_page", "Rapport"),
    ("exports.form", "Exporter les réponses"),
    ("terrain.report", "Terrain"),
    ("printing.index", "Imprimer"),
    ("coordination.handover_send", "Envoyer vers l'instance partagée"),
]
TRUE = {"1", "true", "oui", "yes", "on"}
# Pages with answers or codes must not stay in a shared tablet's cache.
NO_STORE_PREFIXES = ("coordination.", "volunteer.", "exports.")


def register(app) -> None:
    """Register every blueprint and hook. The order matters where a comment says so.

    Flask runs ``before_request`` hooks in the order they are added here and
    ``after_request`` hooks in the reverse order, so the sequence below is the one
    requests see: keep it unless you mean to change what a response ends up with.
    """
    # Error pages first: every later handler (the limiter's 429) renders through them.
    errors.add_hooks(app)
    # Before every other hook (the app's CSRF check too), the request's look at the stored
    # versions: a questionnaire the CLI or another server wrote is offered at the next request.
    app.before_request_funcs.setdefault(None, []).insert(0, provisional_look.begin_request)
    app.run_request = provisional_look.run_request  # a request whose look went stale runs again
    # Before every hook, the app's own too (its CSRF check reads the form): an answer with a photo
    # or a recording gets its bigger size limit before anything reads its body.
    app.before_request_funcs.setdefault(None, []).insert(0, media_uploads.media_body_first)
    # The language of each page (Flask-Babel): the respondent's, French for the coordinator space.
    languages.add_hooks(app)
    # Added first, so it runs last on every response: the security headers go on all of them.
    security.add_hooks(app)

    app.register_blueprint(public.bp)
    public.add_hooks(app)  # the form checks its own CSRF token; "/" is the endpoint « index »
    app.register_blueprint(auth.bp)
    app.register_blueprint(coordination.bp)  # importing the package added all its routes
    coordination.structure_identity.add_hooks(app)  # « Ma structure » (a logo) checks its own CSRF token
    links = app.config.setdefault("COORDINATION_LINKS", [])
    links.extend(link for link in COORDINATION_LINKS if link not in links)
    app.jinja_env.globals["coordination_links"] = links
    # The volunteer's before_app_request hook (who holds a code) runs before the limiter's.
    app.register_blueprint(volunteer.bp)
    app.register_blueprint(privacy.bp)
    _https_cookies(app)
    _behind_proxy(app)
    # The limiter counts before each request (its hooks come here, after the volunteer's);
    # the views it limits are wrapped at the end, once they all exist.
    limiter = ratelimit.add_limiter(app)
    _template_filters(app)
    app.after_request(_no_store_private_pages)

    app.register_blueprint(exports.bp)
    app.register_blueprint(fieldwork.bp)
    app.jinja_env.globals["quote_notice"] = QUOTE_NOTICE  # pages where a person answers alone
    app.register_blueprint(corrections.bp)
    app.register_blueprint(printing.bp)
    printing.add_hooks(app)  # the app's one PDF renderer
    # Added after the security headers and the no-store hook, so it runs before them.
    compress.add_hooks(app)
    app.register_blueprint(offline.bp)
    offline.add_hooks(app)
    app.register_blueprint(handover.bp)  # a laptop's hand-over (issue 15 §4): token, no CSRF
    handover.add_hooks(app)
    # The kiosk's hooks come last: its lock runs after every other before_request hook, and
    # its no-store header is the first after_request hook to run.
    app.register_blueprint(kiosk.bp)
    kiosk.add_hooks(app)
    app.register_blueprint(help.bp)
    app.register_blueprint(restitution.bp)  # the public restitution pages, once published
    restitution.add_hooks(app)
    app.register_blueprint(editor.bp)
    app.register_blueprint(editor_translations.bp)
    editor.add_hooks(app)  # the upload checks its own CSRF token
    # The ``short`` converter must exist before the blueprint's rules (``/<short:code>``) are added.
    app.url_map.converters["short"] = short_codes.ShortCodeConverter
    app.register_blueprint(short_codes.bp)
    give_codes(app.extensions["survey"].records)  # campaigns saved before short codes get theirs
    app.jinja_env.globals["public_url"] = addresses.public_url
    field_errors.add_hooks(app)  # the forms' one error pattern (templates/_field_errors.html)

    # Last: the limiter wraps view functions, so every limited view must be registered by now.
    ratelimit.limit_views(app, limiter)
    handover.limit_views(app, limiter)


def _https_cookies(app) -> None:
    """Served over HTTPS (behind a proxy, SURVEY_HTTPS=1): the session cookie travels only encrypted."""
    if str(app.config.get("HTTPS", "")).strip().lower() in TRUE or app.config.get("HTTPS") is True:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"


def _behind_proxy(app) -> None:
    """Behind nginx (BEHIND_PROXY, ``survey serve --proxy``): the client's address and scheme
    are the proxy's X-Forwarded-For/-Proto (one proxy trusted), so that rate limits and
    throttles count each client, not the proxy. Off without a proxy: anyone could forge them."""
    value = app.config.get("BEHIND_PROXY")
    if value is True or str(value or "").strip().lower() in TRUE:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # nginx sets Host itself


def _template_filters(app) -> None:
    zone = ZoneInfo(app.config["TIMEZONE"])
    # « 31 décembre 2026 » (jour), « 31 décembre 2026 à 9 h 30 » (heure), « 9 h 30 » (horaire).
    french_time.register_filters(app, zone)
    app.add_template_filter(percent_text, "pourcent")
    app.add_template_filter(count_text, "nombre")
    app.add_template_filter(language_words, "langue")
    # A choice's pictogram, inlined beside its words (public form, editor): our own files only.
    app.add_template_global(lambda name: Markup(pictograms.svg(name)), "choice_picto")


def _no_store_private_pages(response):
    if (request.endpoint or "").startswith(NO_STORE_PREFIXES):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
