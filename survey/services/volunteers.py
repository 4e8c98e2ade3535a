"""Volunteer access codes: a coordinator hands one out per volunteer and campaign.

A code (8 characters, no look-alike letters or digits) or its link
``/benevole/<code>`` puts the volunteer in the session for that one campaign:
their pseudonym is then recorded as the ``collector`` of the answers they take,
and they can see their own counts. Nothing else. A revoked code ends the access
at the next request (``check_session``).
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any, Mapping

from ..model.clock import utc_now
from ..model.errors import SurveyError

if TYPE_CHECKING:
    from . import Services

# No I, L, O, 0, 1: nothing to confuse when the code is read aloud or copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_PSEUDONYM = 40
SESSION_KEY = "volunteer"
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


class VolunteerError(SurveyError, ValueError):
    """A French message about a code that cannot be made."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: Any) -> str:
    """What a person typed (« abcd-efgh », « ABCD EFGH ») as a stored code, or ""."""
    code = re.sub(r"[\s\-.]", "", str(text or "")).upper()
    return code if _CODE.match(code) else ""


def display_code(code: str) -> str:
    """« ABCD-EFGH »: easier to read aloud."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def is_active(record: dict | None) -> bool:
    if not record:
        return False
    return not record.get("revoked_at")


def for_campaign(svc: Services, campaign_id: str) -> list[dict]:
    """The campaign's codes, active ones first, then by pseudonym."""
    found = svc.volunteer_codes.for_campaign(campaign_id)
    return sorted(found, key=lambda r: (not is_active(r), r.get("pseudonym", "").lower()))


def create(svc: Services, campaign_id: str, pseudonym: str, by: str = "") -> dict:
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise VolunteerError("Écrivez le prénom ou le pseudonyme du ou de la bénévole.")
    if len(pseudonym) > MAX_PSEUDONYM:
        raise VolunteerError(f"Le pseudonyme fait au plus {MAX_PSEUDONYM} caractères.")
    taken = {r["pseudonym"].casefold() for r in for_campaign(svc, campaign_id) if is_active(r)}
    if pseudonym.casefold() in taken:
        raise VolunteerError(
            f"« {pseudonym} » a déjà un code pour cette campagne. "
            "Choisissez un autre pseudonyme, ou retirez d'abord l'ancien code."
        )
    while True:  # 31^8 ≈ 850 billion codes: a clash is rare, but never reuse one
        record = {
            "id": new_code(),
            "campaign": campaign_id,
            "pseudonym": pseudonym,
            "created_at": utc_now(),
            "created_by": by,
            "revoked_at": None,
            "revoked_by": None,
        }
        if svc.volunteer_codes.add(record):
            return record


def find(svc: Services, code: str) -> dict | None:
    """The active record of a typed code, or None."""
    code = normalise_code(code)
    record = svc.volunteer_codes.get(code) if code else None
    return record if is_active(record) else None


def revoke(svc: Services, campaign_id: str, code: str, by: str = "") -> dict | None:
    """Revoke a code of this campaign (a code of another campaign is not found)."""
    if normalise_code(code) != code:
        return None
    revoked = []

    def revoke_if_active(record: dict) -> None:  # checked and written under one lock
        if record.get("campaign") == campaign_id and is_active(record):
            revoked.append(dict(record))
            record.update(revoked_at=utc_now(), revoked_by=by)

    svc.volunteer_codes.change(code, revoke_if_active)
    return revoked[0] if revoked else None


# -- the volunteer in the session -----------------------------------------


def enter(session: Any, record: dict) -> None:
    """Put the volunteer of ``record`` in the session, for its campaign only."""
    leave(session)
    campaign = record["campaign"]
    session[SESSION_KEY] = {"code": record["id"], "campaign": campaign, "pseudonym": record["pseudonym"]}
    collectors = dict(session.get("collector") or {})
    collectors[campaign] = record["pseudonym"]
    session["collector"] = collectors
    session.modified = True


def leave(session: Any) -> None:
    """End the volunteer access: their pseudonym no longer signs answers."""
    current = session.pop(SESSION_KEY, None)
    if current:
        collectors = dict(session.get("collector") or {})
        if collectors.get(current.get("campaign")) == current.get("pseudonym"):
            collectors.pop(current["campaign"], None)
        session["collector"] = collectors
        session.modified = True


def check_session(svc: Services, session: Any) -> dict | None:
    """The volunteer record behind the session if still valid; otherwise end the access."""
    current = session.get(SESSION_KEY)
    if not current:
        return None
    record = svc.volunteer_codes.get(current.get("code", "")) if isinstance(current, dict) else None
    if record is None or not is_active(record) or record.get("campaign") != current.get("campaign"):
        if isinstance(current, dict):
            leave(session)
        else:
            session.pop(SESSION_KEY, None)
        return None
    return record


def pseudonym_for(session: Mapping, campaign_id: str) -> str | None:
    """The pseudonym of the volunteer of this campaign in the session, if any."""
    current = session.get(SESSION_KEY)
    if isinstance(current, dict) and current.get("campaign") == campaign_id:
        return current.get("pseudonym")
    return None
