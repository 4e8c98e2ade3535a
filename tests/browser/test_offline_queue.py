"""A volunteer walks out of the Wi-Fi: answers wait on the tablet and arrive once each.

Real Chromium, real ``survey serve``; leaving the Wi-Fi is played in full (``leave_wifi``).
The browser is really restarted (a persistent profile closed and opened again).
"""

from __future__ import annotations

import json
import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from survey.cli import main
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
from tests.conftest import LiveServer, stored_answers

CAMPAIGN = "atelier-citoyennete"
SENT = "Votre réponse est bien enregistrée."
QUEUED = "Votre réponse est gardée sur cette tablette."


def sign_in(page, base_url: str, data_dir) -> None:
    """The tablet is a volunteer's: its code entered once. (The campaign has no public
    channel: a browser nobody signed in is told to ask the team.)"""
    svc = services_of(data_dir)
    code = volunteers.create(svc, CAMPAIGN, f"Tablette {uuid4().hex[:6]}")["id"]
    page.goto(f"{base_url}/benevole/{code}")


def fill_and_send(page, text: str) -> None:
    page.fill("#q_faciliter", text)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local")).to_be_visible()


def next_person(page) -> None:
    page.click("#merci-local [data-next]")
    expect(page.locator("form.survey")).to_be_visible()
    expect(page.locator("#q_faciliter")).to_have_value("")


@pytest.fixture
def laptop(tmp_path):
    """A server of its own, which a test may stop (out of the Wi-Fi) and start again."""
    server = LiveServer(tmp_path / "data", "--demo")
    yield server
    server.stop()


def launch(playwright, profile, outside):
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=ARGS, locale="fr-FR"
    )
    return outside.watch(context)


def test_four_answers_survive_offline_and_a_browser_restart(playwright, laptop, tmp_path, outside):
    profile = tmp_path / "profil"
    url = f"{laptop.url}/c/{CAMPAIGN}/?canal=tablette"
    context = launch(playwright, profile, outside)
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, laptop.url, laptop.data_dir)
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page)  # the form page is kept by the service worker (asked by offline.js)
    fill_and_send(page, "Réponse 1, en ligne")
    expect(page.locator("#merci-local [data-sent]")).to_have_text(SENT)
    assert [a["answers"]["faciliter"] for a in stored(laptop, CAMPAIGN)] == ["Réponse 1, en ligne"]
    first_id = stored(laptop, CAMPAIGN)[0]["id"]

    leave_wifi(context, laptop)
    next_person(page)
    fill_and_send(page, "Réponse 2, hors connexion")
    expect(page.locator("#merci-local [data-queued]")).to_contain_text(QUEUED)
    # The page reopens with no connection: the service worker gives the kept page.
    response = page.reload()
    assert response is None or response.from_service_worker
    expect(page.locator("#file-attente [data-count]")).to_have_text("1 réponse en attente d'envoi")
    fill_and_send(page, "Réponse 3, hors connexion")
    next_person(page)
    fill_and_send(page, "Réponse 4, hors connexion")
    expect(page.locator("#file-attente [data-count]")).to_have_text("3 réponses en attente d'envoi")

    context.close()  # the browser stops
    context = launch(playwright, profile, outside)
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)  # still out of reach: the kept page, and the queue kept on disk
    expect(page.locator("#file-attente [data-count]")).to_have_text("3 réponses en attente d'envoi")
    back_in_wifi(context, laptop)  # the queue empties by itself
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    answers = stored(laptop, CAMPAIGN)
    assert sorted(a["answers"]["faciliter"] for a in answers) == [
        "Réponse 1, en ligne",
        "Réponse 2, hors connexion",
        "Réponse 3, hors connexion",
        "Réponse 4, hors connexion",
    ]
    assert len({a["id"] for a in answers}) == 4 and first_id in {a["id"] for a in answers}
    assert all(a["channel"] == "tablette" for a in answers)
    context.close()


def test_a_server_error_keeps_the_answer_queued(browser, server, outside):
    # Service workers off: Playwright's route() sees only requests that no service worker answers.
    context = outside.watch(browser.new_context(locale="fr-FR", service_workers="block"))
    page = context.new_page()
    page.route(
        "**/api/c/*/reponses", lambda route: route.fulfill(status=503, body="{}", content_type="application/json")
    )
    sign_in(page, server.url, server.data_dir)
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    before = len(stored(server, CAMPAIGN))
    fill_and_send(page, "Gardée malgré l'erreur du serveur")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    expect(page.locator("#file-attente [data-count]")).to_have_text("1 réponse en attente d'envoi")
    expect(page.locator("#file-attente [data-error]")).to_contain_text("code 503")
    page.click("#file-attente [data-send]")  # still failing: still queued
    expect(page.locator("#file-attente [data-count]")).to_have_text("1 réponse en attente d'envoi")
    assert len(stored(server, CAMPAIGN)) == before
    page.unroute("**/api/c/*/reponses")
    # The next automatic try (backoff: 2 s, 4 s, … at most 5 min) goes through.
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    assert "Gardée malgré l'erreur du serveur" in [a["answers"].get("faciliter") for a in stored(server, CAMPAIGN)]
    context.close()


def test_plain_http_on_the_lan_queues_while_the_page_stays_open(browser, server, outside):
    """By a LAN name over HTTP there is no service worker: say so, and still keep the answers."""
    context = outside.watch(browser.new_context(locale="fr-FR"))
    page = context.new_page()
    sign_in(page, f"http://{LAN_NAME}:{server.port}", server.data_dir)
    page.goto(f"http://{LAN_NAME}:{server.port}/c/{CAMPAIGN}/")
    assert page.evaluate("() => window.isSecureContext") is False
    context.set_offline(True)
    fill_and_send(page, "Par HTTP, hors connexion")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    notice = page.locator("#file-attente [data-insecure]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("si vous fermez ou rechargez cette page sans connexion")
    context.set_offline(False)
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    assert "Par HTTP, hors connexion" in [a["answers"].get("faciliter") for a in stored(server, CAMPAIGN)]
    assert page.evaluate("() => 'serviceWorker' in navigator") is False  # hence the notice
    context.close()


def test_invalid_answer_online_shows_the_french_errors_and_keeps_it(browser, server, outside):
    context = outside.watch(browser.new_context(locale="fr-FR"))
    page = context.new_page()
    page.goto(f"{server.url}/c/besoins-numeriques-habitants/")
    page.fill("#q_autre", "x" * 5001)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator(".error-summary")).to_contain_text("Votre réponse est trop longue")
    expect(page.locator("#q_autre")).to_have_value("x" * 5001)
    assert page.evaluate("() => indexedDB.databases().then(d => d.length)") >= 1
    expect(page.locator("#file-attente")).to_be_hidden()  # not left in the queue
    context.close()


def test_exported_queue_imports_once_with_the_cli(browser, server, tmp_path, outside, runner):
    context = outside.watch(browser.new_context(locale="fr-FR", service_workers="block", accept_downloads=True))
    page = context.new_page()
    page.route("**/api/c/*/reponses", lambda route: route.abort())  # the server is never reached again
    sign_in(page, server.url, server.data_dir)
    page.goto(f"{server.url}/c/{CAMPAIGN}/?canal=papier")
    fill_and_send(page, "Exportée 1")
    next_person(page)
    fill_and_send(page, "Exportée 2")
    expect(page.locator("#file-attente [data-count]")).to_have_text("2 réponses en attente d'envoi")
    with page.expect_download() as download:
        page.click("#file-attente [data-export]")
    path = tmp_path / "file.json"
    download.value.save_as(path)
    content = json.loads(path.read_text(encoding="utf-8"))
    assert {a["answers"]["faciliter"] for a in content["answers"]} == {"Exportée 1", "Exportée 2"}
    context.close()

    data = str(tmp_path / "autre-ordinateur")
    runner.invoke(main, ["demo", "--data", data])
    first = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert first.exit_code == 0, first.output
    assert "Fichier : 2 réponses." in first.output and "2 importées" in first.output
    again = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert "0 importée" in again.output and "2 déjà présentes" in again.output
    imported = stored_answers(data, CAMPAIGN)
    assert sorted(a["answers"]["faciliter"] for a in imported) == ["Exportée 1", "Exportée 2"]
    # « canal=papier » in an address never makes a paper answer: the tablet's channel is kept.
    assert {a["channel"] for a in imported} == {"tablette"}
    # Changed content under the same id is refused, never overwrites.
    content["answers"][0]["answers"]["faciliter"] = "Modifiée"
    path.write_text(json.dumps(content), encoding="utf-8")
    conflict = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert re.search(r"1 en conflit", conflict.output), conflict.output


def test_step_by_step_without_connection_falls_back_to_one_page_keeping_answers(context, laptop):
    page = context.new_page()
    sign_in(page, laptop.url, laptop.data_dir)
    page.goto(f"{laptop.url}/c/{CAMPAIGN}/?mode=pas-a-pas")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page, page.url, f"{laptop.url}/c/{CAMPAIGN}/")  # and the one-page form, the way back
    expect(page.locator(".progress")).to_contain_text("Question 1 sur")
    leave_wifi(context, laptop)
    page.fill("#q_faciliter", "Tapé en mode pas à pas")
    page.click("form.survey button[value=suivant]")
    expect(page.locator("[data-offline-notice]")).to_be_visible()
    expect(page.locator("#q_faciliter")).to_have_value("Tapé en mode pas à pas")
    assert page.locator("form.survey .question").count() > 1  # every question on one page
    page.fill("#q_renouveler", "Et la suite, hors connexion")
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-queued]")).to_be_visible()
    back_in_wifi(context, laptop)
    expect(page.locator("#file-attente")).to_be_hidden(timeout=15000)
    [answer] = [a for a in stored(laptop, CAMPAIGN) if a["answers"].get("faciliter") == "Tapé en mode pas à pas"]
    assert answer["answers"]["renouveler"] == "Et la suite, hors connexion"
