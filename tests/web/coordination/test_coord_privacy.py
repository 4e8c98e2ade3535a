"""Personal data: the public notice, the retention purge (command and button), erasure on
request, and the audit log of logins, exports, deletions and purges."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

import pytest

from survey.cli import main
from survey.services.privacy import cutoff_for, months_before, purge_campaign
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, SECRET_A, make_world

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def test_months_before_handles_month_ends_and_years():
    assert months_before(NOW, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=timezone.utc)
    assert months_before(NOW, 12) == datetime(2025, 3, 31, 12, 0, tzinfo=timezone.utc)
    assert months_before(datetime(2024, 3, 31, tzinfo=timezone.utc), 1).day == 29
    assert months_before(datetime(2026, 1, 15, tzinfo=timezone.utc), 13) == datetime(2024, 12, 15, tzinfo=timezone.utc)


def test_purge_removes_exactly_the_expired_answers(world):
    svc = world.svc
    campaign = svc.campaigns.get(CAMPAIGN_B)
    campaign.retention_months = 6
    svc.campaigns.save(campaign)
    cutoff = cutoff_for(campaign, NOW)
    assert cutoff == datetime(2025, 9, 30, 12, 0, tzinfo=timezone.utc)
    old = [
        world.add(CAMPAIGN_B, submitted_at=iso(cutoff - timedelta(seconds=1)))["id"],
        world.add(CAMPAIGN_B, submitted_at="2024-01-01T00:00:00Z")["id"],
    ]
    kept = [
        world.add(CAMPAIGN_B, submitted_at=iso(cutoff))["id"],  # exactly at the limit
        world.add(CAMPAIGN_B, submitted_at=iso(cutoff + timedelta(seconds=1)))["id"],
        world.add(CAMPAIGN_B, submitted_at="not a date")["id"],
    ]  # undated: kept, and said
    other = world.add(CAMPAIGN_A, submitted_at="2001-01-01T00:00:00Z")["id"]  # other campaign, 12 months
    before = {a["id"] for a in svc.answers.iter_answers(CAMPAIGN_B)}

    dry = purge_campaign(svc, campaign, NOW, dry_run=True)
    assert (dry.expired, dry.deleted, dry.undated) == (2, 0, 1)
    assert {a["id"] for a in svc.answers.iter_answers(CAMPAIGN_B)} == before

    with world.app.app_context():
        result = purge_campaign(svc, campaign, NOW, audit_as="test")
    assert (result.expired, result.deleted) == (2, 2)
    assert {a["id"] for a in svc.answers.iter_answers(CAMPAIGN_B)} == before - set(old)
    assert all(svc.answers.get(CAMPAIGN_B, i) for i in kept)
    assert svc.answers.get(CAMPAIGN_A, other) is not None
    entry = svc.records.all("audit")[-1]
    assert entry["action"] == "purge" and entry["who"] == "test" and "2 réponses supprimées" in entry["detail"]


def test_purge_command(world, runner, tmp_path):
    svc = world.svc
    now = datetime.now(timezone.utc)
    expired = world.add(CAMPAIGN_A, submitted_at=iso(now - timedelta(days=400)))["id"]  # 12 months kept
    recent = world.add(CAMPAIGN_A, submitted_at=iso(now - timedelta(days=300)))["id"]
    data_dir = world.app.config["DATA_DIR"]
    dry = runner.invoke(main, ["purge", "--data", data_dir, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{CAMPAIGN_A} : 1 réponse(s) à effacer" in dry.output
    assert "En tout : 1 réponse(s) à effacer. Rien n'a été effacé" in dry.output
    assert svc.answers.get(CAMPAIGN_A, expired) is not None
    real = runner.invoke(main, ["purge", "--data", data_dir])
    assert real.exit_code == 0, real.output
    assert (
        f"{CAMPAIGN_A} : 1 réponse(s) effacée(s)" in real.output and "En tout : 1 réponse(s) effacée(s)." in real.output
    )
    assert svc.answers.get(CAMPAIGN_A, expired) is None and svc.answers.get(CAMPAIGN_A, recent) is not None
    purges = [e for e in svc.records.all("audit") if e["action"] == "purge"]
    assert purges and all(e["who"].startswith("ligne de commande") for e in purges)
    assert any(CAMPAIGN_A in e["detail"] and "1 réponse supprimée" in e["detail"] for e in purges)


def test_purge_button(world):
    client = world.client("coordination")
    old = world.add(CAMPAIGN_A, submitted_at="2001-01-01T00:00:00Z")["id"]
    page = text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/donnees"))
    assert "1 envoyée avant le" in page and "Purger : effacer 1 réponse trop ancienne" in page
    response = client.post(f"/coordination/campagnes/{CAMPAIGN_A}/purger", follow_redirects=True)
    assert "Purge faite : 1 réponse supprimée" in text(response)
    assert world.svc.answers.get(CAMPAIGN_A, old) is None
    assert world.svc.answers.get(CAMPAIGN_A, world.answer_a) is not None
    entry = world.svc.records.all("audit")[-1]
    assert (entry["action"], entry["who"]) == ("purge", "camille")


def test_erasure_on_request_needs_confirmation_and_is_logged(world):
    client = world.client("coordination")
    url = f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}/supprimer"
    page = text(client.get(url))
    assert "définitivement" in page and SECRET_A in page
    unconfirmed = client.post(url, data={}, follow_redirects=True)
    assert "Rien n'a été effacé" in text(unconfirmed)
    assert world.svc.answers.get(CAMPAIGN_A, world.answer_a) is not None
    response = client.post(url, data={"confirmer": "oui"})
    assert response.status_code == 303
    assert world.svc.answers.get(CAMPAIGN_A, world.answer_a) is None
    assert client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}").status_code == 404
    entry = world.svc.records.all("audit")[-1]
    assert entry["action"] == "suppression" and entry["who"] == "camille"
    assert world.answer_a in entry["detail"] and SECRET_A not in entry["detail"]


def test_audit_log_records_login_export_deletion_purge(world):
    client = world.app.test_client()
    response = client.post("/connexion", data={"nom": "camille", "mot_de_passe": "un-mot-de-passe-long"})
    assert response.status_code == 303
    client.post(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}/supprimer", data={"confirmer": "oui"})
    client.post(f"/coordination/campagnes/{CAMPAIGN_A}/purger")
    exported = client.get(f"/coordination/campagnes/{CAMPAIGN_B}/export.csv")
    assert exported.status_code == 200
    exported.get_data()
    actions = [e["action"] for e in world.svc.records.all("audit")]
    assert "connexion" in actions and "suppression" in actions and "purge" in actions
    assert any(a.startswith("export") for a in actions), actions
    journal = client.get("/coordination/journal")
    page = text(journal)
    assert journal.status_code == 200
    for action in ("connexion", "suppression", "purge"):
        assert action in page
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", html.unescape(journal.get_data(as_text=True))
    )
    assert rows[0][2] == [e for e in world.svc.records.all("audit")][-1]["action"]  # newest first
    assert all(who == "camille" for _, who, _ in rows)


def test_public_notice_and_link_from_the_form(world):
    client = world.app.test_client()
    form = client.get(f"/c/{CAMPAIGN_A}/").get_data(as_text=True)
    assert f'href="/c/{CAMPAIGN_A}/confidentialite"' in form
    notice = client.get(f"/c/{CAMPAIGN_A}/confidentialite")
    page = text(notice)
    questionnaire = world.svc.library.get(CAMPAIGN_A)
    assert notice.status_code == 200
    assert " ".join(questionnaire.consent.split()) in page
    assert "1 an" in page and "effacer" in page and "CNIL" in page
    assert "Campagne de démonstration." in page  # the campaign's description
    assert client.get("/c/inconnue/confidentialite").status_code == 404
