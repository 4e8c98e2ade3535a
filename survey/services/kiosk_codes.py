"""A campaign's kiosk code: what a volunteer types to take a kiosk tablet out of kiosk mode
(``web/kiosk.py``). Kept in its own collection, so editing the campaign does not lose it; made
on the team codes page or by ``survey code-kiosque``. An active volunteer code of the campaign
opens the kiosk too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.errors import BadValue
from .volunteers import find, for_campaign, is_active, new_code, normalise_code

if TYPE_CHECKING:
    from . import Services


def kiosk_code(svc: Services, campaign_id: str) -> str:
    return svc.kiosk_codes.code(campaign_id)


def set_kiosk_code(svc: Services, campaign_id: str, code: str | None = None) -> str:
    """Give the campaign a kiosk code (a new random one if none is given)."""
    code = normalise_code(code) if code else new_code()
    if not code:
        raise BadValue("Un code fait 8 caractères, lettres et chiffres (sans I, L, O, 0 ni 1).")
    svc.kiosk_codes.put(campaign_id, code)
    return code


def kiosk_code_or_new(svc: Services, campaign_id: str) -> tuple[str, bool]:
    """The campaign's kiosk code, made now if it has none; (code, made now). One atomic
    change: the CLI and the web page at the same moment end with the same code."""
    made = []

    def ensure(record: dict) -> None:
        if not record.get("code"):
            record["code"] = new_code()
            made.append(True)

    record = svc.kiosk_codes.change(campaign_id, ensure)
    return record["code"], bool(made)


def code_opens(svc: Services, campaign_id: str, typed: str) -> bool:
    code = normalise_code(typed)
    if not code:
        return False
    if code == kiosk_code(svc, campaign_id):
        return True
    record = find(svc, code)
    return bool(record and record.get("campaign") == campaign_id)


def has_any_code(svc: Services, campaign_id: str) -> bool:
    return bool(kiosk_code(svc, campaign_id)) or any(is_active(r) for r in for_campaign(svc, campaign_id))
