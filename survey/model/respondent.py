"""What a passer-by may choose to say about themself, and nothing more: an
optional first name, an age band, a quartier (never a street or a building)."""

from __future__ import annotations

AGE_BANDS = ("moins de 18 ans", "18 à 29 ans", "30 à 44 ans", "45 à 59 ans", "60 à 74 ans", "75 ans et plus")
ANONYMOUS = "anonyme"


def clean_first_name(text: str | None) -> str | None:
    """« anonyme » (the default) or empty means no name is kept."""
    name = " ".join((text or "").split())[:30]
    return None if not name or name.casefold() == ANONYMOUS else name


def clean_age_band(text: str | None) -> str | None:
    return text if text in AGE_BANDS else None


def clean_quartier(text: str | None) -> str | None:
    quartier = " ".join((text or "").split())[:60]
    return quartier or None
