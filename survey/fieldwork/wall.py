"""The wall of words: only words whose author agreed to display them, nothing else.

A card never carries metadata: its words, and the first name only when the
person gave one. A coordinator can withdraw any card at once (``wall_hidden``);
hidden answers (spam, out of scope) never show.
"""

from __future__ import annotations

WALLS = "walls"
MAX_CARDS = 60


def wall_is_public(svc, campaign_id: str) -> bool:
    """Shown without login only when the coordination chose so (e.g. for a TV at the event)."""
    record = svc.records.get(WALLS, campaign_id)
    return bool(record and record.get("public"))


def set_wall_public(svc, campaign_id: str, public: bool) -> None:
    svc.records.put(WALLS, {"id": campaign_id, "public": bool(public)})


def card_text(answer: dict) -> str:
    texts = [v for k, v in answer.get("answers", {}).items() if isinstance(v, str) and not k.endswith("__autre")]
    return "\n".join(t for t in texts if t.strip())


def wall_cards(svc, campaign_id: str, session_id: str | None, include_withdrawn: bool = False) -> list[dict]:
    """The newest consented cards first (at most MAX_CARDS for the wall itself)."""
    cards = []
    for answer in svc.answers.iter_answers(campaign_id):
        if answer.get("consent_display") is not True or answer.get("hidden"):
            continue
        if session_id and answer.get("session") != session_id:
            continue
        withdrawn = bool(answer.get("wall_hidden"))
        if withdrawn and not include_withdrawn:
            continue
        text = card_text(answer)
        if not text:
            continue
        card = {"id": answer["id"], "text": text, "name": answer.get("first_name") or ""}
        if include_withdrawn:
            card["withdrawn"] = withdrawn
        cards.append(card)
    cards.reverse()
    return cards if include_withdrawn else cards[:MAX_CARDS]
