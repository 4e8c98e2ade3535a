"""A question's field name is its id behind the server's prefix (``forms.FIELD_PREFIX``). The
page gives that prefix to offline.js (``data-field-prefix``), which reads the answers by it:
one prefix, written once, so the queue and the server never disagree on what an answer is."""

from __future__ import annotations

from playwright.sync_api import expect

from survey.forms import FIELD_PREFIX
from tests.browser.conftest import stored

CAMPAIGN = "besoins-numeriques-habitants"  # open to anyone (QR): no sign-in
OTHER = "reponse_"  # another prefix, of another length
TEXT = "Envoyé par une page aux noms de champs changés"


def test_the_form_page_gives_the_prefix_to_the_script(client):
    html = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
    assert f'data-field-prefix="{FIELD_PREFIX}"' in html
    assert f'name="{FIELD_PREFIX}autre"' in html


def test_the_queue_reads_the_answers_by_the_prefix_the_page_gives(context, server):
    def renamed(route):
        response = route.fetch()
        html = response.text().replace(f'name="{FIELD_PREFIX}', f'name="{OTHER}')
        html = html.replace(f'data-field-prefix="{FIELD_PREFIX}"', f'data-field-prefix="{OTHER}"')
        route.fulfill(response=response, body=html)

    page = context.new_page()
    page.route(f"{server.url}/c/{CAMPAIGN}/", renamed)
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    page.fill(f'[name="{OTHER}autre"]', TEXT)
    page.click("form.survey button[value=envoyer]")
    expect(page.locator("#merci-local [data-sent]")).to_be_visible()  # the server stored it
    assert [a["answers"] for a in stored(server, CAMPAIGN) if a["answers"].get("autre") == TEXT] == [{"autre": TEXT}]
