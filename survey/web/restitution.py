"""The public restitution page, ``/restitution/<slug>``: open to everyone on the network once
published, the French 404 otherwise (before publishing, after unpublishing, an unknown address).

The page is made once and kept in this process's memory for its published version (the
restitution's ``version`` grows with every change): a phone that opens it from a poster gets
bytes already made. It is made again when the restitution changes and at the latest after
``RESTITUTION_CACHE_SECONDS``, so that new answers are counted and a quote whose answer was
hidden or erased since disappears."""

from __future__ import annotations

import threading
import time

from flask import Blueprint, Response, abort, current_app, url_for

from ..exports.restitution_site import page_html
from ..model.media import DRAWING, RECORDING
from ..services import restitution as restitutions
from .access import services

bp = Blueprint("restitution", __name__)
EXTENSION = "restitution_pages"
NOT_PUBLIC = "Cette page de restitution n'existe pas, ou elle n'est pas publiée."


class PageCache:
    """slug → (restitution id, version, made at, HTML)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: dict[str, tuple[str, int, float, bytes]] = {}

    def get(self, slug: str, restitution_id: str, version: int, max_age: float) -> bytes | None:
        with self.lock:
            kept = self.pages.get(slug)
        if kept and kept[0] == restitution_id and kept[1] == version and time.monotonic() - kept[2] < max_age:
            return kept[3]
        return None

    def put(self, slug: str, restitution_id: str, version: int, html: bytes) -> None:
        with self.lock:
            self.pages[slug] = (restitution_id, version, time.monotonic(), html)


def add_hooks(app) -> None:
    app.extensions[EXTENSION] = PageCache()


@bp.route("/restitution/<slug>")
def page(slug: str):
    svc = services()
    restitution = restitutions.published(svc, slug)
    if restitution is None:
        abort(404, description=NOT_PUBLIC)
    cache: PageCache = current_app.extensions[EXTENSION]
    max_age = float(current_app.config["RESTITUTION_CACHE_SECONDS"])
    html = cache.get(slug, restitution.id, restitution.version, max_age)
    if html is None:
        shown = restitutions.page(svc, restitution, current_app.config["TIMEZONE"])
        html = page_html(
            shown,
            url_for("static", filename="restitution.css"),
            medium_href=lambda medium: url_for(
                "restitution.drawing" if medium.kind == DRAWING else "restitution.recording",
                slug=slug,
                name=medium.file,
            ),
        ).encode("utf-8")
        cache.put(slug, restitution.id, restitution.version, html)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"  # a phone asks again: unpublished, it is gone
    return response


@bp.route("/restitution/<slug>/dessins/<name>")
def drawing(slug: str, name: str):
    """A drawing the published page shows; any other file, or once unpublished, the 404."""
    return _medium(slug, name, DRAWING)


@bp.route("/restitution/<slug>/enregistrements/<name>")
def recording(slug: str, name: str):
    """A recording the published page shows (with its transcription); any other file, or once
    unpublished, the 404."""
    return _medium(slug, name, RECORDING)


def _medium(slug: str, name: str, kind: str):
    svc = services()
    restitution = restitutions.published(svc, slug)
    found = restitutions.medium_file(svc, restitution, name, kind) if restitution is not None else None
    if found is None:
        abort(404, description=NOT_PUBLIC)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "no-cache"
    return response
