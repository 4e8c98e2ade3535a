"""The wall of words: only words whose author agreed to display them, nothing else.

Typed post-its count as agreed when the campaign says so: a post-it stuck on a public
panel is already public words. The setting (``postits`` in the campaign's wall record)
is on by default for a campaign with the ``post-it`` channel, off otherwise, and the
coordination changes it on « Gérer le mur de paroles ».

A card never carries metadata: its words, and the first name only when the
person gave one. A coordinator can withdraw any card at once (``wall_hidden``);
hidden answers (spam, out of scope) never show.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable

from ...model.consent import may_display
from ..kept_counts import VERSION, kept

if TYPE_CHECKING:
    from ...model.campaign import Campaign
    from .. import Services

WALLS = "walls"
MAX_CARDS = 60


def wall_is_public(svc: Services, campaign_id: str) -> bool:
    """Shown without login only when the coordination chose so (e.g. for a TV at the event)."""
    record = svc.records.get(WALLS, campaign_id)
    return bool(record and record.get("public"))


def set_wall_public(svc: Services, campaign_id: str, public: bool) -> None:
    svc.records.change(WALLS, campaign_id, lambda record: record.update(public=bool(public)), create=True)


def postits_on_wall(svc: Services, campaign: Campaign) -> bool:
    """Do typed post-its go on the wall? The coordination's choice, else the campaign's channels."""
    chosen = (svc.records.get(WALLS, campaign.id) or {}).get("postits")
    return chosen if isinstance(chosen, bool) else "post-it" in campaign.channels


def set_postits_on_wall(svc: Services, campaign_id: str, on: bool) -> None:
    svc.records.change(WALLS, campaign_id, lambda record: record.update(postits=bool(on)), create=True)


def on_the_wall(answer: dict, postits: bool) -> bool:
    """Agreed to be shown: a scribe's card with « affiché aujourd'hui », or a post-it when allowed."""
    return may_display(answer) or (postits and answer.get("channel") == "post-it")


def card_text(answer: dict) -> str:
    texts = [v for k, v in answer.get("answers", {}).items() if isinstance(v, str) and not k.endswith("__autre")]
    return "\n".join(t for t in texts if t.strip())


def _eligible(answer: dict, postits: bool) -> bool:
    """On the wall when shown: agreed, not hidden, with words (withdrawn or not)."""
    return on_the_wall(answer, postits) and not answer.get("hidden") and bool(card_text(answer))


def _wall_counts(postits: bool) -> Callable[[list[dict]], Counter]:
    def summarise(answers: list[dict]) -> Counter:
        counts: Counter = Counter()
        for answer in answers:
            if _eligible(answer, postits) and not answer.get("wall_hidden"):
                counts["toutes"] += 1
                counts[("session", answer.get("session"))] += 1
        return counts

    return summarise


def wall_cards(
    svc: Services, campaign_id: str, session_id: str | None, include_withdrawn: bool = False, postits: bool = False
) -> list[dict]:
    """The newest consented cards first (at most MAX_CARDS for the wall itself); typed
    post-its too with ``postits`` (see ``postits_on_wall``).

    The wall reads the newest answers backwards and stops at its MAX_CARDS cards, or
    at the last card there is (how many there are is kept per part of the answers):
    a refresh costs the cards shown, not the campaign. The coordinator's list
    (``include_withdrawn``) shows every card, so it reads every answer."""
    cards: list[dict] = []
    wanted = None
    if not include_withdrawn:
        counts = kept(svc.answers, campaign_id, f"mur/{VERSION}/{int(postits)}", _wall_counts(postits))
        wanted = min(MAX_CARDS, counts[("session", session_id)] if session_id else counts["toutes"])
        if not wanted:
            return []
    for answer in svc.answers.iter_newest(campaign_id):
        if not _eligible(answer, postits):
            continue
        if session_id and answer.get("session") != session_id:
            continue
        withdrawn = bool(answer.get("wall_hidden"))
        if withdrawn and not include_withdrawn:
            continue
        card = {"id": answer["id"], "text": card_text(answer), "name": answer.get("first_name") or ""}
        if include_withdrawn:
            card["withdrawn"] = withdrawn
        cards.append(card)
        if wanted is not None and len(cards) >= wanted:
            break
    return cards
