"""The QR code that joins the team's own Wi-Fi (a laptop hotspot, a travel router).

Phones read the ``WIFI:`` payload that the ZXing project defined and Android and iOS
cameras follow: ``WIFI:T:WPA;S:<name>;P:<password>;;``. In the name and the password,
``\\ ; , : "`` are escaped with a backslash. An open network (no password) is ``T:nopass``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SurveyError

_SPECIAL = re.compile(r'([\\;,:"])')
NAME_MAX_BYTES = 32  # IEEE 802.11: an SSID is at most 32 bytes
PASSWORD_LENGTHS = (8, 63)  # WPA2/WPA3 personal pass phrases


class WifiError(SurveyError, ValueError):
    """A network name or password that phones could not use, said in French."""


@dataclass(frozen=True)
class Wifi:
    name: str
    password: str = ""

    @property
    def payload(self) -> str:
        return wifi_payload(self.name, self.password)


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def wifi_payload(name: str, password: str = "") -> str:
    """The text of the QR code that joins the network ``name``."""
    if password:
        return f"WIFI:T:WPA;S:{escape(name)};P:{escape(password)};;"
    return f"WIFI:T:nopass;S:{escape(name)};;"


def check(name: str, password: str) -> Wifi:
    """The network as typed, or a ``WifiError`` saying in French what is wrong."""
    name = (name or "").strip()
    password = password or ""
    if not name:
        raise WifiError("Écrivez le nom du réseau Wi-Fi (tel qu'il s'affiche sur les téléphones).")
    if len(name.encode("utf-8")) > NAME_MAX_BYTES:
        raise WifiError(f"Le nom du réseau Wi-Fi fait au plus {NAME_MAX_BYTES} caractères.")
    if any(ord(c) < 32 for c in name + password):
        raise WifiError("Le nom et le mot de passe du Wi-Fi ne peuvent pas contenir de retour à la ligne.")
    low, high = PASSWORD_LENGTHS
    if password and not low <= len(password) <= high:
        raise WifiError(
            f"Le mot de passe d'un Wi-Fi fait de {low} à {high} caractères "
            "(laissez-le vide pour un réseau sans mot de passe)."
        )
    return Wifi(name, password)
