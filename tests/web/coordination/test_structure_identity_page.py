"""« Ma structure » (/coordination/structure) as a coordinator uses it: the name, RGPD contact
and logo saved in one form and shown again, the journal, bad input said in French with nothing
changed, each structure's coordinator editing their own; and the contact on the public privacy
and thank-you pages."""

from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.model.structure import DEFAULT_ID, NAME_MAX
from survey.services.structure_identity import LOGO_FOLDER, MAX_LOGO_BYTES
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_C, STRUCTURE_2, add_second_structure, make_world

PAGE = "/coordination/structure"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def png(width: int = 240, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 0, 160)).save(out, "PNG")
    return out.getvalue()


def send(client, name="Centre social Europe", contact="rgpd@cs-europe.fr", logo=None, filename="logo.png", **extra):
    data = {"nom": name, "contact": contact, **extra}
    if logo is not None:
        data["logo"] = FileStorage(io.BytesIO(logo), filename, content_type="image/png")
    # Encoded here, sent as bytes: the test client would spool a big body to a temporary file
    # that it never closes when the page answers before reading it (the too-heavy logo).
    boundary, body = encode_multipart(data)
    return client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path / "data")


def test_the_coordinator_home_links_to_the_page(world):
    home = world.client("coordination").get("/coordination/").get_data(as_text=True)
    assert f'href="{PAGE}"' in home


def test_the_page_saves_and_shows_name_contact_and_logo(world):
    client = world.client("coordination")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'for="nom"' in page.get_data(as_text=True) and 'for="contact"' in page.get_data(as_text=True)
    saved = send(client, contact="rgpd@cs-europe.fr\n12 rue de l'Europe, Tours", logo=png())
    assert saved.status_code == 303 and saved.headers["Location"] == PAGE
    shown = client.get(PAGE)
    body = shown.get_data(as_text=True)
    assert 'value="Centre social Europe"' in body
    assert "rgpd@cs-europe.fr\n12 rue de l&#39;Europe, Tours</textarea>" in body
    assert "Enregistré" in text(shown)
    structure = world.svc.structures.get(DEFAULT_ID)
    logo = client.get(PAGE + "/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == world.svc.photos.read(LOGO_FOLDER, DEFAULT_ID, structure.logo)
    entry = world.svc.journal.all()[-1]
    assert entry["action"] == "identité de la structure changée" and entry["who"] == "camille"
    assert "logo changé" in entry["detail"] and "contact RGPD changé" in entry["detail"]
    # Removing the logo keeps the rest.
    assert send(client, retirer_logo="1").status_code == 303
    assert world.svc.structures.get(DEFAULT_ID).logo == "" and client.get(PAGE + "/logo").status_code == 404
    assert world.svc.structures.get(DEFAULT_ID).name == "Centre social Europe"


def test_the_placeholder_name_is_not_offered_as_the_name(world):
    page = world.client("coordination").get(PAGE).get_data(as_text=True)
    assert 'value="Ma structure"' not in page and 'id="nom" name="nom" value=""' in page


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"name": "N" * (NAME_MAX + 1)}, 422, f"au plus {NAME_MAX} caractères"),
        ({"contact": "c" * 301}, 422, "Le contact doit faire au plus 300 caractères."),
        ({"logo": b"Je suis un texte.", "filename": "logo.png"}, 422, "n'est pas une image PNG ou JPEG"),
        ({"logo": png(13_000, 8)}, 422, "Cette image est trop grande (13000 × 8 pixels)"),
        ({"logo": b"\x89PNG\r\n\x1a\n" + bytes(MAX_LOGO_BYTES + 200_000)}, 413, "Le logo est trop lourd"),
    ],
    ids=["name-too-long", "contact-too-long", "text-renamed-png", "huge-image", "too-heavy"],
)
def test_bad_input_is_said_in_french_and_changes_nothing(world, fields, status, words):
    client = world.client("coordination")
    assert send(client, logo=png()).status_code == 303
    before = world.svc.structures.get(DEFAULT_ID)
    response = send(client, **fields)
    assert response.status_code == status
    page = text(response)
    assert words in page and "Rien n'a été enregistré" in page
    assert world.svc.structures.get(DEFAULT_ID) == before


def test_a_form_without_its_token_is_refused(tmp_path):
    world = make_world(tmp_path / "data", WTF_CSRF_ENABLED=True)
    response = send(world.client("coordination"), name="Piraté")
    assert response.status_code == 400 and "La page a expiré" in text(response)
    found = world.svc.structures.get(DEFAULT_ID)
    assert found is None or found.name != "Piraté"


def test_each_structures_coordinator_edits_their_own_identity(world):
    add_second_structure(world)
    assert (
        send(world.client("coordination_nord"), name="Centre social du Nord", contact="nord@cs.fr").status_code == 303
    )
    assert world.svc.structures.get(STRUCTURE_2).contact == "nord@cs.fr"
    default = world.svc.structures.get(DEFAULT_ID)
    assert default is None or default.contact == ""
    page = world.client("coordination").get(PAGE).get_data(as_text=True)
    assert "nord@cs.fr" not in page


def test_the_public_privacy_and_thank_you_pages_give_the_contact(world):
    client = world.client("anonyme")
    before = text(client.get(f"/c/{CAMPAIGN_A}/confidentialite"))
    assert "Adressez-vous à Centre social :" in before  # the campaign's own structure text
    assert "contactez" not in text(client.get(f"/c/{CAMPAIGN_A}/merci"))  # no contact: nothing empty said
    send(world.client("coordination"), contact="rgpd@cs-europe.fr")
    after = text(client.get(f"/c/{CAMPAIGN_A}/confidentialite"))
    assert "Adressez-vous à Centre social ( rgpd@cs-europe.fr ) :" in after
    thanks = text(client.get(f"/c/{CAMPAIGN_A}/merci"))
    assert "Vos données : pour voir, corriger ou effacer votre réponse, contactez rgpd@cs-europe.fr" in thanks


def test_a_campaign_of_another_structure_shows_that_structures_contact(world):
    add_second_structure(world)
    send(world.client("coordination"), contact="rgpd@cs-europe.fr")
    send(world.client("coordination_nord"), name="Centre social du Nord", contact="nord@cs.fr")
    client = world.client("anonyme")
    campaign = world.svc.campaigns.get(CAMPAIGN_C)
    campaign.structure = ""  # no text of its own: the owning structure's name
    world.svc.campaigns.save(campaign)
    privacy = text(client.get(f"/c/{CAMPAIGN_C}/confidentialite"))
    assert "Centre social du Nord" in privacy and "nord@cs.fr" in privacy and "rgpd@cs-europe.fr" not in privacy
    thanks = text(client.get(f"/c/{CAMPAIGN_C}/merci"))
    assert "nord@cs.fr" in thanks and "rgpd@cs-europe.fr" not in thanks
