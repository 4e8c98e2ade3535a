"""A `dessin` question answered on the public form: the drawing is stored once (its metadata gone),
shown on the answer page and in the campaign's « Dessins » gallery to its own structure's
coordinators only; the phrase alone is an answer too (the typed alternative)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.config import DEFAULTS
from survey.model.campaign import Campaign
from survey.model.media import medium_for
from tests.coord_world import add_second_structure, make_world

QUESTIONNAIRE = """\
id: dessins-quartier
title: Des dessins à dessein
version: 1
intro: Dessinez votre idée.
purpose: Imaginer les illustrations du livrable.
consent: Réponse anonyme.
source: {document: seed 004, lines: "507-522"}
questions:
  - id: idee
    type: dessin
    label: Une petite phrase et une idée d'illustration
    required: true
    source: {lines: "509-511"}
  - id: avis
    type: short_text
    label: Autre chose ?
    source: {derived: true}
languages: [ar]
translations:
  ar:
    note: "Traduction de l'équipe, pour les tests"
    title: "رسوم ذات معنى"
    intro: "ارسم فكرتك."
    purpose: "تخيّل رسوم الكتيّب."
    consent: "إجابة مجهولة الهوية."
    questions:
      idee: {label: "جملة قصيرة وفكرة رسم"}
      avis: {label: "شيء آخر؟"}
"""
CAMPAIGN = "dessins"
FORM = f"/c/{CAMPAIGN}/"


@pytest.fixture
def world(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for shipped in sorted(Path(DEFAULTS["QUESTIONNAIRES_DIR"]).glob("*.yaml")):
        (folder / shipped.name).write_bytes(shipped.read_bytes())
    (folder / "dessins-quartier.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    world = make_world(tmp_path / "data", QUESTIONNAIRES_DIR=str(folder))
    world.svc.campaigns.save(
        Campaign(id=CAMPAIGN, title="Dessins du quartier", questionnaire="dessins-quartier", channels=["qr"])
    )
    return add_second_structure(world)


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TabletteCorp"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def open_form(client):
    response = client.get(FORM)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))
    return html, fields


def stored(world):
    return list(world.svc.answers.iter_answers(CAMPAIGN))


def test_the_form_offers_the_pad_the_camera_and_the_phrase(world):
    html, _ = open_form(world.app.test_client())
    assert 'enctype="multipart/form-data"' in html
    assert 'src="/static/draw.js' in html and "draw.css" in html
    assert re.search(
        r'<input type="file" id="media-idee" name="media-idee" accept="image/\*" capture="environment">', html
    )
    assert '<label for="media-idee">Prendre en photo un dessin sur papier</label>' in html
    assert '<label class="phrase-label" for="q_idee">' in html and 'name="q_idee"' in html
    assert 'data-drawing="media-idee" hidden' in html  # shown by draw.js only
    # Another questionnaire's form does not load the drawing's script.
    other = world.app.test_client().get("/c/besoins-numeriques-habitants/").get_data(as_text=True)
    assert "draw.js" not in other and "draw.css" not in other


def test_a_drawing_is_stored_once_without_metadata_and_shown_to_its_coordinators(world):
    client = world.app.test_client()
    _, fields = open_form(client)
    body = {**fields, "q_idee": "Un banc sous l'arbre", "media-idee": (io.BytesIO(photo_with_gps()), "photo.jpg")}
    response = client.post(FORM, data=body, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    # The same answer sent again (the tablet did not hear the first reply) stores nothing twice.
    again = {**fields, "q_idee": "Un banc sous l'arbre", "media-idee": (io.BytesIO(photo_with_gps()), "photo.jpg")}
    assert client.post(FORM, data=again, content_type="multipart/form-data").status_code == 303
    [answer] = stored(world)
    entry = medium_for(answer, "idee")
    assert entry["kind"] == "dessin" and entry["type"] == "image/jpeg"
    assert world.svc.media.names(CAMPAIGN) == [entry["file"]]
    kept = world.svc.media.read(CAMPAIGN, entry["file"])
    assert b"TabletteCorp" not in kept and b"Exif" not in kept
    assert answer["answers"]["idee"] == "Un banc sous l'arbre"

    coordinator = world.client("coordination")
    page = coordinator.get(f"/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}").get_data(as_text=True)
    src = f"/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}/medias/{entry['file']}"
    assert f'<img src="{src}" alt="Un banc sous l&#39;arbre"' in page
    image = coordinator.get(src)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data == kept

    gallery = coordinator.get(f"/coordination/campagnes/{CAMPAIGN}/dessins")
    assert gallery.status_code == 200
    html = gallery.get_data(as_text=True)
    assert "<h1>Dessins</h1>" in html and src in html
    assert f'/coordination/campagnes/{CAMPAIGN}/reponses/{answer["id"]}"' in html
    assert "Compte rendu : oui" in html and "Mur : non" in html  # anonymous form: reusable, not on the wall
    reading = coordinator.get(f"/coordination/campagnes/{CAMPAIGN}/reponses").get_data(as_text=True)
    assert f'href="/coordination/campagnes/{CAMPAIGN}/dessins"' in reading

    # Another structure's coordinator reaches neither the gallery nor the image.
    north = world.client("coordination_nord")
    assert north.get(f"/coordination/campagnes/{CAMPAIGN}/dessins").status_code == 404
    assert north.get(src).status_code == 404


def test_the_gallery_puts_the_newest_first_and_says_a_drawing_without_phrase(world):
    client = world.app.test_client()
    sent = []
    for phrase in ("Le premier", ""):
        _, fields = open_form(client)
        png = io.BytesIO()
        Image.new("RGB", (90, 60), (200, 40, 40)).save(png, "PNG")
        body = {**fields, "q_idee": phrase, "media-idee": (io.BytesIO(png.getvalue()), "dessin.png")}
        assert client.post(FORM, data=body, content_type="multipart/form-data").status_code == 303
        sent.append(fields["answer_id"])
    answers = {a["id"]: a for a in stored(world)}
    assert "idee" not in answers[sent[1]]["answers"]  # a drawing alone answers the required question
    # The first one a day older, whatever the clock's resolution.
    world.svc.answers.change(CAMPAIGN, sent[0], lambda a: {**a, "submitted_at": "2026-01-01T10:00:00Z"})
    world.svc.answers.change(CAMPAIGN, sent[1], lambda a: {**a, "submitted_at": "2026-01-02T10:00:00Z"})
    html = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN}/dessins").get_data(as_text=True)
    first, second = (html.index(f"/reponses/{answer_id}/medias/") for answer_id in sent)
    assert second < first
    assert 'alt="Dessin sans phrase"' in html and 'alt="Le premier"' in html


def test_the_phrase_alone_is_a_complete_answer(world):
    client = world.app.test_client()
    _, fields = open_form(client)
    response = client.post(FORM, data={**fields, "q_idee": "Plus d'arbres"}, content_type="multipart/form-data")
    assert response.status_code == 303
    [answer] = stored(world)
    assert answer["answers"] == {"idee": "Plus d'arbres"} and not answer.get("media")
    assert world.svc.media.names(CAMPAIGN) == []


def test_a_required_drawing_question_left_empty_or_a_refused_file_says_so_in_french(world):
    client = world.app.test_client()
    _, fields = open_form(client)
    empty = client.post(FORM, data={**fields, "q_avis": ""}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "Cette question demande une réponse." in empty.get_data(as_text=True)
    svg = {**fields, "media-idee": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "d.svg")}
    refused = client.post(FORM, data=svg, content_type="multipart/form-data")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "n’est pas un dessin que l’outil sait lire" in text
    assert 'href="#q_idee"' in text  # the error summary leads to the phrase field
    assert stored(world) == [] and world.svc.media.names(CAMPAIGN) == []


def test_a_photo_bigger_than_a_page_of_words_passes_the_token_check(tmp_path):
    """The limit of a request (MAX_CONTENT_LENGTH, 512 KB) is raised for an answer with media before
    anything reads its body: with the CSRF check on, as on a real server, not only in tests."""
    import os

    from survey import create_app

    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "dessins-quartier.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "QUESTIONNAIRES_DIR": str(folder), "SECRET_KEY": "t"})
    app.extensions["survey"].campaigns.save(
        Campaign(id=CAMPAIGN, title="Dessins", questionnaire="dessins-quartier", channels=["qr"])
    )
    client = app.test_client()
    html, fields = open_form(client)
    fields["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]*)"', html).group(1)
    photo = io.BytesIO()
    Image.frombytes("RGB", (900, 900), os.urandom(900 * 900 * 3)).save(photo, "JPEG", quality=90)
    assert len(photo.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    upload = FileStorage(io.BytesIO(photo.getvalue()), filename="photo.jpg", content_type="image/jpeg")
    body = {**fields, "q_idee": "Une fresque", "media-idee": upload}
    # Encoded here, in memory: the test client would spool a big body to a file it never closes.
    boundary, data = encode_multipart(body)
    response = client.post(FORM, data=data, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    [answer] = app.extensions["survey"].answers.iter_answers(CAMPAIGN)
    assert medium_for(answer, "idee")["type"] == "image/jpeg"


def test_a_paper_sheet_is_typed_with_the_phrase_only(world):
    from survey.services.fieldwork.paper import paper_code

    campaign = world.svc.campaigns.get(CAMPAIGN)
    campaign.channels = ["qr", "papier"]
    world.svc.campaigns.save(campaign)
    code = paper_code(campaign, 1)
    client = world.client("coordination")
    page = client.get(f"/terrain/{CAMPAIGN}/papier/saisie", query_string={"feuille": code})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="q_idee"' in html and "media-idee" not in html and "draw.js" not in html
    assert "Le dessin reste sur la feuille : recopiez seulement la petite phrase." in html


def test_every_coordinator_page_of_a_campaign_with_drawings_opens(world):
    client = world.app.test_client()
    _, fields = open_form(client)
    png = io.BytesIO()
    Image.new("RGB", (90, 60), (20, 160, 40)).save(png, "PNG")
    body = {**fields, "q_avis": "Rien", "media-idee": (io.BytesIO(png.getvalue()), "dessin.png")}
    assert client.post(FORM, data=body, content_type="multipart/form-data").status_code == 303
    coordinator = world.client("coordination")
    base = f"/coordination/campagnes/{CAMPAIGN}"
    for path in ("/", "/resultats", "/reponses", "/dessins", "/synthese", "/mots", "/exporter", "/export.csv"):
        response = coordinator.get(base + path)
        assert response.status_code == 200, (path, response.status_code)


def carried(response) -> dict:
    """The hidden fields a step page carries to the next (the token aside)."""
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.get_data(as_text=True))
    return {name: value for name, value in hidden if name != "csrf_token"}


def first_step_with_a_drawing(client) -> tuple[dict, object]:
    """Step by step: the drawing's step sent with a drawing and « Un arbre »; (the answer's id
    and start time, the next step's page)."""
    page = client.get(FORM, query_string={"mode": "pas-a-pas"}).get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', page))
    step = {**fields, "mode": "pas-a-pas", "etape": "idee", "action": "suivant", "q_idee": "Un arbre"}
    step["media-idee"] = (io.BytesIO(photo_with_gps()), "photo.jpg")
    return fields, client.post(FORM, data=step, content_type="multipart/form-data")


def test_a_drawing_made_on_one_step_is_sent_with_the_last_one(world):
    """Step by step, the drawing goes with the step it was made on and is kept until the answer is sent."""
    client = world.app.test_client()
    fields, second = first_step_with_a_drawing(client)
    assert second.status_code == 200
    assert carried(second).get("q_idee") == "Un arbre"
    last = {**carried(second), **fields, "mode": "pas-a-pas", "etape": "avis", "action": "envoyer", "q_avis": "Merci"}
    assert client.post(FORM, data=last, content_type="multipart/form-data").status_code == 303
    [answer] = stored(world)
    entry = medium_for(answer, "idee")
    assert entry and entry["type"] == "image/jpeg" and answer["answers"]["idee"] == "Un arbre"
    assert world.svc.media.names(CAMPAIGN) == [entry["file"]]


def test_going_back_to_a_drawing_step_says_the_drawing_is_still_joined(world):
    """A pad shown again is empty (a page cannot hold a file): the step says the drawing made on
    it is still joined to the answer, and the answer sent from there keeps it."""
    client = world.app.test_client()
    fields, second = first_step_with_a_drawing(client)
    assert "Votre dessin est joint" not in second.get_data(as_text=True)  # the next step has no pad
    back = {**carried(second), **fields, "mode": "pas-a-pas", "etape": "avis", "action": "precedent"}
    shown = client.post(FORM, data=back, content_type="multipart/form-data")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'name="etape" value="idee"' in html
    assert "Votre dessin est joint à cette réponse. Un nouveau dessin ou une photo le remplace." in html
    assert 'name="media-garde-idee"' in html
    sent = {**carried(shown), **fields, "mode": "pas-a-pas", "etape": "idee", "action": "suivant"}
    after = client.post(FORM, data=sent, content_type="multipart/form-data")
    last = {**carried(after), **fields, "mode": "pas-a-pas", "etape": "avis", "action": "envoyer", "q_avis": "Oui"}
    assert client.post(FORM, data=last, content_type="multipart/form-data").status_code == 303
    [answer] = stored(world)
    assert medium_for(answer, "idee")["type"] == "image/jpeg"
