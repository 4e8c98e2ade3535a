"""« Exporter la file » with recordings (issue 16 §2): the exported JSON carries each medium in
base64 (``static/offline/queue.js``) and ``survey import-queue`` stores it with its answer, checked
from its bytes as a file posted with the form (``services/queue_media.py``), once only."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest

from survey import create_app
from survey.cli import main
from survey.services.queue_media import decoded
from tests.coord_world import CAMPAIGN_A, make_world

VOICE = (Path(__file__).parents[1] / "web" / "media_samples" / "voix.webm").read_bytes()
QUESTION = "simplifie"  # an open question of CAMPAIGN_A's questionnaire


@pytest.fixture
def data_dir(tmp_path) -> str:
    world = make_world(tmp_path / "data")
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.voice_answers = True  # every open question may be answered by voice
    world.svc.campaigns.save(campaign)
    return str(tmp_path / "data")


def exported(answer_id: str, data: bytes | None = VOICE, consent: bool = True, text: str = "", **media) -> dict:
    """One answer as the tablet's « Exporter la file » writes it."""
    item = {
        "campaign": CAMPAIGN_A,
        "state": "pending",
        "message": "",
        "answer_id": answer_id,
        "started_at": "2026-03-01T10:00:00Z",
        "submitted_at": "2026-03-01T10:02:00Z",
        "answers": {QUESTION: text} if text else {},
        "consents": {f"accord-voix-{QUESTION}": "oui"} if consent else {},
        "kept_media": {},
    }
    if data is not None:
        item["media"] = {QUESTION: {"type": "audio/webm", "base64": base64.b64encode(data).decode("ascii")}}
    item["media"] = {**item.get("media", {}), **media}
    return item


def import_file(runner, tmp_path, data_dir: str, *items: dict):
    path = tmp_path / f"file-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps({"format": "porteur-de-parole/file-d-attente", "answers": list(items)}), "utf-8")
    result = runner.invoke(main, ["import-queue", str(path), "--data", data_dir])
    assert result.exit_code == 0, result.output
    return result.output


def stored(data_dir: str, answer_id: str):
    svc = create_app({"DATA_DIR": data_dir, "SECRET_KEY": "test"}).extensions["survey"]
    return svc, svc.answers.get(CAMPAIGN_A, answer_id)


def test_a_recording_in_the_exported_file_is_stored_with_its_answer_once(runner, tmp_path, data_dir):
    answer_id = str(uuid.uuid4())
    first = import_file(runner, tmp_path, data_dir, exported(answer_id))
    assert "1 importée" in first, first
    svc, answer = stored(data_dir, answer_id)
    [entry] = answer["media"]
    assert entry["question"] == QUESTION and entry["kind"] == "enregistrement" and entry["type"] == "audio/webm"
    assert svc.media.read(CAMPAIGN_A, entry["file"]) == VOICE
    again = import_file(runner, tmp_path, data_dir, exported(answer_id))
    assert "1 déjà présente" in again, again
    assert svc.media.names(CAMPAIGN_A) == [entry["file"]]


def test_media_in_the_file_are_checked_like_the_forms(runner, tmp_path, data_dir):
    fake, unticked, garbled, typed = (str(uuid.uuid4()) for _ in range(4))
    output = import_file(
        runner,
        tmp_path,
        data_dir,
        exported(fake, data=b"<html>pas une voix</html>"),  # whatever type the tablet declared
        exported(unticked, consent=False),
        exported(garbled, data=None, **{QUESTION: {"type": "audio/webm", "base64": "%%% pas du base64"}}),
        exported(typed, data=None, text="Écrit, sans voix"),
    )
    assert "1 importée" in output and "3 refusées" in output, output
    assert "n’est pas un enregistrement de voix que l’outil sait lire" in output
    assert "Cochez « J’accepte que ma voix soit enregistrée »" in output
    assert "n’est pas lisible dans l’export de la file (base64 attendu)" in output
    svc, answer = stored(data_dir, typed)
    assert answer["answers"][QUESTION] == "Écrit, sans voix" and "media" not in answer
    assert all(stored(data_dir, i)[1] is None for i in (fake, unticked, garbled))
    assert svc.media.names(CAMPAIGN_A) == []


def test_a_too_long_recording_is_refused_without_decoding_all_of_it():
    limit = 1000
    huge = {"base64": base64.b64encode(b"x" * 50_000).decode("ascii")}
    assert len(decoded(huge, limit)) == limit + 1  # enough for the checks to say « trop long »
    assert decoded({"base64": 3}, limit) is None and decoded("texte", limit) is None
