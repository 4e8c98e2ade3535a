"""Kiosk mode: one tablet passed from hand to hand never shows the previous person's answers,
and does not leave the campaign without a volunteer's code."""

from __future__ import annotations

from playwright.sync_api import expect

from survey import create_app
from survey.cli import main
from tests.browser.conftest import stored

CAMPAIGN = "atelier-citoyennete"
SECRET = "Ma voisine m'aide pour les papiers de la CAF"


def kiosk_url(server, campaign=CAMPAIGN):
    return f"{server.url}/c/{campaign}/?canal=tablette&kiosque=1"


def texts_in_page(page) -> str:
    """Everything a person could see or get back: the markup and the fields' current values."""
    values = page.evaluate("() => Array.from(document.querySelectorAll('input, textarea')).map(e => e.value).join(' ')")
    return page.content() + " " + values


def kiosk_code(runner, server) -> str:
    result = runner.invoke(main, ["code-kiosque", CAMPAIGN, "--data", str(server.data_dir)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[0].rsplit(" : ", 1)[1].strip()


def test_the_next_person_gets_a_blank_form_and_no_way_back(context, server):
    page = context.new_page()
    page.clock.install()
    page.goto(f"{server.url}/")
    page.goto(kiosk_url(server))
    assert page.locator("header.site a").count() == 0  # no way out but the volunteer's
    assert page.locator(".mode-switch a[href*='mode=']").count() == 0
    expect(page.locator(".kiosk-exit a")).to_have_text("Quitter le mode kiosque")
    first_id = page.input_value("#answer_id")
    page.fill("#q_faciliter", SECRET)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local")).to_be_visible()
    expect(page.locator("#merci-local [data-countdown]")).to_contain_text("8 secondes")
    page.clock.run_for(9000)
    expect(page.locator("form.survey")).to_be_visible()
    assert SECRET not in texts_in_page(page)
    assert page.input_value("#answer_id") != first_id  # a new answer, not the previous one
    [answer] = [a for a in stored(server, CAMPAIGN) if a["answers"].get("faciliter") == SECRET]
    assert answer["id"] == first_id and answer["channel"] == "tablette"
    page.go_back()
    page.wait_for_load_state()
    assert SECRET not in texts_in_page(page)
    assert page.url.startswith(kiosk_url(server).split("?")[0])  # home sends back to the kiosk form


def test_waiting_stops_the_countdown(context, server):
    page = context.new_page()
    page.clock.install()
    page.goto(kiosk_url(server))
    page.fill("#q_faciliter", "Attendre")
    page.click("form.survey button[value=envoyer]")
    page.click("#merci-local [data-stay]")
    page.clock.run_for(30000)
    expect(page.locator("#merci-local")).to_be_visible()
    page.click("#merci-local [data-next]")
    expect(page.locator("#q_faciliter")).to_have_value("")


def test_without_javascript_back_does_not_bring_the_answers_back(browser, server, outside):
    context = outside.watch(browser.new_context(java_script_enabled=False, locale="fr-FR"))
    page = context.new_page()
    form = page.goto(kiosk_url(server))
    assert form.headers["cache-control"] == "no-store"
    page.fill("#q_faciliter", SECRET + " (sans JavaScript)")
    with page.expect_navigation() as navigation:
        page.click("form.survey button[value=envoyer]")
    thanks = navigation.value
    assert "/merci" in page.url and thanks.headers["cache-control"] == "no-store"
    expect(page.locator("h1")).to_have_text("Merci !")
    page.go_back()
    assert page.input_value("#q_faciliter") == ""
    assert SECRET not in page.content()
    context.close()


def test_leaving_the_kiosk_needs_a_code(context, server, runner):
    code = kiosk_code(runner, server)
    page = context.new_page()
    page.goto(kiosk_url(server))
    for elsewhere in ("/", "/c/besoins-numeriques-habitants/", "/connexion", f"/c/{CAMPAIGN}/?mode=pas-a-pas"):
        page.goto(server.url + elsewhere)
        assert page.url == kiosk_url(server), elsewhere
    page.click(".kiosk-exit a")
    page.fill("#code", "ABCD-EFGH")
    page.click("button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("Ce code n'ouvre pas le mode kiosque")
    page.goto(server.url + "/")
    assert page.url == kiosk_url(server)
    page.click(".kiosk-exit a")
    page.fill("#code", code.lower())
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{server.url}/c/{CAMPAIGN}/"
    page.goto(server.url + "/")
    assert page.url == server.url + "/"


def test_a_volunteer_code_of_the_campaign_also_opens_it(context, server):
    from survey.services.volunteers import create

    app = create_app({"DATA_DIR": str(server.data_dir), "SECRET_KEY": "test"})
    volunteer = create(app.extensions["survey"], CAMPAIGN, "Samia")
    other = create(app.extensions["survey"], "besoins-numeriques-habitants", "Samia")
    page = context.new_page()
    page.goto(kiosk_url(server))
    page.click(".kiosk-exit a")
    page.fill("#code", other["id"])  # a code of another campaign does not
    page.click("button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    page.fill("#code", volunteer["id"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{server.url}/c/{CAMPAIGN}/"
