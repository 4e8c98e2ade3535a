"""Pictograms on the public form (issue 16 §3): beside each choice's words, hidden from screen
readers (the words are there), inline so that a page kept offline keeps them, and the form's
first load still within the page-weight target; the editor lets a coordinator pick one."""

from __future__ import annotations

import html
import re

import pytest

from survey.formats import pictograms
from tests.factories import login_coordinator

BESOINS = "besoins-numeriques-habitants"
INHABITANTS = (
    "porteur-de-parole-numerique",
    BESOINS,
    "ordi-panneau-citoyennete",
    "ordi-panneau-quotidien",
)
TARGET_BYTES = 60 * 1024  # benchmarks/page_weight.py: ≤ 60 KB on first load
HEADERS_BYTES = 400  # what each response's headers weigh, about, on the wire


def option_blocks(page: str, field: str) -> list[str]:
    """The <label class="option"> of each choice of one question, in order."""
    return re.findall(rf'<label class="option" for="{field}-\d+">(.*?)</label>', page, re.S)


def test_each_choice_shows_its_pictogram_beside_its_words_hidden_from_screen_readers(client, services):
    page = client.get(f"/c/{BESOINS}/").get_data(as_text=True)
    questionnaire = services.questionnaire_for(services.campaigns.get(BESOINS))
    drawn = 0
    for question in questionnaire.answerable:
        if not (question.is_choice or question.is_yes_no):
            continue
        blocks = option_blocks(page, f"q_{question.id}")
        assert len(blocks) == len(question.options), question.id
        for block, choice in zip(blocks, question.options):
            assert choice.picto, (question.id, choice.value)
            svg = pictograms.svg(choice.picto)
            assert svg in block, (question.id, choice.value)
            assert 'aria-hidden="true"' in svg and "<title>" not in svg  # decorative: the words say it
            # The drawing comes after the box and before the words.
            words = html.escape(choice.label, quote=True).replace("&#x27;", "&#39;")
            assert block.index("<input") < block.index(svg) < block.index(words), (question.id, choice.value)
            drawn += 1
    assert drawn >= 35
    # Strokes come once from the stylesheet, not on every drawing.
    stylesheet = client.get("/static/style.css")
    assert ".picto.line" in stylesheet.get_data(as_text=True)
    stylesheet.close()


@pytest.mark.parametrize("campaign", INHABITANTS)
def test_the_form_of_each_inhabitants_questionnaire_stays_within_the_page_weight_target(client, campaign):
    """The page and every file it loads at once (gzip where the server compresses), as on a
    phone's first visit with an empty cache (``benchmarks/page_weight.py`` measures it in Chromium)."""
    response = client.get(f"/c/{campaign}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    files = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="(/[^"]+)"', page)
    assert "/static/style.css" in files
    total = len(response.data) + HEADERS_BYTES
    for url in files:
        asset = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200, url
        total += len(asset.data) + HEADERS_BYTES
        asset.close()
    assert total <= TARGET_BYTES, f"{campaign}: {total} octets"


def test_the_editor_offers_the_pictograms_and_keeps_the_one_picked_or_none(client, app, services):
    login_coordinator(client, app)
    base = "/coordination/questionnaires"
    response = client.post(f"{base}/q/{BESOINS}/modifier")
    draft = re.search(r"/brouillons/([0-9a-f]{32})/", response.headers["Location"]).group(1)
    url = f"{base}/brouillons/{draft}/"
    q = services.library.get(BESOINS)
    number = [question.id for question in q.questions].index("aide_qui") + 1
    question = q.question("aide_qui")

    page = client.get(f"{url}questions/{number}").get_data(as_text=True)
    assert '<select id="picto-1" name="choix_picto">' in page
    assert '<option value="famille" selected>La famille (famille)</option>' in page
    assert pictograms.svg("famille") in page  # the one chosen, drawn beside the list
    for name in pictograms.catalogue():
        assert f'<option value="{name}"' in page

    pictos = [c.picto for c in question.choices]
    pictos[0], pictos[1] = "centre-social", ""  # another drawing; none
    client.post(
        f"{url}questions/{number}",
        data={
            "action": "enregistrer",
            "type": question.type,
            "id": question.id,
            "label": question.label,
            "other": "1",
            "choix_libelle": [c.label for c in question.choices],
            "choix_valeur": [c.value for c in question.choices],
            "choix_picto": pictos,
            "choix_seul_montre": "1",
        },
    )
    assert client.post(f"{url}enregistrer").status_code == 303
    saved = services.library.get(BESOINS).question("aide_qui")
    assert [c.picto for c in saved.choices] == pictos
    form = client.get(f"/c/{BESOINS}/").get_data(as_text=True)
    blocks = option_blocks(form, "q_aide_qui")
    assert pictograms.svg("centre-social") in blocks[0]
    assert "<svg" not in blocks[1] and question.choices[1].label in blocks[1]
