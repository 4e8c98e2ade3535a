"""Where printed QR codes lead: the public base URL, the form URL, the poster codes.

Every printed sheet brings its answers back into the campaign's data: the QR
opens the public form (``/c/<campaign>/``) with ``canal`` (the channel) and
``affiche`` (the printed sheet's code, stored as the answer's ``poster``), and
``question`` when the sheet asks one question.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlencode, urlsplit

from .errors import PrintError

DEFAULT_PORT = 8000
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
    """``http(s)://host[:port][/path]`` without a trailing slash, or a French error."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise PrintError(f"L'adresse publique « {url} » doit ressembler à http://192.168.1.20:8000 "
                         "ou https://enquete.exemple.fr.")
    return url.rstrip("/")


def base_url_for_cli(configured: str | None, lan: list[str], port: int = DEFAULT_PORT) -> tuple[str, str]:
    """The base URL for the command line, and a French warning when it is only local."""
    if configured:
        return clean_base_url(configured), ""
    if lan:
        return f"http://{lan[0]}:{port}", ""
    return (f"http://127.0.0.1:{port}",
            "Attention : aucune adresse réseau trouvée, les QR codes mènent à 127.0.0.1 "
            "(cet ordinateur seulement). Donnez l'adresse avec --base-url.")


def base_url_for_request(configured: str | None, host_url: str, lan: list[str]) -> str:
    """The base URL for a web request: the configured one, else the address the page was
    opened with, except loopback (a phone cannot reach 127.0.0.1): then the LAN address."""
    if configured:
        return clean_base_url(configured)
    parts = urlsplit(host_url)
    host = parts.hostname or ""
    if is_loopback(host) and lan:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{lan[0]}{port}"
    return host_url.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def poster_code(kind: str, question_id: str | None = None) -> str:
    """A short, stable code for one printed thing: ``A-<question>``, ``A`` for a whole questionnaire."""
    prefix = POSTER_PREFIXES[kind]
    return f"{prefix}-{question_id}" if question_id else prefix


def paper_code(campaign_id: str, version: int) -> str:
    """Printed big on paper questionnaires: which campaign and version to type the sheet into."""
    return f"P-{campaign_id}-v{version}"


def form_url(base_url: str, campaign_id: str, channel: str = "qr", poster: str | None = None,
             question: str | None = None) -> str:
    """The absolute URL of the public form, as a QR code opens it."""
    args = {"canal": channel}
    if question:
        args["question"] = question
    if poster:
        args["affiche"] = poster
    return f"{base_url}/c/{campaign_id}/?{urlencode(args)}"


def short_url(base_url: str, campaign_id: str) -> str:
    """What a person can type: the form's address without arguments. The scheme stays
    (a browser may try https:// first on a bare address, which a laptop does not serve)."""
    return f"{base_url}/c/{campaign_id}/"


def team_url(base_url: str, campaign_id: str) -> str:
    """The team's field page of a campaign (sessions, then the scribe's form with the
    person's consents): where an answer card is typed in."""
    return f"{base_url}/terrain/{campaign_id}/"
