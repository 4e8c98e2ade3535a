"""The restitution's printed side: one poster (A4…A0, tiled on A4 or A3 sheets as the other
panels) with the headline figures, two or three quotes and a QR code to the public page; and
the exhibition « Paroles d'habitants », one quote (or one drawing with its phrase) per A3 or A2 poster.

Both print only what the published page shows (``services.restitution.page``): the quotes
there were checked again against ``consent.may_quote``, so a poster cannot carry words whose
author did not agree to their reuse.
"""

from __future__ import annotations

import base64

from ..services.restitution import Page
from .errors import PrintError
from .kinds import Box, check_tile, fit, mono_size, truncate_to_fit
from .render import PageFormat
from .typography import french

POSTER_SIZES = ("A4", "A3", "A2", "A1", "A0")
VOICES_SIZES = ("A3", "A2")
POSTER_TITLE = Box(186, 34, 13, 6.5, 1.12)
POSTER_QUOTE = Box(168, 30, 7.5, 3.6, 1.22, bold=False)
POSTER_NEXT = Box(120, 30, 5.2, 3.2, 1.25, bold=False)
POSTER_FIGURES = 4
URL_WIDTH = 120
VOICE_QUOTE = Box(162, 170, 17, 6, 1.18, bold=False)
VOICE_ASKED = Box(150, 16, 5, 3.2, 1.2, bold=False)
DRAWING_PHRASE = Box(162, 34, 9, 4, 1.2, bold=False)


def _common(page: Page, what: str) -> dict:
    return {
        "doc_title": french(f"{what} – {page.title}"),
        "author": french(page.structure or "Porteur de parole"),
        "structure": french(page.structure or ""),
    }


def restitution_poster(renderer, page: Page, url: str, size: str = "A2", tile: str | None = None) -> bytes:
    """The poster's PDF: the title, up to four figures, up to three quotes, « Et maintenant ? »
    and the QR code of ``url`` (the public page); tiled onto ``tile`` sheets when asked."""
    size = (size or "A2").strip().upper()
    if size not in POSTER_SIZES:
        raise PrintError(f"Le format « {size} » n'est pas possible. Formats possibles : {', '.join(POSTER_SIZES)}.")
    tile = check_tile(size, tile)
    fmt = PageFormat(size)
    with renderer.lock:
        fitter = renderer.fitter
        quotes = [
            fit(fitter, truncate_to_fit(fitter, q.text, POSTER_QUOTE, end=" »"), POSTER_QUOTE)
            for q in page.headline_quotes
        ]
        next_steps = page.restitution.next_steps.strip()
        context = dict(
            _common(page, "Restitution"),
            title=fit(fitter, page.title, POSTER_TITLE),
            figures=page.figures[:POSTER_FIGURES],
            quotes=quotes,
            next_steps=fit(fitter, truncate_to_fit(fitter, next_steps, POSTER_NEXT), POSTER_NEXT)
            if next_steps
            else None,
            url=url,
            url_size=mono_size(url, URL_WIDTH, 4.2),
        )
        if not tile:
            return renderer.render("restitution.html", context, fmt, ("common", "restitution"))
        from .tiling import tile_pdf

        pdf, codes = renderer.render_with_codes("restitution.html", context, fmt, ("common", "restitution"))
        return tile_pdf(renderer, pdf, fmt, PageFormat(tile), codes)


def voices_posters(renderer, page: Page, url: str, size: str = "A3", media=None) -> bytes:
    """« Paroles d'habitants »: one poster per quote chosen (and shown) on the page, then one per
    drawing with its phrase (read from ``media``, the app's media store)."""
    size = (size or "A3").strip().upper()
    if size not in VOICES_SIZES:
        raise PrintError(
            f"Les affiches « Paroles d'habitants » s'impriment en {' ou '.join(VOICES_SIZES)}, pas « {size} »."
        )
    drawings = []
    for drawing in page.drawings:
        data = media.read(drawing.campaign_id, drawing.file) if media is not None else None
        if data is not None:
            drawings.append((drawing, f"data:{drawing.content_type};base64,{base64.b64encode(data).decode('ascii')}"))
    if not page.quotes and not drawings:
        raise PrintError(
            "Aucune parole ni aucun dessin n'est choisi dans cette restitution : choisissez-en, puis enregistrez."
        )
    fmt = PageFormat(size)
    with renderer.lock:
        fitter = renderer.fitter
        posters = [
            {
                "quote": fit(fitter, truncate_to_fit(fitter, q.text, VOICE_QUOTE, end=" »"), VOICE_QUOTE),
                "asked": fit(fitter, q.question_label, VOICE_ASKED) if q.question_label else None,
                "uid": f"parole-{number}",
            }
            for number, q in enumerate(page.quotes, 1)
        ]
        posters += [
            {
                "drawing": uri,
                "alt": drawing.phrase,
                "phrase": fit(fitter, truncate_to_fit(fitter, drawing.phrase, DRAWING_PHRASE, end=" »"), DRAWING_PHRASE)
                if drawing.captioned
                else None,
                "asked": None,
                "uid": f"dessin-{number}",
            }
            for number, (drawing, uri) in enumerate(drawings, 1)
        ]
        context = dict(
            _common(page, "Paroles d'habitants"),
            title=french(page.title),
            posters=posters,
            url=url,
            url_size=mono_size(url, 110, 3.6),
        )
        return renderer.render("paroles-habitants.html", context, fmt, ("common", "restitution"))
