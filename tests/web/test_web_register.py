"""``survey.web.register``: what used to hang on the order of a list of feature names."""

from __future__ import annotations

import uuid

from survey import create_app
from survey.services.demo import load_demo

CAMPAIGN = "besoins-numeriques-habitants"
API = f"/api/c/{CAMPAIGN}/reponses"


def make_app(data_dir, **config):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **config}
    )
    load_demo(app.extensions["survey"])
    return app


def queued_answer() -> dict:
    return {
        "answer_id": str(uuid.uuid4()),
        "started_at": "2026-11-21T09:00:00Z",
        "submitted_at": "2026-11-21T09:03:00Z",
        "channel": "porte-a-porte",
        "answers": {"internet": "oui", "aisance": 4, "equipement": ["smartphone"]},
    }


def test_the_offline_queue_keeps_its_own_rate_limit(tmp_path):
    """Reordering the old feature list silently dropped this limit: it is set up with the others."""
    app = make_app(
        tmp_path / "data", RATELIMIT_ENABLED=True, OFFLINE_RATE_LIMIT="2 per minute", PUBLIC_RATE_LIMIT="1 per minute"
    )
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.3.3.3"  # a tablet on the Wi-Fi
    statuses = [client.post(API, json=queued_answer()).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 2
    # The queue's limit is its own, not the form's (one per minute here).
    other = client.post(API, json=queued_answer(), environ_base={"REMOTE_ADDR": "10.3.3.4"})
    assert other.status_code == 201


def test_the_coordinator_home_links_come_in_the_order_of_a_campaign(tmp_path):
    app = make_app(tmp_path / "data", LOGIN_DISABLED=True)
    page = app.test_client().get("/coordination/").get_data(as_text=True)
    labels = ["Gérer la campagne", "Résultats", "Lire les réponses", "Exporter les réponses", "Terrain", "Imprimer"]
    places = [page.find(label) for label in labels]
    assert -1 not in places and places == sorted(places)


def test_every_coordinator_module_adds_its_routes_to_the_one_blueprint(tmp_path):
    app = make_app(tmp_path / "data")
    endpoints = set(app.view_functions)
    for endpoint in (
        "coordination.home",
        "coordination.campaign",
        "coordination.results",
        "coordination.answers",
        "coordination.data",
        "coordination.journal",
        "coordination.volunteer_codes",
        "coordination.settings",
        "privacy.notice",
        "volunteer.home",
        "short_codes.open_form",
    ):
        assert endpoint in endpoints, endpoint
