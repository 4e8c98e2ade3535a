"""The rules of structures (issue 15 §3, ``services/structures.py``): who sees which campaign,
journal entry and upload token; the default structure made once; accounts of a structure or
of the network; the figures across structures from kept counts."""

from __future__ import annotations

import pytest

from survey import create_app
from survey.model.campaign import Campaign
from survey.model.structure import DEFAULT_ID, DEFAULT_NAME, ROLE_COORDINATOR, ROLE_NETWORK, Structure
from survey.services import structures
from survey.services.accounts import AccountError, create_coordinator
from survey.services.structures import StructureError
from tests.factories import make_answer

QUESTIONNAIRE = "porteur-de-parole-numerique"
OLD_ACCOUNT = {"id": "camille", "name": "camille", "role": "coordinator"}  # stored before structures
NORD = {"id": "dominique", "role": ROLE_COORDINATOR, "structure_id": "nord"}
NETWORK = {"id": "reseau", "role": ROLE_NETWORK, "structure_id": DEFAULT_ID}


def test_old_campaigns_and_accounts_belong_to_the_default_structure():
    old = Campaign("ancienne", "Ancienne", QUESTIONNAIRE)
    assert old.structure_id == "" and structures.campaign_owner(old) == DEFAULT_ID
    assert structures.may_see(OLD_ACCOUNT, old)
    assert not structures.may_see(NORD, old)
    assert structures.may_see(NETWORK, old)


def test_a_campaign_is_seen_by_its_structure_and_the_network_only():
    nord = Campaign("du-nord", "Du Nord", QUESTIONNAIRE, structure_id="nord")
    assert structures.may_see(NORD, nord) and structures.may_see(NETWORK, nord)
    assert not structures.may_see(OLD_ACCOUNT, nord)
    assert not structures.may_see(None, nord)  # nobody signed in sees nothing through these rules
    assert not structures.may_see(
        {"id": "x", "role": "admin", "structure_id": "autre"}, nord
    )  # an unknown role is no network


def test_journal_entries_are_read_by_their_structure(app):
    svc = app.extensions["survey"]
    svc.journal.write("connexion", "avant les structures", "camille")
    svc.journal.write("export", "du-nord · csv", "dominique", "nord")
    svc.journal.write("connexion", "connexion de reseau", "reseau", structures.entry_structure(NETWORK))
    readers = {"camille": OLD_ACCOUNT, "dominique": NORD, "reseau": NETWORK}
    details = {
        name: [e["detail"] for e in structures.journal_entries(svc, account)] for name, account in readers.items()
    }
    assert details["camille"] == ["avant les structures"]
    assert details["dominique"] == ["du-nord · csv"]
    assert details["reseau"] == ["avant les structures", "du-nord · csv", "connexion de reseau"]
    assert structures.entry_structure(NORD) == "nord" and structures.entry_structure(OLD_ACCOUNT) == DEFAULT_ID


def test_the_default_structure_is_made_once_at_the_first_start(data_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "t"})
    svc = app.extensions["survey"]
    assert [s.id for s in svc.structures.all()] == [DEFAULT_ID]
    svc.structures.change(DEFAULT_ID, lambda r: r.update(name="Centre social des Rives"))
    create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "t"})  # a restart, or a second server
    structures.ensure_default(svc)
    assert [(s.id, s.name) for s in svc.structures.all()] == [(DEFAULT_ID, "Centre social des Rives")]
    assert svc.structures.add(Structure(DEFAULT_ID, DEFAULT_NAME)) is False  # what a racing server's insert gets


def test_create_structure_says_each_problem_in_french(services):
    made = structures.create_structure(services, " Nord ", "Centre social du Nord", "dpo@nord.example")
    assert (made.id, made.name, made.contact) == ("nord", "Centre social du Nord", "dpo@nord.example")
    assert made.created_at
    with pytest.raises(StructureError, match="déjà pris"):
        structures.create_structure(services, "nord", "Encore")
    with pytest.raises(StructureError, match="minuscules"):
        structures.create_structure(services, "../x", "Chemin")
    with pytest.raises(StructureError, match="Donnez le nom"):
        structures.create_structure(services, "sans-nom", "  ")
    assert [s.id for s in services.structures.all()] == ["nord", DEFAULT_ID]  # by name: « Centre… », « Ma structure »


def test_accounts_of_a_structure_or_of_the_network(services):
    structures.create_structure(services, "nord", "Centre social du Nord")
    nord = create_coordinator(services, "dominique", "un-mot-de-passe-long", "nord")
    assert (nord["structure_id"], nord["role"]) == ("nord", ROLE_COORDINATOR)
    network = create_coordinator(services, "reseau", "un-mot-de-passe-long", role=ROLE_NETWORK)
    assert (network["structure_id"], network["role"]) == (DEFAULT_ID, ROLE_NETWORK)
    with pytest.raises(AccountError, match="n'existe pas"):
        create_coordinator(services, "perdu", "un-mot-de-passe-long", "inconnue")
    with pytest.raises(AccountError, match="rôle"):
        create_coordinator(services, "chef", "un-mot-de-passe-long", role="admin")
    assert services.accounts.get("perdu") is None and services.accounts.get("chef") is None


def test_new_campaign_structure_is_the_coordinators_unless_the_network_chooses(services):
    structures.create_structure(services, "nord", "Centre social du Nord")
    assert structures.structure_for_new_campaign(services, NORD, DEFAULT_ID) == "nord"
    assert structures.structure_for_new_campaign(services, OLD_ACCOUNT, "nord") == DEFAULT_ID
    assert structures.structure_for_new_campaign(services, NETWORK, "nord") == "nord"
    assert structures.structure_for_new_campaign(services, NETWORK, "") == DEFAULT_ID
    with pytest.raises(StructureError):
        structures.structure_for_new_campaign(services, NETWORK, "inconnue")


def test_a_token_brings_its_campaign_into_the_makers_structure(services):
    structures.create_structure(services, "nord", "Centre social du Nord")
    services.campaigns.save(Campaign("du-nord", "Du Nord", QUESTIONNAIRE, structure_id="nord"))
    assert structures.token_structure(services, NORD, "pas-encore-la") == "nord"
    assert structures.token_structure(services, NORD, "du-nord") == "nord"
    assert structures.token_structure(services, NETWORK, "du-nord") == "nord"  # the campaign's, not the maker's
    with pytest.raises(StructureError, match="déjà pris"):
        structures.token_structure(services, OLD_ACCOUNT, "du-nord")


def test_network_figures_count_without_reading_answers(services, monkeypatch):
    structures.create_structure(services, "nord", "Centre social du Nord")
    services.campaigns.save(Campaign("du-nord", "Du Nord", QUESTIONNAIRE, structure_id="nord"))
    for _ in range(3):
        services.answers.add(make_answer("du-nord", QUESTIONNAIRE))
    create_coordinator(services, "dominique", "un-mot-de-passe-long", "nord")
    demo_total = sum(services.answers.count(c.id) for c in services.campaigns.all() if not c.structure_id)

    def no_reading(*args, **kwargs):
        raise AssertionError("the figures read answers")

    monkeypatch.setattr(services.answers, "iter_answers", no_reading)
    monkeypatch.setattr(services.answers, "iter_newest", no_reading)
    figures = {f.structure.id: f for f in structures.network_figures(services)}
    assert set(figures) == {DEFAULT_ID, "nord"}
    assert [(c.id, n) for c, n in figures["nord"].campaigns] == [("du-nord", 3)]
    assert figures["nord"].answers == 3 and figures["nord"].coordinators == ["dominique"]
    assert figures[DEFAULT_ID].answers == demo_total and len(figures[DEFAULT_ID].campaigns) >= 2
