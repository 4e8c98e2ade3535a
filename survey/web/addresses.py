"""The address phones open, as every page shows it: the saved one, never the ``127.0.0.1``
the laptop's browser uses (``site_settings.for_request``), and its QR codes.

``public_url()`` is also a template global (set by ``web.register``).
"""

from __future__ import annotations

from flask import current_app, request, url_for
from markupsafe import Markup

from ..model.wifi import Wifi
from ..printing.qr import qr_svg
from ..services import site_settings
from .access import services


def public_address() -> site_settings.PublicAddress:
    """The address phones open, for the page being made (see ``site_settings.for_request``)."""
    return site_settings.for_request(services().records, current_app.config.get("PUBLIC_BASE_URL"), request.host_url)


def public_url(endpoint: str, **values) -> str:
    """``url_for`` on the public address: what a volunteer's or a kiosk's link must say."""
    path = url_for(endpoint, **values)
    root = request.script_root or ""
    return public_address().url + (path[len(root) :] if root and path.startswith(root) else path)


def wifi_qr(wifi: Wifi, uid: str = "qr-wifi") -> Markup:
    return Markup(qr_svg(wifi.payload, uid, "qr wifi-qr", label=f"QR code du Wi-Fi {wifi.name}"))


def link_qr(url: str, uid: str) -> Markup:
    return Markup(qr_svg(url, uid, "qr", label=f"QR code de l'adresse {url}"))
