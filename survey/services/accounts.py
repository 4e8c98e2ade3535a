"""Coordinator accounts and the audit log, as stored: no request needed.

The CLI creates accounts here, and the modules that erase, purge or correct answers write
the audit log here; signing in and out of a device is the web's (``web/auth.py``).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from werkzeug.security import generate_password_hash

from ..model.clock import utc_now
from ..storage import RecordCollections

if TYPE_CHECKING:
    from . import Services

ACCOUNTS = "accounts"
AUDIT = "audit"
MIN_PASSWORD = 10
SESSIONS = "coordinator_sessions"  # one record per signed-in device: signing out deletes it
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class AccountError(ValueError):
    """A French message about an account that cannot be created."""


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def create_coordinator(svc: Services, name: str, password: str) -> dict:
    name = normalise_name(name)
    if not _NAME.match(name):
        raise AccountError(
            "Le nom doit faire 2 à 40 caractères : lettres minuscules sans accent, chiffres, point, tiret ou « _ »."
        )
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Le mot de passe doit faire au moins {MIN_PASSWORD} caractères.")
    record = {
        "id": name,
        "name": name,
        "role": "coordinator",
        "password_hash": generate_password_hash(password),
        "created_at": utc_now(),
    }
    if not svc.records.add(ACCOUNTS, record):
        raise AccountError(f"Le nom « {name} » est déjà pris.")
    return record


def has_coordinator(svc: Services) -> bool:
    return bool(svc.records.all(ACCOUNTS))


def record_audit(records: RecordCollections, action: str, detail: str, who: str) -> None:
    """Write who did what, when, to the audit log (read by coordinators in the audit page)."""
    records.append(AUDIT, {"id": str(uuid.uuid4()), "at": utc_now(), "action": action, "detail": detail, "who": who})
