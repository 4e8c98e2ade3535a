"""Every respondent reads the form in their language (issue 16 §1): ``?lang=xx`` and the picker,
Arabic right to left, the interface's catalogs complete in French, English and Arabic, answers
that record their language and are counted and exported with the French ones."""

from __future__ import annotations

import csv
import io
import re
import shutil
import uuid
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from survey import catalogs
from survey.model.campaign import CHANNELS
from survey.model.consent import QUOTE_NOTICE
from survey.model.questionnaire import AUDIENCES
from survey.services import volunteers
from survey.web.languages import MODEL_TEXTS
from tests.factories import login_coordinator

CAMPAIGN = "besoins-numeriques-habitants"
FORM = f"/c/{CAMPAIGN}/"
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("fr", "en", "ar")


def page(client, url, **args):
    response = client.get(url, query_string=args or None)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def fresh_ids(html: str) -> dict:
    return dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))


# --- the language of the page ---


def test_lang_ar_opens_the_form_in_arabic_right_to_left(client):
    html = page(client, FORM, lang="ar")
    assert html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "<h1>احتياجاتك في الرقمي</h1>" in html  # the questionnaire's Arabic translation
    assert "أرسل إجاباتي" in html and "Envoyer mes réponses" not in html  # the interface's catalog
    assert 'name="lang" value="ar"' in html  # carried to the answer and its next screens


def test_lang_en_opens_the_form_in_english(client):
    html = page(client, FORM, lang="en")
    assert html_tag(html) == '<html lang="en" dir="ltr">'
    assert "Do you have internet at home?" in html and "Send my answers" in html


def test_without_lang_or_with_a_language_the_questionnaire_lacks_the_form_is_in_french(client):
    for args in ({}, {"lang": "es"}, {"lang": "<script>"}, {"lang": "x" * 5000}):
        html = page(client, FORM, **args)
        assert html_tag(html) == '<html lang="fr" dir="ltr">'
        assert "Avez-vous internet à la maison ?" in html and "Envoyer mes réponses" in html


def test_the_picker_names_each_language_in_its_own_words(client):
    html = page(client, FORM, lang="en", mode="pas-a-pas")
    picker = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"[^>]*>([^<]+)</a>', picker)
    assert [(code, name) for _, code, name in links] == [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
    assert 'lang="en" hreflang="en" dir="ltr" aria-current="true"' in picker
    arabic = next(url for url, code, _ in links if code == "ar").replace("&amp;", "&")
    assert "mode=pas-a-pas" in arabic  # the picker keeps the way the form is shown
    assert html_tag(page(client, arabic)) == '<html lang="ar" dir="rtl">'


def test_a_questionnaire_in_one_language_has_no_picker(client, services):
    single = next(
        c for c in services.campaigns.all() if len(services.questionnaire_for(c).languages) == 1 and "qr" in c.channels
    )
    html = page(client, f"/c/{single.id}/")
    assert '<nav class="languages"' not in html


def test_the_one_page_form_kept_once_is_kept_per_language(client):
    """The pristine form is rendered once per questionnaire version: once per language too."""
    assert "Avez-vous internet à la maison ?" in page(client, FORM)
    assert "هل عندك إنترنت في البيت؟" in page(client, FORM, lang="ar")
    assert "Avez-vous internet à la maison ?" in page(client, FORM)


def test_errors_are_said_in_the_language_of_the_form(client):
    html = page(client, FORM, lang="ar")
    response = client.post(FORM, data={**fresh_ids(html), "lang": "ar", "action": "envoyer"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "أجب عن سؤال واحد على الأقل قبل الإرسال." in html  # the empty answer, in Arabic
    response = client.post(FORM, data={**fresh_ids(html), "lang": "en", "q_internet": "peut-etre"})
    assert "Choose one of the answers offered." in response.get_data(as_text=True)


def test_error_pages_follow_the_language_asked_the_coordinator_space_stays_french(client):
    response = client.get("/c/inconnue/?lang=ar")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "هذه الحملة غير موجودة" in html and "الصفحة غير موجودة" in html
    login_coordinator(client)
    assert html_tag(page(client, "/coordination/", lang="ar")) == '<html lang="fr" dir="ltr">'


def test_privacy_and_thank_you_pages_speak_the_form_language(client):
    html = page(client, f"/c/{CAMPAIGN}/confidentialite", lang="ar")
    assert html_tag(html) == '<html lang="ar" dir="rtl">' and "<h1>بياناتك وحقوقك</h1>" in html
    assert "سنة واحدة" in html  # « 1 an » of retention, in Arabic
    assert html_tag(page(client, f"/c/{CAMPAIGN}/merci", lang="en")).startswith('<html lang="en"')


# --- answers record their language ---


def test_an_english_answer_is_stored_in_english_and_counted_with_french_ones_under_french_labels(client, services):
    for lang in ("fr", "en"):
        html = page(client, FORM, lang=lang)
        response = client.post(FORM, data={**fresh_ids(html), "lang": lang, "q_internet": "oui"})
        assert response.status_code == 303
        if lang == "en":
            assert "lang=en" in response.headers["Location"]  # the thank-you page in English
            assert "Thank you!" in page(client, response.headers["Location"])
    stored = {a["language"]: a for a in services.answers.iter_answers(CAMPAIGN)}
    assert set(stored) == {"fr", "en"}
    assert stored["en"]["answers"] == {"internet": "oui"} and stored["en"]["questionnaire"] == CAMPAIGN

    login_coordinator(client)
    export = client.get(f"/coordination/campagnes/{CAMPAIGN}/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    internet = next(h for h in rows[0] if h.startswith("Avez-vous internet"))
    assert sorted((r["Langue de la réponse"], r[internet]) for r in rows) == [("en", "Oui"), ("fr", "Oui")]
    results = page(client, f"/coordination/campagnes/{CAMPAIGN}/resultats")
    assert "Avez-vous internet à la maison ?" in results and "Do you have internet" not in results


def test_the_tablets_queue_records_the_language_of_the_page(client, services):
    html = page(client, FORM, lang="ar")
    for language, expected in (("ar", "ar"), ("tlh", "fr"), (None, "fr")):
        body = {"answer_id": str(uuid.uuid4()), "answers": {"internet": "non"}, "language": language}
        response = client.post(f"/api/c/{CAMPAIGN}/reponses", json=body)
        assert response.status_code == 201, response.get_json()
        stored = next(a for a in services.answers.iter_answers(CAMPAIGN) if a["id"] == body["answer_id"])
        assert stored["language"] == expected
    assert 'data-language="ar"' in html  # what offline.js sends


# --- a new answer starts in the campaign's language unless the volunteer keeps it ---


def volunteer_tablet(client, services, keep: bool):
    code = volunteers.create(services, CAMPAIGN, f"Tablette {uuid.uuid4().hex[:6]}")["id"]
    client.get(f"/benevole/{code}")
    form = {"canal": "tablette", **({"garder_langue": "1"} if keep else {})}
    assert client.post(f"/c/{CAMPAIGN}/equipe", data=form).status_code == 303


def test_the_next_person_starts_in_french_unless_the_volunteer_keeps_the_language(app, services):
    client = app.test_client()
    volunteer_tablet(client, services, keep=False)
    assert 'lang="ar"' in html_tag(page(client, FORM, lang="ar"))
    arabic = page(client, FORM, lang="ar")
    assert 'data-language-reset="1"' in arabic  # offline.js reloads a blank form for the next person
    assert html_tag(page(client, FORM)) == '<html lang="fr" dir="ltr">'

    kept = app.test_client()
    volunteer_tablet(kept, services, keep=True)
    assert "Garder pour la personne suivante la langue choisie" in page(kept, f"/c/{CAMPAIGN}/equipe")
    arabic = page(kept, FORM, lang="ar")
    assert 'data-language-reset="1"' not in arabic
    assert html_tag(page(kept, FORM)) == '<html lang="ar" dir="rtl">'  # kept for the next person
    assert html_tag(page(kept, FORM, lang="fr")) == '<html lang="fr" dir="ltr">'
    assert html_tag(page(kept, FORM)) == '<html lang="fr" dir="ltr">'


# --- the catalogs ---


def source_messages() -> set[str]:
    """Every message of the code and pages, as ``make translations`` extracts it (babel.cfg)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_plural_forms": (1, 2)}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def catalog_problems(po_file: Path, wanted: set[str]) -> list[str]:
    """What keeps a catalog from being complete: a message missing, untranslated or fuzzy."""
    with po_file.open("rb") as source:
        catalog = read_po(source)
    problems = []
    for message in wanted:
        entry = catalog.get(message)
        if entry is None:
            problems.append(f"absent : {message}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s.strip() for s in strings):
            problems.append(f"non traduit : {message}")
        elif entry.fuzzy:
            problems.append(f"à revoir (fuzzy) : {message}")
    return sorted(problems)


@pytest.fixture(scope="module")
def wanted():
    messages = source_messages()
    assert len(messages) > 150
    return messages


@pytest.mark.parametrize("language", SHIPPED)
def test_the_shipped_catalogs_translate_every_message(language, wanted):
    assert catalog_problems(catalogs.po_path(language), wanted) == []


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_survive_translation(language):
    with catalogs.po_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_a_missing_or_fuzzy_translation_is_found(tmp_path, wanted):
    broken = tmp_path / "messages.po"
    shutil.copy(catalogs.po_path("en"), broken)
    text = broken.read_text(encoding="utf-8")
    text = text.replace('msgstr "Send my answers"', 'msgstr ""')
    text = text.replace('msgid "Précédent"', '#, fuzzy\nmsgid "Précédent"')
    broken.write_text(text, encoding="utf-8")
    assert catalog_problems(broken, wanted) == [
        "non traduit : Envoyer mes réponses",
        "à revoir (fuzzy) : Précédent",
    ]


def test_a_fuzzy_entry_is_never_shown(tmp_path):
    folder = tmp_path / "translations"
    target = catalogs.po_path("en", folder=folder)
    target.parent.mkdir(parents=True)
    text = catalogs.po_path("en").read_text(encoding="utf-8")
    target.write_text(text.replace('msgid "Précédent"', '#, fuzzy\nmsgid "Précédent"'), encoding="utf-8")
    words = catalogs.translations("en", folder=folder)
    assert words.gettext("Précédent") == "Précédent" and words.gettext("Suivant") == "Next"
    assert catalogs.languages(folder=folder) == ["fr", "en"]


def test_the_model_texts_marked_for_the_catalogs_are_still_the_model_words():
    assert {QUOTE_NOTICE, *AUDIENCES.values(), *CHANNELS.values()} <= set(MODEL_TEXTS)


def test_the_team_pages_speak_the_language_asked(app, services):
    client = app.test_client()
    code = volunteers.create(services, CAMPAIGN, "Samira")["id"]
    client.get(f"/benevole/{code}")
    home = page(client, "/benevole/", lang="en")
    assert html_tag(home) == '<html lang="en" dir="ltr">' and "Hello Samira" in home and "Collect an answer" in home
    team = page(client, f"/c/{CAMPAIGN}/equipe", lang="ar")
    assert html_tag(team) == '<html lang="ar" dir="rtl">' and "قبل البدء" in team
    assert "Bonjour Samira" in page(client, "/benevole/")  # French without ?lang=
