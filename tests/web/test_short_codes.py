"""Short addresses people type: each campaign has a code, ``/<code>`` opens its form."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from survey import create_app
from survey.model.campaign import Campaign
from survey.services import short_codes
from tests.coord_world import CAMPAIGN_A, make_world

AMBIGUOUS = set("0O1IL") | set("AEIOUY")
CODE = re.compile(r"^[23456789BCDFGHJKMNPQRSTVWXZ]{4,6}$")
NEW = "/coordination/campagnes/nouvelle"
FORM = {
    "title": "Parole au marché du Sanitas",
    "identifier": "",
    "questionnaire": CAMPAIGN_A,
    "quartier": "Sanitas, Tours",
    "structure": "Centre social",
    "starts_on": "",
    "ends_on": "",
    "channels": ["porteur-de-parole", "qr"],
    "description": "",
    "help_text": "",
    "retention_months": "12",
}


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def test_every_campaign_has_a_distinct_code_without_ambiguous_characters(services):
    codes = [c.short_code for c in services.campaigns.all()]
    assert len(codes) == 9 and len(set(codes)) == len(codes)
    for code in codes:
        assert CODE.match(code) and not AMBIGUOUS & set(code), code


def test_a_campaign_made_in_the_web_gets_a_code_and_keeps_it_when_edited(world):
    client = world.client("coordination")
    assert client.post(NEW, data=FORM).status_code == 303
    campaign = world.svc.campaigns.get("parole-au-marche-du-sanitas")
    code = campaign.short_code
    assert CODE.match(code)
    edited = client.post(
        "/coordination/campagnes/parole-au-marche-du-sanitas/modifier",
        data=dict(FORM, title="Parole au marché (samedi)"),
    )
    assert edited.status_code == 303
    again = world.svc.campaigns.get("parole-au-marche-du-sanitas")
    assert again.title == "Parole au marché (samedi)" and again.short_code == code
    assert code in client.get("/coordination/campagnes/parole-au-marche-du-sanitas/imprimer").get_data(as_text=True)


@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_the_code_typed_in_any_case_opens_the_form(client, services, case):
    campaign = services.campaigns.get("besoins-numeriques-habitants")
    response = client.get("/" + case(campaign.short_code))
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/besoins-numeriques-habitants/"
    form = client.get(response.headers["Location"])
    assert form.status_code == 200 and 'name="answer_id"' in form.get_data(as_text=True)


def test_a_trailing_slash_and_arguments_are_kept(client, services):
    code = services.campaigns.get("besoins-numeriques-habitants").short_code
    response = client.get(f"/{code}/?canal=qr&affiche=A")
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/besoins-numeriques-habitants/?canal=qr&affiche=A"


def test_the_long_address_still_works(client):
    assert client.get("/c/besoins-numeriques-habitants/").status_code == 200


def test_an_unknown_code_is_a_french_404(client, services):
    taken = {c.short_code for c in services.campaigns.all()}
    unknown = next(code for code in ("BCDF", "GHJK", "MNPQ", "RSTV") if code not in taken)
    response = client.get("/" + unknown)
    assert response.status_code == 404
    assert "Cette adresse courte ne correspond à aucune campagne" in response.get_data(as_text=True)


def test_an_unknown_code_is_said_in_the_language_of_the_address(client, services):
    """A bilingual poster's short address carries ``?lang=``: its 404 speaks that language."""
    taken = {c.short_code for c in services.campaigns.all()}
    unknown = next(code for code in ("BCDF", "GHJK", "MNPQ", "RSTV") if code not in taken)
    arabic = client.get("/" + unknown, query_string={"lang": "ar"}).get_data(as_text=True)
    assert "هذا العنوان القصير لا يطابق أي حملة" in arabic and "Cette adresse courte" not in arabic
    english = client.get("/" + unknown, query_string={"lang": "en"}).get_data(as_text=True)
    assert "This short address matches no campaign" in english


def test_no_existing_path_is_taken_by_a_short_code(app):
    """Every route of the app without arguments still reaches its own page."""
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.arguments or rule.endpoint == "short_codes.open_form":
            continue
        method = next(iter(rule.methods - {"HEAD", "OPTIONS"}), "GET")
        matched, _ = adapter.match(rule.rule, method=method, return_rule=True)
        assert matched.rule == rule.rule and matched.endpoint != "short_codes.open_form", rule.rule
        checked += 1
    assert checked > 5
    for word in ("aide", "mur", "terrain", "benevole", "connexion", "coordination", "static", "c"):
        assert not short_codes.is_code(word), word


def test_paths_of_the_app_are_not_read_as_codes(client):
    for path in ("/connexion", "/benevole/", "/aide/certificat", "/premier-demarrage", "/coordination/"):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert "Cette adresse courte" not in response.get_data(as_text=True)


def test_campaigns_saved_before_short_codes_get_one_once(tmp_path):
    data = tmp_path / "data"
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "SECRET_KEY": "test"})
    old = Campaign(id="ancienne", title="Ancienne", questionnaire="besoins-numeriques-habitants").to_record()
    del old["short_code"]
    app.extensions["survey"].records.put("campaigns", old)  # as an older version stored it
    assert "short_code" not in app.extensions["survey"].records.get("campaigns", "ancienne")

    again = create_app({"TESTING": True, "DATA_DIR": str(data), "SECRET_KEY": "test"})
    code = again.extensions["survey"].campaigns.get("ancienne").short_code
    assert CODE.match(code)
    third = create_app({"TESTING": True, "DATA_DIR": str(data), "SECRET_KEY": "test"})
    assert third.extensions["survey"].campaigns.get("ancienne").short_code == code
    response = third.test_client().get("/" + code.lower())
    assert response.status_code == 302 and response.headers["Location"] == "/c/ancienne/"


def test_a_code_already_taken_is_never_given_twice(services, monkeypatch):
    taken = services.campaigns.get("besoins-numeriques-habitants").short_code
    draws = iter(taken + "XXXX" + "Z" * 40)
    monkeypatch.setattr(short_codes.secrets, "choice", lambda alphabet: next(draws))
    services.campaigns.save(
        Campaign(id="nouvelle-campagne", title="Nouvelle", questionnaire="besoins-numeriques-habitants")
    )
    assert services.campaigns.get("nouvelle-campagne").short_code == "XXXX"
    assert short_codes.campaign_for(services.records, taken) == "besoins-numeriques-habitants"


def test_campaigns_created_at_the_same_time_get_distinct_codes(services):
    def create(i):
        services.campaigns.save(
            Campaign(id=f"parallele-{i}", title=f"P{i}", questionnaire="besoins-numeriques-habitants")
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(24)))
    codes = [c.short_code for c in services.campaigns.all()]
    assert len(codes) == 9 + 24 and len(set(codes)) == len(codes)
