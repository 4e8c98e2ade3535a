"""Which channel an answer is labelled with: decided on the server from who sends it.

A channel says how an answer was collected, and the dashboard and exports count on it.
So it never comes from the address alone (a poster's ``?canal=papier`` typed by anyone
would label a phone answer as paper): a person of the campaign's team (a volunteer with
its code, a coordinator) or a kiosk tablet collects on a team channel; anyone else
answers on the public channel, ``qr``. Paper sheets get ``papier`` only from the
facilitator's paper-entry screen, post-its and scribe cards from their own pages. When
the campaign does not take the channel, the person is told so in French: an answer is
never put under another channel instead.
"""

from __future__ import annotations

from typing import Callable

from ..catalogs import N_
from ..model.campaign import CHANNELS, Campaign
from ..model.errors import SurveyError

PUBLIC = "qr"
# What a team member's questionnaire can be, best first (papier, post-it: their own pages).
TEAM_FORM_CHANNELS = ("tablette", "porte-a-porte", "porteur-de-parole")


class ChannelRefused(SurveyError):
    """The campaign does not take answers from this kind of sender (a French message)."""

    status = 410


def form_channel(
    campaign: Campaign,
    *,
    team: bool,
    kiosk: bool = False,
    coordinator: bool = False,
    asked: str | None = None,
    chosen: str | None = None,
) -> str:
    """The channel of a questionnaire answer. ``asked`` comes from the address (``canal``),
    ``chosen`` from the team page; both count only for the team and a kiosk."""
    if team or kiosk:
        # A kiosk tablet is passed to people who answer alone, and a coordinator may try the
        # public form: public when asked or when nothing else fits. A volunteer never is.
        allowed = TEAM_FORM_CHANNELS + ((PUBLIC,) if kiosk or coordinator else ())
        for candidate in (asked, chosen, *allowed):
            if candidate in allowed and candidate in campaign.channels:
                return candidate
        raise ChannelRefused(
            N_(
                "Cette campagne ne prévoit pas de questionnaire rempli avec un ou une bénévole "
                "(canaux prévus : %(channels)s). La coordination peut ajouter le canal "
                "« Tablette » dans les réglages de la campagne."
            ),
            channels=labels(campaign),
        )
    if PUBLIC in campaign.channels:
        return PUBLIC
    raise ChannelRefused(
        N_(
            "Ce questionnaire ne se remplit pas en ligne par le public : il se fait avec l'équipe "
            "de la campagne (%(channels)s). Adressez-vous à elle, ou, si vous êtes bénévole, "
            "entrez votre code dans l'espace bénévole."
        ),
        channels=labels(campaign),
    )


def labels(campaign: Campaign, say: Callable[[str], str] = str, join: Callable[[list[str]], str] = ", ".join) -> str:
    """The campaign's channels in plain words, lower case: French, or through ``say`` and
    ``join`` (a page's ``gettext`` and its language's list: the refusal's ``%(channels)s``
    in its reader's words)."""
    names = [say(CHANNELS.get(c, c)).split(" (")[0].lower() for c in campaign.channels]
    return join(names) if names else say(N_("aucun"))
