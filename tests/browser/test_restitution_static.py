"""The static copy of a published restitution, written by ``survey restitution copie``, opens in
Chromium from a folder (file://, no server): its quotes and charts show, nothing is fetched from
anywhere but that folder, and on a phone's width nothing runs off the screen."""

from __future__ import annotations

import zipfile

import pytest

from survey import create_app
from survey.cli import main
from survey.services import restitution as restitutions
from survey.services.demo import load_demo
from tests.browser.conftest import axe_violations
from tests.factories import make_answer
from tests.services.test_restitution import add_drawing

CAMPAIGN = "besoins-numeriques-habitants"
AGREED = "On voudrait un atelier pour les papiers de la CAF."
REFUSED = "Je ne veux pas que cette phrase sorte du centre."


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copie") / "data"
    app = create_app({"TESTING": True, "DATA_DIR": str(folder), "SECRET_KEY": "test"})
    svc = app.extensions["survey"]
    load_demo(svc, with_answers=True)
    questionnaire = svc.questionnaire_for(svc.campaigns.get(CAMPAIGN))
    text_question = next(q.id for q in questionnaire.answerable if q.is_open)
    agreed = make_answer(CAMPAIGN, CAMPAIGN, answers={text_question: AGREED, "internet": "oui"})
    refused = make_answer(
        CAMPAIGN, CAMPAIGN, answers={text_question: REFUSED}, first_name="Nadia", consent_report=False
    )
    for answer in (agreed, refused):
        svc.answers.add(answer)
    drawing = add_drawing(svc, "Ma tablette", consent_display=True, consent_report=True, campaign=CAMPAIGN)
    found = restitutions.gather(svc, [svc.campaigns.get(CAMPAIGN)])
    charts = [c.key for c in found.charts[:3]]
    chosen = restitutions.Composition(
        "Vos besoins numériques",
        charts,
        [f"{CAMPAIGN}/{agreed['id']}/{text_question}"],
        "Retenu.",
        "Ensuite.",
        drawings=[drawing],
    )
    saved = restitutions.save(svc, restitutions.for_campaign(svc, svc.campaigns.get(CAMPAIGN)), chosen, "camille")
    forced = [*saved.quotes, f"{CAMPAIGN}/{refused['id']}/{text_question}"]  # as if edited by hand
    restitutions.repository(svc).change(saved.id, lambda r: dict(r, quotes=forced))
    restitutions.set_published(svc, saved.id, True, "camille")
    return folder, len(charts)


def test_static_copy_opens_from_a_folder_with_no_server(data, runner, browser, tmp_path):
    folder, charts = data
    out = tmp_path / "copie.zip"
    result = runner.invoke(main, ["restitution", "copie", CAMPAIGN, "--out", str(out), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "cle-usb")
    (index,) = (tmp_path / "cle-usb").glob("*/index.html")

    context = browser.new_context(viewport={"width": 360, "height": 740})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(index.as_uri())
    assert page.locator("h1").inner_text() == "Vos besoins numériques"
    assert AGREED in page.locator("blockquote").first.inner_text()
    assert REFUSED not in page.content()
    assert page.locator("svg.chart").count() == charts
    drawing = page.locator("figure.drawing img")
    assert drawing.get_attribute("alt") == "Ma tablette"
    assert drawing.evaluate("img => img.complete && img.naturalWidth") == 40  # read from the folder
    # The stylesheet was found next to the page: the figures are laid out as a grid.
    assert page.locator(".figures").evaluate("e => getComputedStyle(e).display") == "grid"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert requested and all(url.startswith("file://") for url in requested), requested
    assert axe_violations(page) == []  # serious or critical WCAG problems (axe-core)
    context.close()


def test_copy_of_an_unpublished_restitution_is_refused_in_french(data, runner, tmp_path):
    folder, _ = data
    result = runner.invoke(
        main,
        ["restitution", "copie", "porteur-de-parole-numerique", "--out", str(tmp_path / "x"), "--data", str(folder)],
    )
    assert result.exit_code == 1
    assert "n'est pas publiée" in result.output
