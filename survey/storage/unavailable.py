"""The storage cannot be reached right now: a database restarting, a network cut to it.

Raised by a storage (``postgres/pool.py``) instead of its driver's errors, so that the web
layer says it without knowing the driver: a ``SurveyError`` with status 503, rendered by the
French error page (JSON ``{"message": …}`` for the tablets' API, whose queue keeps the answer
and sends it again). Nothing was stored: the transaction was not committed, or was and is
found « already stored » when sent again."""

from __future__ import annotations

from ..model.errors import SurveyError


class StorageUnavailable(SurveyError):
    status = 503
    title = "Base de données indisponible"

    def __init__(self) -> None:
        super().__init__(
            "La base de données ne répond pas pour le moment : réessayez dans un moment ; "
            "rien n'a été enregistré pour cette action."
        )
