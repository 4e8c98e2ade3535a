"""QR codes as inline SVG for printed sheets.

qrcode's ``SvgPathImage`` (error correction Q, 4-module quiet zone), with two
changes: one sub-path per run of dark modules instead of one per module (a third
of the markup, so WeasyPrint parses less), and an id chosen by the caller
(qrcode 8.2 writes a fixed ``id="qr-path"``: two codes on one page would clash).
"""

from __future__ import annotations

import re

import qrcode
from qrcode.compat.etree import ET  # lxml when installed, else the standard library
from qrcode.image.svg import SvgPathImage

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules: the minimum the standard asks for
_ID = re.compile(r"[^a-zA-Z0-9_-]+")


class RunPathImage(SvgPathImage):
    """One ``<path>`` that strokes each horizontal run of dark modules with a pen one
    module wide, in relative moves: about half the numbers of one filled square per run,
    and WeasyPrint's SVG parsing is most of a code's cost (measured: 9 ms against 17 ms).
    A single path is painted at once, so rows show no seams between them."""

    QR_PATH_STYLE = {"fill": "none", "stroke": "#000000", "stroke-width": "1", "stroke-linecap": "butt"}

    def drawrect_context(self, row, col, qr):
        pass  # the path is built from the whole matrix in process()

    def process(self):
        size = len(self.modules)
        parts = []
        pen = None  # where the previous run ended: (x, y)
        for row in range(size):
            line = self.modules[row]
            col = 0
            while col < size:
                if not line[col]:
                    col += 1
                    continue
                start = col
                while col < size and line[col]:
                    col += 1
                x, y = start + self.border, row + self.border
                if pen is None:
                    parts.append(f"M{x} {y}.5h{col - start}")
                else:
                    parts.append(f"m{x - pen[0]} {y - pen[1]}h{col - start}")
                pen = (x + col - start, y)
        self.path = ET.Element("path", d="".join(parts), **self.QR_PATH_STYLE)
        self._img.append(self.path)


def qr_matrix_size(url: str) -> int:
    """Modules across, quiet zone included (for tests and layout checks)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.modules_count + 2 * QUIET_ZONE


def svg_id(uid: str) -> str:
    """``uid`` made a valid id (letters, digits, - and _)."""
    return _ID.sub("-", uid)


def qr_svg(url: str, uid: str, css_class: str = "qr", label: str | None = None) -> str:
    """Inline ``<svg>`` markup for ``url``; sized by CSS (no width/height). ``label`` is what a
    screen reader says (the URL by default; a Wi-Fi code says its network, not its payload)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, image_factory=RunPathImage)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image()
    svg = image.get_image()
    for attribute in ("width", "height"):
        svg.attrib.pop(attribute, None)
    svg.set("class", css_class)
    svg.set("id", svg_id(uid))
    svg.set("role", "img")
    svg.set("aria-label", label or url)
    svg.set("shape-rendering", "crispEdges")
    return ET.tostring(svg, encoding="unicode")
