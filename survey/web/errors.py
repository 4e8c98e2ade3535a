"""Every error a person can meet gets a page in plain French.

A ``SurveyError`` (``model/errors.py``) that no view caught is a refusal, not a crash: its own
French message on the page, with its ``status``, and no traceback in the page or the log."""

from __future__ import annotations

import errno

from flask import jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..catalogs import N_
from ..model.errors import SurveyError

MESSAGES = {
    400: (N_("Demande incorrecte"), N_("La page a reçu une demande qu'elle ne comprend pas.")),
    403: (N_("Accès refusé"), N_("Vous n'avez pas accès à cette page.")),
    404: (N_("Page introuvable"), N_("Cette page n'existe pas. Vérifiez l'adresse.")),
    405: (N_("Action impossible"), N_("Cette page ne permet pas cette action.")),
    409: (N_("Déjà enregistré"), N_("Cette réponse a déjà été enregistrée.")),
    410: (N_("Terminé"), N_("Cette page n'est plus disponible.")),
    413: (
        N_("Envoi trop gros"),
        N_("Ce que vous avez envoyé est trop gros. Raccourcissez vos réponses puis réessayez."),
    ),
    422: (N_("Action impossible"), N_("Ce qui a été envoyé ne peut pas être utilisé tel quel.")),
    429: (N_("Trop d'envois"), N_("Trop d'envois en peu de temps. Attendez une minute puis réessayez.")),
    500: (N_("Erreur de l'application"), N_("Un problème est survenu de notre côté. Réessayez dans un instant.")),
    503: (
        N_("Disque plein"),
        N_(
            "L'ordinateur qui fait tourner l'application n'a plus de place pour enregistrer. "
            "Rien n'a été enregistré pour cette action. Prévenez la personne qui coordonne : "
            "il faut libérer de la place sur le disque, puis réessayer."
        ),
    ),
}

# The JSON doors (the tablets' queue, a laptop's hand-over): their errors are ``{"message": …}``.
API = "/api/"

# Errors that mean « no room left »: a full disk, or a quota reached.
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


def said(error: SurveyError) -> str:
    """A refusal in the page's language: its French ``template`` is the catalog's message id
    (marked ``N_`` where it is raised), its ``values`` filled in after; French when the catalog
    lacks it. A tablet's queue (``/api/``) keeps the French: only the coordination reads it."""
    if request.path.startswith(API):
        return error.message
    return gettext(error.template, **error.values) if error.values else gettext(error.template)


def render_error(code: int, description: str | None = None, title: str | None = None):
    default_title, default = MESSAGES.get(code, MESSAGES[500])
    message = description or default
    if request.path.startswith(API):  # a tablet's queue reads the message, not a page
        response = jsonify(message=message)
        response.headers["Cache-Control"] = "no-store"
        return response, code
    # In the page's language when the catalog has the words (the defaults above, marked messages).
    title, message = gettext(title or default_title), gettext(message)
    return render_template("error.html", title=title, message=message, code=code), code


def add_hooks(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, N_("La page a expiré. Revenez en arrière, rechargez la page et réessayez."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Our own abort() calls carry a French description; Werkzeug's defaults are English.
        description = error.description if _is_french(error) else None
        return render_error(error.code or 500, description)

    @app.errorhandler(SurveyError)
    def refused(error: SurveyError):
        # Flask picks the handler of the closest class: this one, not ``unexpected``, for every
        # subclass. Logged as a line, since the message is the whole story.
        app.logger.warning("refused (%s %s): %s", type(error).__name__, error.status, error.message)
        return render_error(error.status, said(error), getattr(error, "title", None))

    @app.errorhandler(Exception)
    def unexpected(error):
        if is_disk_full(error):
            app.logger.error("disk full: %s", error)
            return render_error(503)
        app.logger.exception("unexpected error")
        return render_error(500)


def _is_french(error) -> bool:
    description = error.description or ""
    return type(error).description != description
