"""Handing a laptop campaign over to the shared instance (issue 15 §4), over real HTTP.

The instance is a real ``survey serve`` process on a real PostgreSQL (tests/storage's
cluster); the laptop is a data folder opened in this process, whose ``send_campaign`` (the
use case behind ``survey envoyer`` and the coordinator's page) talks to the instance over HTTP.
"""

from __future__ import annotations

import json

import pytest

from survey.services import handover_receive
from survey.services.handover import HandoverError, check_address, send_campaign
from tests.handover_support import (
    CAMPAIGN,
    add_answers,
    call,
    close_app,
    laptop,
    open_app,
    png,
    shared_instance,
    token,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database(postgres_server):
    """The session's cluster (tests/storage_switch.py), not one more started for this module."""
    return postgres_server


@pytest.fixture
def instance(database, tmp_path):
    """The shared instance: its own database, a real server process, and its services (to make tokens)."""
    with shared_instance(database.new_database(), tmp_path / "instance") as made:
        yield made


@pytest.fixture
def field(tmp_path):
    made = laptop(tmp_path / "laptop")
    yield made
    close_app(made["app"])


def no_wait(seconds: float) -> None:
    pass


def test_sending_twice_stores_once_and_both_sides_agree(instance, field):
    server, there = instance
    secret = token(there)
    first = send_campaign(field["svc"], CAMPAIGN, server.url, secret, sleep=no_wait)
    assert first.ok, first.lines()
    assert (first.outcomes["reponses"].stored, first.outcomes["reponses"].present) == (5, 0)
    assert first.outcomes["sessions"].stored == 1 and first.outcomes["photos"].stored == 1
    assert first.outcomes["versions"].stored == 1
    assert "vérifié : identiques" in first.lines()[0]
    # What the instance holds: the campaign, every answer (the corrected one as corrected,
    # with the fingerprint of what was first sent), the session and its photo.
    assert there.campaigns.get(CAMPAIGN) is not None
    assert there.answers.count(CAMPAIGN) == 5
    corrected = there.answers.get(CAMPAIGN, field["ids"][0])
    assert corrected == field["svc"].answers.get(CAMPAIGN, field["ids"][0])
    assert there.photos.read(CAMPAIGN, field["session"], field["photo"]) == png()

    second = send_campaign(field["svc"], CAMPAIGN, server.url, secret, sleep=no_wait)
    assert second.ok, second.lines()
    assert (second.outcomes["reponses"].stored, second.outcomes["reponses"].present) == (0, 5)
    assert second.outcomes["photos"].present == 1 and second.outcomes["sessions"].present == 1
    assert there.answers.count(CAMPAIGN) == 5
    assert second.here == second.there


def test_a_changed_answer_is_refused_and_listed_the_rest_stored(instance, field):
    server, there = instance
    secret = token(there)
    assert send_campaign(field["svc"], CAMPAIGN, server.url, secret, sleep=no_wait).ok
    changed = field["ids"][2]
    field["svc"].answers.change(CAMPAIGN, changed, lambda a: a.update(tags=["logement"]))
    add_answers(field["svc"], 3)

    report = send_campaign(field["svc"], CAMPAIGN, server.url, secret, sleep=no_wait)
    assert not report.ok
    assert report.outcomes["reponses"].stored == 3 and report.outcomes["reponses"].present == 4
    assert report.refused == [f"réponse {changed} : déjà présente à l'arrivée avec un autre contenu"]
    assert any(line.startswith("Refusé — réponse " + changed) for line in report.lines())
    assert report.differences and report.differences[0].startswith("réponses : ici 8")
    assert there.answers.count(CAMPAIGN) == 8
    assert there.answers.get(CAMPAIGN, changed)["tags"] == []  # never overwritten


def test_a_cut_midway_resumes_and_ends_identical(instance, field):
    server, there = instance
    secret = token(there)
    add_answers(field["svc"], 5)  # 10 answers: 5 batches of 2

    def cut(sent: int) -> None:
        if sent == 4:
            server.process.kill()
            server.process.wait()
            server.process.stdout.close()

    with pytest.raises(HandoverError) as cut_short:
        send_campaign(field["svc"], CAMPAIGN, server.url, secret, batch=2, sleep=no_wait, after_batch=cut)
    assert "relancez l'envoi" in cut_short.value.message
    assert there.answers.count(CAMPAIGN) == 4

    server.start()
    report = send_campaign(field["svc"], CAMPAIGN, server.url, secret, batch=2, sleep=no_wait)
    assert report.ok, report.lines()
    assert report.resumed == 4
    assert report.outcomes["reponses"].stored == 6 and report.outcomes["reponses"].present == 0
    assert "Reprise après une coupure : 4 réponses déjà reçues avant." in report.lines()
    assert there.answers.count(CAMPAIGN) == 10


def test_tokens_that_may_not_send_are_refused_in_french(instance, field):
    server, there = instance
    expired = token(there, days=-1)
    other = token(there, campaign="une-autre-campagne")
    revoked = token(there)
    handover_receive.revoke_token(there, handover_receive.token_hash(revoked))
    cases = [
        ("pas-un-jeton", 401, "Jeton d'envoi inconnu"),
        (expired, 401, "a expiré"),
        (revoked, 401, "a été retiré"),
        (other, 403, "fait pour la campagne « une-autre-campagne »"),
    ]
    for secret, status, words in cases:
        with pytest.raises(HandoverError) as refused:
            send_campaign(field["svc"], CAMPAIGN, server.url, secret, sleep=no_wait)
        assert f"Refusé par l'instance ({status})" in refused.value.message and words in refused.value.message
    status, body = call(f"{server.url}/api/remise/{CAMPAIGN}/bilan")
    assert status == 401 and body["message"].startswith("Jeton d'envoi manquant")
    assert there.answers.count(CAMPAIGN) == 0 and there.campaigns.get(CAMPAIGN) is None


def test_bad_input_gets_a_french_refusal_never_a_500(instance):
    server, there = instance
    secret = token(there)
    base = f"{server.url}/api/remise/{CAMPAIGN}"
    for body in (b"{pas du json", b"[" * 3000, json.dumps({"autre": []}).encode(), b"\xff\xfe"):
        status, answer = call(base + "/reponses", "POST", secret, body, "application/json")
        assert status == 400 and "pas lisible" in answer["message"]
    status, answer = call(base + "/campagne", "PUT", secret, json.dumps({"id": "autre"}).encode(), "application/json")
    assert status == 400 and "pas celle de l'adresse" in answer["message"]
    junk = {"reponses": [1, {"id": "pas-un-uuid"}, {"id": "0b6f1f6e-3a53-4f4f-9a7e-5a8d2c1e9f00", "campaign": "x"}]}
    status, answer = call(base + "/reponses", "POST", secret, json.dumps(junk).encode(), "application/json")
    assert status == 200 and answer["enregistres"] == 0 and len(answer["refuses"]) == 3
    status, answer = call(
        base + "/sessions", "POST", secret, json.dumps({"sessions": "x"}).encode(), "application/json"
    )
    assert status == 400
    status, answer = call(base + "/photos/s1/" + "a" * 32 + ".png", "PUT", secret, b"pas une image", "image/png")
    assert status == 404 and "envoyez d'abord les sessions" in answer["message"]
    bad_campaign = {"id": CAMPAIGN, "title": "T", "questionnaire": "q", "channels": "qr"}
    status, answer = call(base + "/campagne", "PUT", secret, json.dumps(bad_campaign).encode(), "application/json")
    assert status == 400 and "pas lisible" in answer["message"]
    junk_values = [None, [], 5, "x", {"id": 5}, {"id": CAMPAIGN, "retention_months": True}, [None, {"id": []}]]
    for path, method, key in (
        ("/campagne", "PUT", None),
        ("/versions", "PUT", "versions"),
        ("/reponses", "POST", "reponses"),
        ("/sessions", "POST", "sessions"),
    ):
        for value in junk_values:
            body = json.dumps(value if key is None else {key: value}).encode()
            status, answer = call(base + path, method, secret, body, "application/json")
            assert status in (200, 400) and answer["message" if status == 400 else "refuses"] is not None, (path, value)
    assert there.answers.count(CAMPAIGN) == 0 and there.campaigns.get(CAMPAIGN) is None


def test_plain_http_only_on_a_local_network():
    assert check_address("https://parole.exemple.org/") == "https://parole.exemple.org"
    assert check_address("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert check_address("http://192.168.1.20") == "http://192.168.1.20"
    for address in ("http://parole.exemple.org", "http://8.8.8.8", "ftp://exemple.org", "parole.exemple.org"):
        with pytest.raises(HandoverError) as refused:
            check_address(address)
        assert "https://" in refused.value.message


def test_the_instance_page_shows_a_token_once_and_keeps_only_its_hash(tmp_path):
    app = open_app(tmp_path / "instance")
    app.config["LOGIN_DISABLED"] = True
    client = app.test_client()
    page = client.post("/coordination/recevoir", data={"campagne": "Pas Valable!"})
    assert page.status_code == 422 and "Identifiant de campagne non valable" in page.get_data(as_text=True)
    page = client.post("/coordination/recevoir", data={"campagne": CAMPAIGN})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "il ne sera plus jamais affiché" in text
    [record] = handover_receive.tokens(app.extensions["survey"])
    assert record["active"] and record["campaign"] == CAMPAIGN
    shown = text.split('<p class="code-text long-link">')[1].split("</p>")[0]
    assert record["id"] == handover_receive.token_hash(shown) and shown not in json.dumps(record)
    assert shown not in client.get("/coordination/recevoir").get_data(as_text=True)
    assert client.post(f"/coordination/recevoir/{record['id']}/retirer").status_code == 303
    assert handover_receive.tokens(app.extensions["survey"])[0]["active"] is False


def test_the_laptop_page_sends_and_shows_the_report(instance, field):
    server, there = instance
    secret = token(there)
    app = field["app"]
    app.config["LOGIN_DISABLED"] = True
    client = app.test_client()
    page = client.get(f"/coordination/campagnes/{CAMPAIGN}/envoyer")
    assert page.status_code == 200 and 'for="jeton"' in page.get_data(as_text=True)
    page = client.post(f"/coordination/campagnes/{CAMPAIGN}/envoyer", data={"adresse": server.url, "jeton": secret})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Envoi terminé et vérifié" in text and "vérifié : identiques" in text
    page = client.post(
        f"/coordination/campagnes/{CAMPAIGN}/envoyer", data={"adresse": "http://parole.exemple.org", "jeton": secret}
    )
    assert page.status_code == 422 and "doit commencer par https://" in page.get_data(as_text=True)
