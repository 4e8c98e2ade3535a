"""A respondent's posted answer reads under this process's last look and checks it with its
INSERT: one round trip to a shared instance's database instead of two (``storage/postgres/
records.py`` says why that is as good as a look of its own).

Only an answer without files qualifies: the form posted as a plain form, or a tablet's queued
answer as JSON. Its body is read once and kept, so the request can run again, and its only
writes are the answer (its INSERT checks the look) and records or files, which check the look
first. A post with files (drawings, recordings) looks for itself: its files are read as they
are kept. On a laptop nothing changes (its looks are never provisional)."""

from __future__ import annotations

from typing import Callable

from flask import g, request
from werkzeug.wrappers import Response

from ..storage import StaleLook
from ..storage.unavailable import StorageUnavailable
from .access import services

# Endpoint → the body it may be posted as, to read under the last look.
PROVISIONAL = {"public.answer_form": "application/x-www-form-urlencoded", "offline.submit": "application/json"}
_AGAIN = "look_again"  # in ``g``: this request runs again, with a look of its own


def begin_request() -> None:
    """The first hook of every request (``web.register`` puts it before the others)."""
    services().request_begins(provisional=_may_look_late())


def _may_look_late() -> bool:
    return (
        request.method == "POST" and PROVISIONAL.get(request.endpoint or "") == request.mimetype and not g.get(_AGAIN)
    )


def run_request(dispatch: Callable[[], Response]) -> Response:
    """``dispatch`` (Flask's ``full_dispatch_request``), again from the start when what the
    request read had changed before it wrote or ended: its first page is dropped, nothing of
    it was stored. A page that cannot be checked (the database went away after the page was
    made) stands: the request wrote nothing, since every write checks the look first."""
    svc = services()
    try:
        response = dispatch()
        try:
            svc.confirm_look()
        except StorageUnavailable:
            pass
        return response
    except StaleLook:
        svc.request_ended()
        for name in list(g):  # what the first run kept for the request (who is signed in…) is read again
            g.pop(name)
        setattr(g, _AGAIN, True)
        return dispatch()
