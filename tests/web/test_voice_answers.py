"""Answering by voice (issue 16 §2), through the web: a recording posted with the form is checked
from its bytes, stored before the answer is acknowledged and once only, played to the coordinators
who may read the answer (never to another structure's), transcribed, deleted with its answer, and
exported in a zip whose table names each file.

``media_samples/voix.webm`` is a real recording: 0.7 s of Chromium's fake microphone, recorded by
its ``MediaRecorder`` as the form's ``record.js`` does (WebM, Opus), 1 226 bytes."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from survey.cli import main
from survey.formats.yaml_files import parse_text
from survey.model.questionnaire import QuestionnaireError
from survey.services.privacy import purge_campaign
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, add_second_structure, make_world

VOICE = (Path(__file__).parent / "media_samples" / "voix.webm").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
QUESTION = "simplifie"  # an open question of CAMPAIGN_A's questionnaire


@pytest.fixture
def world(tmp_path):
    world = make_world(tmp_path / "data")
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.voice_answers = True  # every open question of the campaign may be answered by voice
    world.svc.campaigns.save(campaign)
    return world


def post_answer(client, answer_id: str, data: bytes | None = VOICE, consent: bool = True, text: str = "", **extra):
    form = {"answer_id": answer_id, "started_at": "2026-03-01T10:00:00Z", "action": "envoyer", **extra}
    if text:
        form[f"q_{QUESTION}"] = text
    if consent:
        form[f"accord-voix-{QUESTION}"] = "oui"
    if data is not None:
        form[f"media-{QUESTION}"] = (io.BytesIO(data), "enregistrement.webm", "audio/webm")
    return client.post(f"/c/{CAMPAIGN_A}/", data=form, content_type="multipart/form-data")


def recorded(world, answer_id: str | None = None) -> dict:
    """A stored answer of CAMPAIGN_A with a recording, posted through the form."""
    answer_id = answer_id or str(uuid.uuid4())
    assert post_answer(world.app.test_client(), answer_id).status_code == 303
    return world.svc.answers.get(CAMPAIGN_A, answer_id)


def medium_url(answer: dict) -> str:
    name = answer["media"][0]["file"]
    return f"/coordination/campagnes/{answer['campaign']}/reponses/{answer['id']}/medias/{name}"


# -- the form ------------------------------------------------------------------------------


def test_the_form_offers_a_recorder_only_where_a_question_takes_a_recording(world):
    client = world.app.test_client()
    page = client.get(f"/c/{CAMPAIGN_A}/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert "record.js" in page
    assert f'name="media-{QUESTION}"' in page and f'name="accord-voix-{QUESTION}"' in page
    assert f'name="q_{QUESTION}"' in page  # typing stays possible
    other = client.get(f"/c/{CAMPAIGN_B}/").get_data(as_text=True)  # no voice there
    assert "record.js" not in other and "multipart" not in other and "media-" not in other


def test_a_recording_is_stored_with_its_answer_before_the_thanks(world):
    answer_id = str(uuid.uuid4())
    response = post_answer(world.app.test_client(), answer_id)
    assert response.status_code == 303 and "/merci" in response.headers["Location"]
    answer = world.svc.answers.get(CAMPAIGN_A, answer_id)
    name = f"{answer_id}-{QUESTION}.webm"
    assert answer["media"] == [
        {"question": QUESTION, "kind": "enregistrement", "file": name, "type": "audio/webm", "size": len(VOICE)}
    ]
    assert QUESTION not in answer["answers"]  # nothing typed: the recording is the answer
    assert world.svc.media.read(CAMPAIGN_A, name) == VOICE


def multipart(fields: dict) -> dict:
    """A multipart body made in memory (the test client spools a big one to a file it never closes)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def test_a_recording_of_a_few_hundred_kilobytes_is_taken(world):
    long_voice = VOICE + bytes(900_000)  # about two minutes at 64 kbit/s; above the form's own 512 KB
    answer_id = str(uuid.uuid4())
    form = {
        "answer_id": answer_id,
        "action": "envoyer",
        f"accord-voix-{QUESTION}": "oui",
        f"media-{QUESTION}": FileStorage(io.BytesIO(long_voice), "enregistrement.webm", content_type="audio/webm"),
    }
    assert world.app.test_client().post(f"/c/{CAMPAIGN_A}/", **multipart(form)).status_code == 303
    assert world.svc.media.read(CAMPAIGN_A, f"{answer_id}-{QUESTION}.webm") == long_voice
    payload = {"answer_id": str(uuid.uuid4()), "consents": {f"accord-voix-{QUESTION}": "oui"}}
    queued = {
        "reponse": json.dumps(payload),
        f"media-{QUESTION}": FileStorage(io.BytesIO(long_voice), "enregistrement.webm"),
    }
    sent = world.app.test_client().post(f"/api/c/{CAMPAIGN_A}/reponses", **multipart(queued))
    assert sent.status_code == 201


def test_a_resent_answer_stores_its_recording_once(world):
    client = world.app.test_client()
    answer_id = str(uuid.uuid4())
    assert post_answer(client, answer_id, text="Plus simple").status_code == 303
    before = world.svc.answers.count(CAMPAIGN_A)
    assert post_answer(client, answer_id, text="Plus simple").status_code == 303  # a double tap, a retry
    assert world.svc.answers.count(CAMPAIGN_A) == before
    assert world.svc.media.names(CAMPAIGN_A) == [f"{answer_id}-{QUESTION}.webm"]


@pytest.mark.parametrize(
    "data, said",
    [
        (PNG, "n’est pas un enregistrement de voix"),
        (b"RIFF\0\0\0\0WAVEfmt " + b"\0" * 100, "n’est pas un enregistrement de voix"),
        (b"\x1a\x45\xdf\xa3" + b"\0" * 100, "n’est pas un enregistrement de voix"),  # Matroska, no audio track
        (VOICE + b"\0" * 5000, "trop long"),
    ],
)
def test_a_bad_or_too_big_file_is_refused_in_french_and_nothing_is_stored(tmp_path, data, said):
    world = make_world(tmp_path / "data", MEDIA_MAX_RECORDING_BYTES=4000)
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.voice_answers = True
    world.svc.campaigns.save(campaign)
    before = world.svc.answers.count(CAMPAIGN_A)
    response = post_answer(world.app.test_client(), str(uuid.uuid4()), data=data, text="Mes mots restent")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert said in page
    assert re.search(rf'id="q_{QUESTION}-erreur">[^<]*{said}', page)  # on the question's field
    assert "Mes mots restent" in page  # the typed words are kept
    assert world.svc.answers.count(CAMPAIGN_A) == before
    assert world.svc.media.names(CAMPAIGN_A) == []


def test_a_recording_without_the_consent_to_record_is_refused(world):
    response = post_answer(world.app.test_client(), str(uuid.uuid4()), consent=False)
    assert response.status_code == 422
    assert "J’accepte que ma voix soit enregistrée" in response.get_data(as_text=True)
    assert world.svc.media.names(CAMPAIGN_A) == []


def test_a_file_for_a_question_that_takes_no_recording_is_ignored(world):
    campaign = world.svc.campaigns.get(CAMPAIGN_A)
    campaign.voice_answers = False
    world.svc.campaigns.save(campaign)
    answer_id = str(uuid.uuid4())
    assert post_answer(world.app.test_client(), answer_id, text="Écrit").status_code == 303
    assert "media" not in world.svc.answers.get(CAMPAIGN_A, answer_id)
    assert world.svc.media.names(CAMPAIGN_A) == []


def test_the_tablets_queue_sends_a_recording_as_multipart(world):
    client = world.app.test_client()
    answer_id = str(uuid.uuid4())
    payload = {"answer_id": answer_id, "answers": {}, "consents": {f"accord-voix-{QUESTION}": "oui"}}
    form = {"reponse": json.dumps(payload), f"media-{QUESTION}": (io.BytesIO(VOICE), "enregistrement.webm")}
    url = f"/api/c/{CAMPAIGN_A}/reponses"
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 201
    form[f"media-{QUESTION}"] = (io.BytesIO(VOICE), "enregistrement.webm")
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 200  # sent again
    assert world.svc.answers.get(CAMPAIGN_A, answer_id)["media"][0]["file"] == f"{answer_id}-{QUESTION}.webm"
    assert world.svc.media.names(CAMPAIGN_A) == [f"{answer_id}-{QUESTION}.webm"]
    bad = {
        "reponse": json.dumps(dict(payload, answer_id=str(uuid.uuid4()))),
        f"media-{QUESTION}": (io.BytesIO(PNG), "x"),
    }
    refused = client.post(url, data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "n’est pas un enregistrement de voix" in refused.get_json()["errors"][QUESTION]


def test_step_by_step_a_recording_is_kept_from_its_step_to_the_sending(world):
    client = world.app.test_client()
    answer_id = str(uuid.uuid4())
    step = post_answer(client, answer_id, action="suivant", etape=QUESTION, mode="pas-a-pas")
    assert step.status_code == 200
    page = step.get_data(as_text=True)
    name = f"{answer_id}-{QUESTION}.webm"
    assert f'name="media-garde-{QUESTION}" value="{name}"' in page  # named on the next screen
    assert world.svc.answers.get(CAMPAIGN_A, answer_id) is None  # not an answer yet
    sent = client.post(
        f"/c/{CAMPAIGN_A}/",
        data={"answer_id": answer_id, "action": "envoyer", "mode": "pas-a-pas", f"media-garde-{QUESTION}": name},
    )
    assert sent.status_code == 303
    assert world.svc.answers.get(CAMPAIGN_A, answer_id)["media"][0]["file"] == name


def test_a_form_shown_again_keeps_its_good_recording_and_says_the_bad_one(world):
    client = world.app.test_client()
    answer_id = str(uuid.uuid4())
    other = "partout"  # another open question, given a file that is no recording
    shown = post_answer(
        client,
        answer_id,
        **{f"accord-voix-{other}": "oui", f"media-{other}": (io.BytesIO(PNG), "x.webm", "audio/webm")},
    )
    page = shown.get_data(as_text=True)
    assert shown.status_code == 422 and f'id="q_{other}-erreur"' in page
    name = f"{answer_id}-{QUESTION}.webm"
    assert f'name="media-garde-{QUESTION}" value="{name}"' in page
    assert "Votre enregistrement est joint à cette réponse." in page
    again = client.post(f"/c/{CAMPAIGN_A}/", data={"answer_id": answer_id, f"media-garde-{QUESTION}": name})
    assert again.status_code == 303
    assert world.svc.answers.get(CAMPAIGN_A, answer_id)["media"][0]["file"] == name


def test_a_hidden_field_cannot_attach_another_answers_recording(world):
    stranger = recorded(world)
    answer_id = str(uuid.uuid4())
    response = world.app.test_client().post(
        f"/c/{CAMPAIGN_A}/",
        data={
            "answer_id": answer_id,
            f"q_{QUESTION}": "Mes mots",
            f"media-garde-{QUESTION}": stranger["media"][0]["file"],
        },
    )
    assert response.status_code == 303
    assert "media" not in world.svc.answers.get(CAMPAIGN_A, answer_id)


def test_the_purge_deletes_the_recordings_of_answers_never_sent(world):
    sent = recorded(world)
    post_answer(world.app.test_client(), str(uuid.uuid4()), action="suivant", etape=QUESTION, mode="pas-a-pas")
    assert len(world.svc.media.names(CAMPAIGN_A)) == 2
    purge_campaign(world.svc, world.svc.campaigns.get(CAMPAIGN_A))
    assert world.svc.media.names(CAMPAIGN_A) == [sent["media"][0]["file"]]


def test_the_queue_sends_a_recording_kept_by_an_earlier_screen_by_its_name(world):
    client = world.app.test_client()
    answer_id = str(uuid.uuid4())
    post_answer(client, answer_id, action="suivant", etape=QUESTION, mode="pas-a-pas")
    name = f"{answer_id}-{QUESTION}.webm"
    payload = {"answer_id": answer_id, "answers": {}, "kept_media": {QUESTION: name}}
    assert client.post(f"/api/c/{CAMPAIGN_A}/reponses", json=payload).status_code == 201
    assert world.svc.answers.get(CAMPAIGN_A, answer_id)["media"][0]["file"] == name


# -- the coordinator's pages -------------------------------------------------------------


def test_the_coordinator_plays_the_recording_from_the_answer_and_the_list(world):
    answer = recorded(world)
    client = world.client("coordination")
    url = medium_url(answer)
    for page in (
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}",
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses",
    ):
        html = client.get(page).get_data(as_text=True)
        assert f'<audio controls preload="none" src="{url}"' in html
    played = client.get(url)
    assert played.status_code == 200 and played.mimetype == "audio/webm" and played.data == VOICE
    part = client.get(url, headers={"Range": "bytes=0-3"})  # the player seeks
    assert part.status_code == 206 and part.data == VOICE[:4]


def test_no_one_else_gets_a_recording(world):
    add_second_structure(world)
    answer = recorded(world)
    url = medium_url(answer)
    assert world.client("coordination_nord").get(url).status_code == 404  # another structure's coordinator
    assert world.client("anonyme").get(url).status_code in (302, 303)  # to the sign-in page
    assert world.client("benevole_a").get(url).status_code in (302, 303, 403, 404)
    other = recorded(world)
    coordinator = world.client("coordination")
    # Another answer's file through this answer's address, and a name that is no file of it.
    assert coordinator.get(url.replace(answer["id"] + "/medias", other["id"] + "/medias")).status_code == 404
    assert coordinator.get(url.rsplit("/", 1)[0] + "/..%2F..%2Fanswers").status_code == 404
    assert world.client("reseau").get(url).status_code == 200  # the network coordinator sees every structure


def test_a_transcription_is_saved_with_who_and_when_and_marked_as_such(world):
    answer = recorded(world)
    client = world.client("coordination")
    response = client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}/transcription",
        data={"question": QUESTION, "transcription": "Il faudrait des ateliers le samedi."},
    )
    assert response.status_code == 303
    stored = world.svc.answers.get(CAMPAIGN_A, answer["id"])
    assert stored["transcriptions"][QUESTION]["text"] == "Il faudrait des ateliers le samedi."
    assert stored["transcriptions"][QUESTION]["by"] == "camille" and stored["transcriptions"][QUESTION]["at"]
    assert stored["answers"] == answer["answers"]  # the person's own words are not changed
    page = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}").get_data(as_text=True)
    assert "Transcription (saisie par camille" in page and "Il faudrait des ateliers le samedi." in page


def test_deleting_an_answer_deletes_its_recording(world):
    kept, erased = recorded(world), recorded(world)
    client = world.client("coordination")
    response = client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{erased['id']}/supprimer", data={"confirmer": "oui"}
    )
    assert response.status_code == 303
    assert world.svc.media.names(CAMPAIGN_A) == [kept["media"][0]["file"]]


def test_the_retention_purge_deletes_the_recordings_of_the_answers_it_purges(world):
    old = recorded(world)
    world.svc.answers.change(CAMPAIGN_A, old["id"], lambda a: dict(a, submitted_at="2020-01-01T00:00:00Z"))
    new = recorded(world)
    purge_campaign(world.svc, world.svc.campaigns.get(CAMPAIGN_A))
    assert world.svc.answers.get(CAMPAIGN_A, old["id"]) is None
    assert world.svc.media.names(CAMPAIGN_A) == [new["media"][0]["file"]]


# -- exports ------------------------------------------------------------------------------


def media_column(rows: list[list[str]]) -> int:
    return next(i for i, header in enumerate(rows[0]) if "(enregistrement : fichier)" in header)


def test_the_zip_export_holds_the_table_and_the_files_it_names(world):
    answer = recorded(world)
    name = answer["media"][0]["file"]
    client = world.client("coordination")
    client.post(
        f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}/transcription",
        data={"question": QUESTION, "transcription": "Des ateliers le samedi."},
    )
    response = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/export.csv?medias=oui")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    table = next(n for n in archive.namelist() if n.endswith(".csv"))
    assert archive.read(f"medias/{name}") == VOICE
    rows = list(csv.reader(io.StringIO(archive.read(table).decode("utf-8-sig")), delimiter=";"))
    column = media_column(rows)
    row = next(r for r in rows if answer["id"] in r)
    assert row[column] == f"medias/{name}"
    assert rows[0][column + 1].endswith("(transcription de l'enregistrement)")
    assert row[column + 1] == "Des ateliers le samedi."
    assert all(r[column] == "" for r in rows[1:] if answer["id"] not in r)  # answers with no recording


def test_survey_export_avec_medias_writes_the_zip(world, runner, tmp_path):
    answer = recorded(world)
    out = tmp_path / "export.zip"
    data_dir = world.svc.data_dir
    result = runner.invoke(
        main, ["export", CAMPAIGN_A, "--format", "xlsx", "--avec-medias", "--out", str(out), "--data", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert f"medias/{answer['media'][0]['file']}" in names and any(n.endswith(".xlsx") for n in names)
    refused = runner.invoke(main, ["export", CAMPAIGN_A, "--format", "json", "--avec-medias", "--data", str(data_dir)])
    assert refused.exit_code == 1 and "--avec-medias" in refused.output


# -- the questionnaire format --------------------------------------------------------------

YAML = """
id: voix
title: Voix
version: 1
questions:
  - id: avis
    type: long_text
    label: Votre avis
    voice: {voice}
  - id: choix
    type: yes_no
    label: Oui ou non ?
"""


def test_a_question_says_it_takes_a_recording_and_only_an_open_one_may():
    questionnaire = parse_text(YAML.format(voice="true"))
    assert questionnaire.question("avis").voice and not questionnaire.question("choix").voice
    assert parse_text(questionnaire_yaml_roundtrip(questionnaire)).question("avis").voice
    with pytest.raises(QuestionnaireError) as refused:
        parse_text(
            YAML.format(voice="true").replace("    label: Oui ou non ?", "    label: Oui ou non ?\n    voice: true")
        )
    assert "« voice » ne s'applique qu'aux questions à réponse libre" in str(refused.value)
    with pytest.raises(QuestionnaireError):
        parse_text(YAML.format(voice="peut-être"))


def questionnaire_yaml_roundtrip(questionnaire) -> str:
    from survey.formats.yaml_writer import dump_yaml

    return dump_yaml(questionnaire.to_dict())


def test_open_data_carry_no_recording_file(world):
    recorded(world)
    response = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/export.datapackage")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert not any(name.startswith("medias/") for name in archive.namelist())
    assert "__fichier" not in " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_editing_a_question_in_the_browser_keeps_its_voice():
    from survey.services.drafts import question_from_form

    old = {"id": "avis", "type": "long_text", "label": "Votre avis", "voice": True}
    form = MultiDict({"id": "avis", "type": "long_text", "label": "Votre avis, en deux mots"})
    assert question_from_form(form, old)["voice"] is True
    assert "voice" not in question_from_form(MultiDict({"id": "avis", "type": "yes_no", "label": "Oui ?"}), old)


def test_the_campaign_page_allows_voice_on_every_open_question(tmp_path):
    world = make_world(tmp_path / "data")
    client = world.client("coordination")
    campaign = world.svc.campaigns.get(CAMPAIGN_B)
    form = {"title": campaign.title, "questionnaire": campaign.questionnaire, "channels": campaign.channels}
    assert (
        client.post(f"/coordination/campagnes/{CAMPAIGN_B}/modifier", data={**form, "voice_answers": "y"}).status_code
        == 303
    )
    assert world.svc.campaigns.get(CAMPAIGN_B).voice_answers is True
    assert "record.js" in world.app.test_client().get(f"/c/{CAMPAIGN_B}/").get_data(as_text=True)
    assert client.post(f"/coordination/campagnes/{CAMPAIGN_B}/modifier", data=form).status_code == 303
    assert world.svc.campaigns.get(CAMPAIGN_B).voice_answers is False
