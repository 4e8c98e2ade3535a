"""Issue 17 §2 and §4 in the coordinator space: making a démarche from the campaigns one sees,
its « Chiffres clés » page (each figure with its rule and links to what it counts), the
report's download, and another structure's démarche answered as one that does not exist."""

from __future__ import annotations

import re

import pytest

from survey.services.demarches import key_figures
from survey.services.demo import DEMO_DEMARCHE
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, CAMPAIGN_C, add_second_structure, make_world


@pytest.fixture
def world(data_dir):
    return add_second_structure(make_world(data_dir))


def test_a_coordinator_makes_a_demarche_and_reads_its_key_figures(world):
    client = world.client("coordination")
    form = client.get("/coordination/demarches/nouvelle").get_data(as_text=True)
    assert CAMPAIGN_A in form and CAMPAIGN_C not in form  # only the campaigns one sees are offered
    response = client.post(
        "/coordination/demarches/nouvelle",
        data={"titre": "Parlons numérique 2026", "campagnes": [CAMPAIGN_A, CAMPAIGN_B]},
    )
    assert response.status_code == 303 and response.location.endswith("/coordination/demarches/parlons-numerique-2026/")
    page = client.get(response.location).get_data(as_text=True)
    figures = key_figures(world.svc, world.svc.demarches.get("parlons-numerique-2026"))
    for figure in figures.figures:
        assert f'<li id="chiffre-{figure.key}"><strong>{figure.value}</strong> {figure.label}' in page
        assert f'<h3 id="regle-{figure.key}">{figure.value} {figure.label}</h3>' in page
        assert figure.rule.replace("'", "&#39;") in page
    # each answer counted leads to the campaign's answers, each person met to its field page
    assert f'href="/coordination/campagnes/{CAMPAIGN_A}/reponses"' in page
    assert f'href="/coordination/campagnes/{CAMPAIGN_A}/terrain"' in page
    assert "Télécharger le rapport" in page


def test_a_demarche_needs_a_title_and_a_campaign_said_in_french(world):
    client = world.client("coordination")
    response = client.post("/coordination/demarches/nouvelle", data={"titre": "", "campagnes": []})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Donnez un titre à la démarche." in page and "Choisissez au moins une campagne." in page
    response = client.post(
        "/coordination/demarches/nouvelle", data={"titre": "Chez les autres", "campagnes": [CAMPAIGN_C]}
    )
    assert response.status_code == 422 and "Choisissez les campagnes dans la liste." in response.get_data(as_text=True)
    assert [d.id for d in world.svc.demarches.all()] == [DEMO_DEMARCHE.id]


def test_another_structures_demarche_does_not_exist_for_a_coordinator(world):
    network = world.client("reseau")
    response = network.post(
        "/coordination/demarches/nouvelle", data={"titre": "Tout le réseau", "campagnes": [CAMPAIGN_A, CAMPAIGN_C]}
    )
    assert response.status_code == 303
    assert network.get("/coordination/demarches/tout-le-reseau/").status_code == 200
    for role in ("coordination", "coordination_nord"):
        client = world.client(role)
        assert "Tout le réseau" not in client.get("/coordination/demarches/").get_data(as_text=True)
        for path in ("/", "/modifier", "/rapport?format=pdf", "/rapport?format=odt"):
            assert client.get(f"/coordination/demarches/tout-le-reseau{path}").status_code == 404, (role, path)
    assert world.client("anonyme").get("/coordination/demarches/").status_code in (302, 303)


def test_the_report_downloads_as_pdf_and_odt_with_the_crosstabs_chosen(world):
    client = world.client("coordination")
    page = client.get(f"/coordination/demarches/{DEMO_DEMARCHE.id}/").get_data(as_text=True)
    codes = re.findall(r'name="croisement" value="([^"]+)"', page)
    assert f"{CAMPAIGN_B}:internet:canal" in codes
    base = f"/coordination/demarches/{DEMO_DEMARCHE.id}/rapport"
    pdf = client.get(f"{base}?format=pdf&croisement={CAMPAIGN_B}:internet:canal")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    odt = client.get(f"{base}?format=odt")
    assert odt.mimetype == "application/vnd.oasis.opendocument.text" and odt.data.startswith(b"PK")
    assert "rapport-parlons-numerique.odt" in odt.headers["Content-Disposition"]
    bad = client.get(f"{base}?format=pdf&croisement={CAMPAIGN_B}:rien:canal")
    assert bad.status_code == 422 and "Choisissez une question à choix" in bad.get_data(as_text=True)
    assert client.get(f"{base}?format=docx").status_code == 422
    campaign = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/rapport")
    assert campaign.status_code == 200 and "Télécharger le rapport" in campaign.get_data(as_text=True)
    assert client.get(f"/coordination/campagnes/{CAMPAIGN_C}/rapport?format=odt").status_code == 404


def test_deleting_a_demarche_is_confirmed_and_keeps_its_campaigns(world):
    client = world.client("coordination")
    path = f"/coordination/demarches/{DEMO_DEMARCHE.id}/supprimer"
    assert client.post(path, data={}).status_code == 303
    assert world.svc.demarches.get(DEMO_DEMARCHE.id) is not None  # not confirmed: kept
    assert world.client("coordination_nord").post(path, data={"confirmer": "oui"}).status_code == 404
    assert client.post(path, data={"confirmer": "oui"}).status_code == 303
    assert world.svc.demarches.get(DEMO_DEMARCHE.id) is None
    assert world.svc.campaigns.get(CAMPAIGN_A) is not None and world.svc.answers.count(CAMPAIGN_A) == 1
