"""gzip for the static files (CSS, JavaScript, SVG): a tablet on a weak mobile connection
loads the form about three times less (docs/BENCHMARKS.md, « Form page weight »).

waitress does not compress. Only files that carry no secret are compressed: pages are not,
since one that holds a CSRF token and reflects what was typed could leak the token to an
observer of response sizes (BREACH). One page is the exception, marked by ``reflects_nothing``:
the blank form a phone opens from a poster (``public.plain_form_page``), whose every byte but
the token, a new answer id and the time is the same for everyone and chosen by nobody who asks
for it (no argument but a known language): with nothing of the attacker's beside the token,
sizes tell nothing of it. It goes from about 32 KB to 8 KB (gzip level 1: 0.07 ms, since it
is made again for each visitor). The ETag becomes weak, as nginx does: the compressed
file is the same resource, and a revalidation still gets its 304.
"""

from __future__ import annotations

import gzip

from flask import g, request

COMPRESSED_TYPES = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
COMPRESSED_ENDPOINTS = {"static", "offline.service_worker"}
MIN_SIZE = 1024
PAGE_LEVEL = 1  # a page is compressed for each visitor: the fastest level (32 KB → 8 KB)


def reflects_nothing() -> None:
    """Mark this request's page as one that may be compressed (see the module's docstring)."""
    g.page_reflects_nothing = True


def add_hooks(app) -> None:
    done: dict = app.extensions.setdefault("compressed_files", {})

    @app.after_request
    def compress(response):
        if g.get("page_reflects_nothing"):
            return compressed_page(response)
        if (
            request.endpoint not in COMPRESSED_ENDPOINTS
            or response.status_code != 200
            or response.mimetype not in COMPRESSED_TYPES
            or "Content-Encoding" in response.headers
            or not request.accept_encodings["gzip"]
        ):
            return response
        source = response.response  # a file being sent: read it whole, then close it
        try:
            data = b"".join(source) if response.direct_passthrough else response.get_data()
        finally:
            if response.direct_passthrough and hasattr(source, "close"):
                source.close()
        response.direct_passthrough = False
        if len(data) < MIN_SIZE:
            response.set_data(data)
            return response
        etag, _ = response.get_etag()
        key = (request.path, etag, len(data), hash(data) if etag is None else 0)
        if key not in done:
            done[key] = gzip.compress(data, compresslevel=9, mtime=0)
        response.set_data(done[key])
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if etag:
            response.set_etag(etag, weak=True)
        return response


def compressed_page(response):
    """A page marked by ``reflects_nothing``, gzipped when the browser takes it."""
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or "Content-Encoding" in response.headers or not request.accept_encodings["gzip"]:
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=PAGE_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
