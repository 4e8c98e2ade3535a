"""QR codes as inline SVG for printed sheets.

qrcode's ``SvgPathImage`` (error correction Q, 4-module quiet zone), with two
changes: one sub-path per run of dark modules instead of one per module (a third
of the markup, so WeasyPrint parses less), and an id chosen by the caller
(qrcode 8.2 writes a fixed ``id="qr-path"``: two codes on one page would clash).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import qrcode
from qrcode.image.svg import SvgPathImage

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules: the minimum the standard asks for
_ID = re.compile(r"[^a-zA-Z0-9_-]+")


class RunPathImage(SvgPathImage):
    """One ``<path>`` made of horizontal runs of dark modules."""

    def drawrect_context(self, row, col, qr):
        pass  # the path is built from the whole matrix in process()

    def process(self):
        size = len(self.modules)
        parts = []
        for row in range(size):
            line = self.modules[row]
            col = 0
            while col < size:
                if line[col]:
                    start = col
                    while col < size and line[col]:
                        col += 1
                    parts.append(f"M{start + self.border},{row + self.border}h{col - start}v1h{start - col}z")
                else:
                    col += 1
        self.path = ET.Element("path", d="".join(parts), **self.QR_PATH_STYLE)
        self._img.append(self.path)


def qr_matrix_size(url: str) -> int:
    """Modules across, quiet zone included (for tests and layout checks)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.modules_count + 2 * QUIET_ZONE


def qr_svg(url: str, uid: str, css_class: str = "qr") -> str:
    """Inline ``<svg>`` markup for ``url``; sized by CSS (no width/height)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, image_factory=RunPathImage)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image()
    svg = image.get_image()
    for attribute in ("width", "height"):
        svg.attrib.pop(attribute, None)
    svg.set("class", css_class)
    svg.set("id", _ID.sub("-", uid))
    svg.set("role", "img")
    svg.set("aria-label", url)
    svg.set("shape-rendering", "crispEdges")
    return ET.tostring(svg, encoding="unicode")
