"""Porteur de parole: collect what inhabitants say, on tablets, QR posters and paper."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import config as configuration
from .services import Services

__version__ = "0.1.0"


class DataFolderError(RuntimeError):
    """The data folder cannot be created or written: said in French to the user."""


def _check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"Impossible de créer le dossier de données « {path} » ({exc.strerror}).") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataFolderError(f"Le dossier de données « {path} » n'est pas accessible en écriture.")


def create_app(test_config: dict | None = None) -> Flask:
    """The application factory (as in the Flask tutorial)."""
    app = Flask(__name__)
    app.config.update(configuration.build(test_config))
    data_dir = Path(app.config["DATA_DIR"])
    _check_data_dir(data_dir)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = configuration.secret_key(data_dir)

    app.extensions["survey"] = Services.open(app.config)
    CSRFProtect(app)

    from . import auth, coordination, errors, public, security
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(public.bp)
    # The answer form checks its own token so that an expired one re-shows the
    # person's answers instead of an error page that would lose them.
    app.extensions["csrf"].exempt(public.answer_form)
    app.register_blueprint(auth.bp)
    app.register_blueprint(coordination.bp)
    # Links on each campaign of the coordinator home: features add theirs here.
    app.config.setdefault("COORDINATION_LINKS", [])
    app.jinja_env.globals["coordination_links"] = app.config["COORDINATION_LINKS"]
    from .exports import views as exports_views
    exports_views.init_app(app)
    from . import coordinator_space
    coordinator_space.init_app(app)
    from .fieldwork import views as fieldwork_views
    app.register_blueprint(fieldwork_views.bp)
    app.config["COORDINATION_LINKS"].append(("terrain.report", "Terrain"))
    from .printing import views as printing_views
    printing_views.init_app(app)
    from . import compress, https_help, kiosk, offline  # tablets: offline queue, kiosk mode, HTTPS help
    compress.init_app(app)
    offline.init_app(app)
    kiosk.init_app(app)
    app.register_blueprint(https_help.bp)
    from . import editor  # questionnaire editor, versions, XLSForm exchange
    editor.init_app(app)
    app.add_url_rule("/", endpoint="index")
    return app
