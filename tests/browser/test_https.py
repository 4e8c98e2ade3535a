"""``survey serve --https``: a certificate made on first run, trusted through its own authority,
a help page with its fingerprint, Secure cookies, and offline forms on a LAN name."""

from __future__ import annotations

import base64
import hashlib
import re
import ssl
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import expect

from survey import tls
from survey.services import volunteers
from tests.browser.conftest import (
    ARGS,
    CHROMIUM,
    LAN_NAME,
    back_in_wifi,
    leave_wifi,
    services_of,
    stored,
    wait_until_kept,
)
from tests.conftest import LiveServer

CAMPAIGN = "atelier-citoyennete"


class HttpsServer(LiveServer):
    """``survey serve --https``: the certificate is made on first run in the data folder."""

    scheme = "https"
    serve_flags = ("--https",)

    def __init__(self, data_dir):
        super().__init__(data_dir, "--demo")

    def context(self):
        """Trusts the local authority only: the chain and the names are really checked."""
        return ssl.create_default_context(cafile=str(self.data_dir / "tls" / "ca.pem"))

    def get(self, path):
        return urllib.request.urlopen(self.url + path, timeout=5, context=self.context())


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    server = HttpsServer(tmp_path_factory.mktemp("https") / "data")
    yield server
    server.stop()


def test_the_certificate_is_made_once_and_trusted_through_the_local_authority(https_server):
    folder = https_server.data_dir / "tls"
    assert (folder / "server-key.pem").stat().st_mode & 0o777 == 0o600
    assert (folder / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    cert = x509.load_pem_x509_certificate((folder / "server.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in {str(a) for a in names.get_values_for_type(x509.IPAddress)}
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 825  # Apple's limit
    # Started again with the same addresses: nothing is remade; with a new one, only the server's.
    before = (folder / "ca.pem").read_bytes(), (folder / "server.pem").read_bytes()
    files, remade = tls.ensure(https_server.data_dir, ["127.0.0.1"])
    assert not remade and (folder / "server.pem").read_bytes() == before[1]
    copy = https_server.data_dir.parent / "copie"
    (copy / "tls").mkdir(parents=True)
    for name in ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem"):
        (copy / "tls" / name).write_bytes((folder / name).read_bytes())
    files, remade = tls.ensure(copy, ["10.20.30.40"])
    assert remade and files.ca.read_bytes() == before[0]
    renewed = x509.load_pem_x509_certificate(files.server.read_bytes())
    assert "10.20.30.40" in {
        str(a)
        for a in renewed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.IPAddress
        )
    }


def test_the_help_page_shows_the_fingerprint_and_serves_the_certificate(https_server):
    page = https_server.get("/aide/certificat").read().decode()
    der = x509.load_pem_x509_certificate((https_server.data_dir / "tls" / "ca.pem").read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    expected = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert expected in page
    assert "Android" in page and "iPad" in page and "Réglages des certificats" in page
    download = https_server.get("/aide/certificat.crt")
    assert download.headers["Content-Type"] == "application/x-x509-ca-cert"
    assert download.read() == (https_server.data_dir / "tls" / "ca.pem").read_bytes()


def test_session_cookies_are_secure_over_https(https_server):
    response = https_server.get("/c/besoins-numeriques-habitants/")  # a form open to the public
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def spki_hash(pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(pem)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_a_tablet_on_a_lan_name_gets_offline_forms_over_https(playwright, https_server, outside):
    """Over HTTPS a LAN name is a secure context: the service worker keeps the form."""
    trusted = spki_hash((https_server.data_dir / "tls" / "server.pem").read_bytes())
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=ARGS + [f"--ignore-certificate-errors-spki-list={trusted}"]
    )
    context = outside.watch(browser.new_context(locale="fr-FR"))
    page = context.new_page()
    records = services_of(https_server.data_dir)
    code = volunteers.create(records, CAMPAIGN, "Tablette")["id"]
    page.goto(f"https://{LAN_NAME}:{https_server.port}/benevole/{code}")  # a volunteer's tablet
    url = f"https://{LAN_NAME}:{https_server.port}/c/{CAMPAIGN}/"
    page.goto(url)
    assert page.evaluate("() => window.isSecureContext") is True
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page)
    leave_wifi(context, https_server)
    response = page.reload()
    assert response.from_service_worker
    page.fill("#q_faciliter", "Par HTTPS, hors connexion")
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    expect(page.locator("#file-attente [data-insecure]")).to_be_hidden()
    back_in_wifi(context, https_server)
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    assert "Par HTTPS, hors connexion" in [a["answers"].get("faciliter") for a in stored(https_server, CAMPAIGN)]
    browser.close()


def test_serve_prints_https_addresses(https_server):
    out = https_server.stop()
    assert re.search(rf"https://127\.0\.0\.1:{https_server.port}/", out)
    assert "empreinte SHA-256" in out and "/aide/certificat" in out
    assert "Traceback" not in out
