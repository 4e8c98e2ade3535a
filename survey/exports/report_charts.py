"""The report's bar charts as PNG images, for the editable document (ODT): a word processor
shows a picture everywhere, where an SVG inside an ODT is read by LibreOffice only.

Drawn with Pillow (already installed with WeasyPrint) the way ``services/charts.py`` draws the
SVG of the pages: one horizontal bar per answer, its length the share, the count and the
percentage beside it, labels wrapped. Twice the size it is shown at, for a sharp print.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..services.charts import BAR_FILL, INK, TRACK_FILL, Bar

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core, as the PDFs
SCALE = 2
WIDTH = 640 * SCALE
VALUE_SPACE = 170 * SCALE
LABEL_CHARS = 62
LINE = 20 * SCALE
BAR = 24 * SCALE
GAP = 14 * SCALE
FONT_SIZE = 15 * SCALE


def _font(bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), FONT_SIZE)
    return ImageFont.load_default(size=FONT_SIZE)


def chart_png(items: list[Bar]) -> tuple[bytes, int, int]:
    """The PNG of the bars, with its width and height in pixels."""
    lines = [textwrap.wrap(bar.label, LABEL_CHARS) or [""] for bar in items]
    height = max(40 * SCALE, 8 * SCALE + sum(len(wrapped) * LINE + BAR + GAP for wrapped in lines))
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    regular, bold = _font(), _font(bold=True)
    room = WIDTH - VALUE_SPACE
    y = 8 * SCALE
    for bar, wrapped in zip(items, lines):
        for line in wrapped:
            draw.text((0, y), line, fill=INK, font=regular)
            y += LINE
        length = round(room * max(0.0, min(bar.percent, 100.0)) / 100.0)
        if bar.count and length < 2 * SCALE:
            length = 2 * SCALE  # a bar that exists stays visible
        draw.rectangle((0, y, room, y + BAR), fill=TRACK_FILL)
        if length:
            draw.rectangle((0, y, length, y + BAR), fill=BAR_FILL)
        draw.text((length + 8 * SCALE, y + 2 * SCALE), bar.value_text, fill=INK, font=bold)
        y += BAR + GAP
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue(), WIDTH, height
