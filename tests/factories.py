"""Test data factories (as CTFd's gen_* helpers): answers and accounts."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

COORDINATOR = ("camille", "un-mot-de-passe-long")


def make_answer(campaign: str, questionnaire: str, **overrides) -> dict:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    answer = {
        "id": str(uuid.uuid4()),
        "campaign": campaign,
        "questionnaire": questionnaire,
        "version": 1,
        "channel": "qr",
        "collector": "",
        "session": None,
        "poster": None,
        "started_at": now,
        "submitted_at": now,
        "language": "fr",
        "answers": {},
        "tags": [],
        "hidden": False,
    }
    answer.update(overrides)
    return answer


def add_answers(app, campaign_id: str, n: int, **overrides) -> list[dict]:
    """Store ``n`` answers in a demo campaign (its questionnaire id is the campaign id)."""
    svc = app.extensions["survey"]
    campaign = svc.campaigns.get(campaign_id)
    made = []
    for i in range(n):
        answer = make_answer(campaign_id, campaign.questionnaire, **overrides)
        svc.answers.add(answer)
        made.append(answer)
    return made


def login_coordinator(client, app=None, name: str = COORDINATOR[0], password: str = COORDINATOR[1]):
    """Create the coordinator if needed, then log in through the real login page."""
    from survey.services.accounts import create_coordinator

    app = app or client.application
    svc = app.extensions["survey"]
    if svc.accounts.get(name) is None:
        create_coordinator(svc, name, password)
    response = client.post("/connexion", data={"nom": name, "mot_de_passe": password})
    assert response.status_code == 303, response.data[:500]
    return response
