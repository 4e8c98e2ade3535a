"""The coordinator space: campaigns at a glance, and the way to every tool."""

from __future__ import annotations

from flask import Blueprint, render_template

from .auth import coordinator_required
from .services import services

bp = Blueprint("coordination", __name__, url_prefix="/coordination")


@bp.route("/")
@coordinator_required
def home():
    svc = services()
    rows = [(c, svc.questionnaire_for(c), svc.answers.count(c.id)) for c in svc.campaigns.all()]
    return render_template("coordination/home.html", rows=rows, problems=svc.library.problems)



def init_app(app) -> None:
    app.register_blueprint(bp)
    # Links on each campaign of the coordinator home: each feature adds its own.
    app.config.setdefault("COORDINATION_LINKS", [])
    app.jinja_env.globals["coordination_links"] = app.config["COORDINATION_LINKS"]


# The rest of the coordinator space lives in its own modules, as routes of this
# blueprint: imported here so that they exist before the blueprint is registered.
from . import campaign_admin, privacy_views, reading_views, results_views, volunteer_views  # noqa: E402,F401
from . import settings_views  # noqa: E402,F401
