"""Who may run a field session: a coordinator, or a volunteer of that campaign."""

from __future__ import annotations

import functools

from flask import abort, current_app, g, session

from .. import volunteers
from ..auth import current_coordinator, is_coordinator
from ..services import services


def team_member(campaign_id: str) -> str | None:
    """The name that signs what this person captures, or None if not in the team."""
    if current_app.config.get("LOGIN_DISABLED"):
        return "test"
    if is_coordinator():
        return current_coordinator()
    record = volunteers.check_session(services(), session)
    if record and record.get("campaign") == campaign_id:
        return record["pseudonym"]
    return None


def team_required(view):
    """The view takes ``campaign_id``; only its team gets in (403 in French otherwise)."""

    @functools.wraps(view)
    def wrapped(campaign_id, *args, **kwargs):
        member = team_member(campaign_id)
        if member is None:
            abort(403, description="Cette page est réservée à l'équipe de la campagne. Connectez-vous, "
                                   "ou entrez le code bénévole que la coordination vous a donné.")
        g.team_member = member
        return view(campaign_id, *args, **kwargs)

    return wrapped
