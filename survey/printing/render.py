"""HTML to PDF with WeasyPrint: page formats, fonts, templates, a local-only fetcher.

One ``Renderer`` per process (the app keeps one, the CLI makes one): it owns the
WeasyPrint ``FontConfiguration`` (shared: a new one per render costs about 20 ms),
the parsed stylesheets, the Jinja environment of ``printables/templates`` and a
lock, because sharing a FontConfiguration between threads is not known to be safe.
Layouts are designed in "A4 millimetres": the root font size is the page's short
side divided by 210 mm, and the stylesheets size everything in ``rem``. The same
design prints at A4 and at A0, while page sizes stay exact.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from ..config import PROJECT_ROOT
from ..formats import pictograms
from .errors import PrintError
from .qr import qr_svg, svg_id
from .typography import TextFitter, french

PRINTABLES_DIR = PROJECT_ROOT / "printables"
WEB_TEMPLATES = PROJECT_ROOT / "survey" / "templates"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {  # CSS family, weight -> file (fonts-dejavu-core)
    ("Affiche", "normal"): "DejaVuSans.ttf",
    ("Affiche", "bold"): "DejaVuSans-Bold.ttf",
    ("Affiche Mono", "normal"): "DejaVuSansMono.ttf",
    ("Affiche Mono", "bold"): "DejaVuSansMono-Bold.ttf",
}
# Arabic (fonts-hosny-amiri, 2.5 MB): a complete Naskh with its own joining and ligature rules,
# the book style people read most easily; common.css draws every ``:lang(ar)`` block with it.
# DejaVu has Arabic letters too, but only isolated-form designs of uneven quality.
ARABIC_FONT_DIR = Path("/usr/share/fonts/opentype/fonts-hosny-amiri")
ARABIC_FONT_FILES = {
    ("Affiche Arabe", "normal"): "Amiri-Regular.ttf",
    ("Affiche Arabe", "bold"): "Amiri-Bold.ttf",
}
# ISO 216 sizes in millimetres, portrait.
PAGE_SIZES = {"A4": (210, 297), "A3": (297, 420), "A2": (420, 594), "A1": (594, 841), "A0": (841, 1189)}
ORIENTATIONS = {"portrait": "portrait", "landscape": "paysage"}
MM_PER_PT = 25.4 / 72
QR_CACHE_SIZE = 512
QR_ANCHOR = "code-qr-"  # the id of every printed QR code starts so: tiling finds the codes by it
MM_PER_PX = 25.4 / 96


@dataclass(frozen=True)
class PageFormat:
    """A page size and orientation; ``scale`` is the size of 1 rem in mm."""

    size: str
    orientation: str = "portrait"

    def __post_init__(self):
        if self.size not in PAGE_SIZES:
            raise PrintError(f"Format « {self.size} » inconnu. Formats possibles : {', '.join(PAGE_SIZES)}.")
        if self.orientation not in ORIENTATIONS:
            raise PrintError("L'orientation doit être « portrait » ou « paysage ».")

    @property
    def width_mm(self) -> float:
        short, long = PAGE_SIZES[self.size]
        return short if self.orientation == "portrait" else long

    @property
    def height_mm(self) -> float:
        short, long = PAGE_SIZES[self.size]
        return long if self.orientation == "portrait" else short

    @property
    def scale(self) -> float:
        return PAGE_SIZES[self.size][0] / 210

    @property
    def base_width(self) -> float:
        """Page width in A4 millimetres (rem)."""
        return self.width_mm / self.scale

    @property
    def base_height(self) -> float:
        return self.height_mm / self.scale

    @property
    def label(self) -> str:
        return f"{self.size} {ORIENTATIONS[self.orientation]}"


def _local_fetcher(roots: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that reads only files under ``roots`` and ``data:`` addresses
    (no network)."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":  # an image carried in the page itself (a structure's logo)
                return super().fetch(url, headers)
            if parts.scheme != "file":
                raise ValueError(f"refused (not a local file): {url}")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise ValueError(f"refused (outside the printables): {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)


def _fonts_in(folder, names, what: str, package: str) -> Path:
    """The folder holding every font file named, or a French ``PrintError`` naming the package."""
    folder = Path(folder).resolve()
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise PrintError(
            f"{what} introuvable dans {folder} : {', '.join(missing)}. "
            f"Installez le paquet {package} (scripts/system-packages.sh)."
        )
    return folder


class Renderer:
    """Renders the printables' templates to PDF bytes (thread-safe through a lock)."""

    def __init__(
        self, printables_dir: Path = PRINTABLES_DIR, font_dir: Path = FONT_DIR, arabic_font_dir: Path = ARABIC_FONT_DIR
    ):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.printables_dir = Path(printables_dir).resolve()
        self.font_dir = _fonts_in(font_dir, FONT_FILES.values(), "Police", "fonts-dejavu-core")
        self.arabic_font_dir = _fonts_in(
            arabic_font_dir, ARABIC_FONT_FILES.values(), "Police arabe", "fonts-hosny-amiri"
        )
        # One print at a time: FontConfiguration and the FreeType faces of the fitter are not
        # known to be thread-safe. Re-entrant: make_pdf holds it around fitting and rendering.
        self.lock = threading.RLock()
        self.font_config = FontConfiguration()
        self.fetcher = _local_fetcher((self.printables_dir, self.font_dir, self.arabic_font_dir))
        files = {key: self.font_dir / name for key, name in FONT_FILES.items()}
        files.update({key: self.arabic_font_dir / name for key, name in ARABIC_FONT_FILES.items()})
        # The fitter measures each language with the face that draws it (common.css, :lang(ar)).
        self.fitter = TextFitter(
            files[("Affiche", "normal")],
            files[("Affiche", "bold")],
            arabic=(files[("Affiche Arabe", "normal")], files[("Affiche Arabe", "bold")]),
        )
        faces = "".join(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}\n'
            for (family, weight), path in files.items()
        )
        self._css_class = CSS
        self._fonts_css = CSS(string=faces, font_config=self.font_config, url_fetcher=self.fetcher)
        self._stylesheets: dict[str, object] = {}
        self._art: dict[str, Markup] = {}
        self.env = jinja2.Environment(
            # "web/…": the app's templates, for a macro both share (the faces of scale questions).
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(str(self.printables_dir / "templates")),
                    jinja2.PrefixLoader({"web": jinja2.FileSystemLoader(str(WEB_TEMPLATES))}),
                ]
            ),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["fr"] = french
        self.env.globals.update(art=self.art, qr=self.qr, choice_picto=choice_picto)
        self._qr: dict[tuple[str, str | None], str] = {}
        self._qr_serial = itertools.count(1)

    def qr(self, url: str, uid: str, label: str | None = None) -> Markup:
        """A QR code's SVG, kept for the next print of the same sheet (making one costs ~12 ms:
        qrcode tries its eight masks in pure Python). Its id is ``QR_ANCHOR``, a number never
        given twice and ``uid``: WeasyPrint reports where each id is laid out, which is how
        ``render_with_codes`` finds every code, even one repeated on several pages. ``label``:
        what a screen reader says (see ``qr_svg``)."""
        key = (url, label)
        if key not in self._qr:
            if len(self._qr) >= QR_CACHE_SIZE:
                self._qr.clear()
            self._qr[key] = qr_svg(url, "QRID", label=label)
        unique = f"{QR_ANCHOR}{next(self._qr_serial)}-{uid}"
        return Markup(self._qr[key].replace('id="QRID"', f'id="{svg_id(unique)}"', 1))

    def art(self, name: str) -> Markup:
        """An SVG drawing of ``printables/art``, inlined (our own files only)."""
        if name not in self._art:
            path = (self.printables_dir / "art" / f"{name}.svg").resolve()
            if not path.is_relative_to(self.printables_dir / "art"):
                raise PrintError(f"Dessin « {name} » introuvable.")
            text = path.read_text(encoding="utf-8")
            self._art[name] = Markup(text[text.index("<svg") :])
        return self._art[name]

    def stylesheet(self, name: str):
        if name not in self._stylesheets:
            path = self.printables_dir / "css" / f"{name}.css"
            self._stylesheets[name] = self._css_class(
                filename=str(path), font_config=self.font_config, url_fetcher=self.fetcher
            )
        return self._stylesheets[name]

    def html(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    def render(self, template: str, context: dict, fmt: PageFormat, stylesheets=("common",)) -> bytes:
        """The PDF of one template; ``fmt`` sets the page size and the rem."""
        markup = self.html(template, fmt=fmt, **context)
        return self.render_html(markup, stylesheets)

    def render_html(self, markup: str, stylesheets=("common",)) -> bytes:
        with self.lock:
            return self._document(markup, stylesheets).write_pdf()

    def render_with_codes(
        self, template: str, context: dict, fmt: PageFormat, stylesheets=("common",)
    ) -> tuple[bytes, list[list["CodeBox"]]]:
        """The PDF, and for each page where its QR codes are laid out (tiling keeps them whole)."""
        markup = self.html(template, fmt=fmt, **context)
        with self.lock:
            document = self._document(markup, stylesheets)
            codes = [
                [CodeBox.from_anchor(rect) for name, rect in page.anchors.items() if name.startswith(QR_ANCHOR)]
                for page in document.pages
            ]
            return document.write_pdf(), codes

    def _document(self, markup: str, stylesheets):
        from weasyprint import HTML

        with self.lock:
            sheets = [self._fonts_css] + [self.stylesheet(name) for name in stylesheets]
            document = HTML(
                string=markup, base_url=str(self.printables_dir / "templates") + "/", url_fetcher=self.fetcher
            )
            return document.render(stylesheets=sheets, font_config=self.font_config)


def choice_picto(name: str) -> Markup:
    """A choice's pictogram beside its box (``formats/pictograms.py``), its strokes as attributes:
    the printables' stylesheets do not reach inside an inline SVG."""
    return Markup(pictograms.svg(name, "picto", strokes=True))


@dataclass(frozen=True)
class CodeBox:
    """Where a QR code (its quiet zone included) is on a page, in mm from the top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @classmethod
    def from_anchor(cls, rect) -> "CodeBox":
        """WeasyPrint gives an anchor as (x1, y1, x2, y2), the element's border box in CSS px."""
        x1, y1, x2, y2 = rect
        return cls(x1 * MM_PER_PX, y1 * MM_PER_PX, (x2 - x1) * MM_PER_PX, (y2 - y1) * MM_PER_PX)
