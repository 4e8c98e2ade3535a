"""One repository per small collection (``survey/storage/repositories/``): each stores and
reads back what it is given, and the records on disk keep the shape the services wrote
before the repositories existed (data folders written by an older version still read,
and a second storage implementing ``RecordCollections`` gets the same records)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from survey.model.campaign import Campaign
from survey.model.fieldwork import Session, new_door
from survey.services.campaigns import Campaigns
from survey.storage import RecordStore
from survey.storage.photos import PhotoStore
from survey.storage.repositories import (
    AccountRepository,
    CampaignRepository,
    DoorRepository,
    DraftRepository,
    Journal,
    KioskCodeRepository,
    SessionRepository,
    SignInRepository,
    VersionRepository,
    VolunteerCodeRepository,
)

Z_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "records"


@pytest.fixture
def records(folder) -> RecordStore:
    return RecordStore(folder)


def on_disk(folder: Path, name: str) -> list[dict]:
    """The records of a collection as the file holds them (TinyDB: table → doc id → record)."""
    return list(json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))[name].values())


def test_a_campaign_round_trips_and_is_stored_with_every_field(records, folder):
    repository = CampaignRepository(records)
    campaign = Campaign(id="quartier", title="Le quartier", questionnaire="q", quartier="Sanitas", channels=["qr"])
    repository.save(campaign)
    assert repository.get("quartier") == campaign
    assert repository.get("absente") is None
    assert on_disk(folder, "campaigns") == [
        {
            "id": "quartier",
            "title": "Le quartier",
            "questionnaire": "q",
            "quartier": "Sanitas",
            "structure": "",
            "starts_on": "",
            "ends_on": "",
            "channels": ["qr"],
            "closed": False,
            "description": "",
            "help_text": "",
            "retention_months": 12,
            "short_code": "",
            "structure_id": "",
            "voice_answers": False,
        }
    ]
    closed = repository.change("quartier", lambda c: setattr(c, "closed", True))
    assert closed is not None and closed.closed and repository.get("quartier").closed
    assert repository.change("absente", lambda c: setattr(c, "closed", True)) is None


def test_campaigns_are_listed_by_title_and_keep_keys_they_do_not_know(records, folder):
    repository = CampaignRepository(records)
    records.put("campaigns", {"id": "b", "title": "beta", "questionnaire": "q", "later_key": 1})
    repository.save(Campaign(id="a", title="Alpha", questionnaire="q"))
    assert [c.id for c in repository.all()] == ["a", "b"]
    repository.change("b", lambda c: setattr(c, "title", "Bêta"))
    assert records.get("campaigns", "b")["later_key"] == 1  # a change rewrites only what it knows


def test_saving_a_campaign_gives_it_a_short_code_once(records):
    campaigns = Campaigns(records)
    campaigns.save(Campaign(id="quartier", title="Le quartier", questionnaire="q"))
    code = campaigns.get("quartier").short_code
    assert code and records.get("short_codes", code) == {"id": code, "campaign": "quartier"}
    campaigns.save(Campaign(id="quartier", title="Nouveau titre", questionnaire="q"))  # a form carries no code
    assert campaigns.get("quartier").short_code == code
    assert len(records.all("short_codes")) == 1


def test_a_session_round_trips_with_its_shape_and_keeps_what_the_team_counted(records, folder):
    repository = SessionRepository(records)
    session = Session(
        id="s20261121-ab12",
        campaign="quartier",
        place="Marché",
        day="2026-11-21",
        starts="09:30",
        ends="12:00",
        team=[{"pseudonym": "Inès", "role": "scribe"}],
        questions=["q1"],
    )
    repository.save(session)
    assert repository.get("quartier", session.id) == session
    assert repository.get("autre-campagne", session.id) is None
    assert on_disk(folder, "sessions") == [
        {
            "id": "s20261121-ab12",
            "campaign": "quartier",
            "place": "Marché",
            "day": "2026-11-21",
            "starts": "09:30",
            "ends": "12:00",
            "team": [{"pseudonym": "Inès", "role": "scribe"}],
            "questions": ["q1"],
            "stopped": 0,
            "photos": [],
            "kind": "",
        }
    ]
    assert repository.count_stopped(session) == 1
    repository.add_photo(session, {"file": "a.png", "type": "image/png", "size": 3})
    session.place = "Marché Europe"  # the form, opened before the taps, saved after
    repository.save(session)
    stored = repository.get("quartier", session.id)
    assert (stored.place, stored.stopped, stored.photos) == (
        "Marché Europe",
        1,
        [{"file": "a.png", "type": "image/png", "size": 3}],
    )


def test_sessions_are_listed_newest_first_and_mapped_to_their_campaign(records):
    repository = SessionRepository(records)
    assert repository.stamp() is None and repository.campaign_of_each() == {}
    repository.save(Session(id="s1", campaign="a", place="Marché", day="2026-11-20"))
    first = repository.stamp()
    repository.save(Session(id="s2", campaign="a", place="Parc", day="2026-11-21"))
    repository.save(Session(id="s3", campaign="b", place="École", day="2026-11-22"))
    assert repository.stamp() != first
    assert [s.id for s in repository.for_campaign("a")] == ["s2", "s1"]
    assert repository.campaign_of_each() == {"s1": "a", "s2": "a", "s3": "b"}


def test_a_door_is_stored_as_a_sector_and_an_outcome_never_an_address(records, folder):
    repository = DoorRepository(records)
    door = new_door("quartier", None, "  secteur   A ", "refus", "Inès")
    repository.add(door)
    repository.add(new_door("autre", "s1", "B", "absent", ""))
    assert repository.for_campaign("quartier") == [door]
    [stored, _] = on_disk(folder, "doors")
    assert list(stored) == ["id", "campaign", "session", "sector", "outcome", "collector", "at"]
    assert (stored["campaign"], stored["session"], stored["sector"], stored["outcome"], stored["collector"]) == (
        "quartier",
        None,
        "secteur A",
        "refus",
        "Inès",
    )
    with pytest.raises(ValueError, match="secteur"):
        new_door("quartier", None, "  ", "refus", "Inès")
    with pytest.raises(ValueError, match="porte"):
        new_door("quartier", None, "A", "peut-être", "Inès")


def test_accounts_and_signed_in_devices(records, folder):
    accounts = AccountRepository(records)
    assert not accounts.any()
    account = {
        "id": "lea",
        "name": "lea",
        "role": "coordinator",
        "password_hash": "x",
        "created_at": "2026-11-21T10:00:00Z",
    }
    assert accounts.add(account)
    assert not accounts.add(dict(account, password_hash="y"))  # a name is taken once
    assert accounts.get("lea") == account and accounts.any()
    assert on_disk(folder, "accounts") == [account]

    sign_ins = SignInRepository(records)
    sign_ins.add({"id": "d1", "account": "lea", "started_at": "2026-11-21T10:00:00Z", "expires": 10.0})
    sign_ins.add({"id": "d2", "account": "lea", "started_at": "2026-11-21T10:00:00Z", "expires": 99.0})
    assert sign_ins.delete_where(lambda r: r["expires"] < 50) == 1
    assert sign_ins.get("d1") is None and sign_ins.get("d2")["account"] == "lea"
    assert [r["id"] for r in on_disk(folder, "coordinator_sessions")] == ["d2"]
    assert sign_ins.delete("d2") and sign_ins.all() == []


def test_the_journal_keeps_who_did_what_when(records, folder):
    journal = Journal(records)
    journal.write("purge", "campagne quartier : 3 réponses effacées", "lea")
    journal.write("export", "campagne quartier", "lea")
    [entry, _] = on_disk(folder, "audit")
    assert list(entry) == ["id", "at", "action", "detail", "who"]
    assert (entry["action"], entry["detail"], entry["who"]) == (
        "purge",
        "campagne quartier : 3 réponses effacées",
        "lea",
    )
    assert entry["at"].endswith("Z")
    assert [e["action"] for e in journal.all()] == ["purge", "export"]


def test_a_questionnaire_version_is_kept_once_the_first_one_wins(records, folder):
    versions = VersionRepository(records)
    assert versions.keep("q", 1, {"id": "q", "version": 1, "title": "Premier"})
    assert not versions.keep("q", 1, {"id": "q", "version": 1, "title": "Autre"})
    versions.keep("q", 2, {"id": "q", "version": 2, "title": "Second"})
    versions.keep("r", 1, {"id": "r", "version": 1, "title": "Autre questionnaire"})
    [stored, _, _] = on_disk(folder, "questionnaire_versions")
    assert list(stored) == ["id", "questionnaire", "version", "saved_at", "definition"]
    assert (stored["id"], stored["questionnaire"], stored["version"]) == ("q@1", "q", 1)
    assert versions.get("q", 1)["definition"]["title"] == "Premier"
    assert [r["version"] for r in versions.of("q")] == [1, 2]
    assert versions.delete("q", 2) and versions.get("q", 2) is None


def test_volunteer_and_kiosk_codes(records, folder):
    codes = VolunteerCodeRepository(records)
    code = {
        "id": "ABCDEFGH",
        "campaign": "quartier",
        "pseudonym": "Inès",
        "created_at": "2026-11-21T10:00:00Z",
        "created_by": "lea",
        "revoked_at": None,
        "revoked_by": None,
    }
    assert codes.add(code) and not codes.add(dict(code, campaign="autre"))
    assert (
        codes.get("ABCDEFGH") == code and codes.for_campaign("quartier") == [code] and codes.for_campaign("autre") == []
    )
    codes.change("ABCDEFGH", lambda r: r.update(revoked_at="2026-11-22T10:00:00Z", revoked_by="lea"))
    assert on_disk(folder, "volunteers") == [dict(code, revoked_at="2026-11-22T10:00:00Z", revoked_by="lea")]

    kiosk = KioskCodeRepository(records)
    assert kiosk.code("quartier") == ""
    made = kiosk.change("quartier", lambda r: r.update(code=r.get("code") or "KLMNPQRS"))
    assert made == {"id": "quartier", "code": "KLMNPQRS"} and kiosk.code("quartier") == "KLMNPQRS"
    kiosk.put("quartier", "TUVWXYZ2")
    assert on_disk(folder, "kiosk_codes") == [{"id": "quartier", "code": "TUVWXYZ2"}]


def test_a_draft_round_trips(records, folder):
    drafts = DraftRepository(records)
    draft = {"id": "0" * 32, "base_id": None, "data": {"title": "Nouveau"}, "revision": 0}
    assert drafts.add(draft) and drafts.get("0" * 32) == draft
    drafts.change("0" * 32, lambda d: d.update(revision=1))
    assert on_disk(folder, "drafts") == [dict(draft, revision=1)]
    assert drafts.change("1" * 32, lambda d: None) is None
    assert drafts.delete("0" * 32) and drafts.all() == []


def test_a_photo_is_a_file_under_its_campaign_and_session(tmp_path):
    photos = PhotoStore(tmp_path / "photos")
    photos.write("quartier", "s1", "abc.png", b"\x89PNG data")
    path = photos.path("quartier", "s1", "abc.png")
    assert path == tmp_path / "photos" / "quartier" / "s1" / "abc.png"  # where older versions put them
    assert path.read_bytes() == b"\x89PNG data"
    assert sorted(p.name for p in path.parent.iterdir()) == ["abc.png"]  # no temporary file left
