"""The coordinator home: campaigns at a glance, and the way to every tool."""

from __future__ import annotations

from flask import render_template

from ...services.structures import is_network
from ..access import coordinator_required, current_account, services, visible_campaigns
from .blueprint import bp


@bp.route("/")
@coordinator_required
def home():
    svc = services()
    rows = [(c, svc.questionnaire_for(c), svc.answers.count(c.id)) for c in visible_campaigns()]
    account = current_account()
    return render_template(
        "coordination/home.html",
        rows=rows,
        problems=svc.library.problems,
        network=is_network(account),
        structure=svc.structures.owning((account or {}).get("structure_id", "")),
    )
