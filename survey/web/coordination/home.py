"""The coordinator home: campaigns at a glance, and the way to every tool."""

from __future__ import annotations

from flask import render_template

from ..access import coordinator_required, services
from .blueprint import bp


@bp.route("/")
@coordinator_required
def home():
    svc = services()
    rows = [(c, svc.questionnaire_for(c), svc.answers.count(c.id)) for c in svc.campaigns.all()]
    return render_template("coordination/home.html", rows=rows, problems=svc.library.problems)
