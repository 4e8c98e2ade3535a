"""The pictograms a choice may carry (``picto: smartphone``), for people who read little.

They are our own line drawings, one SVG file each in ``printables/art/pictos/`` (listed in its
README): the loader checks a questionnaire's names against that folder, the form draws them
inline beside the words (no extra request, and a page kept for offline use keeps them), the
printables inline them beside each box. The folder is the one list: adding a drawing there
adds a pictogram, with no code change. Each file is ``<svg …><title>meaning</title>body</svg>``
drawn in a 64 × 64 box with ``currentColor`` strokes; ``body`` is what pages inline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PICTOGRAMS_DIR = Path(__file__).resolve().parents[2] / "printables" / "art" / "pictos"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
_SVG = "{http://www.w3.org/2000/svg}"
# How a drawing's strokes look, given once per page by CSS on screen (``.picto.line``) and as
# attributes on paper, where the printables' CSS does not reach inside an SVG.
STROKES = 'fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"'


class PictogramError(ValueError):
    """A drawing of the folder that is not a pictogram we can inline (a mistake of ours)."""


@dataclass(frozen=True)
class Pictogram:
    name: str
    title: str  # what it shows, in French (the file's <title>)
    body: str  # the drawing inside <svg>, without the title


def read(path: Path) -> Pictogram:
    """One drawing: a well-formed SVG with a 64 × 64 viewBox and a title."""
    text = path.read_text(encoding="utf-8")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise PictogramError(f"{path.name} : SVG mal formé ({exc})") from None
    title = root.find(f"{_SVG}title")
    if (
        root.tag != f"{_SVG}svg"
        or root.get("viewBox") != "0 0 64 64"
        or title is None
        or not (title.text or "").strip()
    ):
        raise PictogramError(f'{path.name} : il faut <svg viewBox="0 0 64 64"> et un <title> en français')
    body = text[text.index("</title>") + len("</title>") : text.rindex("</svg>")]
    return Pictogram(path.stem, title.text.strip(), " ".join(body.split()))


@lru_cache(maxsize=4)
def catalogue(folder: Path = PICTOGRAMS_DIR) -> dict[str, Pictogram]:
    """Every pictogram of the folder by name, sorted (read once: they ship with the toolkit)."""
    found = {}
    for path in sorted(Path(folder).glob("*.svg")):
        if NAME.match(path.stem):
            found[path.stem] = read(path)
    return found


def exists(name: str) -> bool:
    return name in catalogue()


def svg(name: str, css_class: str = "picto line", strokes: bool = False) -> str:
    """A pictogram to inline beside a choice's words: decorative (``aria-hidden``), since the
    words are there. ``strokes``: with the stroke attributes (paper); else CSS gives them.
    Markup to mark safe: the body comes from our own files, never from a questionnaire."""
    picto = catalogue().get(name)
    if picto is None:  # the loader refuses unknown names: a drawing removed since shows nothing
        return ""
    style = f" {STROKES}" if strokes else ""
    return f'<svg class="{css_class}" viewBox="0 0 64 64"{style} aria-hidden="true">{picto.body}</svg>'
