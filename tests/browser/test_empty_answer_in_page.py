"""An empty answer is refused in the page, before the offline queue keeps it: the tablet may
be out of the Wi-Fi, and an answer the server will refuse must not wait on it to be set
aside later without the person knowing."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import stored

CAMPAIGN = "besoins-numeriques-habitants"
QUEUED = """async () => await new Promise((resolve) => {
  const open = indexedDB.open("porteur-de-parole");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("queue")) { resolve(0); return; }
    const count = db.transaction("queue").objectStore("queue").count();
    count.onsuccess = () => resolve(count.result);
  };
  open.onerror = () => resolve(-1);
})"""


def test_an_empty_answer_is_refused_at_once_and_never_queued(context, server):
    before = len(stored(server, CAMPAIGN))
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    notice = page.locator("#reponse-vide")
    expect(notice).to_have_text("Répondez à au moins une question avant d'envoyer.")
    expect(notice).to_be_focused()
    assert page.evaluate(QUEUED) in (0, -1)
    # Then an answer: the notice goes, the answer is sent.
    page.locator("input[name=q_internet][value=oui]").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("#reponse-vide")).to_have_count(0)
    for _ in range(100):
        if len(stored(server, CAMPAIGN)) == before + 1:
            break
        page.wait_for_timeout(100)
    assert len(stored(server, CAMPAIGN)) == before + 1
