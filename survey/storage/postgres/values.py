"""Records and answers as JSONB parameters, refused in French when PostgreSQL cannot hold them.

JSONB text cannot hold the character U+0000, and UTF-8 cannot hold a lone surrogate (which
JSON sent by a tablet may carry): the files of the local store keep both, the database
refuses the whole statement. Checked before writing, such a value is a ``SurveyError`` (400)
that says so, never a server error."""

from __future__ import annotations

import re
from typing import Any

from psycopg.types.json import Jsonb

from ...model.errors import SurveyError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableText(SurveyError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            "Le texte contient un caractère invalide (caractère nul ou mal codé) : corrigez-le et renvoyez."
        )


def has_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(has_unstorable(k) or has_unstorable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_unstorable(v) for v in value)
    return False


def jsonb(value: dict) -> Jsonb:
    """``value`` as a JSONB parameter; ``UnstorableText`` if the database cannot hold it."""
    if has_unstorable(value):
        raise UnstorableText()
    return Jsonb(value)
