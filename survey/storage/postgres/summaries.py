"""Summaries of parts of a campaign kept in the database (``answer_summaries``), so that a
server that starts, or a second server, adds up the kept summaries instead of reading every
answer again (a million answers read through Python take minutes; their 2 000 summaries, a
second).

A summary is whatever the caller's ``summarise`` returns (``partials``): counters keyed by
tuples, strings, numbers, the app's dataclasses. It is stored pickled, and read back by an
unpickler that makes nothing but plain data, ``collections.Counter`` and dataclasses of the
app (``survey.*``): a row written by someone else cannot run code in the app.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import pickle
from typing import Any

import psycopg

ALLOWED = {("collections", "Counter"), ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset")}


class _PlainData(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if module == "survey" or module.startswith("survey."):
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"not a summary: {module}.{name}")


def dump(summary: Any) -> bytes:
    return pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)


def load(data: bytes) -> Any:
    return _PlainData(io.BytesIO(data)).load()


def stored(conn: psycopg.Connection, campaign_id: str, key: str, parts: list[int] | None) -> dict[int, tuple[int, Any]]:
    """part → (version, summary) kept for ``key``: of these ``parts``, or of all (None).
    A row that cannot be read back (made by another version of the app) is left out."""
    if parts is None:
        rows = conn.execute(
            "SELECT part, version, summary FROM answer_summaries WHERE campaign = %s AND key = %s", (campaign_id, key)
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT part, version, summary FROM answer_summaries WHERE campaign = %s AND key = %s AND part = ANY(%s)",
            (campaign_id, key, parts),
        ).fetchall()
    found = {}
    for part, version, data in rows:
        try:
            found[int(part)] = (int(version), load(bytes(data)))
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError):
            continue
    return found


def keep(conn: psycopg.Connection, campaign_id: str, key: str, made: list[tuple[int, int, Any]]) -> None:
    """Store (part, version, summary) rows; a row already made from a newer version stays
    (versions only grow: two servers racing keep the newer)."""
    if not made:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO answer_summaries (campaign, key, part, version, summary) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (campaign, key, part) DO UPDATE SET version = EXCLUDED.version, summary = EXCLUDED.summary"
            " WHERE answer_summaries.version < EXCLUDED.version",
            [(campaign_id, key, part, version, dump(summary)) for part, version, summary in made],
        )
