"""A « démarche »: campaigns grouped as one approach (several places, structures and periods),
whose key figures are computed from what was collected (``services/demarches.py``), never typed.

Pure data and rules: stored by ``storage/repositories/demarches.py``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TITLE_MAX = 160
CAMPAIGNS_MAX = 200


@dataclass
class Demarche:
    id: str
    title: str
    campaign_ids: list[str] = field(default_factory=list)
    structure: str = ""  # the structure whose coordinator made it ("" = the default one)
    created_at: str = ""

    @classmethod
    def from_record(cls, record: dict) -> "Demarche":
        known = set(cls.__dataclass_fields__)
        demarche = cls(**{k: v for k, v in record.items() if k in known})
        demarche.campaign_ids = [str(c) for c in demarche.campaign_ids or [] if c]
        return demarche

    def to_record(self) -> dict:
        return asdict(self)


def slug(title: str) -> str:
    """An identifier made from a title: « Parlons numérique ! » → ``parlons-numerique``."""
    folded = title.lower()
    for plain, accented in (("a", "àâä"), ("e", "éèêë"), ("i", "îï"), ("o", "ôö"), ("u", "ùûü"), ("c", "ç")):
        for letter in accented:
            folded = folded.replace(letter, plain)
    words = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return words[:50].strip("-") or "demarche"


def validate(demarche: Demarche, known_campaigns: set[str]) -> list[str]:
    """Problems with a démarche, in French (empty when it is fine)."""
    problems = []
    if not _ID.match(demarche.id or ""):
        problems.append("L'identifiant doit contenir seulement des minuscules, des chiffres et des tirets.")
    if not demarche.title.strip():
        problems.append("Donnez un titre à la démarche.")
    elif len(demarche.title) > TITLE_MAX:
        problems.append(f"Le titre doit faire au plus {TITLE_MAX} caractères.")
    if not demarche.campaign_ids:
        problems.append("Choisissez au moins une campagne.")
    elif len(demarche.campaign_ids) > CAMPAIGNS_MAX:
        problems.append(f"Une démarche regroupe au plus {CAMPAIGNS_MAX} campagnes.")
    unknown = [c for c in demarche.campaign_ids if c not in known_campaigns]
    if unknown:
        problems.append("Choisissez les campagnes dans la liste.")
    return problems
