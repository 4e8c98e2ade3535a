"""Structures: the centre social, médiathèque or association that runs campaigns.

A structure owns its campaigns (``Campaign.structure_id``), its coordinators (the account's
``structure``) and its printed identity (name, the contact for RGPD requests, a logo). A
network coordinator (``ROLE_NETWORK``) sees every structure. The laptop has one structure,
created at first start (``DEFAULT_ID``): campaigns and accounts stored before structures
existed belong to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

DEFAULT_ID = "principale"
DEFAULT_NAME = "Ma structure"
ROLE_COORDINATOR = "coordinator"  # sees the campaigns of its structure only
ROLE_NETWORK = "network"  # sees every structure's campaigns and the figures across them
ROLES = (ROLE_COORDINATOR, ROLE_NETWORK)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
NAME_MAX = 120
CONTACT_MAX = 300


@dataclass
class Structure:
    id: str
    name: str
    contact: str = ""  # who to write to about one's data (RGPD), printed on every poster
    logo: str = ""  # the logo's id in the photo store, "" when none
    created_at: str = ""

    @classmethod
    def from_record(cls, record: dict) -> "Structure":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in record.items() if k in known})

    def to_record(self) -> dict:
        return asdict(self)


def owner_of(record: dict) -> str:
    """The structure a campaign record or an account belongs to: the default one for those
    stored before structures existed."""
    return record.get("structure_id") or DEFAULT_ID


def validate(structure: Structure) -> list[str]:
    """Problems with a structure, in French (empty when it is fine)."""
    problems = []
    if not _ID.match(structure.id or ""):
        problems.append("L'identifiant doit contenir seulement des minuscules, des chiffres et des tirets.")
    if not structure.name.strip():
        problems.append("Donnez le nom de la structure.")
    elif len(structure.name) > NAME_MAX:
        problems.append(f"Le nom de la structure doit faire au plus {NAME_MAX} caractères.")
    if len(structure.contact) > CONTACT_MAX:
        problems.append(f"Le contact doit faire au plus {CONTACT_MAX} caractères.")
    return problems
