"""The door the tablets' queue sends answers through, the service worker's file, kiosk locking,
static compression and the queue import: without a browser (the browser tests are in
tests/browser/)."""

from __future__ import annotations

import gzip
import json
import re
import uuid

import pytest

from survey import create_app
from survey.cli import main
from survey.services.demo import load_demo

CAMPAIGN = "besoins-numeriques-habitants"
API = f"/api/c/{CAMPAIGN}/reponses"


def body(**overrides):
    answer = {
        "answer_id": str(uuid.uuid4()),
        "started_at": "2026-11-21T09:00:00Z",
        "submitted_at": "2026-11-21T09:03:00Z",
        "channel": "porte-a-porte",
        "answers": {
            "internet": "oui",
            "aisance": 4,
            "equipement": ["smartphone", "ordinateur"],
            "autre": "Plus d'ateliers le samedi",
        },
    }
    answer.update(overrides)
    return answer


def stored(services, campaign=CAMPAIGN):
    return list(services.answers.iter_answers(campaign))


def test_an_answer_is_stored_once_then_a_changed_one_is_refused(client, services):
    sent = body()
    first = client.post(API, json=sent)
    assert first.status_code == 201 and first.json["message"] == "Réponse enregistrée."
    assert client.post(API, json=sent).status_code == 200  # a resend after a lost reply
    changed = client.post(API, json={**sent, "answers": {"internet": "non"}})
    assert changed.status_code == 409 and "même identifiant" in changed.json["message"]
    [answer] = stored(services)
    # Sent by a public visitor: the server labels it « qr », whatever the payload says.
    assert answer["id"] == sent["answer_id"] and answer["channel"] == "qr"
    assert answer["answers"] == {
        "internet": "oui",
        "aisance": 4,
        "equipement": ["smartphone", "ordinateur"],
        "autre": "Plus d'ateliers le samedi",
    }
    # Finished offline at 9:03, synced later: the time it was finished is kept.
    assert answer["started_at"] == "2026-11-21T09:00:00Z" and answer["submitted_at"] == "2026-11-21T09:03:00Z"
    assert client.post(API, json=sent).headers["Cache-Control"] == "no-store"


def test_the_form_rules_give_french_errors_per_question(client, services):
    response = client.post(
        API, json=body(answers={"internet": "peut-etre", "aisance": 9, "autre": "x" * 5001, "equipement": ["fusee"]})
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "internet": "Choisissez une des réponses proposées.",
        "aisance": "Choisissez une des réponses proposées.",
        "equipement": "Choisissez une des réponses proposées.",
        "autre": "Votre réponse est trop longue : 5001 caractères pour 5000 au plus.",
    }
    assert response.json["message"] == "4 réponses à corriger."
    assert client.post(API, json=body(answer_id="pas-un-uuid")).status_code == 422
    assert stored(services) == []


def test_show_if_hidden_answers_are_dropped_and_other_needs_its_text(client, services):
    q = services.questionnaire_for(services.campaigns.get(CAMPAIGN))
    dependant = next(x for x in q.answerable if x.show_if)
    source = q.question(dependant.show_if.question)
    other_value = next(c.value for c in source.options if c.value not in dependant.show_if.values)
    sent = body(answers={source.id: other_value, dependant.id: [dependant.options[0].value]})
    assert client.post(API, json=sent).status_code == 201
    assert dependant.id not in stored(services)[0]["answers"]
    other = next(x for x in q.answerable if x.other and not x.show_if)
    missing = client.post(API, json=body(answers={other.id: "autre"}))
    assert missing.status_code == 422 and missing.json["errors"] == {other.id: "Précisez votre réponse « Autre »."}
    ok = client.post(API, json=body(answers={other.id: "autre", f"{other.id}__autre": "Ma voisine"}))
    assert ok.status_code == 201


def test_a_board_question_alone(client, services):
    sent = {
        "answer_id": str(uuid.uuid4()),
        "question": "complique",
        "poster": "A-complique",
        "channel": "qr",
        "answers": {"complique": "Oui, trop de mots de passe", "simplifie": "ignorée"},
    }
    assert client.post("/api/c/porteur-de-parole-numerique/reponses", json=sent).status_code == 201
    [answer] = stored(services, "porteur-de-parole-numerique")
    assert answer["answers"] == {"complique": "Oui, trop de mots de passe"} and answer["poster"] == "A-complique"
    assert (
        client.post("/api/c/porteur-de-parole-numerique/reponses", json={**sent, "question": "nope"}).status_code == 422
    )


def test_unknown_closed_and_unreadable(client, services):
    assert client.post("/api/c/inconnue/reponses", json=body()).status_code == 404
    assert client.post(API, data="pas du json", content_type="application/json").status_code == 400
    assert client.post(API, json=["une", "liste"]).status_code == 400
    campaign = services.campaigns.get(CAMPAIGN)
    campaign.closed = True
    services.campaigns.save(campaign)
    closed = client.post(API, json=body())
    assert closed.status_code == 410 and "fermé" in closed.json["message"]


def test_an_unknown_channel_falls_back_and_a_typed_collector_is_ignored(client, services):
    sent = body(channel="fusee", collector="Camille", session=None, poster="P" * 300)
    assert client.post(API, json=sent).status_code == 201
    answer = stored(services)[0]
    assert answer["channel"] == "qr" and answer["session"] is None and len(answer["poster"]) == 80
    assert answer["collector"] == ""  # only a volunteer code or a coordinator signs answers


def test_a_volunteer_signs_queued_answers_even_after_the_session_is_gone(app, client, services):
    from survey.services.volunteers import create

    code = create(services, CAMPAIGN, "Samia")["id"]
    client.get(f"/benevole/{code}")
    page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
    sealed = re.search(r'data-collector="([^"]+)"', page).group(1)
    assert "Samia" not in sealed or "." in sealed  # sealed, not plain text
    restarted = app.test_client()  # the tablet's browser was restarted: a new session
    assert restarted.post(API, json=body(collector=sealed)).status_code == 201
    forged = sealed[:-2] + ("AA" if not sealed.endswith("AA") else "BB")
    assert restarted.post(API, json=body(collector=forged)).status_code == 201
    other_campaign = restarted.post(
        "/api/c/questionnaire-structures/reponses",
        json={"answer_id": str(uuid.uuid4()), "answers": {"limites": "Le temps"}, "collector": sealed},
    )
    assert other_campaign.status_code == 201
    assert [a["collector"] for a in stored(services)] == ["Samia", ""]
    assert next(services.answers.iter_answers("questionnaire-structures"))["collector"] == ""


@pytest.fixture
def csrf_app(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "SECRET_KEY": "t"})
    load_demo(app.extensions["survey"])
    return app


def test_csrf_comes_from_the_meta_tag_or_a_fresh_token(csrf_app):
    client = csrf_app.test_client()
    page = client.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    refused = client.post(API, json=body())
    assert refused.status_code == 400 and refused.json["csrf"] is True
    assert client.post(API, json=body(), headers={"X-CSRFToken": token}).status_code == 201
    # After a browser restart the session is new: the queue asks for a token first.
    fresh = csrf_app.test_client()
    stale = fresh.post(API, json=body(), headers={"X-CSRFToken": token})
    assert stale.status_code == 400
    new_token = fresh.get("/api/jeton").json["token"]
    assert fresh.post(API, json=body(), headers={"X-CSRFToken": new_token}).status_code == 201


def test_the_form_page_carries_what_the_scripts_need(client):
    html = client.get(f"/c/{CAMPAIGN}/?canal=tablette").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert f'data-api="/api/c/{CAMPAIGN}/reponses"' in html and 'data-channel="qr"' in html  # a public visitor
    assert html.count('class="button listen" data-listen hidden') == 10
    assert 'id="merci-local"' in html and "Personne suivante" in html
    assert "<script>" not in html and " style=" not in html  # strict CSP
    for name in ("form.js", "readaloud.js"):
        assert f'<script src="/static/{name}" defer></script>' in html
    assert '<script type="module" src="/static/offline.js"></script>' in html  # its imports: test_offline_modules
    assert "kiosk.js" not in html  # only a kiosk tablet's form needs it (test_kiosk)


def test_the_service_worker_is_served_from_the_root_and_versioned(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/" and response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{12})"', source).group(1)
    assets = json.loads(re.search(r"const ASSETS = (\[.*?\]);", source).group(1))
    assert "/static/offline.js" in assets and "/static/style.css" in assets
    assert client.get("/sw.js").get_data(as_text=True).count(version) == 1


def test_static_files_are_gzipped_but_pages_that_reflect_the_visitor_are_not(client):
    response = client.get("/static/offline.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "survey" / "static" / "offline.js").read_bytes()
    assert gzip.decompress(response.get_data()) == source
    assert response.headers["ETag"].startswith('W/"')
    with client.get(
        "/static/offline.js", headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    ) as again:
        assert again.status_code == 304  # the weak ETag still revalidates
    with client.get("/static/offline.js") as plain:  # a client that does not ask for gzip
        assert "Content-Encoding" not in plain.headers and plain.get_data() == source
    # a page with a CSRF token and what the visitor chose: never (BREACH); the blank form alone
    # is (test_compressed_form_page.py)
    page = client.get(f"/c/{CAMPAIGN}/", query_string={"affiche": "marche"}, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers


def test_kiosk_mode_locks_the_session_to_its_campaign(client, services):
    from survey.services.kiosk_codes import set_kiosk_code

    code = set_kiosk_code(services, CAMPAIGN)
    form = client.get(f"/c/{CAMPAIGN}/?kiosque=1&canal=tablette")
    html = form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    assert 'data-kiosk autocomplete="off"' in html and 'href="/"' not in html
    assert "Exporter la file" not in html  # nobody passing by takes the others' answers
    assert "Quitter le mode kiosque" in html
    for elsewhere in ("/", "/c/atelier-citoyennete/", "/coordination/", "/aide/certificat", f"/c/{CAMPAIGN}/"):
        response = client.get(elsewhere)
        assert response.status_code == 303, elsewhere
        assert response.headers["Location"] == f"/c/{CAMPAIGN}/?canal=tablette&kiosque=1"
    thanks = client.get(f"/c/{CAMPAIGN}/merci?kiosque=1")
    assert thanks.headers["Cache-Control"] == "no-store" and "data-kiosk-thanks" in thanks.get_data(as_text=True)
    wrong = client.post(f"/c/{CAMPAIGN}/kiosque/quitter", data={"code": "ABCD-EFGH"})
    assert wrong.status_code == 422
    right = client.post(f"/c/{CAMPAIGN}/kiosque/quitter", data={"code": code.lower()})
    assert right.status_code == 303 and client.get("/").status_code == 200


def test_kiosk_exit_is_throttled(client, services):
    from survey.services.kiosk_codes import set_kiosk_code

    code = set_kiosk_code(services, CAMPAIGN)
    client.get(f"/c/{CAMPAIGN}/?kiosque=1")
    for _ in range(5):
        client.post(f"/c/{CAMPAIGN}/kiosque/quitter", data={"code": "ABCD-EFGH"})
    blocked = client.post(f"/c/{CAMPAIGN}/kiosque/quitter", data={"code": code})
    assert blocked.status_code == 422 and "Trop d&#39;essais" in blocked.get_data(as_text=True)


def test_kiosk_code_command(runner, tmp_path):
    data = str(tmp_path / "d")
    runner.invoke(main, ["demo", "--data", data])
    made = runner.invoke(main, ["code-kiosque", CAMPAIGN, "--data", data])
    code = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4})", made.output).group(1)
    assert "Nouveau code kiosque" in made.output
    shown = runner.invoke(main, ["code-kiosque", CAMPAIGN, "--data", data])
    assert code in shown.output and "Nouveau" not in shown.output
    assert code not in runner.invoke(main, ["code-kiosque", CAMPAIGN, "--nouveau", "--data", data]).output
    missing = runner.invoke(main, ["code-kiosque", "inconnue", "--data", data])
    assert missing.exit_code == 1 and "n'existe pas" in missing.output


def test_import_queue_says_in_french_what_it_did(runner, tmp_path):
    data = str(tmp_path / "d")
    runner.invoke(main, ["demo", "--data", data])
    good = {"campaign": CAMPAIGN, **body()}
    queue = {
        "format": "porteur-de-parole/file-d-attente",
        "version": 1,
        "answers": [
            good,
            {"campaign": "inconnue", **body()},
            {"campaign": CAMPAIGN, **body(answers={"internet": "peut-etre"})},
        ],
    }
    path = tmp_path / "file.json"
    path.write_text(json.dumps(queue), encoding="utf-8")
    result = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert result.exit_code == 0
    assert "Fichier : 3 réponses." in result.output and "1 importée" in result.output
    assert "2 refusées" in result.output
    assert "la campagne « inconnue » n'existe pas ici" in result.output
    assert "internet : Choisissez une des réponses proposées." in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{pas du json", encoding="utf-8")
    unreadable = runner.invoke(main, ["import-queue", str(bad), "--data", data])
    assert unreadable.exit_code == 1 and "Impossible de lire" in unreadable.output


def test_certificate_help_without_a_certificate_says_how_to_make_one(client):
    page = client.get("/aide/certificat").get_data(as_text=True)
    assert "mode sécurisé (HTTPS)" in page and "Aucun certificat" in page and "survey serve" not in page
    assert client.get("/aide/certificat.crt").status_code == 404
