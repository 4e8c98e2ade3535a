"""A restitution may give back answers given by voice (issue 17 §1): a recording is offered, kept
and shown only when its author gave both consents and a facilitator transcribed it; the public page
plays it with its transcription beside it, serves its file only while published and chosen, and the
static copy carries it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from survey.model.media import RECORDING, file_name, media_entry
from survey.services import restitution as restitutions
from tests.coord_world import CAMPAIGN_A, make_world
from tests.factories import make_answer

VOICE = (Path(__file__).parent / "media_samples" / "voix.webm").read_bytes()
QUESTION = "simplifie"  # an open question of CAMPAIGN_A's questionnaire
BASE = f"/coordination/campagnes/{CAMPAIGN_A}/restitution"
SAID = "Il faudrait quelqu'un le samedi matin pour les papiers de la CAF."


@pytest.fixture
def world(data_dir):
    return make_world(data_dir)


def add_recording(world, transcription: str = SAID, **consents) -> str:
    """An answer of CAMPAIGN_A given by voice, stored as the form stores it; its key."""
    answer = make_answer(CAMPAIGN_A, CAMPAIGN_A, answers={}, **consents)
    name = file_name(answer["id"], QUESTION, "audio/webm")
    world.svc.media.write(CAMPAIGN_A, name, VOICE)
    answer["media"] = [media_entry(QUESTION, RECORDING, name, "audio/webm", len(VOICE))]
    if transcription:
        answer["transcriptions"] = {QUESTION: {"text": transcription, "by": "camille", "at": "2026-03-02T10:00:00Z"}}
    world.svc.answers.add(answer)
    return f"{CAMPAIGN_A}/{answer['id']}/{QUESTION}"


def file_of(key: str) -> str:
    return f"{key.split('/')[1]}-{QUESTION}.webm"


def compose(client, recordings):
    data = {"title": "Vos voix", "retained": "", "next_steps": "", "figures": "1", "recordings": recordings}
    return client.post(BASE, data=data)


def test_offered_only_with_both_consents_and_a_transcription(world):
    agreed = add_recording(world, consent_display=True, consent_report=True)
    no_reuse = add_recording(world, "Pour moi seule.", consent_display=True, consent_report=False)
    untranscribed = add_recording(world, "", consent_display=True, consent_report=True)
    form = world.client("coordination").get(BASE).get_data(as_text=True)
    assert "Enregistrements" in form
    assert f'name="recordings" value="{agreed}"' in form
    assert "Il faudrait quelqu" in form  # its label: the transcription's first words
    assert f'value="{no_reuse}"' not in form and f'value="{untranscribed}"' not in form


def test_a_posted_recording_without_consent_is_refused_and_nothing_saved(world):
    agreed = add_recording(world, consent_display=True, consent_report=True)
    no_reuse = add_recording(world, "Pour moi seule.", consent_display=True, consent_report=False)
    untranscribed = add_recording(world, "", consent_display=True, consent_report=True)
    coordinator = world.client("coordination")
    for refused in (no_reuse, untranscribed):
        response = compose(coordinator, [agreed, refused])
        assert response.status_code == 400
        assert "enregistrement choisi ne peut pas" in response.get_data(as_text=True)
        assert restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}") is None


def test_the_published_page_plays_it_beside_its_transcription_while_published(world):
    agreed = add_recording(world, consent_display=True, consent_report=True)
    other = add_recording(world, "Une autre voix, non choisie.", consent_display=True, consent_report=True)
    coordinator = world.client("coordination")
    assert compose(coordinator, [agreed]).status_code == 303
    assert restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}").recordings == [agreed]
    slug = restitutions.repository(world.svc).get(f"campagne-{CAMPAIGN_A}").slug
    public = world.app.test_client()
    url = f"/restitution/{slug}/enregistrements/{file_of(agreed)}"
    assert public.get(url).status_code == 404  # composed, not published
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    html = public.get(f"/restitution/{slug}").get_data(as_text=True)
    assert f'<audio controls preload="none" src="{url}">' in html
    assert "<figcaption>Transcription : « Il faudrait quelqu&#39;un le samedi matin" in html
    served = public.get(url)
    assert served.status_code == 200 and served.data == VOICE and served.mimetype == "audio/webm"
    assert public.get(f"/restitution/{slug}/enregistrements/{file_of(other)}").status_code == 404  # not chosen
    assert public.get(f"/restitution/{slug}/dessins/{file_of(agreed)}").status_code == 404  # not a drawing
    coordinator.post(f"{BASE}/publier", data={"publier": "0"})
    assert public.get(url).status_code == 404


def test_the_static_copy_carries_the_recording_with_a_relative_link(world):
    agreed = add_recording(world, consent_display=True, consent_report=True)
    coordinator = world.client("coordination")
    compose(coordinator, [agreed])
    coordinator.post(f"{BASE}/publier", data={"publier": "1"})
    archive = zipfile.ZipFile(io.BytesIO(coordinator.get(f"{BASE}/copie.zip").data))
    folder = f"restitution-{restitutions.repository(world.svc).get(f'campagne-{CAMPAIGN_A}').slug}"
    assert archive.read(f"{folder}/enregistrements/{file_of(agreed)}") == VOICE
    index = archive.read(f"{folder}/index.html").decode("utf-8")
    assert f'src="enregistrements/{file_of(agreed)}"' in index and "Transcription :" in index
