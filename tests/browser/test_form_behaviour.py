"""The form in a real browser: show_if reacts at once, and a double tap sends once;
the wall of words shows a new card without a reload."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.browser.conftest import services_of, stored
from tests.conftest import server_environment
from tests.factories import make_answer

CAMPAIGN = "besoins-numeriques-habitants"


def test_a_conditional_question_appears_at_once(context, server):
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    dependant = page.locator("#bloc-q_internet_pourquoi")
    assert dependant.is_hidden()  # « Pourquoi ? » waits for « Non »
    page.get_by_label("Non", exact=True).first.check()
    assert dependant.is_visible()
    page.get_by_label("Oui", exact=True).first.check()
    assert dependant.is_hidden()


def test_a_double_tap_on_send_stores_one_answer(context, server):
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    answer_id = page.locator("#answer_id").input_value()
    page.locator("textarea").first.fill("Les parents doivent en parler avec les jeunes.")
    button = page.get_by_role("button", name="Envoyer mes réponses")
    button.dblclick()
    page.get_by_text("Votre réponse est bien enregistrée").first.wait_for()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and answer_id not in [a["id"] for a in stored(server, CAMPAIGN)]:
        time.sleep(0.2)
    time.sleep(1)  # a second send, if any, would have arrived by now
    assert [a["id"] for a in stored(server, CAMPAIGN)].count(answer_id) == 1


def test_the_wall_shows_a_new_card_without_reloading(context, server):
    # The coordination opens the wall to everyone (as for a TV at the event).
    subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys; from survey import create_app; from survey.services.fieldwork.wall import set_wall_public; "
                "set_wall_public(create_app({'DATA_DIR': sys.argv[1]}).extensions['survey'], 'porteur-de-parole-numerique', True)"
            ),
            str(server.data_dir),
        ],
        check=True,
        env=dict(os.environ, **server_environment(server.data_dir, ())),  # the server's storage
    )
    page = context.new_page()
    page.goto(f"{server.url}/mur/porteur-de-parole-numerique/")
    store = services_of(server.data_dir).answers
    store.add(
        make_answer(
            "porteur-de-parole-numerique",
            "porteur-de-parole-numerique",
            answers={"complique": "Un mot tout neuf pour le mur"},
            consent_display=True,
        )
    )
    store.add(
        make_answer(
            "porteur-de-parole-numerique",
            "porteur-de-parole-numerique",
            answers={"complique": "Pas d'accord pour l'afficher"},
            consent_display=False,
        )
    )
    page.get_by_text("Un mot tout neuf pour le mur").wait_for(timeout=15_000)
    assert "Pas d'accord pour l'afficher" not in page.content()
