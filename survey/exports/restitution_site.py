"""The restitution page as HTML, and its static copy: a folder (or a zip) of ``index.html`` and
``restitution.css`` (and ``dessins/`` and ``enregistrements/``, the drawings and recordings shown) with relative links only, that opens from a USB key, a file manager or any
web host, with no server and no network (the charts are inline SVG, no script, no font).

The public page of the app (``web/restitution.py``) is this same HTML with the stylesheet
served from ``/static/``: one template, ``templates/restitution/page.html``, so that the copy
shows exactly what the page shows.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import jinja2

from ..config import PROJECT_ROOT
from ..model.french_time import long_date
from ..model.media import DRAWING
from ..services.charts import count_text
from ..services.restitution import Page, ShownMedium
from ..storage.atomic import atomic_write_bytes

TEMPLATES = PROJECT_ROOT / "survey" / "templates"
STYLESHEET = PROJECT_ROOT / "survey" / "static" / "restitution.css"
PAGE = "restitution/page.html"
INDEX = "index.html"
CSS = "restitution.css"
DRAWINGS = "dessins"
RECORDINGS = "enregistrements"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nombre"] = count_text
    env.filters["jour"] = lambda value, zone="Europe/Paris": long_date(value, ZoneInfo(zone))
    return env


def in_copy(medium: ShownMedium) -> str:
    """Where a drawing or a recording is in the static copy, beside the page (relative)."""
    return f"{DRAWINGS if medium.kind == DRAWING else RECORDINGS}/{medium.file}"


def page_html(
    page: Page,
    css_href: str = CSS,
    *,
    preview: bool = False,
    back_href: str = "",
    medium_href: Callable[[ShownMedium], str] = in_copy,
) -> str:
    """The page; ``css_href`` is where its stylesheet is (``/static/…`` on the app, relative in
    the copy), ``medium_href`` where each drawing or recording is; ``preview`` adds the band that says it is
    not public yet."""
    return (
        _environment()
        .get_template(PAGE)
        .render(page=page, css_href=css_href, preview=preview, back_href=back_href, medium_href=medium_href)
    )


def copy_files(page: Page, media=None) -> dict[str, bytes]:
    """The static copy's files by name: the page, its stylesheet, its drawings and recordings (read
    from ``media``, the app's media store; one whose file is gone is left out of the page too)."""
    files: dict[str, bytes] = {CSS: STYLESHEET.read_bytes()}

    def copied(shown: list[ShownMedium]) -> list[ShownMedium]:
        kept = []
        for medium in shown:
            data = media.read(medium.campaign_id, medium.file) if media is not None else None
            if data is not None:
                files[in_copy(medium)] = data
                kept.append(medium)
        return kept

    shown = replace(page, drawings=copied(page.drawings), recordings=copied(page.recordings))
    return {INDEX: page_html(shown, CSS).encode("utf-8"), **files}


def folder_name(page: Page) -> str:
    return f"restitution-{page.restitution.slug or 'apercu'}"


def zip_bytes(files: dict[str, bytes], folder: str) -> bytes:
    """The files in one folder of a zip: unzipped, the folder opens with a double click on
    ``index.html``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}", data)
    return out.getvalue()


def write_folder(files: dict[str, bytes], folder: Path) -> Path:
    """The files written in ``folder`` (made if needed), each written whole or not at all."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / name, data)
    return folder / INDEX
