"""Porteur de parole: collect what inhabitants say, on tablets, QR posters and paper."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import config as configuration
from .model.errors import SurveyError
from .services import Services, structures
from .storage import StaleLook

__version__ = "0.1.0"


class DataFolderError(SurveyError, RuntimeError):
    """The data folder cannot be created or written: said in French to the user."""

    status = 500


def _check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"Impossible de créer le dossier de données « {path} » ({exc.strerror}).") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataFolderError(f"Le dossier de données « {path} » n'est pas accessible en écriture.")


class SurveyFlask(Flask):
    """Flask, with ``ensure_sync`` (documented as the method to override) worked out once per
    function: Flask asks it of every hook of every request, and each answer went through 13 of
    them (``inspect`` each time, about 2 % of a POST). Bounded: functions made for one request
    (``after_this_request``) must not pile up. And a request runs through ``run_request``, which
    runs it again when what it read went stale (``StaleLook``, never turned into an error page:
    ``web/provisional_look.py``)."""

    SYNC_KEPT = 512

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._made_sync: dict = {}
        # How a request is run: ``web.register`` sets ``web.provisional_look.run_request``.
        self.run_request: Callable[[Callable], object] = lambda dispatch: dispatch()

    def full_dispatch_request(self):
        return self.run_request(super().full_dispatch_request)

    def handle_user_exception(self, e):
        if isinstance(e, StaleLook):  # not an error: the request runs again (``run_request``)
            raise e
        return super().handle_user_exception(e)

    def ensure_sync(self, func):
        try:
            return self._made_sync[func]
        except KeyError:
            pass
        except TypeError:  # not hashable: asked each time
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if len(self._made_sync) >= self.SYNC_KEPT:
            self._made_sync.clear()
        self._made_sync[func] = made
        return made


def create_app(test_config: dict | None = None) -> Flask:
    """The application factory (as in the Flask tutorial)."""
    app = SurveyFlask(__name__)
    app.config.update(configuration.build(test_config))
    data_dir = Path(app.config["DATA_DIR"])
    _check_data_dir(data_dir)
    if not app.config.get("SECRET_KEY"):
        try:
            app.config["SECRET_KEY"] = configuration.secret_key(data_dir)
        except OSError as exc:
            raise DataFolderError(
                f"Impossible d'écrire la clé secrète dans « {data_dir} » "
                f"({exc.strerror}). Libérez de la place sur le disque puis relancez."
            ) from None

    app.extensions["survey"] = Services.open(app.config)
    structures.ensure_default(app.extensions["survey"])  # the laptop's one structure, from the first start
    app.teardown_request(app.extensions["survey"].request_ended)
    CSRFProtect(app)

    from .web import register  # loaded with the first app: a command that makes none does not load it

    register(app)
    return app
