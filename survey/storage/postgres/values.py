"""Records and answers as JSONB parameters, refused in French when PostgreSQL cannot hold them.

JSONB text cannot hold the character U+0000, and UTF-8 cannot hold a lone surrogate (which
JSON sent by a tablet may carry): the files of the local store keep both, the database
refuses the whole statement. Checked before writing, such a value is a ``SurveyError`` (400)
that says so, never a server error."""

from __future__ import annotations

import json
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


# U+0000 in JSON text: its escape preceded by an even number of backslashes (after an odd
# number, the backslash is the text's own and « u0000 » plain letters).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def jsonb_text(value: dict) -> str:
    """``value`` as JSON text for a ``%s::jsonb`` parameter, or ``UnstorableText`` where
    ``jsonb`` refuses: encoded once and checked on its text (an answer per POST: less than half the
    CPU of walking the value in Python, then having psycopg's dumper encode it)."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode()  # a lone surrogate has no UTF-8
    except UnicodeEncodeError:
        raise UnstorableText() from None
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        raise UnstorableText()
    return text


def jsonb(value: dict) -> Jsonb:
    """``value`` as a JSONB parameter; ``UnstorableText`` if the database cannot hold it."""
    if has_unstorable(value):
        raise UnstorableText()
    return Jsonb(value)
