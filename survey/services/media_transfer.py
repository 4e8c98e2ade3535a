"""Media that travel with their answers from one storage to another (issue 16 §2 with issue 15 §4):
the laptop's hand-over (``handover.py`` / ``handover_receive.py``) and ``survey data copy``
(``data_copy.py``).

Whatever carries them, a received medium is checked again from its bytes (``media.checked_medium``:
a recording's header, a drawing read by Pillow) and must be one the answer names, of the type its
name says. The bytes kept are those sent: the laptop stripped a drawing's metadata when it was
received there, and re-encoding a JPEG again would change it and break the check made on both
sides. A name already held with the same bytes counts as already there (sending twice stores
once); one held with other bytes is refused, never overwritten.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

from ..model.media import CONTENT_TYPES, media_of
from .media import MediaRefused, checked_medium

STORED = "enregistre"
PRESENT = "deja-la"

NOT_NAMED = "ce fichier n’est pas un enregistrement ni un dessin de cette réponse"
WRONG_TYPE = "le contenu du fichier ne correspond pas à son nom"
OTHER_CONTENT = "un autre fichier est déjà enregistré sous ce nom à l’arrivée"


class MediumConflict(MediaRefused):
    """Another file is stored under this name: refused, never overwritten (HTTP 409)."""

    status = 409


def entry_named(answer: dict, name: str) -> dict | None:
    for entry in media_of(answer):
        if entry["file"] == name:
            return entry
    return None


def receive_medium(store: Any, campaign_id: str, answer: dict, name: str, data: bytes) -> str:
    """Store ``data`` as the medium ``name`` of ``answer`` (held already by the receiving side):
    ``STORED`` or ``PRESENT``, or ``MediaRefused`` in French (not named, not what its name says,
    refused by the checks, other bytes under that name)."""
    entry = entry_named(answer, name)
    if entry is None:
        raise MediaRefused(NOT_NAMED)
    _, content_type = checked_medium(entry["kind"], data)
    if CONTENT_TYPES.get(name.rsplit(".", 1)[-1]) != content_type:
        raise MediaRefused(WRONG_TYPE)
    held = store.digest(campaign_id, name)  # compared by digest: the held bytes stay where they are
    if held is not None:
        if held == hashlib.sha256(data).hexdigest():
            return PRESENT
        raise MediumConflict(OTHER_CONTENT)
    store.write(campaign_id, name, data)
    return STORED


def media_digests(store: Any, campaign_id: str, answer: dict) -> list[tuple[str, str | None]]:
    """``(name, sha256)`` of each file the answer names, None for one ``store`` does not hold."""
    return [(entry["file"], store.digest(campaign_id, entry["file"])) for entry in media_of(answer)]


def described(answer: dict, name: str) -> str:
    """« l'enregistrement x de la réponse y », for a French report."""
    entry = entry_named(answer, name) or {}
    word = "le dessin" if entry.get("kind") == "dessin" else "l’enregistrement"
    return f"{word} {name} de la réponse {answer.get('id')}"


def media_items(store: Any, campaign_id: str, answers: Iterable[dict]) -> Iterable[list[str]]:
    """``[name, sha256]`` of each medium the answers name and ``store`` holds: both sides of a
    transfer hash and tally them the same way (``data_copy.item_hash`` and ``tally``)."""
    for answer in answers:
        for name, digest in media_digests(store, campaign_id, answer):
            if digest is not None:
                yield [name, digest]
