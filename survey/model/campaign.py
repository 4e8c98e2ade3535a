"""Campaigns: a questionnaire asked in a place, between two dates, on some channels.

Pure data and rules: a campaign is stored by ``storage/repositories/campaigns.py`` and
saved (with its short code) by ``services/campaigns.py``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable

# Every answer records how it was collected.
CHANNELS = {
    "tablette": "Tablette (avec un ou une bénévole)",
    "qr": "QR code (la personne répond seule)",
    "porte-a-porte": "Porte-à-porte",
    "post-it": "Post-it",
    "papier": "Questionnaire papier",
    "porteur-de-parole": "Porteur de parole",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


# The campaign's fields written as text (the id aside): what a form fills and a record must hold.
TEXT_FIELDS = ("title", "questionnaire", "quartier", "structure", "starts_on", "ends_on", "description", "help_text")


@dataclass
class Campaign:
    id: str
    title: str
    questionnaire: str
    quartier: str = ""
    structure: str = ""
    starts_on: str = ""  # ISO date, inclusive; empty = no limit
    ends_on: str = ""  # ISO date, inclusive; empty = no limit
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    closed: bool = False
    description: str = ""  # who commissions it, what for, who gets the results
    help_text: str = ""  # « où trouver de l'aide », on the thank-you page
    retention_months: int = 12
    short_code: str = ""  # what people type: /<short_code> (survey.services.short_codes)
    structure_id: str = ""  # the structure that owns it (model/structure.py); "" = the default one
    # Every open question may be answered by a recording too, not only those that say
    # ``voice: true`` (issue 16 §2, ``model/media.py`` ``takes_recording``).
    voice_answers: bool = False

    @classmethod
    def from_record(cls, record: dict) -> "Campaign":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in record.items() if k in known})

    def to_record(self) -> dict:
        return asdict(self)

    @property
    def place(self) -> str:
        return " – ".join(p for p in (self.quartier, self.structure) if p)

    def accepts_answers(self, today: date) -> bool:
        """Open on ``today``, the team's day (``clock.local_today`` in the app's zone)."""
        day = today.isoformat()
        if self.closed:
            return False
        if self.starts_on and day < self.starts_on:
            return False
        if self.ends_on and day > self.ends_on:
            return False
        return True

    def default_channel(self) -> str:
        return "qr" if "qr" in self.channels else (self.channels[0] if self.channels else "qr")


def validate(campaign: Campaign, questionnaire_ids: Iterable[str]) -> list[str]:
    """Problems with a campaign, in French (empty when it is fine)."""
    problems = []
    if not _ID.match(campaign.id or ""):
        problems.append("L'identifiant doit contenir seulement des minuscules, des chiffres et des tirets.")
    if not campaign.title.strip():
        problems.append("Donnez un titre à la campagne.")
    if campaign.questionnaire not in questionnaire_ids:
        problems.append(f"Le questionnaire « {campaign.questionnaire} » n'existe pas.")
    unknown = [c for c in campaign.channels if c not in CHANNELS]
    if unknown or not campaign.channels:
        problems.append("Choisissez au moins un canal parmi : " + ", ".join(CHANNELS) + ".")
    for label, value in (("début", campaign.starts_on), ("fin", campaign.ends_on)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                problems.append(f"La date de {label} « {value} » n'est pas une date : écrivez-la comme 31/12/2026.")
    if campaign.starts_on and campaign.ends_on and campaign.starts_on > campaign.ends_on:
        problems.append("La date de fin doit venir après la date de début.")
    if not isinstance(campaign.retention_months, int) or not 1 <= campaign.retention_months <= 120:
        problems.append("La durée de conservation doit être de 1 à 120 mois.")
    return problems
