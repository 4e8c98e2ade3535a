"""One repository per small collection, each a thin class over ``RecordCollections``.

A repository owns its collection's name and the shape of its records, and turns them into
the model's dataclasses where the model has one (campaigns, field sessions). A second
storage (PostgreSQL, issue 15) implements ``RecordCollections`` once and every repository
works on it unchanged. Services reach them as attributes of ``Services`` (``svc.sessions``,
``svc.journal``…); nothing above storage names a collection.
"""

from .accounts import AccountRepository, SignInRepository
from .campaigns import CampaignRepository
from .codes import KioskCodeRepository, VolunteerCodeRepository
from .demarches import DemarcheRepository
from .drafts import DraftRepository
from .fieldwork import DoorRepository, SessionRepository
from .journal import Journal
from .structures import StructureRepository
from .versions import VersionRepository

__all__ = [
    "AccountRepository",
    "CampaignRepository",
    "DemarcheRepository",
    "DoorRepository",
    "DraftRepository",
    "Journal",
    "KioskCodeRepository",
    "SessionRepository",
    "SignInRepository",
    "StructureRepository",
    "VersionRepository",
    "VolunteerCodeRepository",
]
