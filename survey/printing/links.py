"""Where printed QR codes lead: the form URL, the short address to type, the poster codes.
The base URL itself is chosen by ``survey.services.site_settings`` (saved, configured or found).

Every printed sheet brings its answers back into the campaign's data: the QR
opens the public form (``/c/<campaign>/``) with ``canal`` (the channel) and
``affiche`` (the printed sheet's code, stored as the answer's ``poster``), and
``question`` when the sheet asks one question.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..services.site_settings import AddressError, clean_address
from .errors import PrintError

# Prefix of the code of each printed thing (the answer's "poster" field).
POSTER_PREFIXES = {
    "affiche": "A",
    "ordi-panneau": "OP",
    "panneau": "PP",
    "cartes-reponse": "CR",
    "cartes-paroles": "CP",
    "questionnaire-papier": "P",
}


def clean_base_url(url: str) -> str:
    """``http(s)://host[:port][/path]`` without a trailing slash, or a French ``PrintError``."""
    try:
        return clean_address(url)
    except AddressError as exc:
        raise PrintError(str(exc)) from None


def poster_code(kind: str, question_id: str | None = None) -> str:
    """A short, stable code for one printed thing: ``A-<question>``, ``A`` for a whole questionnaire."""
    prefix = POSTER_PREFIXES[kind]
    return f"{prefix}-{question_id}" if question_id else prefix


def form_url(
    base_url: str,
    campaign_id: str,
    channel: str = "qr",
    poster: str | None = None,
    question: str | None = None,
    language: str | None = None,
) -> str:
    """The absolute URL of the public form, as a QR code opens it; ``language``: the form opens
    in it (``lang``), for the code printed under a question in that language."""
    args = {"canal": channel}
    if question:
        args["question"] = question
    if poster:
        args["affiche"] = poster
    if language:
        args["lang"] = language
    return f"{base_url}/c/{campaign_id}/?{urlencode(args)}"


def short_url(base_url: str, campaign) -> str:
    """What a person can type: ``<base>/<short code>`` (``/c/<campaign>/`` for a campaign
    without one). The scheme stays (a browser may try https:// first on a bare address,
    which a laptop does not serve)."""
    code = getattr(campaign, "short_code", "")
    return f"{base_url}/{code}" if code else f"{base_url}/c/{campaign.id}/"


def team_url(base_url: str, campaign_id: str) -> str:
    """The team's field page of a campaign (sessions, then the scribe's form with the
    person's consents): where an answer card is typed in."""
    return f"{base_url}/terrain/{campaign_id}/"
