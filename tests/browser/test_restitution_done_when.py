"""Issue 17, « Done when », end to end on a laptop of the LAN with the demo (``survey serve
--demo`` in its own network namespace, reached by its LAN address, as ``make demo`` serves it):

a coordinator signs in, writes one scribe's card whose author refuses reuse, composes, previews
and publishes the démarche's restitution in Chromium; the poster's QR code, read from the PDF,
opens the page on a phone (360 px, no cookie); the static copy opens from a folder with nothing
but file:// requests; the figure sheet and a cross-tab equal counts made here from the stored
data; the report's ODT converts in LibreOffice with its figures, quotes and pictures; the data
package validates with ``frictionless``; and the refused words appear in none of them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from survey.model.campaign import CHANNELS
from survey.model.consent import may_quote
from survey.services.demo import DEMO_DEMARCHE
from tests.conftest import services_of
from tests.exports.test_exports_libreoffice import convert
from tests.lan import lan_laptop  # noqa: F401 (fixture)

DEMARCHE = DEMO_DEMARCHE.id
PAROLE = "porteur-de-parole-numerique"  # Tours-Nord: the demo's scribe cards
DOORS = "besoins-numeriques-habitants"  # Vierzon: door to door, closed questions
SESSION = "s-demo-marche"
REFUSED = "Zorglubrefus"  # one word: pdftotext may cut a line anywhere else
TITLE = "Parlons numérique : ce que vous avez dit"
FRICTIONLESS = Path(sys.executable).with_name("frictionless")
DOOR_CHANNEL = "porte-a-porte"
FORM_CHANNELS = ("tablette", "qr", "papier", "porte-a-porte")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} est absent : lancez scripts/system-packages.sh")
    return found


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def pdf_text(pdf: Path) -> str:
    return run(tool("pdftotext"), str(pdf), "-")


def download(page, url: str, target: Path) -> Path:
    """What the coordinator's browser downloads (its session cookie goes with the request)."""
    response = page.context.request.get(url)
    assert response.status == 200, (url, response.status, response.text()[:300])
    target.write_bytes(response.body())
    return target


def independent_figures(data_dir) -> dict[str, int]:
    """The démarche's figure sheet, counted here from the stored answers, sessions and doors,
    following the rules the page writes beside each figure."""
    svc = services_of(data_dir)
    demarche = svc.demarches.get(DEMARCHE)
    campaigns = [svc.campaigns.get(c) for c in demarche.campaign_ids]
    figures: Counter = Counter(campagnes=len(campaigns))
    structures, quartiers, places, team = set(), set(), set(), set()
    for campaign in campaigns:
        questionnaire = svc.questionnaire_for(campaign)
        open_ids = [q.id for q in questionnaire.answerable if q.is_open]
        answers = [a for a in svc.answers.iter_answers(campaign.id) if not a.get("hidden")]
        channels = Counter(a.get("channel") for a in answers)
        figures["reponses"] += len(answers)
        figures["questionnaires"] += sum(channels[c] for c in FORM_CHANNELS)
        figures["post-it"] += channels["post-it"]
        figures["paroles"] += channels["porteur-de-parole"]
        figures["citations"] += sum(
            1
            for a in answers
            if may_quote(a) and any(str((a.get("answers") or {}).get(q) or "").strip() for q in open_ids)
        )
        people = len(answers)
        sessions = svc.sessions.for_campaign(campaign.id)
        for session in sessions:
            there = sum(1 for a in answers if a.get("session") == session.id and a.get("channel") != DOOR_CHANNEL)
            people += max(0, session.stopped - there)
            places.add(session.place.casefold())
            team.update(m["pseudonym"].casefold() for m in session.team)
        known = {s.id for s in sessions}
        answered = Counter(
            d.get("session") if d.get("session") in known else None
            for d in svc.doors.for_campaign(campaign.id)
            if d.get("outcome") == "repondu"
        )
        for where, n in answered.items():
            at_doors = sum(
                1 for a in answers if a.get("channel") == DOOR_CHANNEL and (a.get("session") or None) == where
            )
            people += max(0, n - at_doors)
        figures["personnes"] += people
        figures["sessions"] += len(sessions)
        structures.add(campaign.structure.casefold())
        if campaign.quartier:
            quartiers.add(campaign.quartier.casefold())
    figures.update(structures=len(structures), quartiers=len(quartiers), lieux=len(places), equipe=len(team))
    return dict(figures)


def test_done_when_on_a_fresh_demo_over_the_lan(lan_laptop, browser, tmp_path):  # noqa: F811
    base = lan_laptop.url
    host = urlsplit(base).hostname
    assert not host.startswith("127.")  # the LAN address, as a phone reaches it
    strays: list[str] = []

    def device(**options):
        context = browser.new_context(locale="fr-FR", **options)
        context.on(
            "request",
            lambda r: (
                urlsplit(r.url).scheme in ("http", "https")
                and urlsplit(r.url).hostname != host
                and strays.append(r.url)
            ),
        )
        return context

    # -- 1. The coordinator signs in (first run on a fresh clone) --------------------------------
    laptop_context = device(viewport={"width": 1280, "height": 900})
    laptop = laptop_context.new_page()
    laptop.goto(base + "/connexion")
    laptop.fill("#nom", "camille")
    laptop.fill("#mot_de_passe", "un-mot-de-passe-long")
    if laptop.locator("#confirmation").count():
        laptop.fill("#confirmation", "un-mot-de-passe-long")
    laptop.locator("main button[type=submit]").last.click()
    expect(laptop).to_have_url(re.compile(r"/coordination/$"))

    # -- 2. A scribe's card whose author lets it be shown today but not reused -------------------
    laptop.goto(f"{base}/terrain/{PAROLE}/sessions/{SESSION}/scribe")
    laptop.fill("#paroles", f"Le {REFUSED} du guichet me fait peur, mais ne le répétez pas.")
    laptop.check("#affiche")
    expect(laptop.locator("#compte_rendu")).not_to_be_checked()
    laptop.get_by_role("button", name=re.compile("Enregistrer")).first.click()
    expect(laptop.locator("main")).to_contain_text("Carte enregistrée")
    stored = [a for a in services_of(lan_laptop.data_dir).answers.iter_answers(PAROLE) if REFUSED in str(a["answers"])]
    assert len(stored) == 1 and stored[0]["consent_report"] is False and not may_quote(stored[0])

    # -- 3. Compose, preview, publish the démarche's restitution ---------------------------------
    compose = f"{base}/coordination/demarches/{DEMARCHE}/restitution"
    laptop.goto(compose)
    assert REFUSED not in laptop.content()  # never offered
    laptop.fill("#titre", TITLE)
    laptop.locator("input[name=figures]").check()
    charts = laptop.locator("input[name=charts]")
    for n in range(min(3, charts.count())):
        charts.nth(n).check()
    quotes = laptop.locator("input[name=quotes]")
    assert quotes.count() >= 3
    for n in range(quotes.count()):
        quotes.nth(n).check()
    laptop.fill("#retenons", "Les démarches en ligne inquiètent.")
    laptop.fill("#maintenant", "Réunion publique le 12 mars au centre social.")
    laptop.get_by_role("button", name="Enregistrer").click()
    expect(laptop.locator("main")).to_contain_text("Restitution enregistrée")
    laptop.get_by_role("link", name="Voir l'aperçu").click()
    expect(laptop.locator(".preview-band")).to_contain_text("pas encore publique")
    expect(laptop.locator("h1")).to_have_text(TITLE)
    laptop.goto(compose)
    laptop.get_by_role("button", name="Publier").click()
    expect(laptop.locator("main")).to_contain_text("La restitution est publiée")
    public_url = laptop.locator("a.mono").first.get_attribute("href")

    # -- 4. The poster's QR code, read from its PDF, opens the page on a phone --------------------
    poster = download(laptop, f"{compose}/affiche.pdf?size=A4", tmp_path / "affiche.pdf")
    run(tool("pdftoppm"), "-r", "150", "-png", "-f", "1", "-l", "1", str(poster), str(tmp_path / "affiche"))
    (image,) = tmp_path.glob("affiche*.png")
    decoded = run(tool("zbarimg"), "-q", "--raw", str(image)).strip()
    assert decoded.startswith(base + "/restitution/"), decoded
    assert urlsplit(decoded).path == public_url
    poster_text = pdf_text(poster)
    assert TITLE.split(":")[0].strip() in poster_text

    phone_context = device(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    assert phone_context.cookies() == []
    phone = phone_context.new_page()
    response = phone.goto(decoded)
    assert response.status == 200
    expect(phone.locator("h1")).to_have_text(TITLE)
    assert phone.locator("blockquote").count() >= 3 and phone.locator("svg.chart").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    public_page = phone.content()
    phone_context.close()

    # -- 5. The static copy opens from a folder, with nothing but file:// -------------------------
    copy = download(laptop, f"{compose}/copie.zip", tmp_path / "copie.zip")
    with zipfile.ZipFile(copy) as archive:
        archive.extractall(tmp_path / "cle-usb")
    (index,) = (tmp_path / "cle-usb").glob("*/index.html")
    usb = browser.new_context(viewport={"width": 360, "height": 740})
    requested: list[str] = []
    usb.on("request", lambda r: requested.append(r.url))
    page = usb.new_page()
    page.goto(index.as_uri())
    expect(page.locator("h1")).to_have_text(TITLE)
    assert page.locator(".figures").evaluate("e => getComputedStyle(e).display") == "grid"  # its CSS was found
    copy_text = page.content() + "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "cle-usb").rglob("*") if p.is_file()
    )
    usb.close()
    assert requested and all(url.startswith("file://") for url in requested), requested

    # -- 6. The figure sheet equals the stored data ------------------------------------------------
    laptop.goto(f"{base}/coordination/demarches/{DEMARCHE}/")
    sheet = dict(
        (key, int(value.replace("\u00a0", "").replace(" ", "")))
        for key, value in re.findall(r'<li id="chiffre-([\w-]+)"><strong>([\d\u00a0 ]+)</strong>', laptop.content())
    )
    expected = independent_figures(lan_laptop.data_dir)
    assert sheet == expected
    assert sheet["personnes"] > sheet["reponses"] > 0 and sheet["paroles"] >= 8

    # -- 7. A cross-tab equals a count made here -----------------------------------------------------
    table = laptop.context.request.get(
        f"{base}/coordination/campagnes/{DOORS}/croisement.csv?lignes=internet&colonnes=canal"
    )
    rows = list(csv.reader(io.StringIO(table.body().decode("utf-8-sig")), delimiter=";"))
    header, body = rows[1], {r[0]: r for r in rows[2:] if r}
    door_answers = [a for a in services_of(lan_laptop.data_dir).answers.iter_answers(DOORS) if not a.get("hidden")]
    counted = Counter((a.get("channel"), (a.get("answers") or {}).get("internet")) for a in door_answers)
    assert counted[(DOOR_CHANNEL, "oui")] > 0
    for (channel, value), n in counted.items():
        if value in ("oui", "non"):
            cell = body[value.capitalize()][header.index(f"{CHANNELS[channel]} (personnes)")]
            assert int(cell) == n, (channel, value)
    assert int(body["Oui"][header.index("Ensemble (personnes)")]) == sum(
        n for (_, value), n in counted.items() if value == "oui"
    )

    # -- 8. The report's ODT opens in LibreOffice with its figures, quotes and pictures -----------
    odt = download(
        laptop,
        f"{base}/coordination/demarches/{DEMARCHE}/rapport?format=odt&croisement={DOORS}:internet:canal",
        tmp_path / "rapport.odt",
    )
    pdf = convert(odt, "pdf", tmp_path / "converti", tmp_path / "profil-libreoffice")
    report_text = " ".join(pdf_text(pdf).split())
    assert f"{expected['personnes']} personnes rencontrées" in report_text
    assert "plus une obligation qu'un plaisir" in report_text  # a demo quote, its author agreed
    listing = run(tool("pdfimages"), "-list", str(pdf))
    assert sum(1 for line in listing.splitlines()[2:] if " image " in line) >= 1

    # -- 9. The data package from the export page validates ----------------------------------------
    package = download(laptop, f"{base}/coordination/campagnes/{PAROLE}/export.datapackage", tmp_path / "donnees.zip")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "donnees")
    (descriptor,) = (tmp_path / "donnees").rglob("datapackage.json")
    checked = subprocess.run(
        [str(FRICTIONLESS), "validate", str(descriptor)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    package_text = "".join(p.read_text(encoding="utf-8") for p in descriptor.parent.rglob("*") if p.is_file())
    assert "plus une obligation qu'un plaisir" in package_text  # consented words are there
    # the refused words are stored, and found by this search when the coordinator includes them knowingly
    knowingly = download(
        laptop, f"{base}/coordination/campagnes/{PAROLE}/export.datapackage?personnelles=oui", tmp_path / "tout.zip"
    )
    with zipfile.ZipFile(knowingly) as archive:
        assert any(REFUSED in archive.read(name).decode("utf-8") for name in archive.namelist())

    # -- 10. The refused words are in none of them ---------------------------------------------------
    for name, text in (
        ("page publique", public_page),
        ("copie statique", copy_text),
        ("affiche", poster_text),
        ("rapport", report_text),
        ("paquet de données", package_text),
    ):
        assert REFUSED not in text, name
    laptop_context.close()
    assert strays == [], f"requêtes hors du réseau de l'équipe : {strays}"
