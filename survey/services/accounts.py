"""Coordinator accounts: no request needed.

The CLI creates accounts here; the accounts as stored are ``storage/repositories/accounts.py``
(``Services.accounts``), the audit log is ``Services.journal``; signing in and out of a
device is the web's (``web/auth.py``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from werkzeug.security import generate_password_hash

from ..model.clock import utc_now
from ..model.errors import SurveyError
from ..model.structure import DEFAULT_ID, ROLE_COORDINATOR, ROLES

if TYPE_CHECKING:
    from . import Services

MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class AccountError(SurveyError, ValueError):
    """A French message about an account that cannot be created."""


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def create_coordinator(
    svc: Services, name: str, password: str, structure_id: str = DEFAULT_ID, role: str = ROLE_COORDINATOR
) -> dict:
    """A coordinator of one structure (``ROLE_COORDINATOR``: sees its campaigns only), or of
    the whole network (``ROLE_NETWORK``: sees every structure, creates structures and accounts)."""
    name = normalise_name(name)
    if not _NAME.match(name):
        raise AccountError(
            "Le nom doit faire 2 à 40 caractères : lettres minuscules sans accent, chiffres, point, tiret ou « _ »."
        )
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Le mot de passe doit faire au moins {MIN_PASSWORD} caractères.")
    if role not in ROLES:
        raise AccountError("Ce rôle n'existe pas : coordination d'une structure, ou du réseau.")
    structure_id = (structure_id or DEFAULT_ID).strip()
    if structure_id != DEFAULT_ID and svc.structures.get(structure_id) is None:
        raise AccountError(f"La structure « {structure_id} » n'existe pas : créez-la d'abord.")
    record = {
        "id": name,
        "name": name,
        "role": role,
        "structure_id": structure_id,
        "password_hash": generate_password_hash(password),
        "created_at": utc_now(),
    }
    if not svc.accounts.add(record):
        raise AccountError(f"Le nom « {name} » est déjà pris.")
    return record


def has_coordinator(svc: Services) -> bool:
    return svc.accounts.any()
