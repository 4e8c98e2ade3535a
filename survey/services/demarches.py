"""Démarches (issue 17 §2): campaigns grouped as one approach, and its key figures.

The figures are computed from what was stored, never typed: answers (counted from the stores'
kept parts, ``kept_counts``: no answer is read twice while its part does not change), field
sessions (people stopped, the team, their kind) and doors knocked. Each figure carries its rule
in plain French, which the page prints beside it, and the count per campaign behind it.

People met, each counted once:
- every visible answer is one person;
- in a session, the people stopped (counted by the team) who left no answer in it: the people
  stopped beyond the session's answers (door-to-door answers aside);
- at the doors, the doors « A répondu » beyond the door-to-door answers recorded for the same
  session (the questionnaire opened at a door that answered is that door's person).

Who may see a démarche: a network coordinator every one; a structure's coordinator those
their structure made, whose campaigns are all theirs (``services/structures.py``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from ..model.campaign import Campaign
from ..model.clock import utc_now
from ..model.consent import may_quote
from ..model.demarche import Demarche, slug, validate
from ..model.errors import SurveyError
from ..model.fieldwork import SESSION_KINDS, Session
from ..model.questionnaire import Questionnaire
from ..model.structure import owner_of
from . import kept_counts, structures

if TYPE_CHECKING:
    from . import Services

VERSION = 1  # bump when the per-answer summary counts differently
FORM_CHANNELS = ("tablette", "qr", "papier", "porte-a-porte")  # a questionnaire filled in
DOOR_CHANNEL = "porte-a-porte"
NOT_SAID = "non-precise"  # a session whose kind was neither chosen nor deduced
KIND_LABELS = {**SESSION_KINDS, NOT_SAID: "Genre non précisé"}

RULES = {
    "personnes": (
        "Chaque réponse compte pour une personne. S'y ajoutent, pour chaque session, les personnes "
        "arrêtées (comptées par l'équipe) au-delà des réponses de la session, et, pour le porte-à-porte, "
        "les portes « A répondu » au-delà des réponses saisies à ces portes. Personne n'est compté deux "
        "fois. Les réponses masquées ne comptent pas."
    ),
    "reponses": "Les réponses enregistrées, tous canaux confondus, sauf les réponses masquées.",
    "structures": (
        "Les structures qui mènent les campagnes (« Structure qui mène la campagne »), ou sinon la "
        "structure à qui appartient la campagne ; chacune une fois, même nommée par plusieurs campagnes."
    ),
    "quartiers": "Les quartiers ou communes des campagnes, chacun une fois.",
    "lieux": "Les lieux des sessions sur le terrain, chacun une fois.",
    "sessions": (
        "Les sessions sur le terrain, par genre. Le genre est celui choisi pour la session ; sinon il est "
        "déduit de ce qu'elle a recueilli : des portes ou des réponses au porte-à-porte, des paroles de "
        "porteur de parole, des post-it (ordi-panneau), des questionnaires papier ou tablette (atelier)."
    ),
    "equipe": "Les personnes inscrites dans l'équipe d'au moins une session, chacune une fois (par pseudonyme).",
    "questionnaires": "Les questionnaires remplis : réponses sur tablette, par QR code, sur papier ou au porte-à-porte.",
    "post-it": "Les post-it saisis par l'équipe (réponses du canal « Post-it »), sauf les réponses masquées.",
    "paroles": "Les paroles recueillies par un porteur de parole (une carte par personne), sauf les réponses masquées.",
    "citations": (
        "Les réponses écrites (texte libre) que la personne a accepté de voir réutilisées dans le compte rendu."
    ),
    "campagnes": "Les campagnes regroupées dans la démarche.",
}


class DemarcheError(SurveyError, ValueError):
    """A démarche that cannot be saved, said in French."""


@dataclass
class Figure:
    key: str  # names the rule (``RULES``) and what the page links to
    value: int
    label: str  # « personnes rencontrées »
    rule: str
    by_campaign: dict[str, int] = field(default_factory=dict)  # campaign id → its share ({} when not additive)
    names: list[str] = field(default_factory=list)  # the things counted, when they are names


@dataclass
class CampaignCounts:
    """What one campaign adds to the figures."""

    campaign: Campaign
    answers: int = 0
    hidden: int = 0
    stopped_only: int = 0  # people stopped beyond the sessions' answers
    doors_only: int = 0  # doors « A répondu » beyond the door-to-door answers
    by_channel: Counter = field(default_factory=Counter)
    quotes: int = 0
    sessions: list[tuple[Session, str]] = field(default_factory=list)  # each with its kind

    @property
    def people(self) -> int:
        return self.answers + self.stopped_only + self.doors_only


@dataclass
class KeyFigures:
    title: str
    campaigns: list[CampaignCounts]
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def value(self, key: str) -> int:
        return self.figure(key).value

    @property
    def people_met(self) -> int:
        return self.value("personnes")

    @property
    def sessions_by_kind(self) -> dict[str, int]:
        """Kind → number of sessions, every kind of ``SESSION_KINDS`` present (0 when none)."""
        counts = Counter(kind for counts in self.campaigns for _, kind in counts.sessions)
        return {kind: counts[kind] for kind in KIND_LABELS if kind in SESSION_KINDS or counts[kind]}


# -- the counts of one campaign ------------------------------------------------------------------


def _open_ids(questionnaire: Questionnaire | None) -> tuple[str, ...]:
    return tuple(q.id for q in questionnaire.answerable if q.is_open) if questionnaire else ()


def _summarise(open_ids: tuple[str, ...]) -> Callable[[list[dict]], Counter]:
    def summarise(answers: list[dict]) -> Counter:
        counts: Counter = Counter()
        for answer in answers:
            if answer.get("hidden"):
                counts["hidden"] += 1
                continue
            counts[("n", answer.get("session") or None, answer.get("channel") or "")] += 1
            values = answer.get("answers") or {}
            if may_quote(answer) and any(isinstance(values.get(q), str) and values[q].strip() for q in open_ids):
                counts["quote"] += 1
        return counts

    return summarise


def deduced_kind(session: Session, channels: Counter, doors: int) -> str:
    """The session's kind: the one chosen, or what it collected says (``RULES["sessions"]``)."""
    if session.kind in SESSION_KINDS:
        return session.kind
    if doors or channels[DOOR_CHANNEL]:
        return "porte-a-porte"
    if channels["porteur-de-parole"]:
        return "porteur-de-parole"
    if channels["post-it"]:
        return "ordi-panneau"
    if channels["papier"] or channels["tablette"]:
        return "atelier"
    return NOT_SAID


def campaign_counts(svc: Services, campaign: Campaign) -> CampaignCounts:
    """One campaign's share of the figures: its answers from the kept parts, its sessions and doors."""
    open_ids = _open_ids(svc.questionnaire_for(campaign))
    digest = hashlib.blake2b("|".join(open_ids).encode("utf-8"), digest_size=6).hexdigest()
    counts = kept_counts.kept(svc.answers, campaign.id, f"demarche/{VERSION}/{digest}", _summarise(open_ids))
    result = CampaignCounts(campaign, hidden=counts["hidden"], quotes=counts["quote"])
    per_session: dict[str | None, Counter] = {}
    for key, n in counts.items():
        if isinstance(key, tuple) and key[0] == "n" and n:
            per_session.setdefault(key[1], Counter())[key[2]] += n
            result.by_channel[key[2]] += n
    result.answers = sum(result.by_channel.values())
    sessions = svc.sessions.for_campaign(campaign.id)
    known = {s.id for s in sessions}
    doors_answered: Counter = Counter()
    doors_per_session: Counter = Counter()
    for door in svc.doors.for_campaign(campaign.id):
        where = door.get("session") if door.get("session") in known else None  # a deleted session's: none
        doors_per_session[where] += 1
        if door.get("outcome") == "repondu":
            doors_answered[where] += 1
    for session in sessions:
        channels = per_session.get(session.id, Counter())
        met_there = sum(n for channel, n in channels.items() if channel != DOOR_CHANNEL)
        result.stopped_only += max(0, int(session.stopped or 0) - met_there)
        result.sessions.append((session, deduced_kind(session, channels, doors_per_session[session.id])))
    for where, answered in doors_answered.items():
        result.doors_only += max(0, answered - per_session.get(where, Counter())[DOOR_CHANNEL])
    return result


# -- the figure sheet ------------------------------------------------------------------------------


def _distinct(names: Iterable[str]) -> list[str]:
    """Names each once (case, spaces and accents of the first one kept), in the order met."""
    seen: dict[str, str] = {}
    for name in names:
        shown = " ".join((name or "").split())
        if shown:
            seen.setdefault(shown.casefold(), shown)
    return list(seen.values())


def figures_of(svc: Services, title: str, campaigns: Iterable[Campaign]) -> KeyFigures:
    """The figure sheet of any group of campaigns (a démarche, or one campaign)."""
    rows = [campaign_counts(svc, c) for c in campaigns]

    def additive(key: str, label: str, share: Callable[[CampaignCounts], int]) -> Figure:
        by = {row.campaign.id: share(row) for row in rows}
        return Figure(key, sum(by.values()), label, RULES[key], by)

    def named(key: str, label: str, names: list[str]) -> Figure:
        return Figure(key, len(names), label, RULES[key], names=names)

    structure_names = _distinct(
        row.campaign.structure or svc.structures.owning(row.campaign.structure_id).name for row in rows
    )
    quartiers = _distinct(row.campaign.quartier for row in rows)
    places = _distinct(session.place for row in rows for session, _ in row.sessions)
    team = _distinct(m["pseudonym"] for row in rows for s, _ in row.sessions for m in s.team)
    sessions = additive("sessions", "sessions sur le terrain", lambda r: len(r.sessions))
    figures = [
        additive("personnes", "personnes rencontrées", lambda r: r.people),
        additive("reponses", "réponses", lambda r: r.answers),
        named("structures", "structures", structure_names),
        named("quartiers", "quartiers ou communes", quartiers),
        named("lieux", "lieux de rencontre", places),
        sessions,
        named("equipe", "personnes dans les équipes", team),
        additive("questionnaires", "questionnaires remplis", lambda r: sum(r.by_channel[c] for c in FORM_CHANNELS)),
        additive("post-it", "post-it", lambda r: r.by_channel["post-it"]),
        additive("paroles", "paroles de porteur de parole", lambda r: r.by_channel["porteur-de-parole"]),
        additive("citations", "citations possibles", lambda r: r.quotes),
        named("campagnes", "campagnes", [row.campaign.title for row in rows]),
    ]
    return KeyFigures(title, rows, figures)


def key_figures(svc: Services, demarche: Demarche) -> KeyFigures:
    """The démarche's figure sheet, from its campaigns still stored."""
    return figures_of(svc, demarche.title, demarche_campaigns(svc, demarche))


def campaign_key_figures(svc: Services, campaign: Campaign) -> KeyFigures:
    """The same sheet for one campaign (a report on one campaign starts with it)."""
    return figures_of(svc, campaign.title, [campaign])


# -- démarches: who sees them, saving them --------------------------------------------------------


def demarche_campaigns(svc: Services, demarche: Demarche) -> list[Campaign]:
    """Its campaigns still stored, in the order chosen."""
    found = (svc.campaigns.get(c) for c in dict.fromkeys(demarche.campaign_ids))
    return [c for c in found if c is not None]


def may_see_demarche(svc: Services, account: dict | None, demarche: Demarche) -> bool:
    """A network coordinator sees every démarche; a structure's coordinator those of their
    structure whose campaigns they all see (a démarche spans structures only for the network)."""
    if account is None:
        return False
    if structures.is_network(account):
        return True
    if (demarche.structure or owner_of({})) != owner_of(account):
        return False
    return all(structures.may_see(account, c) for c in demarche_campaigns(svc, demarche))


def visible_demarches(svc: Services, account: dict | None) -> list[Demarche]:
    return [d for d in svc.demarches.all() if may_see_demarche(svc, account, d)]


def save_demarche(
    svc: Services, account: dict | None, title: str, campaign_ids: Iterable[str], demarche_id: str = ""
) -> Demarche:
    """Create a démarche (no ``demarche_id``) or change the title and campaigns of one this
    account sees; its campaigns are chosen among those the account sees."""
    visible = {c.id for c in structures.visible_campaigns(svc, account)}
    chosen = list(dict.fromkeys(str(c) for c in campaign_ids if c))
    title = " ".join((title or "").split())
    if demarche_id:
        existing = svc.demarches.get(demarche_id)
        if existing is None or not may_see_demarche(svc, account, existing):
            raise DemarcheError("Cette démarche n'existe pas.")
        candidate = Demarche(existing.id, title, chosen, existing.structure, existing.created_at)
    else:
        candidate = Demarche(slug(title), title, chosen, owner_of(account or {}), utc_now())
    problems = validate(candidate, visible)
    if problems:
        raise DemarcheError(" ".join(problems))
    if demarche_id:

        def change(record: dict) -> dict:
            return {**record, "title": candidate.title, "campaign_ids": candidate.campaign_ids}

        saved = svc.demarches.change(demarche_id, change)
        if saved is None:
            raise DemarcheError("Cette démarche n'existe plus.")
        return saved
    base, n = candidate.id, 1
    while not svc.demarches.add(candidate):  # the same title twice: a number makes the id new
        n += 1
        candidate.id = f"{base[:58]}-{n}"
    return candidate


def delete_demarche(svc: Services, account: dict | None, demarche_id: str) -> bool:
    """Forget a démarche (its campaigns and their answers stay as they are)."""
    existing = svc.demarches.get(demarche_id)
    if existing is None or not may_see_demarche(svc, account, existing):
        return False
    return svc.demarches.delete(demarche_id)
