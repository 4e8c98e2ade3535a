"""Where phones reach this laptop: the address printed on posters, the team's Wi-Fi,
and the port the server really runs on. Saved in the data folder (``records/settings``).

The address printed is the coordinator's choice when there is one (the settings page
« Adresse à imprimer sur les affiches »); otherwise ``survey serve`` saves the LAN address
it found, with its real port and scheme, so that ``survey print`` (another process) prints
what the server answers on. ``SURVEY_PUBLIC_URL`` (a hosted instance) still wins over both.
Each setting is one record written whole: no read-modify-write to lose.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from ..model.clock import utc_now
from ..model.errors import SurveyError
from ..model.wifi import Wifi
from ..network import is_loopback, lan_addresses
from ..storage import RecordCollections

COLLECTION = "settings"
ADDRESS = "adresse-publique"
WIFI = "wifi"
SERVER = "serveur"
BY_COORDINATION = "coordination"
BY_SERVER = "serveur"


class AddressError(SurveyError, ValueError):
    """An address phones could not open, said in French."""


def clean_address(url: str) -> str:
    """``http(s)://host[:port][/path]`` without a trailing slash, or an ``AddressError``."""
    url = (url or "").strip()
    parts = urlsplit(url)
    try:
        parts.port  # a port that is not a number raises here
        valid = parts.scheme in ("http", "https") and parts.hostname and not parts.query and not parts.fragment
    except ValueError:
        valid = False
    if not valid or any(c.isspace() for c in url):
        raise AddressError(
            f"L'adresse publique « {url} » doit ressembler à http://192.168.1.20:8000 ou https://enquete.exemple.fr."
        )
    return url.rstrip("/")


def is_local_only(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


# --- saved settings -----------------------------------------------------------------------------
def saved_address(records: RecordCollections) -> dict | None:
    """``{"url", "chosen_by", "updated_at"}``, or None when nothing was saved yet."""
    record = records.get(COLLECTION, ADDRESS)
    return record if record and record.get("url") else None


def save_address(records: RecordCollections, url: str, chosen_by: str = BY_COORDINATION) -> str:
    url = clean_address(url)
    records.put(COLLECTION, {"id": ADDRESS, "url": url, "chosen_by": chosen_by, "updated_at": utc_now()})
    return url


def forget_address(records: RecordCollections) -> None:
    records.delete(COLLECTION, ADDRESS)


def team_wifi(records: RecordCollections) -> Wifi | None:
    record = records.get(COLLECTION, WIFI)
    return Wifi(record["name"], record.get("password", "")) if record and record.get("name") else None


def save_wifi(records: RecordCollections, wifi: Wifi) -> None:
    records.put(COLLECTION, {"id": WIFI, "name": wifi.name, "password": wifi.password, "updated_at": utc_now()})


def forget_wifi(records: RecordCollections) -> None:
    records.delete(COLLECTION, WIFI)


def record_server(records: RecordCollections, scheme: str, port: int, host: str) -> None:
    """What ``survey serve`` really listens on, for ``survey print`` and the settings page."""
    records.put(COLLECTION, {"id": SERVER, "scheme": scheme, "port": port, "host": host, "started_at": utc_now()})


def running_server(records: RecordCollections) -> dict | None:
    return records.get(COLLECTION, SERVER)


def address_on(host: str, scheme: str, port: int) -> str:
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port == default else f":{port}")


def serve_address(records: RecordCollections, scheme: str, port: int, lan: list[str]) -> tuple[str | None, str]:
    """At ``survey serve``: the address to print, saved when the server chose it, and a French
    remark when the coordinator's choice does not look like this server."""
    saved = saved_address(records)
    found = address_on(lan[0], scheme, port) if lan else None
    if saved and saved.get("chosen_by") == BY_COORDINATION:
        parts = urlsplit(saved["url"])
        if parts.hostname in lan and (parts.port or {"http": 80, "https": 443}[parts.scheme]) != port:
            return saved["url"], (
                f"Attention : l'adresse choisie pour les affiches ({saved['url']}) n'a pas le port "
                f"de ce serveur ({port}). Corrigez-la sur la page « Adresse à imprimer sur les "
                "affiches »."
            )
        if _is_ip(parts.hostname) and parts.hostname not in lan and not is_loopback(parts.hostname or ""):
            return saved["url"], (
                f"Attention : l'adresse choisie pour les affiches ({saved['url']}) n'est pas "
                "une adresse de cet ordinateur sur ce réseau. Vérifiez-la sur la page « Adresse "
                "à imprimer sur les affiches »."
            )
        return saved["url"], ""
    if found:
        if not saved or saved["url"] != found:
            save_address(records, found, BY_SERVER)
        return found, ""
    return (saved or {}).get("url"), ""


def _is_ip(host: str | None) -> bool:
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return True


# --- the address to print -----------------------------------------------------------------------
@dataclass(frozen=True)
class PublicAddress:
    url: str
    source: str  # "configuration", "coordination", "serveur", "page", "reseau" or "local"
    warning: str = ""

    @property
    def local_only(self) -> bool:
        return is_local_only(self.url)


def for_request(
    records: RecordCollections, configured: str | None, host_url: str, lan: Callable[[], list[str]] = lan_addresses
) -> PublicAddress:
    """For a web page: the configured address, else the saved one, else the address the page
    was opened with, except loopback (a phone cannot reach 127.0.0.1): then the LAN address."""
    if configured:
        return PublicAddress(clean_address(configured), "configuration")
    saved = saved_address(records)
    if saved:
        return PublicAddress(saved["url"], saved.get("chosen_by", BY_COORDINATION))
    parts = urlsplit(host_url)
    if not is_loopback(parts.hostname or ""):
        return PublicAddress(host_url.rstrip("/"), "page")
    found = lan()
    if found:
        return PublicAddress(
            address_on(found[0], parts.scheme, parts.port or {"https": 443}.get(parts.scheme, 80)), "reseau"
        )
    return PublicAddress(host_url.rstrip("/"), "local")


def for_command(
    records: RecordCollections, configured: str | None, default_port: int, lan: Callable[[], list[str]] = lan_addresses
) -> PublicAddress:
    """For ``survey print``: ``--base-url`` or the configured address, else the saved one, else
    the LAN address with the port the server last ran on (the default port if it never ran)."""
    if configured:
        return PublicAddress(clean_address(configured), "configuration")
    saved = saved_address(records)
    if saved:
        return PublicAddress(saved["url"], saved.get("chosen_by", BY_COORDINATION))
    server = running_server(records) or {}
    scheme, port = server.get("scheme", "http"), server.get("port", default_port)
    found = lan()
    if found:
        warning = (
            ""
            if server
            else (
                f"Attention : le serveur n'a pas encore été lancé avec ce dossier de données ; "
                f"les QR codes supposent le port {port}."
            )
        )
        if is_loopback(server.get("host", "")):
            warning = (
                "Attention : le serveur a été lancé pour cet ordinateur seulement (--host "
                f"{server['host']}) : les téléphones ne le joindront pas. Relancez « survey serve » sans "
                "--host, ou avec --host 0.0.0.0."
            )
        return PublicAddress(address_on(found[0], scheme, port), "reseau", warning)
    return PublicAddress(
        address_on("127.0.0.1", scheme, port),
        "local",
        "Attention : aucune adresse réseau trouvée, les QR codes mènent à 127.0.0.1 "
        "(cet ordinateur seulement). Donnez l'adresse avec --base-url.",
    )
