"""Field work as data and rules: a session (one outing of a campaign: a place, a day and
time slot, a team, the board questions) and the outcome of each door knocked.

Every answer captured during a session records its id. Doors are counted by street sector,
never by address. Stored by ``storage/repositories/fieldwork.py``; no I/O here.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .clock import utc_now
from .errors import BadValue
from .french_time import TIME_EXAMPLES, clock_text, long_date

if TYPE_CHECKING:
    from .questionnaire import Questionnaire

ROLES = {
    "accroche": "Accroche (inviter les passants)",
    "discussion": "Discussion",
    "scribe": "Scribe (écrit les paroles)",
    "porte-a-porte": "Porte-à-porte",
}
# What kind of outing a session is, counted apart in a démarche's key figures (services/demarches.py).
# "" (not said): deduced from what the session collected.
SESSION_KINDS = {
    "porteur-de-parole": "Porteur de parole",
    "ordi-panneau": "Ordi-panneau",
    "atelier": "Atelier d'échange",
    "porte-a-porte": "Porte-à-porte",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
TEAM_COUNTED = ("stopped", "photos")  # changed during the session, never by its form


@dataclass
class Session:
    id: str
    campaign: str
    place: str
    day: str  # ISO date
    starts: str = ""  # HH:MM
    ends: str = ""
    team: list[dict] = field(default_factory=list)  # [{"pseudonym": …, "role": …}]
    questions: list[str] = field(default_factory=list)  # board question ids
    stopped: int = 0  # passers-by who stopped (counted by the team)
    photos: list[dict] = field(default_factory=list)  # [{"file": …, "type": …, "size": …}]
    kind: str = ""  # one of SESSION_KINDS, "" when the coordinator did not say

    @classmethod
    def from_record(cls, record: dict) -> "Session":
        known = set(cls.__dataclass_fields__)
        session = cls(**{k: v for k, v in record.items() if k in known})
        session.team = read_team(session.team)
        return session

    def to_record(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        """« 21 novembre 2026, 9 h 30–12 h – Marché Europe »."""
        starts, ends = clock_text(self.starts), clock_text(self.ends)
        slot = f", {starts}–{ends}" if starts and ends else (f", {starts}" if starts else "")
        return f"{long_date(self.day) or self.day}{slot} – {self.place}"


def new_id(day: str) -> str:
    return f"s{day.replace('-', '')}-{secrets.token_hex(2)}"


def parse_team(text: str) -> tuple[list[dict], list[str]]:
    """The former team field, one member per line: « pseudonyme : rôle » (a page opened before the update)."""
    team, problems = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, _, role = line.partition(":")
        name, role = " ".join(name.split())[:40], role.strip().lower()
        if not name:
            problems.append(f"Ligne {number} de l'équipe : écrivez un pseudonyme avant « : ».")
            continue
        if role and role not in ROLES:
            problems.append(
                f"Ligne {number} de l'équipe : le rôle « {role} » est inconnu (rôles possibles : {', '.join(ROLES)})."
            )
            continue
        team.append({"pseudonym": name, "role": role})
    return team, problems


def read_team(stored: Any) -> list[dict]:
    """The team as stored: a list of {pseudonym, role}; older sessions kept « pseudonyme : rôle » lines."""
    if isinstance(stored, str):
        stored = [
            dict(zip(("pseudonym", "role"), (part.strip() for part in line.partition(":")[::2])))
            for line in stored.splitlines()
        ]
    team = []
    for member in stored or []:
        if isinstance(member, dict) and str(member.get("pseudonym") or "").strip():
            team.append({"pseudonym": str(member["pseudonym"]).strip(), "role": str(member.get("role") or "").strip()})
    return team


def team_from_rows(names: list[str], roles: list[str]) -> tuple[list[dict], list[str]]:
    """One row per person of the form: a pseudonym and a role from ROLES (or none); empty rows are skipped."""
    team, problems = [], []
    for number, (name, role) in enumerate(zip(names, list(roles) + [""] * len(names)), 1):
        name, role = " ".join((name or "").split())[:40], (role or "").strip()
        if not name and not role:
            continue
        if not name:
            problems.append(f"Personne {number} de l'équipe : écrivez son pseudonyme, ou laissez la ligne vide.")
        elif role and role not in ROLES:
            problems.append(f"Personne {number} de l'équipe : choisissez son rôle dans la liste.")
        else:
            team.append({"pseudonym": name, "role": role})
    return team, problems


def validate_session(session: Session, questionnaire: Questionnaire | None) -> list[str]:
    problems = []
    if not session.place.strip():
        problems.append("Indiquez le lieu de la session (par exemple : marché du Sanitas).")
    try:
        date.fromisoformat(session.day)
    except ValueError:
        problems.append(
            f"La date « {session.day} » n'est pas une date : écrivez-la comme 21/11/2026."
            if session.day
            else "Indiquez la date de la session (par exemple 21/11/2026)."
        )
    for label, value in (("début", session.starts), ("fin", session.ends)):
        if value and not _TIME.match(value):
            problems.append(f"L'heure de {label} « {value} » n'est pas une heure : écrivez-la comme {TIME_EXAMPLES}.")
    if session.starts and session.ends and session.starts >= session.ends:
        problems.append("L'heure de fin doit venir après l'heure de début.")
    if session.kind and session.kind not in SESSION_KINDS:
        problems.append("Choisissez le genre de session dans la liste.")
    known = {q.id for q in questionnaire.answerable} if questionnaire else set()
    for question_id in session.questions:
        if question_id not in known:
            problems.append(f"La question « {question_id} » n'est pas dans le questionnaire.")
    return problems


# -- door to door -------------------------------------------------------------

OUTCOMES = {"repondu": "A répondu", "absent": "Absent", "refus": "Refus", "repasser": "Repasser plus tard"}


def new_door(campaign_id: str, session_id: str | None, sector: str, outcome: str, collector: str) -> dict:
    """A door's outcome as stored, or a French ``ValueError``: a sector, never an address."""
    if outcome not in OUTCOMES:
        raise BadValue("Choisissez ce qui s'est passé à la porte.")
    sector = " ".join((sector or "").split())[:40]
    if not sector:
        raise BadValue(
            "Indiquez le secteur (par exemple : secteur A, rue des Tilleuls côté pair). "
            "Jamais le numéro ni l'adresse exacte."
        )
    return {
        "id": str(uuid.uuid4()),
        "campaign": campaign_id,
        "session": session_id or None,
        "sector": sector,
        "outcome": outcome,
        "collector": collector or "",
        "at": utc_now(),
    }


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
