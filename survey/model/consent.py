"""What a person agreed to, and the one rule each later use of their words follows.

A scribe's card (porteur de parole) asks two separate questions and stores the
ticks: ``consent_display`` (« affiché aujourd'hui ») and ``consent_report``
(« réutilisé dans le compte rendu »). Every other answer (the form on a phone or
a tablet, a post-it, a paper sheet) was written by the person themself, with no
name asked, after a notice that says anonymous sentences may be quoted in the
campaign's report (``QUOTE_NOTICE``): that notice is their reuse consent.

- The wall of words shows only ``may_display`` answers.
- « À citer », the summary's « Paroles d'habitants » and the printed quote cards
  use only ``may_quote`` answers; quote cards are hung too, so they also need
  ``may_display``.
"""

from __future__ import annotations

# Shown wherever a person answers alone (form, privacy page, paper sheet): it makes
# ``may_quote`` true for answers that did not come through a scribe's card.
QUOTE_NOTICE = "Une phrase de votre réponse peut être citée, sans votre nom, dans le compte rendu de la campagne."
from typing import Any

# The keys only a scribe's card writes: their presence means the consents were asked.
CARD_KEYS = ("consent_display", "consent_report")


def from_scribe_card(answer: dict) -> bool:
    """True when the person was asked the two consents (even if both are « non »)."""
    # Two tests rather than any() over CARD_KEYS: called once per row of an export.
    return CARD_KEYS[0] in answer or CARD_KEYS[1] in answer


def may_display(answer: dict) -> bool:
    """The person agreed to have these words shown today (wall of words, quote cards)."""
    return answer.get("consent_display") is True


def may_quote(answer: dict) -> bool:
    """These words may be reused in the report (citation, summary, quote cards).

    A scribe's card follows its explicit tick. An answer the person wrote alone is
    anonymous and was given under ``QUOTE_NOTICE``, unless it carries a first name
    (only a card asks one), which then needs the card's tick.
    """
    if from_scribe_card(answer):
        return answer.get("consent_report") is True
    return not answer.get("first_name")


def consent_words(value: Any) -> str:
    """« oui », « non », or « non demandé » when the answer did not come through a card."""
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return "non demandé"
