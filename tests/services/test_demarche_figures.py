"""Issue 17 §2: a démarche's key figures, computed from the stored data, never typed.

The demo démarche's figure sheet (the kind seed 004 prints: « 158 personnes rencontrées,
11 structures partenaires, 15 ateliers d'échange, 6 porteurs de parole ») is rebuilt here
independently, from the raw stored answers, sessions and doors, and every number compared;
then the rule « each person counted once » on a small case counted by hand; then who may see
and make a démarche."""

from __future__ import annotations

from collections import Counter

import pytest

from survey import create_app
from survey.model.consent import may_quote
from survey.model.fieldwork import Session, new_door
from survey.model.structure import DEFAULT_ID, ROLE_NETWORK, Structure
from survey.services import demarches
from survey.services.demarches import DemarcheError, key_figures, save_demarche
from survey.services.demo import DEMO_DEMARCHE, load_demo
from tests.factories import make_answer

PDP = "porteur-de-parole-numerique"  # free text only
DOORS = "besoins-numeriques-habitants"  # door to door
COORDINATOR = {"id": "camille", "role": "coordinator", "structure_id": DEFAULT_ID}
NETWORK = {"id": "reseau", "role": ROLE_NETWORK, "structure_id": DEFAULT_ID}
NORD = {"id": "dominique", "role": "coordinator", "structure_id": "centre-nord"}


@pytest.fixture
def svc(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test"})
    services = app.extensions["survey"]
    load_demo(services, with_answers=True)
    return services


def _sheet_from_raw_data(svc, campaign_ids):
    """Every figure, counted again from the raw records, without the service's code."""
    figures: Counter = Counter()
    structures, quartiers, places, team = set(), set(), set(), set()
    kinds: Counter = Counter()
    sessions = [r for r in svc.records.all("sessions") if r["campaign"] in campaign_ids]
    doors = [d for d in svc.records.all("doors") if d["campaign"] in campaign_ids]
    for campaign_id in campaign_ids:
        campaign = svc.campaigns.get(campaign_id)
        questionnaire = svc.questionnaire_for(campaign)
        written = {q.id for q in questionnaire.answerable if q.type in ("short_text", "long_text")}
        structures.add((campaign.structure or svc.structures.owning(campaign.structure_id).name).casefold())
        if campaign.quartier:
            quartiers.add(campaign.quartier.casefold())
        visible = [a for a in svc.answers.iter_answers(campaign_id) if not a.get("hidden")]
        people = {("answer", a["id"]) for a in visible}  # each answer: one person
        for session in (s for s in sessions if s["campaign"] == campaign_id):
            places.add(session["place"].casefold())
            team.update(m["pseudonym"].casefold() for m in session["team"])
            met = [a for a in visible if a.get("session") == session["id"] and a["channel"] != "porte-a-porte"]
            people.update(("stopped", session["id"], n) for n in range(len(met), session["stopped"]))
            channels = {a["channel"] for a in visible if a.get("session") == session["id"]}
            knocked = any(d.get("session") == session["id"] for d in doors)
            kinds[
                session.get("kind")
                or (
                    "porte-a-porte"
                    if knocked or "porte-a-porte" in channels
                    else "porteur-de-parole"
                    if "porteur-de-parole" in channels
                    else "ordi-panneau"
                    if "post-it" in channels
                    else "atelier"
                    if channels & {"papier", "tablette"}
                    else "non-precise"
                )
            ] += 1
        for where in {d.get("session") for d in doors if d["campaign"] == campaign_id}:
            answered = [d for d in doors if d["campaign"] == campaign_id and d.get("session") == where]
            answered = [d for d in answered if d["outcome"] == "repondu"]
            recorded = [a for a in visible if a.get("session") == where and a["channel"] == "porte-a-porte"]
            people.update(("door", d["id"]) for d in answered[len(recorded) :])
        figures["personnes"] += len(people)
        figures["reponses"] += len(visible)
        figures["questionnaires"] += sum(a["channel"] in ("tablette", "qr", "papier", "porte-a-porte") for a in visible)
        figures["post-it"] += sum(a["channel"] == "post-it" for a in visible)
        figures["paroles"] += sum(a["channel"] == "porteur-de-parole" for a in visible)
        figures["citations"] += sum(
            may_quote(a) and any(str((a.get("answers") or {}).get(q) or "").strip() for q in written) for a in visible
        )
    figures.update(
        structures=len(structures),
        quartiers=len(quartiers),
        lieux=len(places),
        sessions=len(sessions),
        equipe=len(team),
        campagnes=len(campaign_ids),
    )
    return figures, kinds


def test_the_demo_demarche_figure_sheet_matches_the_stored_data(svc):
    demarche = svc.demarches.get(DEMO_DEMARCHE.id)
    assert demarche is not None and len(demarche.campaign_ids) >= 5
    # What the demo leaves out, so that every rule is exercised: a hidden answer, an answer
    # refused for reuse, a door-to-door session with a door whose answer was never typed.
    svc.answers.add(make_answer(PDP, PDP, channel="qr", hidden=True, answers={"simplifie": "masquée"}))
    svc.answers.add(
        make_answer(
            PDP,
            PDP,
            channel="porteur-de-parole",
            session="s-demo-marche",
            consent_display=True,
            consent_report=False,
            answers={"simplifie": "pas pour le rapport"},
        )
    )
    svc.sessions.save(
        Session("s-portes", DOORS, "Rue des Tilleuls", "2026-11-02", team=[{"pseudonym": "Zoé", "role": ""}])
    )
    for outcome in ("repondu", "repondu", "absent"):
        svc.doors.add(new_door(DOORS, "s-portes", "Secteur C", outcome, "Zoé"))
    svc.answers.add(make_answer(DOORS, DOORS, channel="porte-a-porte", session="s-portes", answers={"internet": "oui"}))

    sheet = key_figures(svc, demarche)
    expected, kinds = _sheet_from_raw_data(svc, demarche.campaign_ids)
    assert {f.key: f.value for f in sheet.figures} == dict(expected)
    assert sheet.sessions_by_kind == {
        "porteur-de-parole": kinds["porteur-de-parole"],
        "ordi-panneau": kinds["ordi-panneau"],
        "atelier": kinds["atelier"],
        "porte-a-porte": kinds["porte-a-porte"],
    }
    # the seed's kind of sheet: people, structures, places, workshops, porteurs de parole
    assert sheet.people_met == expected["personnes"] > expected["reponses"]
    assert kinds["atelier"] == 3 and kinds["porteur-de-parole"] == 1 and kinds["porte-a-porte"] == 1
    for figure in sheet.figures:  # each figure says how it is counted
        assert len(figure.rule) > 30
        if figure.by_campaign:
            assert sum(figure.by_campaign.values()) == figure.value


def test_each_person_is_counted_once(svc):
    """People stopped include those who answered; a door that answered is its answer's person."""
    svc.sessions.save(Session("s-place", PDP, "Place du marché", "2026-11-03", stopped=5))
    for n in range(3):
        svc.answers.add(make_answer(PDP, PDP, channel="porteur-de-parole", session="s-place"))
    svc.answers.add(make_answer(PDP, PDP, channel="porteur-de-parole", session="s-place", hidden=True))
    svc.sessions.save(Session("s-rue", DOORS, "Rue Haute", "2026-11-04", stopped=0))
    for outcome in ("repondu",) * 4 + ("refus", "refus"):
        svc.doors.add(new_door(DOORS, "s-rue", "Secteur A", outcome, "Zoé"))
    for n in range(3):
        svc.answers.add(make_answer(DOORS, DOORS, channel="porte-a-porte", session="s-rue"))
    before = {c: demarches.campaign_counts(svc, svc.campaigns.get(c)) for c in (PDP, DOORS)}
    grouped = demarches.figures_of(svc, "Essai", [svc.campaigns.get(PDP), svc.campaigns.get(DOORS)])
    # the marketplace: 3 answers among 5 people stopped → 5, not 8; the street: 3 answers,
    # 4 doors that answered → 4, not 7; the hidden answer counts nowhere
    demo_pdp, demo_doors = before[PDP], before[DOORS]
    assert demo_pdp.stopped_only == (23 - 7) + (5 - 3)
    assert demo_doors.doors_only == 4 - 3
    assert grouped.people_met == demo_pdp.people + demo_doors.people
    assert demo_pdp.people == demo_pdp.answers + demo_pdp.stopped_only
    assert demo_pdp.answers == 7 + 3
    kinds = dict((s.id, kind) for s, kind in demo_doors.sessions)
    assert kinds["s-rue"] == "porte-a-porte"  # deduced from its doors


def test_a_chosen_kind_wins_over_what_the_session_collected(svc):
    svc.sessions.save(Session("s-atelier", PDP, "Salle", "2026-11-05", kind="atelier"))
    svc.answers.add(make_answer(PDP, PDP, channel="porteur-de-parole", session="s-atelier"))
    counts = demarches.campaign_counts(svc, svc.campaigns.get(PDP))
    assert dict((s.id, k) for s, k in counts.sessions) == {"s-demo-marche": "porteur-de-parole", "s-atelier": "atelier"}


def test_quotes_count_only_answers_whose_person_agreed_to_reuse(svc):
    before = demarches.campaign_counts(svc, svc.campaigns.get(PDP)).quotes
    svc.answers.add(
        make_answer(PDP, PDP, channel="porteur-de-parole", consent_report=False, answers={"simplifie": "non"})
    )
    svc.answers.add(make_answer(PDP, PDP, channel="qr", first_name="Léa", answers={"simplifie": "prénom sans accord"}))
    assert demarches.campaign_counts(svc, svc.campaigns.get(PDP)).quotes == before
    svc.answers.add(make_answer(PDP, PDP, channel="qr", answers={"simplifie": "anonyme, sous la notice"}))
    assert demarches.campaign_counts(svc, svc.campaigns.get(PDP)).quotes == before + 1


def _second_structure(svc):
    svc.structures.add(Structure("centre-nord", "Centre social du Nord"))
    campaign = svc.campaigns.get(PDP)
    campaign.id, campaign.title, campaign.short_code, campaign.structure_id = (
        "paroles-du-nord",
        "Paroles du Nord",
        "",
        "centre-nord",
    )
    svc.campaigns.save(campaign)
    return campaign


def test_a_demarche_spans_structures_only_for_the_network(svc):
    nord = _second_structure(svc)
    with pytest.raises(DemarcheError, match="Choisissez les campagnes dans la liste"):
        save_demarche(svc, COORDINATOR, "Deux structures", [PDP, nord.id])
    across = save_demarche(svc, NETWORK, "Deux structures", [PDP, nord.id])
    assert demarches.may_see_demarche(svc, NETWORK, across)
    assert not demarches.may_see_demarche(svc, COORDINATOR, across)
    assert not demarches.may_see_demarche(svc, NORD, across)
    own = save_demarche(svc, NORD, "Au nord", [nord.id])
    assert [d.id for d in demarches.visible_demarches(svc, NORD)] == [own.id]
    assert own.id not in {d.id for d in demarches.visible_demarches(svc, COORDINATOR)}
    assert DEMO_DEMARCHE.id in {d.id for d in demarches.visible_demarches(svc, COORDINATOR)}
    with pytest.raises(DemarcheError, match="n'existe pas"):
        save_demarche(svc, COORDINATOR, "Pris", [PDP], demarche_id=own.id)


def test_saving_checks_the_title_and_keeps_ids_apart(svc):
    with pytest.raises(DemarcheError, match="titre"):
        save_demarche(svc, COORDINATOR, "   ", [PDP])
    with pytest.raises(DemarcheError, match="au moins une campagne"):
        save_demarche(svc, COORDINATOR, "Vide", [])
    first = save_demarche(svc, COORDINATOR, "Été 2026", [PDP])
    second = save_demarche(svc, COORDINATOR, "Été 2026", [DOORS])
    assert (first.id, second.id) == ("ete-2026", "ete-2026-2")
    changed = save_demarche(svc, COORDINATOR, "Été 2026, Tours", [PDP, DOORS], demarche_id=first.id)
    assert svc.demarches.get(first.id).campaign_ids == [PDP, DOORS] == changed.campaign_ids
