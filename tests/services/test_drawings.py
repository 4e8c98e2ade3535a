"""A drawing is kept as its pixels alone: no place, no device, no text, whatever the file held."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from survey.services.drawings import DrawingRefused, clean_image
from survey.services.media import MediaRefused, checked_medium

GPS_IFD = 0x8825
MAKE, MODEL, DATE = 0x010F, 0x0110, 0x0132


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "TabletteCorp"
    exif[MODEL] = "Modèle 7"
    exif[DATE] = "2026:11:30 10:00:00"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_loses_its_place_and_device():
    data = photo_with_gps()
    with Image.open(io.BytesIO(data)) as before:  # the fixture really carries them
        assert before.getexif().get_ifd(GPS_IFD)
        assert before.getexif()[MAKE] == "TabletteCorp"
    cleaned, content_type = clean_image(data)
    assert content_type == "image/jpeg"
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.size == (64, 48)
        assert not after.getexif()
        assert "exif" not in after.info
    for word in (b"TabletteCorp", b"Exif", b"2026:11:30"):
        assert word not in cleaned


def test_a_png_loses_its_text_chunks():
    image = Image.new("RGBA", (40, 30), (0, 90, 200, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Fatima")
    info.add_itxt("Comment", "rue des Lilas")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    cleaned, content_type = clean_image(out.getvalue())
    assert content_type == "image/png"
    assert b"Fatima" not in cleaned and b"Lilas" not in cleaned
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
        assert chunk not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.size == (40, 30)
        assert after.convert("RGBA").getpixel((5, 5)) == (0, 90, 200, 255)


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("data", [gif(), SVG, b"\x00garbage" * 50, b"\x89PNG\r\n\x1a\nbroken", b""])
def test_anything_else_is_refused_in_french(data):
    with pytest.raises(DrawingRefused) as refused:
        clean_image(data)
    assert "dessin" in str(refused.value).lower()
    # The answer's POST hears it as a refused medium (what the form shows).
    with pytest.raises(MediaRefused):
        checked_medium("dessin", data, "image/png")


def test_too_heavy_is_refused_with_the_limit():
    data = photo_with_gps()
    with pytest.raises(DrawingRefused) as refused:
        clean_image(data, max_bytes=len(data) - 1)
    assert "trop lourd" in str(refused.value)
    assert clean_image(data, max_bytes=len(data))[1] == "image/jpeg"
