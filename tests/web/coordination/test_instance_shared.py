"""What every structure of an instance shares (issue 15 §3): the address printed on posters,
the team's Wi-Fi and the questionnaires. On a laptop with one structure its coordinators change
them; once there are several, a structure changes none of another's."""

from __future__ import annotations

import pytest

from survey.services import site_settings
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, add_second_structure, make_world


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def test_one_structure_changes_its_own_settings_and_questionnaires(world):
    client = world.client("coordination")
    assert client.post("/coordination/adresse", data={"adresse": "http://10.0.0.5:8000"}).status_code == 303
    assert client.post(f"/coordination/questionnaires/q/{CAMPAIGN_A}/modifier").status_code == 303


def test_with_two_structures_only_the_network_changes_what_they_share(world):
    add_second_structure(world)  # its campaign uses CAMPAIGN_A's questionnaire
    svc = world.svc
    for role in ("coordination", "coordination_nord"):
        client = world.client(role)
        refused = client.post("/coordination/adresse", data={"adresse": "http://10.0.0.9:8000"})
        assert refused.status_code == 403 and "seule la coordination du réseau" in refused.get_data(as_text=True)
        wifi = client.post("/coordination/wifi", data={"nom_wifi": "Intrus", "mot_de_passe_wifi": "12345678"})
        assert wifi.status_code == 403
        shared = client.post(f"/coordination/questionnaires/q/{CAMPAIGN_A}/modifier")
        assert shared.status_code == 403 and "Faites-en une copie" in shared.get_data(as_text=True)
        assert client.post(f"/coordination/questionnaires/q/{CAMPAIGN_A}/copier").status_code == 303
    assert site_settings.saved_address(svc.records) is None and site_settings.team_wifi(svc.records) is None
    # A questionnaire only the structure's own campaigns use stays theirs to edit.
    assert world.client("coordination").post(f"/coordination/questionnaires/q/{CAMPAIGN_B}/modifier").status_code == 303

    network = world.client("reseau")
    assert network.post("/coordination/adresse", data={"adresse": "http://10.0.0.5:8000"}).status_code == 303
    assert network.post(f"/coordination/questionnaires/q/{CAMPAIGN_A}/modifier").status_code == 303
