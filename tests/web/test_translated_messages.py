"""Every word a respondent or a volunteer reads is in their language (issue 16 §1): not only the
pages' own words but the refusals, limits and errors that services and hooks produce (a channel
the campaign does not take, too many sends, an expired page, a kiosk's wrong code, the offline
page of the service worker). The pages are walked in Arabic and English in each of those states,
and any French left in them is listed: a message forgotten in the catalogs, or never marked for
them, fails here with its words. (tests/web/test_languages.py checks the catalogs themselves.)"""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po, write_po

from survey import create_app
from survey.services import kiosk_codes, volunteers
from survey.services.demo import load_demo
from survey.services.structure_identity import identity_for
from tests.web.test_languages import fresh_ids, html_tag

CAMPAIGN = "besoins-numeriques-habitants"
FORM = f"/c/{CAMPAIGN}/"
# Words that are the same in every language: the toolkit's name, languages named in their own
# words, names of French services the questionnaires quote, a code's example, and « A répondu »,
# the door-to-door screen's button (the field pages stay in French: the help quotes it as it is).
NAMES = (
    "Porteur de parole",
    "Français",
    "English",
    "France Services",
    "CAF",
    "CARSAT",
    "ANTS",
    "CPAM",
    "Ameli.fr",
    "pôle emploi",
    "ENT",
    "HTTPS",
    "CNIL",
    "cnil.fr",
    "ABCD-2345",
    "ABCD-EFGH",
    "A répondu",
    "Samira",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿœŒ]{3,}")
FRENCH_MARK = re.compile(
    r"[éèêëàâçôûùîïœ]|\b(vous|votre|vos|les|des|une|est|pas|sur|avec|pour|dans|cette|ce|réponses?)\b", re.I
)
SAID_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class SaidTexts(HTMLParser):
    """What a person reads or hears from a page: its text (not its scripts), the attributes a
    screen reader says, and the scripts' words (``data-words``)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside_code = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.inside_code += 1
        for name, value in attrs:
            if not value:
                continue
            if name == "data-words":
                self.texts.extend(_strings(json.loads(value)))
            elif name in SAID_ATTRIBUTES:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.inside_code -= 1

    def handle_data(self, data):
        if not self.inside_code and data.strip():
            self.texts.append(" ".join(data.split()))


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def data_words(svc) -> list[str]:
    """What the coordination typed (campaign titles, places, help text, the structure): data,
    shown as typed in every language. Longest first, so that a longer one is taken out whole."""
    found: set[str] = set()
    for campaign in svc.campaigns.all():
        found.update(_strings(dataclasses.asdict(campaign)))
        identity = identity_for(svc, campaign, with_logo=False)
        found.update(_strings(dataclasses.asdict(identity) if dataclasses.is_dataclass(identity) else vars(identity)))
    return sorted((w for w in found if len(w) > 2), key=len, reverse=True)


def french_left(html: str, language: str, data: list[str]) -> list[str]:
    """The texts of a page in ``language`` that still say French."""
    parser = SaidTexts()
    parser.feed(html)
    left = []
    for text in parser.texts:
        rest = PLACEHOLDER.sub("", text)
        for words in (*data, *NAMES):
            rest = rest.replace(words, " ")
        if language == "ar" and LATIN_WORD.search(rest) or language != "ar" and FRENCH_MARK.search(rest):
            left.append(text)
    return sorted(set(left))


def make_app(data_dir, **settings):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", **settings})
    load_demo(app.extensions["survey"])
    return app


@pytest.fixture
def team_client(app, services):
    """A tablet signed in with a volunteer code of the campaign."""
    client = app.test_client()
    code = volunteers.create(services, CAMPAIGN, "Samira")["id"]
    client.get(f"/benevole/{code}")
    return client


def change_campaign(services, **changes):
    services.campaigns.save(dataclasses.replace(services.campaigns.get(CAMPAIGN), **changes))


def pages_in(client, services, team_client, language: str) -> dict[str, str]:
    """Each state a respondent or a volunteer can meet, in ``language``: name -> page."""
    pages = {}

    def get(name, url, status=200, c=client, **args):
        response = c.get(url, query_string={"lang": language, **args})
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.get_data(as_text=True)
        return pages[name]

    def post(name, url, data, status, c=client):
        response = c.post(url, data={"lang": language, **data})
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.get_data(as_text=True)

    form = get("formulaire", FORM)
    post("formulaire vide", FORM, {**fresh_ids(form), "action": "envoyer"}, 422)
    post("formulaire avec erreurs", FORM, {**fresh_ids(form), "q_internet": "peut-etre", "action": "envoyer"}, 422)
    ids = fresh_ids(form)
    assert client.post(FORM, data={**ids, "lang": language, "q_internet": "oui"}).status_code == 303
    post("réponse déjà enregistrée autrement", FORM, {**ids, "q_internet": "non"}, 409)
    steps = get("pas à pas", FORM, mode="pas-a-pas")
    step = re.search(r'name="etape" value="([^"]+)"', steps).group(1)
    post("pas à pas, suivant", FORM, {**fresh_ids(steps), "mode": "pas-a-pas", "etape": step, "action": "suivant"}, 200)
    get("accueil", "/")
    get("merci", f"/c/{CAMPAIGN}/merci")
    get("confidentialité", f"/c/{CAMPAIGN}/confidentialite")
    get("campagne inconnue", "/c/inconnue/", 404)
    get("question inconnue", FORM, 404, question="inconnue")
    # The team: the volunteer's home, « Avant de commencer » and its error, the way out.
    get("espace bénévole", "/benevole/", c=team_client)
    get("avant de commencer", f"/c/{CAMPAIGN}/equipe", c=team_client)
    post("avant de commencer, erreur", f"/c/{CAMPAIGN}/equipe", {"canal": "inconnu"}, 422, c=team_client)
    post("code bénévole faux", "/benevole/", {"code": "ZZZZ-9999"}, 422)
    # Kiosk: the form, its exit, a wrong code, then too many of them.
    kiosk = client.application.test_client()
    kiosk_codes.set_kiosk_code(services, CAMPAIGN, "ABCD2345")
    get("kiosque", FORM, c=kiosk, kiosque="1")
    get("sortie du kiosque", f"/c/{CAMPAIGN}/kiosque/quitter", c=kiosk)
    post("sortie du kiosque, code faux", f"/c/{CAMPAIGN}/kiosque/quitter", {"code": "WRONG999"}, 422, c=kiosk)
    for _ in range(6):
        kiosk.post(f"/c/{CAMPAIGN}/kiosque/quitter", data={"code": "WRONG999"})
    post("sortie du kiosque, trop d'essais", f"/c/{CAMPAIGN}/kiosque/quitter", {"code": "WRONG999"}, 422, c=kiosk)
    # A campaign that takes no answer from the public, then one that is closed.
    channels = services.campaigns.get(CAMPAIGN).channels
    change_campaign(services, channels=[c for c in channels if c != "qr"])
    get("canal refusé", FORM, 403)
    change_campaign(services, channels=["qr"])
    get("canal refusé à l'équipe", FORM, 403, c=team_client, canal="tablette")
    change_campaign(services, channels=channels, closed=True)
    get("questionnaire fermé", FORM, 410)
    change_campaign(services, closed=False)
    return pages


@pytest.mark.parametrize("language", ["ar", "en"])
def test_no_french_is_left_on_the_pages_of_a_respondent_and_a_volunteer(client, services, team_client, language):
    pages = pages_in(client, services, team_client, language)
    data = data_words(services)
    for name, html in pages.items():
        assert html_tag(html).startswith(f'<html lang="{language}"'), name
    left = {name: french_left(html, language, data) for name, html in pages.items()}
    assert {name: texts for name, texts in left.items() if texts} == {}


def test_a_message_missing_from_the_catalog_is_found(client, services, team_client, monkeypatch, tmp_path):
    """The walk fails, naming the French words, when the Arabic catalog lacks one message."""
    from survey import catalogs

    folder = tmp_path / "translations"
    for language in catalogs.languages():
        target = catalogs.po_path(language, folder=folder)
        target.parent.mkdir(parents=True)
        target.write_bytes(catalogs.po_path(language).read_bytes())
    arabic = catalogs.po_path("ar", folder=folder)
    with arabic.open("rb") as file:
        catalog = read_po(file, locale="ar")
    (refusal,) = [m for m in catalog if m.id and str(m.id).startswith("Ce questionnaire ne se remplit pas en ligne")]
    refusal.string = ""
    with arabic.open("wb") as file:
        write_po(file, catalog)
    original = catalogs.translations
    monkeypatch.setattr(
        catalogs, "translations", lambda code, domain="messages", _=None: original(code, domain, folder)
    )
    pages = pages_in(client, services, team_client, "ar")
    left = french_left(pages["canal refusé"], "ar", data_words(services))
    assert len(left) == 1 and left[0].startswith("Ce questionnaire ne se remplit pas en ligne par le public")
    assert french_left(pages["formulaire"], "ar", data_words(services)) == []


def refused_channel_message(client, language: str) -> str:
    html = client.get(FORM, query_string={"lang": language}).get_data(as_text=True)
    return re.search(r'<p class="lead" role="status">([^<]+)</p>', html).group(1)


def test_a_refused_channel_is_said_with_the_channels_in_the_readers_language(client, services):
    change_campaign(services, channels=["tablette", "post-it"])
    assert "(tablette et post-it)" in refused_channel_message(client, "fr")
    english = refused_channel_message(client, "en")
    assert english.startswith("This questionnaire is not filled in online by the public")
    assert "(tablet and sticky notes)" in english
    arabic = refused_channel_message(client, "ar")
    assert "(جهاز لوحي و" in arabic and "Tablette" not in arabic


def test_too_many_sends_are_said_in_the_language_of_the_form(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True, PUBLIC_RATE_LIMIT="1 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # not the laptop itself, which is never limited
    html = client.get(FORM, query_string={"lang": "ar"}).get_data(as_text=True)
    posted = {**fresh_ids(html), "lang": "ar", "action": "envoyer"}
    assert client.post(FORM, data=posted).status_code == 422
    response = client.post(FORM, data=posted)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "إرسالات كثيرة في وقت قصير من هذا الجهاز" in page
    assert french_left(page, "ar", data_words(app.extensions["survey"])) == []


def test_an_expired_page_is_said_in_the_language_of_the_page(tmp_path, services):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    code = volunteers.create(app.extensions["survey"], CAMPAIGN, "Samira")["id"]
    client.get(f"/benevole/{code}")
    response = client.post(f"/c/{CAMPAIGN}/equipe", data={"lang": "en", "canal": "tablette"})  # no token
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and html_tag(page).startswith('<html lang="en"')
    assert "The page has expired. Go back, reload the page and try again." in page
    assert french_left(page, "en", data_words(app.extensions["survey"])) == []
    form = client.get(FORM, query_string={"lang": "ar"}).get_data(as_text=True)
    response = client.post(FORM, data={**fresh_ids(form), "lang": "ar", "csrf_token": "périmé", "q_internet": "oui"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and french_left(page, "ar", data_words(app.extensions["survey"])) == []


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Pas de connexion"), ("en", "No connection"), ("ar", "لا يوجد اتصال")]
)
def test_the_service_workers_offline_page_carries_every_language(client, language, title):
    source = client.get("/sw.js").get_data(as_text=True)
    words = json.loads(re.search(r"const OFFLINE_WORDS = (\{.*?\});\n", source).group(1))
    assert words[language]["title"] == title
    assert words["ar"]["dir"] == "rtl" and words["en"]["dir"] == "ltr"
    assert "__OFFLINE_WORDS__" not in source
    if language != "fr":
        assert french_left(f"<p>{words[language]['text']}</p>", language, []) == []


def test_the_volunteer_is_told_in_their_language_that_they_left(team_client):
    home = team_client.get("/benevole/", query_string={"lang": "ar"}).get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="ar">' in home  # the way out keeps the language
    response = team_client.post("/benevole/sortir", data={"lang": "ar"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "لقد غادرت فضاء المتطوعين على هذا الجهاز." in page


def test_a_refusal_raised_with_values_is_said_from_its_template():
    from survey.model.errors import SurveyError

    error = SurveyError("Attendez %(wait)s.", wait="8 minutes")
    assert error.message == str(error) == "Attendez 8 minutes."
    assert (error.template, error.values) == ("Attendez %(wait)s.", {"wait": "8 minutes"})
    plain = SurveyError("Cent % sûr.")
    assert plain.message == plain.template == "Cent % sûr." and plain.values == {}


def test_a_form_too_big_to_read_is_refused_in_the_language_of_its_address(app, client):
    """The body cannot be read (413), so its hidden ``lang`` neither: the address's counts."""
    too_long = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(FORM, query_string={"lang": "ar"}, data={"lang": "ar", "q_autre": too_long})
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and html_tag(page) == '<html lang="ar" dir="rtl">'
    assert french_left(page, "ar", []) == []
