"""Addresses a phone can reach: found from the interfaces (never the host name), saved,
changed by the coordinator in the web, and printed on every kind of sheet."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from survey import network
from survey.cli import main
from survey.network import Interface, NetworkView, choose_addresses, default_route_interfaces, is_loopback
from survey.printing import KINDS, make_pdf, prepare_job
from survey.printing.render import Renderer
from survey.services import site_settings
from tests.factories import login_coordinator, make_answer
from tests.lan import lan_laptop  # noqa: F401 (fixture)
from tests.printing_support import decode_qr, make_printing_app, needs_tools, pdf_text

PDP = "porteur-de-parole-numerique"
ORDI = "ordi-panneau-quotidien"
SAVED = "http://10.42.0.1:8123"


def view(*pairs, default=(), route=None):
    return NetworkView(tuple(Interface(n, a) for n, a in pairs), tuple(default), route)


# --- choosing among the interfaces (listing injected) -------------------------------------------------
def test_the_host_name_is_never_the_source():
    """Debian maps the host name to 127.0.1.1: the interfaces are read, loopback left out."""
    machine = view(("lo", "127.0.0.1"), ("wlp2s0", "192.168.1.20"), default=["wlp2s0"], route="192.168.1.20")
    assert choose_addresses(machine) == ["192.168.1.20"]
    assert choose_addresses(view(("lo", "127.0.0.1"), ("lo", "127.0.1.1"))) == []


def test_the_default_route_comes_first_and_the_others_are_listed():
    machine = view(
        ("lo", "127.0.0.1"),
        ("docker0", "172.17.0.1"),
        ("eth0", "10.0.0.5"),
        ("wlp2s0", "192.168.1.20"),
        ("virbr0", "192.168.122.1"),
        default=["wlp2s0"],
        route="192.168.1.20",
    )
    found = choose_addresses(machine)
    assert found[0] == "192.168.1.20"
    assert found[1] == "10.0.0.5"  # a real interface before containers and virtual machines
    assert set(found) == {"192.168.1.20", "10.0.0.5", "172.17.0.1", "192.168.122.1"}


def test_a_laptop_that_is_its_own_hotspot_offers_its_wifi_first():
    """No default route (no internet): the hotspot's address, not Docker's, not link-local."""
    machine = view(
        ("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("enp0s31f6", "169.254.10.2"), ("wlp2s0", "10.42.0.1")
    )
    assert choose_addresses(machine)[0] == "10.42.0.1"


def test_without_interfaces_the_route_and_host_addresses_are_used():
    """Where interfaces cannot be listed (Windows): the route's source, then the host's addresses."""
    machine = NetworkView((), (), "192.168.1.30", ("127.0.0.1", "192.168.56.1", "192.168.1.30"))
    assert choose_addresses(machine) == ["192.168.1.30", "192.168.56.1"]


def test_the_default_route_is_read_from_the_routing_table(tmp_path):
    table = tmp_path / "route"
    table.write_text(
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
        "wlp2s0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
        "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "tun0\t00000000\t00000000\t0000\t0\t0\t0\t00000000\t0\t0\t0\n"
    )  # not up
    assert default_route_interfaces(table) == ("eth0", "wlp2s0")
    assert default_route_interfaces(tmp_path / "absent") == ()


def test_loopback_names():
    for host in ("127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("192.168.1.20", "10.42.0.1", "enquete.exemple.fr"):
        assert not is_loopback(host), host


# --- this machine, for real -----------------------------------------------------------------------------
def _machine_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, asked to ``ip`` (a source independent of ours)."""
    if shutil.which("ip") is None:
        return [i.address for i in network.linux_interfaces() if not is_loopback(i.address)]
    out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, check=True).stdout
    return [a for a in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out) if not is_loopback(a)]


def test_this_machine_gives_a_reachable_address_not_loopback():
    truth = _machine_addresses()
    if not truth:
        pytest.skip("cette machine n'a aucune interface réseau autre que la boucle locale")
    found = network.lan_addresses()
    assert found and not is_loopback(found[0])
    assert set(found) <= set(truth) and found[0] in truth
    on_route = network.read_machine()
    if on_route.default_interfaces:  # the default route's interface comes first
        assert network.interface_of(on_route, found[0]) == on_route.default_interfaces[0]


def test_a_laptop_on_a_lan_prints_its_lan_address_and_real_port(lan_laptop, runner, tmp_path):  # noqa: F811
    """``survey serve`` in a network namespace (host name → 127.x): it says and saves its LAN
    address with the port it runs on, and ``survey print`` (another process) prints that."""
    laptop = lan_laptop
    out = laptop.output + _read_available(laptop)
    saved = site_settings.saved_address(_records(laptop.data_dir))
    assert saved == {**saved, "url": laptop.url, "chosen_by": "serveur"}
    server = site_settings.running_server(_records(laptop.data_dir))
    assert server["port"] == laptop.port and server["scheme"] == "http"
    if out:
        assert f"Adresse à imprimer sur les affiches : {laptop.url}" in out
    assert urllib.request.urlopen(laptop.url + "/", timeout=10).status == 200

    pdf = tmp_path / "affiche.pdf"
    result = runner.invoke(
        main,
        ["print", "affiche", PDP, "--question", "simplifie", "--data", str(laptop.data_dir), "--out", str(pdf)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"QR codes vers {laptop.url}" in result.output
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        assert decode_qr(pdf.read_bytes(), tmp_path) == [
            f"{laptop.url}/c/{PDP}/?canal=qr&question=simplifie&affiche=A-simplifie"
        ]


def _records(data_dir):
    from survey.storage import RecordStore

    return RecordStore(Path(data_dir) / "records")


def _read_available(laptop) -> str:
    """What the server printed so far, without waiting for it to stop."""
    import os
    import select

    stream = laptop.process.stdout
    chunks = []
    while select.select([stream], [], [], 0.2)[0]:
        data = os.read(stream.fileno(), 65536)
        if not data:
            break
        chunks.append(data.decode("utf-8", "replace"))
    text = "".join(chunks)
    laptop.output += text
    return text


# --- saved by serve, changed by the coordinator ----------------------------------------------------------
def test_serve_saves_what_it_found_but_keeps_the_coordinators_choice(tmp_path):
    from survey.storage import RecordStore

    records = RecordStore(tmp_path)
    assert site_settings.serve_address(records, "http", 8001, ["192.168.1.20"]) == ("http://192.168.1.20:8001", "")
    assert site_settings.saved_address(records)["chosen_by"] == "serveur"
    # The laptop moved to the team's hotspot: the server's own choice follows it.
    assert site_settings.serve_address(records, "http", 8001, ["10.42.0.1"])[0] == "http://10.42.0.1:8001"
    site_settings.save_address(records, "http://192.168.1.20:8000")
    url, remark = site_settings.serve_address(records, "http", 8001, ["192.168.1.20"])
    assert url == "http://192.168.1.20:8000" and "n'a pas le port de ce serveur (8001)" in remark
    url, remark = site_settings.serve_address(records, "http", 8000, ["10.42.0.1"])
    assert url == "http://192.168.1.20:8000" and "n'est pas une adresse de cet ordinateur" in remark
    # A server on loopback only saves nothing a phone could not open.
    site_settings.forget_address(records)
    assert site_settings.serve_address(records, "http", 8000, []) == (None, "")
    assert site_settings.saved_address(records) is None


@pytest.fixture
def app(tmp_path):
    app = make_printing_app(tmp_path / "data")
    answer = make_answer(
        PDP,
        PDP,
        answers={"simplifie": "Oui, pour les papiers."},
        channel="porteur-de-parole",
        consent_display=True,
        consent_report=True,
    )
    app.extensions["survey"].answers.add(answer)
    return app


@pytest.fixture
def coordinator(app):
    client = app.test_client()
    login_coordinator(client)
    return client


@pytest.fixture
def on_laptop(app):
    """A coordinator on the laptop itself: the browser opened http://127.0.0.1:8123."""
    app.config["SERVER_NAME"] = "127.0.0.1:8123"  # the test client's host
    client = app.test_client()
    login_coordinator(client)
    return client


def test_the_settings_page_needs_a_coordinator(app):
    assert app.test_client().get("/coordination/adresse").status_code == 302
    assert app.test_client().post("/coordination/adresse", data={"adresse": SAVED}).status_code == 302
    assert site_settings.saved_address(app.extensions["survey"].records) is None


def test_opened_on_the_laptop_the_page_offers_the_lan_address_not_loopback(on_laptop, monkeypatch):
    monkeypatch.setattr(
        network, "read_machine", lambda: view(("lo", "127.0.0.1"), ("wlp2s0", "192.168.1.20"), default=["wlp2s0"])
    )
    page = on_laptop.get("/coordination/adresse").get_data(as_text=True)
    assert '<p class="address-big">http://192.168.1.20:8123</p>' in page
    assert "Imprimer http://192.168.1.20:8123" in page
    assert "ne marche que sur cet ordinateur" not in page
    assert 'href="/coordination/adresse"' in on_laptop.get("/coordination/").get_data(as_text=True)


def test_the_coordinator_changes_the_address_and_every_link_follows(app, on_laptop):
    coordinator = on_laptop
    response = coordinator.post("/coordination/adresse", data={"adresse": "10.42.0.1:8123/"})
    assert response.status_code == 303
    assert site_settings.saved_address(app.extensions["survey"].records)["url"] == SAVED
    code = app.extensions["survey"].campaigns.get(PDP).short_code
    printing = coordinator.get(f"/coordination/campagnes/{PDP}/imprimer")
    assert f"Les QR codes mèneront à <strong>{SAVED}</strong>" in printing.get_data(as_text=True)
    assert f"{SAVED}/{code}" in printing.get_data(as_text=True)
    coordinator.post(f"/coordination/campagnes/{PDP}/benevoles", data={"pseudonyme": "Mireille"})
    team = coordinator.get(f"/coordination/campagnes/{PDP}/benevoles")
    page = team.get_data(as_text=True)
    assert f"{SAVED}/c/{PDP}/?canal=tablette&amp;kiosque=1" in page  # the kiosk link
    assert f"{SAVED}/benevole/" in page and re.search(re.escape(SAVED) + r"/benevole/\w+", page)
    assert "127.0.0.1" not in page


def test_a_loopback_address_is_saved_with_a_warning(app, coordinator):
    coordinator.post("/coordination/adresse", data={"adresse": "http://127.0.0.1:8000"})
    page = coordinator.get("/coordination/adresse").get_data(as_text=True)
    assert "ne marche que sur cet ordinateur" in page and 'role="alert"' in page
    printing = coordinator.get(f"/coordination/campagnes/{PDP}/imprimer").get_data(as_text=True)
    assert "ne marche que sur cet ordinateur" in printing
    team = coordinator.get(f"/coordination/campagnes/{PDP}/benevoles").get_data(as_text=True)
    assert "que seul cet ordinateur peut ouvrir" in team


@pytest.mark.parametrize("typed", ["pas une adresse", "ftp://10.0.0.1", "http://10.0.0.1:huit", "http://"])
def test_a_bad_address_is_refused_in_french(app, coordinator, typed):
    response = coordinator.post("/coordination/adresse", data={"adresse": typed})
    assert response.status_code == 422
    assert "doit ressembler à http://192.168.1.20:8000" in response.get_data(as_text=True)
    assert site_settings.saved_address(app.extensions["survey"].records) is None


def test_back_to_the_address_found_by_the_laptop(app, coordinator):
    coordinator.post("/coordination/adresse", data={"adresse": SAVED})
    assert coordinator.post("/coordination/adresse/automatique").status_code == 303
    assert site_settings.saved_address(app.extensions["survey"].records) is None


def test_the_settings_page_has_no_inline_style_nor_script(coordinator):
    page = coordinator.get("/coordination/adresse").get_data(as_text=True)
    assert 'style="' not in page and "<script" not in page
    assert '<label class="q-label" for="adresse">' in page


# --- every printed kind leads to the saved address --------------------------------------------------------
KIND_CASES = [(kind.id, ORDI if kind.id == "ordi-panneau" else PDP) for kind in KINDS.values()]


@needs_tools
@pytest.mark.parametrize("kind, campaign", KIND_CASES)
def test_every_printed_kind_leads_to_the_saved_address(app, runner, tmp_path, kind, campaign):
    """``survey print`` with no --base-url: the QR codes and the address to type are the saved one."""
    records = app.extensions["survey"].records
    site_settings.save_address(records, SAVED)
    data = app.config["DATA_DIR"]
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(main, ["print", kind, campaign, "--data", data, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    found = decode_qr(pdf, tmp_path, dpi=100)
    assert found and all(url.startswith(SAVED + "/") for url in found), found
    code = app.extensions["survey"].campaigns.get(campaign).short_code
    text = pdf_text(pdf, 0)
    if kind == "cartes-reponse":  # the team's card: its code opens the team's page, nothing to type
        assert found == [f"{SAVED}/terrain/{campaign}/"] * len(found)
    else:
        assert f"{SAVED}/{code}" in text
        assert not re.search(r"http://(127\.|localhost)", text)


def _address_boxes(pdf: Path, needle: str) -> tuple[float, list[tuple[float, float]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)
    return width, [(float(a), float(b)) for a, b, word in words if needle in word]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed")
@pytest.mark.parametrize(
    "kind, campaign, size",
    [
        (kind.id, ORDI if kind.id == "ordi-panneau" else PDP, size)
        for kind in KINDS.values()
        if kind.id != "cartes-reponse"
        for size in kind.sizes
    ],
)
def test_the_typed_address_fits_on_its_sheet_at_every_size(app, tmp_path, kind, campaign, size):
    """A long host name too: the address shrinks into its box instead of running off the page."""
    base = "https://enquete.centre-social-europe-chateaubriand.fr:8443"
    job = prepare_job(app.extensions["survey"], kind, campaign, base, size=size)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(make_pdf(_renderer(), job))
    width, boxes = _address_boxes(path, "centre-social-europe-chateaubriand")
    assert boxes, "the address is printed"
    margin = width * 8 / 297 if KINDS[kind].orientation == "landscape" else width * 8 / 210
    for left, right in boxes:
        assert margin <= left and right <= width - margin, (left, right, width)


_RENDERER = []


def _renderer() -> Renderer:
    if not _RENDERER:
        _RENDERER.append(Renderer())
    return _RENDERER[0]
