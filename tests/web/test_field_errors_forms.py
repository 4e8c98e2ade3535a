"""Every coordinator and team form shows its errors the public form's way (RGAA 11.10, WCAG
3.3.1): « Erreur – » first in the title, a summary that takes the focus and links to each field
in trouble, and under each of them a message that the field names in ``aria-describedby``, the
field marked ``aria-invalid``. Posted with bad input, none of them answers 500."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from survey.model.fieldwork import Session
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, make_world


class Page(HTMLParser):
    """The few facts of a page the pattern is about: elements by id, the title, the summary."""

    def __init__(self, html: str):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.title = ""
        self.summary: dict | None = None
        self.summary_links: list[str] = []
        self._in_title = False
        self._summary_depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        attrs["<tag>"] = tag
        if "id" in attrs:
            self.by_id[attrs["id"]] = attrs
        if tag == "title":
            self._in_title = True
        if "error-summary" in (attrs.get("class") or "").split():
            self.summary, self._summary_depth = attrs, 1
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1
        if self._summary_depth and tag == "a":
            self.summary_links.append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def assert_pattern(response, fields: set[str]) -> None:
    assert response.status_code in (400, 401, 403, 404, 409, 422, 429), response.status_code
    page = Page(response.get_data(as_text=True))
    assert page.title.startswith("Erreur – "), page.title
    assert page.summary is not None, "pas de récapitulatif des erreurs"
    assert page.summary.get("tabindex") == "-1" and "autofocus" in page.summary, page.summary
    linked = {href.removeprefix("#") for href in page.summary_links}
    assert all(href.startswith("#") for href in page.summary_links)
    assert fields <= linked, (fields, linked)
    for field_id in linked:
        field = page.by_id.get(field_id)
        assert field is not None, f"le lien #{field_id} ne mène à aucun champ"
        assert field["<tag>"] in ("input", "select", "textarea"), field
        assert field.get("aria-invalid") == "true", field
        described = (field.get("aria-describedby") or "").split()
        messages = [i for i in described if i.endswith("-erreur")]
        assert messages, f"{field_id} ne nomme pas son message d'erreur"
        for message_id in messages:
            assert message_id in page.by_id, f"{message_id} n'existe pas"
            assert "error" in page.by_id[message_id].get("class", "")


@pytest.fixture
def world(data_dir):
    world = make_world(data_dir)
    session = Session(id="s20261121-abcd", campaign=CAMPAIGN_A, place="Marché", day="2026-11-21")
    world.svc.sessions.save(session)
    world.extra["sid"] = session.id
    return world


COORDINATOR_FORMS = [
    ("nouvelle campagne", "post", "/coordination/campagnes/nouvelle", {"title": "", "questionnaire": ""}, {"title"}),
    (
        "nouvelle campagne, canaux et dates",
        "post",
        "/coordination/campagnes/nouvelle",
        {"title": "T", "questionnaire": CAMPAIGN_B, "starts_on": "31/02/2027", "retention_months": "douze"},
        {"channels-1", "starts_on", "retention_months"},
    ),
    ("étiquettes", "post", "/coordination/campagnes/{A}/etiquettes", {"etiquette": "   "}, {"etiquette"}),
    ("codes des bénévoles", "post", "/coordination/campagnes/{A}/benevoles", {"pseudonyme": ""}, {"pseudonyme"}),
    (
        "export",
        "get",
        "/coordination/campagnes/{A}/exporter?telecharger=1&du=hier&au=2026-13-45&canal=pigeon&separateur=tab",
        None,
        {"du", "au", "canal", "sep-pv"},
    ),
    (
        "session",
        "post",
        "/terrain/{A}/sessions/nouvelle",
        {
            "lieu": "",
            "jour": "demain",
            "debut": "midi et quart",
            "fin": "",
            "membre": ["", "Zoé"],
            "role": ["animation", "?"],
        },
        {"lieu", "jour", "debut", "membre-1", "membre-2"},
    ),
    ("scribe", "post", "/terrain/{A}/sessions/{sid}/scribe", {"paroles": ""}, {"paroles"}),
    ("post-it", "post", "/terrain/{A}/transcription", {"texte": "  "}, {"texte"}),
    ("papier", "get", "/terrain/{A}/papier?feuille=P-ZZZZ-9", None, {"feuille"}),
    ("porte-à-porte", "post", "/terrain/{B}/porte-a-porte", {"secteur": "", "issue": "absent"}, {"secteur"}),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data", "fields"), COORDINATOR_FORMS, ids=[f[0] for f in COORDINATOR_FORMS]
)
def test_coordinator_and_team_forms_show_each_error_at_its_field(world, name, method, url, data, fields):
    client = world.client("coordination")
    target = world.fill(url)
    response = client.post(target, data=data) if method == "post" else client.get(target)
    assert_pattern(response, fields)


def test_login_marks_the_password(world):
    response = world.app.test_client().post("/connexion", data={"nom": "camille", "mot_de_passe": "pas le bon"})
    assert response.status_code == 401
    assert_pattern(response, {"mot_de_passe"})


def test_first_run_marks_the_confirmation(app):
    response = app.test_client().post(
        "/premier-demarrage", data={"nom": "camille", "mot_de_passe": "un-long-mot-de-passe", "confirmation": "autre"}
    )
    assert_pattern(response, {"confirmation"})


def test_volunteer_code_marks_the_code(world):
    assert_pattern(world.app.test_client().post("/benevole/", data={"code": "ZZZZ-ZZZZ"}), {"code"})


def test_channel_choice_marks_the_first_channel(world):
    client = world.client("benevole_b")
    assert_pattern(client.post(f"/c/{CAMPAIGN_B}/equipe", data={"canal": "pigeon-voyageur"}), {"canal-1"})


def test_kiosk_exit_marks_the_code(world):
    client = world.client("benevole_b")
    client.get(f"/c/{CAMPAIGN_B}/?kiosque=1&canal=tablette")
    assert_pattern(client.post(f"/c/{CAMPAIGN_B}/kiosque/quitter", data={"code": "PAS-BON1"}), {"code"})


def test_a_page_without_errors_has_no_error_title_nor_marks(world):
    page = Page(
        world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_A}/etiquettes").get_data(as_text=True)
    )
    assert not page.title.startswith("Erreur") and page.summary is None
    assert "aria-invalid" not in page.by_id["etiquette"]
