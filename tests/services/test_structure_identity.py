"""A structure's printed identity as the use case keeps it: name, RGPD contact and logo saved
together, a bad field changing nothing, the logo checked from its bytes and re-encoded, and
which identity a campaign prints (its own structure text first, then its owning structure)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from survey.model.structure import CONTACT_MAX, DEFAULT_ID, DEFAULT_NAME, NAME_MAX, Structure
from survey.services.structure_identity import (
    LOGO_FOLDER,
    LOGO_SIDE,
    MAX_LOGO_BYTES,
    IdentityChange,
    IdentityError,
    identity_for,
    read_logo,
    save_identity,
)

CAMPAIGN = "porteur-de-parole-numerique"  # its « structure » text is « Centre social » (demo)


def png(width: int = 300, height: int = 120, colour=(200, 0, 160), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour if mode == "RGB" else 0).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(width: int, height: int) -> bytes:
    """A phone's photo of a logo: big, with a GPS position in its EXIF."""
    image = Image.new("RGB", (width, height), (20, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (47.0, 23.0, 0.0)}  # GPS IFD: latitude of Tours
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=80)
    return out.getvalue()


def stored(services) -> Structure | None:
    return services.structures.get(DEFAULT_ID)


def test_name_contact_and_logo_are_saved_together_and_the_logo_reencoded(services):
    photo = jpeg_with_gps(3000, 1500)
    assert b"PhoneMaker" in photo
    saved = save_identity(
        services,
        DEFAULT_ID,
        IdentityChange("  Centre social   Europe ", "rgpd@cs-europe.fr\r\n\r\n12 rue de l'Europe  ", photo),
    )
    assert stored(services) == saved
    assert (saved.name, saved.contact) == ("Centre social Europe", "rgpd@cs-europe.fr\n12 rue de l'Europe")
    assert saved.logo.endswith(".jpg") and saved.created_at
    kept = read_logo(services, saved)
    assert kept == services.photos.read(LOGO_FOLDER, DEFAULT_ID, saved.logo)
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and max(image.size) == LOGO_SIDE and image.size == (LOGO_SIDE, LOGO_SIDE // 2)
        assert not image.getexif()  # no maker, no GPS position: only the pixels are kept
    assert b"PhoneMaker" not in kept


def test_a_png_logo_stays_png_with_its_transparency(services):
    out = io.BytesIO()
    Image.new("RGBA", (200, 100), (255, 0, 0, 0)).save(out, "PNG")
    saved = save_identity(services, DEFAULT_ID, IdentityChange("Médiathèque", "", out.getvalue()))
    with Image.open(io.BytesIO(read_logo(services, saved))) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.size == (200, 100)


def test_a_new_save_without_a_file_keeps_the_logo_and_removing_it_forgets_it(services):
    first = save_identity(services, DEFAULT_ID, IdentityChange("Centre social", "a@b.fr", png()))
    again = save_identity(services, DEFAULT_ID, IdentityChange("Centre social", "c@d.fr"))
    assert again.logo == first.logo and again.contact == "c@d.fr"
    removed = save_identity(services, DEFAULT_ID, IdentityChange("Centre social", "c@d.fr", remove_logo=True))
    assert removed.logo == "" and read_logo(services, removed) is None
    assert identity_for(services, services.campaigns.get(CAMPAIGN)).logo is None


@pytest.mark.parametrize(
    "change, words",
    [
        (IdentityChange("", "a@b.fr"), "Donnez le nom de la structure."),
        (IdentityChange("N" * (NAME_MAX + 1), "a@b.fr"), f"au plus {NAME_MAX} caractères"),
        (IdentityChange("Centre", "c" * (CONTACT_MAX + 1)), f"au plus {CONTACT_MAX} caractères"),
        (IdentityChange("Centre", "", b"Bonjour, je suis un texte."), "n'est pas une image PNG ou JPEG"),
        (IdentityChange("Centre", "", b"GIF89a" + bytes(100)), "n'est pas une image PNG ou JPEG"),
        (IdentityChange("Centre", "", b"\x89PNG\r\n\x1a\n" + bytes(200)), "Ce logo ne peut pas être lu"),
        (IdentityChange("Centre", "", png(13_000, 10, mode="1")), "Cette image est trop grande (13000 × 10"),
        (IdentityChange("Centre", "", png(6_000, 5_000, mode="1")), "Ce logo est trop grand (6000 × 5000"),
        (IdentityChange("Centre", "", b"\x89PNG\r\n\x1a\n" + bytes(MAX_LOGO_BYTES)), "Le logo est trop lourd"),
    ],
    ids=[
        "no-name",
        "name-too-long",
        "contact-too-long",
        "text-file",
        "gif",
        "broken-png",
        "too-wide",
        "too-many-pixels",
        "too-heavy",
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(services, change, words):
    before = save_identity(services, DEFAULT_ID, IdentityChange("Centre social", "a@b.fr", png()))
    with pytest.raises(IdentityError) as raised:
        save_identity(services, DEFAULT_ID, change)
    assert any(words in problem for problem in raised.value.problems), raised.value.problems
    assert stored(services) == before
    assert read_logo(services, before) is not None


def test_the_default_structure_is_made_when_first_saved(services):
    assert stored(services) is None or stored(services).name == DEFAULT_NAME
    saved = save_identity(services, DEFAULT_ID, IdentityChange("Maison du quartier", ""))
    assert stored(services) == saved and saved.id == DEFAULT_ID


def test_a_campaign_prints_its_own_structure_text_else_its_structures_name(services):
    campaign = services.campaigns.get(CAMPAIGN)
    # Not named yet: the placeholder « Ma structure » is never printed.
    campaign.structure = ""
    assert identity_for(services, campaign).name == ""
    save_identity(services, DEFAULT_ID, IdentityChange("Centre social Europe", "rgpd@cs.fr\n12 rue X"))
    assert identity_for(services, campaign).name == "Centre social Europe"
    campaign.structure = "Médiathèque partenaire"  # a partner named by the campaign wins for the name
    found = identity_for(services, campaign)
    assert (found.name, found.contact) == ("Médiathèque partenaire", "rgpd@cs.fr, 12 rue X")


def test_a_campaign_of_another_structure_gets_that_structures_identity(services):
    save_identity(services, DEFAULT_ID, IdentityChange("Centre social Europe", "rgpd@cs.fr", png(colour=(255, 0, 0))))
    assert services.structures.add(Structure("maison-tunnel", "Maison du Tunnel", "Mairie de Vierzon, 18100"))
    save_identity(services, "maison-tunnel", IdentityChange("Maison du Tunnel", "tunnel@vierzon.fr", png()))
    campaign = services.campaigns.get(CAMPAIGN)
    campaign.structure, campaign.structure_id = "", "maison-tunnel"
    found = identity_for(services, campaign)
    assert (found.name, found.contact) == ("Maison du Tunnel", "tunnel@vierzon.fr")
    with Image.open(io.BytesIO(found.logo)) as image:
        assert image.getpixel((5, 5)) == (200, 0, 160)
    assert found.logo_uri.startswith("data:image/png;base64,")


def test_the_demo_gives_the_default_structure_a_name_and_contact_and_keeps_a_real_one(tmp_path):
    from survey import create_app
    from survey.services.demo import DEMO_STRUCTURE_CONTACT, DEMO_STRUCTURE_NAME, load_demo

    svc = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "test"}).extensions["survey"]
    load_demo(svc, with_answers=True)
    found = identity_for(svc, svc.campaigns.get(CAMPAIGN))
    assert (stored(svc).name, found.contact) == (DEMO_STRUCTURE_NAME, DEMO_STRUCTURE_CONTACT)
    save_identity(svc, DEFAULT_ID, IdentityChange("Centre social Europe", "rgpd@cs.fr"))
    load_demo(svc, with_answers=True)  # the demo server started again
    assert (stored(svc).name, stored(svc).contact) == ("Centre social Europe", "rgpd@cs.fr")
