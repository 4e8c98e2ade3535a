"""The coordinator's page « Adresse à imprimer sur les affiches »: the address phones open
(posters, volunteer links, the kiosk link), and the team's own Wi-Fi for the street.

The address every page shows to phones is ``web/addresses.py``'s.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ...model.wifi import WifiError, check
from ...network import lan_addresses
from ...services import site_settings, structures
from ..access import audit, coordinator_required, current_account, services
from ..addresses import public_address, wifi_qr
from .blueprint import bp

LOOPBACK_WARNING = (
    "Cette adresse ne marche que sur cet ordinateur : un téléphone ou une tablette ne peut pas "
    "l'ouvrir. Choisissez une adresse de l'ordinateur sur le réseau, ci-dessous."
)


def _real_port() -> tuple[str, int]:
    """Scheme and port the server answers on: this request's, which is the server's."""
    scheme = request.scheme
    port = request.host.rsplit(":", 1)[1] if request.host.rsplit(":", 1)[-1].isdigit() else None
    return scheme, int(port) if port else {"https": 443}.get(scheme, 80)


def _page(
    error: str | None = None,
    wifi_error: str | None = None,
    typed: str | None = None,
    wifi_typed: dict | None = None,
    status: int = 200,
):
    records = services().records
    address = public_address()
    scheme, port = _real_port()
    suggestions = [site_settings.address_on(ip, scheme, port) for ip in lan_addresses()]
    wifi = site_settings.team_wifi(records)
    return render_template(
        "coordination/settings.html",
        address=address,
        suggestions=suggestions,
        configured=bool(current_app.config.get("PUBLIC_BASE_URL")),
        saved=site_settings.saved_address(records),
        loopback_warning=LOOPBACK_WARNING,
        error=error,
        typed=address.url if typed is None else typed,
        wifi=wifi,
        wifi_error=wifi_error,
        wifi_typed=wifi_typed or {},
        wifi_code=wifi_qr(wifi) if wifi else None,
    ), status


@bp.route("/adresse", methods=["GET"])
@coordinator_required
def settings():
    return _page()


INSTANCE_ONLY = (
    "L'adresse imprimée sur les affiches et le Wi-Fi de l'équipe valent pour toutes les structures de "
    "cette instance : seule la coordination du réseau les change."
)


def instance_change_allowed() -> None:
    if not structures.may_change_instance(services(), current_account()):
        abort(403, description=INSTANCE_ONLY)


@bp.route("/adresse", methods=["POST"])
@coordinator_required
def save_address():
    instance_change_allowed()
    typed = (request.form.get("adresse") or "").strip()
    url = typed if "://" in typed or not typed else f"http://{typed}"
    try:
        url = site_settings.save_address(services().records, url)
    except site_settings.AddressError as exc:
        return _page(error=str(exc), typed=typed, status=422)
    audit("adresse des affiches changée", url)
    flash(f"Adresse enregistrée : {url}. Les prochaines affiches l'imprimeront.")
    if site_settings.is_local_only(url):
        flash(LOOPBACK_WARNING)
    return redirect(url_for("coordination.settings"), code=303)


@bp.route("/adresse/automatique", methods=["POST"])
@coordinator_required
def forget_address():
    instance_change_allowed()
    site_settings.forget_address(services().records)
    audit("adresse des affiches : retour à l'adresse trouvée")
    flash("L'adresse sera celle que l'ordinateur trouve sur le réseau.")
    return redirect(url_for("coordination.settings"), code=303)


@bp.route("/wifi", methods=["POST"])
@coordinator_required
def save_wifi():
    instance_change_allowed()
    name, password = request.form.get("nom_wifi", ""), request.form.get("mot_de_passe_wifi", "")
    try:
        wifi = check(name, password)
    except WifiError as exc:
        return _page(wifi_error=str(exc), wifi_typed={"name": name, "password": password}, status=422)
    site_settings.save_wifi(services().records, wifi)
    audit("Wi-Fi de l'équipe enregistré", wifi.name)
    flash(f"Wi-Fi « {wifi.name} » enregistré : les affiches et la page des codes des bénévoles montrent son QR code.")
    return redirect(url_for("coordination.settings", _anchor="wifi"), code=303)


@bp.route("/wifi/retirer", methods=["POST"])
@coordinator_required
def forget_wifi():
    instance_change_allowed()
    site_settings.forget_wifi(services().records)
    audit("Wi-Fi de l'équipe retiré")
    flash("Le Wi-Fi de l'équipe est retiré : les affiches n'en montrent plus.")
    return redirect(url_for("coordination.settings", _anchor="wifi"), code=303)
