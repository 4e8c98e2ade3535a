"""The editor's translations (issue 16): each language edited beside the French text, a new
question waits for its translations before the questionnaire can be saved, a language is
added or removed on purpose."""

from __future__ import annotations

import re

from tests.web.test_editor import (
    BASE,
    BESOINS,
    coordinator,  # noqa: F401  (the fixture)
    draft_url,
    edit_question,
    text,
)


def fields_of(page: str) -> dict[str, str]:
    """The translation page's text fields: name -> value."""
    found = dict(re.findall(r'<input type="text" id="t-\d+" name="([^"]+)" value="([^"]*)"', page))
    found.update(re.findall(r'<textarea id="t-\d+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    return found


def test_a_new_question_waits_for_its_translations_then_saves_in_every_language(coordinator, services):  # noqa: F811
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    page = text(coordinator.get(url))
    assert "English" in page and "العربية" in page and page.count("Tout est traduit") == 2

    coordinator.post(f"{url}questions", data={"type": "short_text", "label": "Votre quartier ?"})
    number = len(services.library.get(BESOINS).questions) + 1
    edit_question(coordinator, url, number, type="short_text", label="Votre quartier ?", id="quartier")
    page = text(coordinator.get(url))
    assert "la traduction en anglais (en) n'est pas finie : 1 texte(s) à traduire" in page
    assert "1 texte à traduire sur" in page
    refused = coordinator.post(f"{url}enregistrer")
    assert refused.status_code == 422 and services.library.get(BESOINS).question("quartier") is None

    for language, words in (("en", "Your neighbourhood?"), ("ar", "حيّك؟")):
        page = text(coordinator.get(f"{url}langues/{language}"))
        assert "à traduire" in page and "Votre quartier ?" in page
        fields = fields_of(page)
        assert fields["questions.quartier.label"] == ""
        assert fields["questions.internet.label"]  # what was translated is there to read and keep
        fields["questions.quartier.label"] = words
        saved = coordinator.post(f"{url}langues/{language}", data={**fields, "note": "Traduit par l'équipe"})
        assert saved.status_code == 303

    assert coordinator.post(f"{url}enregistrer").status_code == 303
    saved = services.library.get(BESOINS)
    assert saved.translation("en").texts["questions.quartier.label"] == "Your neighbourhood?"
    assert saved.translation("ar").texts["questions.quartier.label"] == "حيّك؟"
    assert saved.translation("en").note == "Traduit par l'équipe"


def test_deleting_a_question_takes_its_translations_away(coordinator, services):  # noqa: F811
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    number = [q.id for q in services.library.get(BESOINS).questions].index("autre") + 1
    coordinator.post(f"{url}questions/{number}/supprimer")
    assert coordinator.post(f"{url}enregistrer").status_code == 303
    saved = services.library.get(BESOINS)
    assert saved.question("autre") is None
    assert not any(key.startswith("questions.autre.") for key in saved.translation("ar").texts)


def test_a_language_is_added_then_removed_only_when_confirmed(coordinator, services):  # noqa: F811
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    added = coordinator.post(f"{url}langues", data={"langue": "es"})
    assert added.status_code == 303 and added.headers["Location"].endswith("/langues/es")
    page = text(coordinator.get(added.headers["Location"]))
    assert "Traduction en espagnol" in page and 'dir="ltr"' in page
    assert "la traduction en espagnol (es) n'est pas finie" in text(coordinator.get(url))

    coordinator.post(f"{url}langues/es/retirer", data={})
    assert "Cochez la case de confirmation" in text(coordinator.get(url))
    assert "langues/es" in text(coordinator.get(url))
    coordinator.post(f"{url}langues/es/retirer", data={"confirmer": "oui"})
    page = text(coordinator.get(url))
    assert 'langues/es"' not in page and "n'est pas finie" not in page

    assert coordinator.post(f"{url}langues", data={"langue": "en"}).status_code == 303  # already there
    assert "une langue déjà proposée" in text(coordinator.get(url))
    assert coordinator.get(f"{url}langues/xx").status_code == 404


def test_the_arabic_page_writes_right_to_left(coordinator):  # noqa: F811
    url = draft_url(coordinator.post(f"{BASE}/q/{BESOINS}/modifier"))
    page = text(coordinator.get(f"{url}langues/ar"))
    assert 'lang="ar" dir="rtl"' in page and "Traduction en arabe" in page
