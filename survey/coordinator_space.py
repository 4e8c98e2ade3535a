"""Wires the coordinator space into the app: volunteer and privacy blueprints, the
links on the coordinator home, rate limits, cookie and cache settings, filters.

The coordinator routes themselves (campaign_admin, results_views, reading_views,
privacy_views, volunteer_views) belong to the ``coordination`` blueprint and are
imported by ``coordination.py``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import request

from . import french_time, privacy_views, ratelimit, volunteer_views
from .charts import count_text
from .model.questionnaire import language_words
from .results import percent_text

LINKS = [
    ("coordination.campaign", "Gérer la campagne"),
    ("coordination.results", "Résultats"),
    ("coordination.answers", "Lire les réponses"),
]
TRUE = {"1", "true", "oui", "yes", "on"}


def init_app(app) -> None:
    app.register_blueprint(volunteer_views.bp)
    app.register_blueprint(privacy_views.public_bp)
    links = app.config.setdefault("COORDINATION_LINKS", [])
    links[:0] = [link for link in LINKS if link not in links]
    # Served over HTTPS (behind a proxy, SURVEY_HTTPS=1): the session cookie travels only encrypted.
    if str(app.config.get("HTTPS", "")).strip().lower() in TRUE or app.config.get("HTTPS") is True:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    ratelimit.init_app(app)

    zone = ZoneInfo(app.config["TIMEZONE"])

    # « 31 décembre 2026 » (jour), « 31 décembre 2026 à 9 h 30 » (heure), « 9 h 30 » (horaire).
    french_time.register_filters(app, zone)
    app.add_template_filter(percent_text, "pourcent")
    app.add_template_filter(count_text, "nombre")
    app.add_template_filter(language_words, "langue")

    @app.after_request
    def no_store(response):
        # Pages with answers or codes must not stay in a shared tablet's cache.
        endpoint = request.endpoint or ""
        if endpoint.startswith(("coordination.", "volunteer.", "exports.")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
