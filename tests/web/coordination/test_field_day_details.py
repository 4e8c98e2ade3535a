"""Small things a field day showed, each with its test: how a coordinator reads an answer's
language, what the print page says of posters for a campaign that takes no QR answers, and
an edit form that must not undo a close made meanwhile."""

from __future__ import annotations

from survey.web.coordination import campaigns as campaign_admin
from tests.coord_world import CAMPAIGN_A, make_world
from tests.factories import make_answer


def text(response) -> str:
    return response.get_data(as_text=True)


def test_an_answer_without_a_language_says_so_in_words(tmp_path):
    world = make_world(tmp_path / "data")
    answer = make_answer(CAMPAIGN_A, CAMPAIGN_A, language="und", answers={"simplifie": "Bonjour"})
    world.svc.answers.add(answer)
    page = text(world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{answer['id']}"))
    assert "<dd>non précisée</dd>" in page and ">und<" not in page
    other = make_answer(CAMPAIGN_A, CAMPAIGN_A, answers={"simplifie": "Salut"})
    world.svc.answers.add(other)
    assert "<dd>français</dd>" in text(
        world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{other['id']}")
    )


def test_the_print_page_warns_that_posters_of_a_campaign_without_qr_store_nothing(tmp_path):
    world = make_world(tmp_path / "data")
    client = world.client("coordination")
    world.svc.campaigns.change(CAMPAIGN_A, lambda c: setattr(c, "channels", ["tablette", "porteur-de-parole"]))
    page = text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/imprimer"))
    assert 'id="sans-qr"' in page and "rien ne sera enregistré" in page
    world.svc.campaigns.change(CAMPAIGN_A, lambda c: setattr(c, "channels", ["qr", "tablette"]))
    assert 'id="sans-qr"' not in text(client.get(f"/coordination/campagnes/{CAMPAIGN_A}/imprimer"))


def test_saving_the_edit_form_does_not_reopen_a_campaign_closed_meanwhile(tmp_path, monkeypatch):
    world = make_world(tmp_path / "data")
    client = world.client("coordination")
    url = f"/coordination/campagnes/{CAMPAIGN_A}/modifier"
    before = world.svc.campaigns.get(CAMPAIGN_A)
    checks = campaign_admin.validate

    def closed_by_another_tab_while_checking(*args):
        # Another request closes the campaign after this one has read it, before it writes.
        world.svc.campaigns.change(CAMPAIGN_A, lambda c: setattr(c, "closed", True))
        return checks(*args)

    monkeypatch.setattr(campaign_admin, "validate", closed_by_another_tab_while_checking)
    response = client.post(
        url,
        data={
            "title": "Nouveau titre",
            "questionnaire": before.questionnaire,
            "channels": list(before.channels),
            "retention_months": "12",
        },
    )
    assert response.status_code == 303, text(response)[:500]
    after = world.svc.campaigns.get(CAMPAIGN_A)
    assert after.title == "Nouveau titre"
    assert after.closed is True and after.short_code == before.short_code


def test_the_editor_marks_a_choice_that_goes_alone(tmp_path):
    from survey.services import drafts

    world = make_world(tmp_path / "data")
    client = world.client("coordination")
    draft_url = client.post("/coordination/questionnaires/nouveau", data={"titre": "Essai"}).headers["Location"]
    question_url = client.post(
        draft_url.rstrip("/") + "/questions", data={"type": "multiple_choice", "label": "Qui vous aide ?"}
    ).headers["Location"]
    question_url = question_url.split("#")[0]
    form = {
        "type": "multiple_choice",
        "id": "aide",
        "label": "Qui vous aide ?",
        "action": "appliquer",
        "choix_libelle": ["Ma famille", "Personne", ""],
        "choix_valeur": ["famille", "personne", ""],
        "choix_seul": ["2"],
        "choix_seul_montre": "1",
    }
    assert client.post(question_url, data=form).status_code == 303
    [draft] = drafts.all_drafts(world.svc)
    choices = draft["data"]["questions"][0]["choices"]
    assert [c.get("exclusive", False) for c in choices] == [False, True]
    page = text(client.get(question_url))
    assert 'id="seul-2" name="choix_seul" value="2" checked' in page
    assert 'id="seul-1" name="choix_seul" value="1">' in page
    # Unticked and saved again: the choice no longer goes alone.
    form["choix_seul"] = []
    client.post(question_url, data=form)
    [draft] = drafts.all_drafts(world.svc)
    assert not any(c.get("exclusive") for c in draft["data"]["questions"][0]["choices"])


def test_survey_print_uses_the_port_the_server_really_ran_on_even_on_loopback(tmp_path):
    from survey.cli.serve import announce
    from survey.services import site_settings

    world = make_world(tmp_path / "data")
    records = world.svc.records
    announce(world.app, "127.0.0.1", 8124, "http")  # a server for this laptop only
    assert site_settings.running_server(records)["port"] == 8124
    address = site_settings.for_command(records, None, 8000, lan=lambda: ["10.1.2.3"])
    assert address.url == "http://10.1.2.3:8124"  # never an assumed 8000
    assert "--host" in address.warning and "téléphones" in address.warning


def test_a_server_for_this_laptop_only_says_phones_cannot_open_it(tmp_path, runner):
    import click

    from survey.cli.serve import announce

    world = make_world(tmp_path / "data")

    @click.command()
    def run():
        announce(world.app, "127.0.0.1", 8125, "http")

    result = runner.invoke(run, [])
    assert "Ouvrez sur une tablette" not in result.output
    assert "ne peuvent pas l'ouvrir" in result.output
    assert "Ouvrez sur cet ordinateur : http://127.0.0.1:8125/" in result.output


def test_a_volunteers_thank_you_leads_back_to_the_volunteer_space(tmp_path):
    world = make_world(tmp_path / "data")
    volunteer = world.client("benevole_a")
    # The arrow is not read aloud, and an Arabic page turns it to the right (style.css, dir="rtl").
    back = '<a href="/benevole/"><span class="arrow-back" aria-hidden="true">←</span> Espace bénévole</a>'
    thanks = text(volunteer.get(f"/c/{CAMPAIGN_A}/merci"))
    assert back in thanks
    form = text(volunteer.get(f"/c/{CAMPAIGN_A}/?canal=tablette"))
    assert back in form  # the in-page thank-you screen of the offline queue
    assert "Espace bénévole</a>" not in text(world.app.test_client().get(f"/c/{CAMPAIGN_A}/merci"))
