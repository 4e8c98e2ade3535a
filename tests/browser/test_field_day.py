"""The first real field day (issue 11), played whole in real Chromium.

The laptop runs ``survey serve`` in a network namespace of its own, with a LAN address
(``tests/lan.py``): every browser here is a phone, a tablet or a screen on the team's Wi-Fi,
and reaches it only by that address, never by 127.0.0.1. The day:

1. the coordinator signs up, checks the address printed on posters, creates a campaign and
   prints its poster: the QR code read from the rendered PDF and the short address typed under
   it both lead to the laptop's LAN address;
2. a volunteer types her code on a phone, lands on her home, does a door round (two doors
   without answer, two answers), back to the round after each answer;
3. she opens a session and takes a scribe card: display agreed, reuse in the report refused;
4. a facilitator types 30 post-its at full speed (Enter then the next text at once) and
   corrects one of them;
5. the wall of words, opened on a screen with a team code, shows the card and the post-its;
6. the coordinator cannot mark the card « à citer », the summary does not quote it, and the
   CSV export shows its two consents.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from survey.storage import RecordCollections
from tests.conftest import services_of, stored_answers
from tests.lan import lan_laptop  # noqa: F401 (fixture)
from tests.printing_support import decode_qr, pdf_text

CAMPAIGN = "marche-du-tunnel"
CARD = "Le numérique, ça m'a coupée de ma conseillère : je veux un guichet avec quelqu'un."
POSTITS = [f"Post-it n°{n} : moins de papiers, plus d'écoute ({'é' * (n % 3)})" for n in range(1, 31)]
TYPO, FIXED = POSTITS[6], "Post-it n°7 : moins de papiers, plus d'écoute (corrigé)"


def answers(laptop) -> list[dict]:
    return stored_answers(laptop.data_dir, CAMPAIGN)


def records(laptop) -> RecordCollections:
    return services_of(laptop.data_dir).records


def wait_for(page, predicate, what: str, tries: int = 150):
    """Poll stored data (the page may confirm a moment before we read the files)."""
    for _ in range(tries):
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"jamais arrivé : {what}")


@pytest.fixture
def devices(browser, lan_laptop):  # noqa: F811
    """Browser contexts for each person; every request must go to the laptop, and nowhere else."""
    laptop_host = urlsplit(lan_laptop.url).hostname
    strays: list[str] = []
    opened = []

    def device(width: int, height: int):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        context.on(
            "request",
            lambda r: (
                urlsplit(r.url).scheme in ("http", "https")
                and urlsplit(r.url).hostname != laptop_host
                and strays.append(r.url)
            ),
        )
        opened.append(context)
        return context.new_page()

    yield device
    for context in opened:
        context.close()
    assert strays == [], f"requêtes hors du réseau de l'équipe : {strays}"


def test_a_whole_field_day_on_the_teams_wifi(lan_laptop, devices, tmp_path):  # noqa: F811
    base = lan_laptop.url
    assert not base.startswith("http://127.")
    shots = tmp_path

    # -- 1. The coordinator: account, address, campaign, poster ------------------------------------
    laptop = devices(1280, 900)
    laptop.goto(base + "/connexion")
    expect(laptop).to_have_url(re.compile(r"/premier-demarrage$"))
    laptop.fill("#nom", "camille")
    laptop.fill("#mot_de_passe", "un-mot-de-passe-long")
    laptop.fill("#confirmation", "un-mot-de-passe-long")
    laptop.locator("main button[type=submit]").last.click()
    expect(laptop).to_have_url(re.compile(r"/coordination/$"))

    laptop.get_by_role("link", name=re.compile("Adresse à imprimer")).first.click()
    expect(laptop.locator("main")).to_contain_text(base)  # found by serve, on the LAN
    laptop.screenshot(path=str(shots / "1-adresse.png"), full_page=True)

    laptop.goto(base + "/coordination/")
    laptop.get_by_role("link", name="Nouvelle campagne").click()
    laptop.fill("#title", "Marché du Tunnel")
    laptop.select_option("#questionnaire", "porteur-de-parole-numerique")
    laptop.get_by_role("button", name="Créer la campagne").click()
    expect(laptop).to_have_url(re.compile(rf"/coordination/campagnes/{CAMPAIGN}/$"))
    short = records(lan_laptop).get("campaigns", CAMPAIGN)["short_code"]
    assert re.fullmatch(r"[0-9A-Z]{4,6}", short)

    laptop.goto(f"{base}/coordination/campagnes/{CAMPAIGN}/imprimer")
    with laptop.expect_download() as download:
        laptop.locator("#imprime-affiche").get_by_role("button", name="Télécharger le PDF").click()
    poster = Path(download.value.path()).read_bytes()
    codes = decode_qr(poster, tmp_path)
    assert codes and all(code.startswith(f"{base}/c/{CAMPAIGN}/") for code in codes), codes
    assert f"{base}/{short}".split("://")[1] in pdf_text(poster, 0)  # the address to type, short

    # A passer-by types the short address on a phone: the form opens.
    phone = devices(360, 740)
    phone.goto(f"{base}/{short.lower()}")
    expect(phone.locator("form.survey")).to_be_visible()
    assert f"/c/{CAMPAIGN}/" in phone.url

    laptop.goto(f"{base}/coordination/campagnes/{CAMPAIGN}/")
    laptop.get_by_role("link", name="Codes des bénévoles").click()
    laptop.fill("#pseudonyme", "Léa")
    laptop.get_by_role("button", name="Créer un code", exact=True).click()
    code = laptop.locator(".code-text").first.inner_text()

    # -- 2. The volunteer's door round, on her phone -----------------------------------------------
    lea = devices(360, 740)
    lea.goto(base + "/benevole/")
    lea.fill("#code", code)
    lea.get_by_role("button", name="Entrer").click()
    expect(lea.locator("h1")).to_have_text("Bonjour Léa")
    lea.screenshot(path=str(shots / "2-accueil-benevole.png"), full_page=True)
    lea.get_by_role("link", name="Commencer la tournée").click()
    lea.fill("#secteur", "Rue des Lilas")
    lea.get_by_role("button", name="Absent").click()
    expect(lea.locator(".notice")).to_contain_text("absent")
    lea.get_by_role("button", name="Refus").click()
    for words in ("Plus d'ateliers le samedi", "Un écrivain public à la mairie"):
        lea.get_by_role("button", name="A répondu").click()
        lea.fill("#q_simplifie", words)
        lea.get_by_role("button", name="Envoyer mes réponses").click()
        lea.get_by_role("link", name="Porte suivante").click()
        expect(lea.locator("h1")).to_have_text("Porte-à-porte")
        expect(lea.locator("#secteur")).to_have_value("Rue des Lilas")
    doors = [d for d in records(lan_laptop).all("doors") if d["campaign"] == CAMPAIGN]
    assert sorted(d["outcome"] for d in doors) == ["absent", "refus", "repondu", "repondu"]

    # -- 3. A session (the coordination makes it), and a scribe card: shown today, not reused ----------
    laptop.goto(f"{base}/terrain/{CAMPAIGN}/")
    laptop.get_by_role("link", name="Nouvelle session").click()
    laptop.fill("#lieu", "Marché du Tunnel")
    laptop.fill("#membre-1", "Léa")
    laptop.select_option("#role-1", "scribe")
    laptop.fill("#debut", "9h30")
    laptop.get_by_role("button", name="Enregistrer la session").first.click()
    expect(laptop.locator("main")).to_contain_text("9 h 30")
    lea.goto(base + "/benevole/")
    lea.get_by_role("link", name=re.compile("^Scribe")).first.click()
    lea.fill("#paroles", CARD)
    lea.get_by_text("Si la personne le souhaite").click()  # first name, age, quartier: folded away
    lea.fill("#prenom", "Josiane")
    lea.check("#affiche")
    expect(lea.locator("#compte_rendu")).not_to_be_checked()
    lea.get_by_role("button", name="Enregistrer et carte suivante").click()
    expect(lea.locator("#paroles")).to_have_value("")
    card = wait_for(lea, lambda: [a for a in answers(lan_laptop) if CARD in str(a["answers"])], "la carte")[0]
    assert (card["channel"], card["consent_display"], card["consent_report"]) == ("porteur-de-parole", True, False)

    # -- 4. Thirty post-its at full speed, then one corrected -------------------------------------------
    typist = devices(1024, 768)
    typist.goto(base + "/benevole/")
    typist.fill("#code", code)
    typist.get_by_role("button", name="Entrer").click()
    typist.get_by_role("link", name="Saisir des post-it").click()
    field = typist.locator("#texte")
    field.focus()
    for text in POSTITS:
        typist.keyboard.type(text)
        typist.keyboard.press("Enter")  # and the next post-it at once
    expect(typist.locator("#postit-nombre")).to_have_attribute("data-count", "30", timeout=30_000)
    expect(typist.locator("#postit-confirmation")).to_contain_text(POSTITS[-1])
    typist.screenshot(path=str(shots / "4-post-it.png"), full_page=True)
    postits = wait_for(
        typist,
        lambda: (found := [a for a in answers(lan_laptop) if a["channel"] == "post-it"]) and len(found) >= 30 and found,
        "les 30 post-it",
    )
    assert sorted(next(iter(a["answers"].values())) for a in postits) == sorted(POSTITS)

    typist.get_by_role("link", name=re.compile("Corriger mes saisies")).click()
    typist.locator("li", has_text=TYPO).get_by_role("link", name="Corriger cette saisie").click()
    typist.locator("main textarea").first.fill(FIXED)
    typist.get_by_role("button", name="Enregistrer la correction").click()
    fixed = wait_for(typist, lambda: [a for a in answers(lan_laptop) if FIXED in str(a["answers"])], "la correction")
    assert TYPO in str(fixed[0]["corrections"][0]["answers_before"])
    assert any(e["action"] == "correction" for e in records(lan_laptop).all("audit"))

    # -- 5. The wall of words on the room's screen ---------------------------------------------------
    screen = devices(1920, 1080)
    screen.goto(f"{base}/mur/{CAMPAIGN}/")
    screen.fill("#code", code)
    screen.get_by_role("button", name="Ouvrir le mur").click()
    expect(screen.locator(".wall-card").first).to_contain_text("Post-it n°30")  # the newest first
    # Eight cards a screen, turning: what the wall goes round is what its data gives it.
    shown = [c["text"] for c in screen.request.get(f"{base}/mur/{CAMPAIGN}/cartes.json").json()["cards"]]
    assert CARD in shown and FIXED in shown and TYPO not in shown
    assert len(shown) == 31
    screen.screenshot(path=str(shots / "5-mur.png"))

    # -- 6. The coordinator: no citation, no quote in the summary, consents in the export ----------------
    laptop.goto(f"{base}/coordination/campagnes/{CAMPAIGN}/reponses/{card['id']}")
    expect(laptop.locator("main")).to_contain_text("Josiane")
    expect(laptop.get_by_role("button", name="À citer dans la synthèse")).to_have_count(0)
    laptop.screenshot(path=str(shots / "6-reponse.png"), full_page=True)
    laptop.goto(f"{base}/coordination/campagnes/{CAMPAIGN}/synthese")
    assert CARD[:30] not in laptop.locator("main").inner_text()
    response = laptop.request.get(f"{base}/coordination/campagnes/{CAMPAIGN}/export.csv")
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig")), delimiter=";"))
    [row] = [r for r in rows if CARD in ";".join(r.values())]
    assert row["Accord : affiché aujourd'hui"] == "oui"
    assert row["Accord : réutilisé dans le compte rendu"] == "non"
    assert row["Prénom"] == "Josiane"
    channels = sorted(a["channel"] for a in answers(lan_laptop))
    assert channels == ["porte-a-porte"] * 2 + ["porteur-de-parole"] + ["post-it"] * 30
