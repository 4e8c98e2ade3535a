"""Door-to-door rounds: the outcome of each door, by street sector, without any
address. Answer and refusal rates per sector and per volunteer."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model.clock import utc_now

if TYPE_CHECKING:
    from .. import Services

COLLECTION = "doors"
OUTCOMES = {"repondu": "A répondu", "absent": "Absent", "refus": "Refus", "repasser": "Repasser plus tard"}


def record_door(
    svc: Services, campaign_id: str, session_id: str | None, sector: str, outcome: str, collector: str
) -> dict:
    if outcome not in OUTCOMES:
        raise ValueError("Choisissez ce qui s'est passé à la porte.")
    sector = " ".join((sector or "").split())[:40]
    if not sector:
        raise ValueError(
            "Indiquez le secteur (par exemple : secteur A, rue des Tilleuls côté pair). "
            "Jamais le numéro ni l'adresse exacte."
        )
    door = {
        "id": str(uuid.uuid4()),
        "campaign": campaign_id,
        "session": session_id or None,
        "sector": sector,
        "outcome": outcome,
        "collector": collector or "",
        "at": utc_now(),
    }
    svc.records.append(COLLECTION, door)
    return door


def doors_of(svc: Services, campaign_id: str) -> list[dict]:
    return [d for d in svc.records.all(COLLECTION) if d.get("campaign") == campaign_id]


@dataclass
class Rates:
    knocked: int = 0
    outcomes: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def add(self, outcome: str) -> None:
        self.knocked += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def opened(self) -> int:
        """Doors where someone was there to answer or refuse."""
        return self.outcomes["repondu"] + self.outcomes["refus"]

    @property
    def answer_rate(self) -> float:
        return self.outcomes["repondu"] / self.knocked if self.knocked else 0.0

    @property
    def refusal_rate(self) -> float:
        """Refusals among the doors that opened (absences are not refusals)."""
        return self.outcomes["refus"] / self.opened if self.opened else 0.0


def rates(doors: list[dict], key: str) -> dict[str, Rates]:
    """Rates per sector (``key="sector"``) or per volunteer (``key="collector"``)."""
    table: dict[str, Rates] = defaultdict(Rates)
    for door in doors:
        table[door.get(key) or "—"].add(door["outcome"])
    return dict(sorted(table.items()))


def total(doors: list[dict]) -> Rates:
    result = Rates()
    for door in doors:
        result.add(door["outcome"])
    return result
