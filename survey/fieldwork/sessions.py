"""A session is one outing of a campaign: a place, a date and time slot, a team,
and the board question(s). Every answer captured during it records its id."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date

COLLECTION = "sessions"
ROLES = {"accroche": "Accroche (inviter les passants)", "discussion": "Discussion",
         "scribe": "Scribe (écrit les paroles)", "porte-a-porte": "Porte-à-porte"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class Session:
    id: str
    campaign: str
    place: str
    day: str                      # ISO date
    starts: str = ""              # HH:MM
    ends: str = ""
    team: list[dict] = field(default_factory=list)       # [{"pseudonym": …, "role": …}]
    questions: list[str] = field(default_factory=list)   # board question ids
    stopped: int = 0              # passers-by who stopped (counted by the team)
    photos: list[dict] = field(default_factory=list)     # [{"file": …, "type": …, "size": …}]

    @classmethod
    def from_record(cls, record: dict) -> "Session":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in record.items() if k in known})

    def to_record(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        slot = f" {self.starts}–{self.ends}" if self.starts and self.ends else (f" {self.starts}" if self.starts else "")
        return f"{_french_date(self.day)}{slot} – {self.place}"


def _french_date(iso: str) -> str:
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {months[d.month - 1]} {d.year}"


def new_id(day: str) -> str:
    return f"s{day.replace('-', '')}-{secrets.token_hex(2)}"


def parse_team(text: str) -> tuple[list[dict], list[str]]:
    """One member per line: « pseudonyme : rôle » (the role may be left out)."""
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
            problems.append(f"Ligne {number} de l'équipe : le rôle « {role} » est inconnu "
                            f"(rôles possibles : {', '.join(ROLES)}).")
            continue
        team.append({"pseudonym": name, "role": role})
    return team, problems


def validate(session: Session, questionnaire) -> list[str]:
    problems = []
    if not session.place.strip():
        problems.append("Indiquez le lieu de la session (par exemple : marché du Sanitas).")
    try:
        date.fromisoformat(session.day)
    except ValueError:
        problems.append("La date doit être au format AAAA-MM-JJ.")
    for label, value in (("début", session.starts), ("fin", session.ends)):
        if value and not _TIME.match(value):
            problems.append(f"L'heure de {label} doit être au format HH:MM (par exemple 14:30).")
    if session.starts and session.ends and session.starts >= session.ends:
        problems.append("L'heure de fin doit venir après l'heure de début.")
    known = {q.id for q in questionnaire.answerable} if questionnaire else set()
    for question_id in session.questions:
        if question_id not in known:
            problems.append(f"La question « {question_id} » n'est pas dans le questionnaire.")
    return problems


class SessionRepository:
    def __init__(self, records):
        self.records = records

    def for_campaign(self, campaign_id: str) -> list[Session]:
        found = [Session.from_record(r) for r in self.records.all(COLLECTION) if r.get("campaign") == campaign_id]
        return sorted(found, key=lambda s: (s.day, s.starts), reverse=True)

    def get(self, campaign_id: str, session_id: str) -> Session | None:
        """A session of this campaign (a session of another campaign is not found)."""
        record = self.records.get(COLLECTION, session_id) if session_id else None
        if not record or record.get("campaign") != campaign_id:
            return None
        return Session.from_record(record)

    def save(self, session: Session) -> None:
        self.records.put(COLLECTION, session.to_record())

    def count_stopped(self, session: Session, delta: int = 1) -> int:
        current = self.get(session.campaign, session.id)
        value = max(0, (current.stopped if current else 0) + delta)
        self.records.update(COLLECTION, session.id, {"stopped": value})
        return value
