"""French typography and type sizes that fit their box.

Pango does not put the narrow no-break space before « ; : ! ? » nor inside
« », so a question mark could start a line on its own: ``french()`` does it.
``TextFitter`` picks the largest type size (within bounds) at which a text,
wrapped at spaces, fits a box: long questions shrink instead of overflowing.
Widths come from the very font file the PDF embeds (Pillow reads it, shaping
Arabic words with Raqm when Pillow has it: joined letters are narrower than isolated
ones, so without it Arabic is measured wider than drawn, never narrower).
``typeset()`` applies French rules to French only: other languages keep their own.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import ImageFont

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"
_BEFORE = re.compile(r"\s*([?!;:»])")
_AFTER = re.compile(r"(«)\s*")
_WORDS = re.compile(r"[ \t]+")  # where lines may break: not at no-break spaces
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# Width kept free on each line, for Pango's kerning and rounding.
SAFETY = 0.96


def french(text: str) -> str:
    """Straight apostrophes become ’; a narrow no-break space before ?!;:» and after «."""
    if not text:
        return ""
    text = _APOSTROPHE.sub("\u2019", str(text))
    text = _BEFORE.sub(lambda m: (NNBSP if m.group(1) != ":" else NBSP) + m.group(1), text)
    text = _AFTER.sub(lambda m: m.group(1) + NNBSP, text)
    # "http://…": no space before the colon of a URL scheme.
    return re.sub(r"(\w)[\u202f\u00a0]:(?=//)", r"\1:", text)


def typeset(text: str, language: str = "fr") -> str:
    """French typography for French; other languages as written (an Arabic « ؟ » needs no space)."""
    if language.split("-")[0] == "fr":
        return french(text)
    return str(text or "")


# The languages measured and drawn with the Arabic face (common.css: ``:lang(ar)`` and these).
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ckb"})


def face_for(language: str | None) -> str:
    """Which face draws a language's text: ``arabic`` or ``latin`` (DejaVu: Latin, Greek, Cyrillic)."""
    return "arabic" if (language or "fr").split("-")[0].lower() in ARABIC_SCRIPT else "latin"


# First words of structure names, for « l'équipe du Centre social », « de la Médiathèque ».
_MASCULINE = {
    "centre",
    "service",
    "pôle",
    "pole",
    "collectif",
    "comité",
    "comite",
    "conseil",
    "foyer",
    "club",
    "réseau",
    "reseau",
    "département",
    "departement",
    "quartier",
    "secours",
    "point",
    "relais",
    "local",
    "bureau",
    "groupe",
    "syndicat",
    "cabinet",
    "tiers-lieu",
    "fablab",
    "ccas",
    "cias",
}
_FEMININE = {
    "maison",
    "mairie",
    "ville",
    "médiathèque",
    "mediatheque",
    "bibliothèque",
    "bibliotheque",
    "mission",
    "régie",
    "regie",
    "fédération",
    "federation",
    "métropole",
    "metropole",
    "communauté",
    "communaute",
    "direction",
    "plateforme",
    "ludothèque",
    "ludotheque",
    "caf",
    "caisse",
    "commune",
    "préfecture",
    "prefecture",
    "maison-des-services",
    "journée",
    "journee",
    "équipe",
    "equipe",
    "coopérative",
    "cooperative",
    "compagnie",
    "agence",
    "permanence",
}
_ARTICLES = (("le ", "du "), ("la ", "de la "), ("les ", "des "), ("l'", "de l'"), ("l\u2019", "de l\u2019"))


def of_name(name: str) -> str:
    """« de » and the right article before a structure's name: « du Centre social »,
    « de la Médiathèque », « de l'AJCV », « des Structures partenaires », « de Vilogia »."""
    name = " ".join(str(name or "").split())
    if not name:
        return ""
    lower = name.lower()
    for article, contracted in _ARTICLES:
        if lower.startswith(article):
            return contracted + name[len(article) :]
    first = re.split(r"[\s']", lower, maxsplit=1)[0]
    if first in _MASCULINE:
        return f"du {name}"
    if first in _FEMININE:
        return f"de la {name}"
    if first[:1] in "aeiouyhàâéèêëîïôöûüœ":
        return f"de l'{name}"
    if first.endswith(("s", "x")) and not name.split()[0].isupper() and len(first) > 3:
        return f"des {name}"
    return f"de {name}"


class TextFitter:
    """Measures words with the embedded fonts (em units) and fits texts to boxes. ``face``
    (``face_for(language)``): the face that draws the text, Arabic measured with Amiri."""

    def __init__(self, regular: Path, bold: Path, arabic: tuple[Path, Path] | None = None):
        self._fonts = {
            ("latin", False): ImageFont.truetype(str(regular), 1000),
            ("latin", True): ImageFont.truetype(str(bold), 1000),
        }
        if arabic:
            self._fonts[("arabic", False)] = ImageFont.truetype(str(arabic[0]), 1000)
            self._fonts[("arabic", True)] = ImageFont.truetype(str(arabic[1]), 1000)
        self._widths: dict[tuple[str, bool, str], float] = {}

    def width(self, word: str, bold: bool, face: str = "latin") -> float:
        key = (face, bold, word)
        if key not in self._widths:
            font = self._fonts.get((face, bold)) or self._fonts[("latin", bold)]
            self._widths[key] = font.getlength(word) / 1000
        return self._widths[key]

    def lines(self, text: str, size: float, width: float, bold: bool, face: str = "latin") -> int | None:
        """Lines the text takes at ``size`` in a box ``width`` wide; None if a word is wider."""
        space = self.width(" ", bold, face) * size
        room = width * SAFETY
        count = 0
        for paragraph in str(text).split("\n"):
            used = None
            for word in _WORDS.split(paragraph.strip(" \t")):
                if not word:
                    continue
                w = self.width(word, bold, face) * size
                if w > room:
                    return None
                if used is None:
                    used, count = w, count + 1
                elif used + space + w <= room:
                    used += space + w
                else:
                    used, count = w, count + 1
            if used is None:
                count += 1
        return count

    def fit(
        self,
        text: str,
        width: float,
        height: float,
        largest: float,
        smallest: float,
        line_height: float = 1.15,
        bold: bool = True,
        step: float = 0.25,
        face: str = "latin",
    ) -> float:
        """The largest size (a multiple of ``step``) in [smallest, largest] at which the text fits."""
        size = largest
        while size > smallest:
            count = self.lines(text, size, width, bold, face)
            if count is not None and count * size * line_height <= height:
                return size
            size = round(size - step, 4)
        return smallest
