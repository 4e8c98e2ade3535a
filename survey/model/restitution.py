"""A restitution: what a coordinator chose to give back to the inhabitants of a campaign (or of
several), published as a public page, a static copy and posters.

It names what it shows, never copies it: closed questions (their charts), quotes (an answer's
text, re-read and re-checked against ``consent.may_quote`` each time it is shown), the key
figures, and two texts. Nothing is public until ``published``; ``version`` grows with every
change, so that a page kept in memory is never the one before.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

TEXT_MAX = 4000  # characters of « Ce que nous en retenons » and of « Et maintenant ? »
TITLE_MAX = 160
QUOTES_MAX = 30  # quotes on one page: a restitution is a choice, not the reading list
POSTER_QUOTES = 3  # quotes on the restitution poster
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans("àâäáãçéèêëíìîïñóòôöõúùûüýÿœæ", "aaaaaceeeeiiiinooooouuuuyyoa")


def campaign_restitution_id(campaign_id: str) -> str:
    """The one restitution of a campaign."""
    return f"campagne-{campaign_id}"


def demarche_restitution_id(demarche_id: str) -> str:
    """The one restitution of a démarche (campaigns grouped: ``services/demarches.py``)."""
    return f"demarche-{demarche_id}"


def slug_words(text: str) -> str:
    """« Le numérique, à Tours ! » → ``le-numerique-a-tours`` (at most 30 characters: printed under a QR code)."""
    folded = text.lower().translate(_FOLD)
    return _NOT_SLUG.sub("-", folded).strip("-")[:30].strip("-") or "restitution"


def chart_key(campaign_id: str, question_id: str) -> str:
    return f"{campaign_id}/{question_id}"


def quote_key(campaign_id: str, answer_id: str, question_id: str) -> str:
    return f"{campaign_id}/{answer_id}/{question_id}"


def split_key(key: str, parts: int) -> tuple[str, ...] | None:
    """A chart key (2 parts) or a quote key (3 parts) read back; None when it is not one."""
    found = tuple(str(key).split("/", parts - 1))
    return found if len(found) == parts and all(found) else None


@dataclass
class Restitution:
    id: str
    slug: str  # the public address: /restitution/<slug>; kept when unpublished and published again
    title: str
    campaign_ids: list[str]
    structure_id: str = ""
    demarche_id: str = ""  # a démarche's restitution: its figures are the démarche's
    charts: list[str] = field(default_factory=list)  # chart_key of closed questions, in order
    quotes: list[str] = field(default_factory=list)  # quote_key of quoted texts, in order
    drawings: list[str] = field(default_factory=list)  # quote_key of drawings (answer, question), in order
    recordings: list[str] = field(default_factory=list)  # quote_key of transcribed recordings, in order
    figures: bool = True  # show the key figures
    retained: str = ""  # « Ce que nous en retenons »
    next_steps: str = ""  # « Et maintenant ? »: what will happen next
    published: bool = False
    published_at: str = ""
    version: int = 0
    updated_at: str = ""
    updated_by: str = ""

    @classmethod
    def from_record(cls, record: dict) -> "Restitution":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in record.items() if k in known})

    def to_record(self) -> dict:
        return asdict(self)


def validate(restitution: Restitution) -> list[str]:
    """Problems with the texts and the choices' number, in French (empty when fine). Which
    charts and quotes may be chosen at all is the service's (it reads the answers)."""
    problems = []
    if not restitution.title.strip():
        problems.append("Donnez un titre à la restitution.")
    elif len(restitution.title) > TITLE_MAX:
        problems.append(f"Le titre doit faire au plus {TITLE_MAX} caractères.")
    for text, name in (
        (restitution.retained, "« Ce que nous en retenons »"),
        (restitution.next_steps, "« Et maintenant ? »"),
    ):
        if len(text) > TEXT_MAX:
            problems.append(f"Le texte {name} doit faire au plus {TEXT_MAX} caractères (il en a {len(text)}).")
    if len(restitution.quotes) > QUOTES_MAX:
        problems.append(f"Choisissez au plus {QUOTES_MAX} paroles (vous en avez coché {len(restitution.quotes)}).")
    if len(restitution.drawings) > QUOTES_MAX:
        problems.append(f"Choisissez au plus {QUOTES_MAX} dessins (vous en avez coché {len(restitution.drawings)}).")
    if len(restitution.recordings) > QUOTES_MAX:
        problems.append(
            f"Choisissez au plus {QUOTES_MAX} enregistrements (vous en avez coché {len(restitution.recordings)})."
        )
    if not SLUG.match(restitution.slug or ""):
        problems.append("L'adresse de la page doit contenir seulement des minuscules, des chiffres et des tirets.")
    return problems
