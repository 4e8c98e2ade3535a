"""What a respondent's journey no longer recomputes, second round (issue 14): the whole form page
of a visitor it says nothing of, kept and filled in per request; a campaign looked up once per
change of its file; the limiter's before-request pass that found nothing; the answer index
extended with an answer's id alone. None of them may show a stale page, mix two visitors'
tokens or answers, let a limit go, or lose track of an answer."""

from __future__ import annotations

import random
import re
import uuid

import pytest

from survey import create_app
from survey.services.demo import load_demo
from survey.storage import ChunkedAnswerStore
from survey.storage import records as records_module
from survey.storage.answer_index import IdIndex
from survey.storage.records import RecordStore
from survey.web import public
from tests.factories import login_coordinator, make_answer
from tests.web.test_journey_costs import ANSWER_ID, CAMPAIGN, page, without_request_values

TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TOKEN_META = re.compile(r'name="csrf-token" content="([^"]+)"')
STARTED_AT = re.compile(r'name="started_at" type="hidden" value="([^"]*)"')


def rendered_page(client, monkeypatch, **args) -> str:
    """The page as rendered whole, without anything kept."""
    with monkeypatch.context() as patch:
        patch.setattr(public, "is_plain_visit", lambda *a: False)
        patch.setattr(public, "pristine_questions", lambda *a: None)
        return page(client, **args)


def kept_count(services) -> int:
    return sum(1 for key in services.form_classes if isinstance(key, tuple) and key[0] == "form-html")


# -- the whole form page, kept -------------------------------------------------------------------


def test_the_kept_form_page_is_the_rendered_one(client, services, monkeypatch):
    first = page(client)  # rendered, then kept
    assert kept_count(services) == 1
    kept = page(client)
    rendered = rendered_page(client, monkeypatch)
    assert without_request_values(kept) == without_request_values(rendered) == without_request_values(first)
    assert 'name="q_' in kept and "Envoyer mes réponses" in kept


def test_the_kept_page_comes_with_the_same_headers_and_a_session_cookie(app, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = True
    assert page(app.test_client())  # kept now

    def headers(response) -> dict:
        # Vary: the blank page alone may come gzipped (test_compressed_form_page.py)
        return {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Vary")}

    kept = app.test_client().get(f"/c/{CAMPAIGN}/")
    with monkeypatch.context() as patch:
        patch.setattr(public, "is_plain_visit", lambda *a: False)
        rendered = app.test_client().get(f"/c/{CAMPAIGN}/")
    assert headers(kept) == headers(rendered)
    assert "Content-Security-Policy" in kept.headers and "session=" in kept.headers["Set-Cookie"]


def test_the_next_visitors_are_served_the_kept_page_without_rendering_it(app, monkeypatch):
    first = page(app.test_client())

    def not_again(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(public, "render_form", not_again)
    for _ in range(3):
        assert without_request_values(page(app.test_client())) == without_request_values(first)
    assert without_request_values(page(app.test_client(), lang="fr")) == without_request_values(first)


def test_each_visitor_gets_their_own_token_answer_id_and_start_time(app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    alice, bob = app.test_client(), app.test_client()
    pages = [page(alice), page(bob), page(bob)]
    assert kept_count(services) == 1
    tokens = [TOKEN_FIELD.search(html).group(1) for html in pages]
    assert [TOKEN_META.search(html).group(1) for html in pages] == tokens  # the head's and the form's
    assert tokens[0] != tokens[1]
    ids = [ANSWER_ID.search(html).group(1) for html in pages]
    assert len(set(ids)) == 3
    assert all(STARTED_AT.search(html).group(1).endswith("Z") for html in pages)
    # The token of the kept page is the visitor's own: their answer is stored.
    sent = {"csrf_token": tokens[0], "answer_id": ids[0], "started_at": STARTED_AT.search(pages[0]).group(1)}
    sent.update(action="envoyer", q_internet="oui")
    assert alice.post(f"/c/{CAMPAIGN}/", data=sent).status_code == 303
    assert services.answers.get(CAMPAIGN, ids[0]) is not None
    # Bob's token is not Alice's: hers is refused in his session.
    refused = bob.post(f"/c/{CAMPAIGN}/", data={**sent, "answer_id": ids[1]})
    assert refused.status_code == 422


def test_a_changed_campaign_shows_on_the_form_at_once(client, services):
    assert "Une aide toute neuve" not in page(client)
    campaign = services.campaigns.get(CAMPAIGN)
    campaign.help_text = "Une aide toute neuve : le centre social, mardi."
    services.campaigns.save(campaign)
    assert "Une aide toute neuve" in page(client)


def test_each_language_has_its_own_kept_page(client, services):
    french = page(client)
    english = page(client, lang="en")
    assert '<html lang="en"' in english and '<html lang="fr"' in french
    assert without_request_values(page(client)) == without_request_values(french)
    assert without_request_values(page(client, lang="en")) == without_request_values(english)


@pytest.mark.parametrize(
    "args",
    [{"mode": "pas-a-pas"}, {"affiche": "A-q1"}, {"kiosque": "1"}, {"canal": "tablette"}, {"question": "internet"}],
)
def test_a_page_with_arguments_is_its_own(app, monkeypatch, args):
    kept = page(app.test_client())  # a kept page exists
    client = app.test_client()
    with_args = page(client, **args)
    assert without_request_values(with_args) == without_request_values(rendered_page(client, monkeypatch, **args))
    assert without_request_values(with_args) != without_request_values(kept)


def test_a_signed_in_coordinators_form_is_never_anyone_elses(app):
    anonymous, coordinator = app.test_client(), app.test_client()
    assert "Se déconnecter" not in page(anonymous)  # kept now
    login_coordinator(coordinator, app)
    assert "Se déconnecter" in page(coordinator)
    assert "Se déconnecter" not in page(anonymous)


def test_a_message_waiting_for_one_visitor_is_shown_to_them_alone(app):
    anonymous, told = app.test_client(), app.test_client()
    assert page(anonymous)  # kept now
    with told.session_transaction() as session:
        session["_flashes"] = [("message", "Votre tablette est prête.")]
    assert "Votre tablette est prête." in page(told)
    assert "Votre tablette est prête." not in page(anonymous)
    assert "Votre tablette est prête." not in page(told)  # shown once, as before


def test_a_kiosks_form_is_its_own(app):
    anonymous, kiosk = app.test_client(), app.test_client()
    assert "Quitter le mode kiosque" not in page(anonymous)  # kept now
    assert "Quitter le mode kiosque" in page(kiosk, kiosque="1")
    locked = kiosk.get(f"/c/{CAMPAIGN}/")  # the locked tablet, with no argument: back to its own page
    assert locked.status_code == 303 and "kiosque=1" in locked.headers["Location"]
    assert "Quitter le mode kiosque" not in page(anonymous)


def test_a_page_without_its_values_once_is_served_but_not_kept(client, services, monkeypatch):
    monkeypatch.setattr(public, "utc_now", lambda: "Porteur de parole")  # in the page more than once
    html = page(client)
    assert 'name="started_at" type="hidden" value="Porteur de parole"' in html
    assert kept_count(services) == 0


def test_split_and_fill_give_back_the_page():
    html = '<meta content="T"><input value="T"><input value="I"><input value="S">'
    parts = public.split_on(html, ("T", "I", "S"))
    assert public.fill(parts, ("T", "I", "S")) == html
    assert (
        public.fill(parts, ("a<b", "2", "3"))
        == '<meta content="a&lt;b"><input value="a&lt;b"><input value="2"><input value="3">'
    )
    assert public.split_on(html.replace('"I"', '"I I"'), ("T", "I", "S")) is None
    assert public.split_on(html.replace('"T"', '"x"'), ("T", "I", "S")) is None


# -- records looked up once per change of their file ----------------------------------------------


@pytest.fixture
def kept_at_once(monkeypatch):
    """Keep what is read even from a file written just now (the test writes and reads at once)."""
    monkeypatch.setattr(records_module, "SETTLED_NS", -(10**18))


def test_a_record_changed_by_another_process_is_read_at_once(tmp_path, kept_at_once):
    server, cli = RecordStore(tmp_path), RecordStore(tmp_path)
    server.put("campaigns", {"id": "quartier", "title": "Avant"})
    assert server.get("campaigns", "quartier")["title"] == "Avant"
    assert server.get("campaigns", "quartier")["title"] == "Avant"  # kept
    cli.put("campaigns", {"id": "quartier", "title": "Après"})  # the same size, another process
    assert server.get("campaigns", "quartier")["title"] == "Après"
    cli.delete("campaigns", "quartier")
    assert server.get("campaigns", "quartier") is None


def test_a_kept_record_cannot_be_changed_by_whoever_read_it(tmp_path, kept_at_once):
    store = RecordStore(tmp_path)
    store.put("campaigns", {"id": "quartier", "channels": ["qr"]})
    store.get("campaigns", "quartier")["channels"].append("tablette")
    first = store.get("campaigns", "quartier")
    first["channels"].append("papier")
    assert store.get("campaigns", "quartier") == {"id": "quartier", "channels": ["qr"]}


def test_a_file_written_within_the_second_is_read_again(tmp_path):
    store = RecordStore(tmp_path)
    store.put("campaigns", {"id": "quartier", "title": "Avant"})
    assert store.get("campaigns", "quartier")["title"] == "Avant"
    assert store._kept == {}  # too recent to be told apart from a write in the same tick
    # Writes one after the other, each of the same size: every read sees the last one.
    for n in range(20):
        store.put("campaigns", {"id": "quartier", "title": f"Titre {n:02d}"})
        assert store.get("campaigns", "quartier")["title"] == f"Titre {n:02d}"


def test_many_ids_asked_do_not_grow_what_is_kept(tmp_path, kept_at_once, monkeypatch):
    monkeypatch.setattr(records_module, "KEPT_RECORDS", 5)
    store = RecordStore(tmp_path)
    for n in range(12):
        store.put("campaigns", {"id": f"c{n}"})
    for n in range(12):
        assert store.get("campaigns", f"c{n}") == {"id": f"c{n}"}
        assert store.get("campaigns", f"absente-{n}") is None
    assert len(store._kept["campaigns"][1]) <= 5


# -- the limiter checks in the limited views only ----------------------------------------------------


def make_app(data_dir, **config):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **config}
    )
    load_demo(app.extensions["survey"])
    return app


def limiter_checks_before_each_request(app) -> bool:
    limiter = app.extensions["survey_limiter"]
    return limiter._check_request_limit in app.before_request_funcs.get(None, [])


def test_the_form_limit_holds_without_the_before_request_pass(tmp_path):
    app = make_app(tmp_path / "data", RATELIMIT_ENABLED=True, PUBLIC_RATE_LIMIT="2 per minute")
    assert not limiter_checks_before_each_request(app)
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    sent = {"q_internet": "oui", "action": "envoyer"}
    statuses = [
        phone.post(f"/c/{CAMPAIGN}/", data={**sent, "answer_id": str(uuid.uuid4())}).status_code for _ in range(3)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    assert phone.get(f"/c/{CAMPAIGN}/").status_code == 200  # the form's limit counts its posts only


def test_a_limit_for_every_page_keeps_the_before_request_pass(tmp_path):
    app = make_app(tmp_path / "data", RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute")
    assert limiter_checks_before_each_request(app)
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    assert [phone.get("/").status_code for _ in range(3)] == [200, 200, 429]


# -- the answer index, extended with the new ids alone ---------------------------------------------


def index_state(index: IdIndex) -> tuple:
    return (
        {n: (c.stat, list(c.entries)) for n, c in index.chunks.items()},
        index.numbers,
        index.total,
        {k: list(v) for k, v in index._buckets.items()},
    )


def test_extending_a_chunk_is_putting_all_its_ids():
    rng = random.Random(14)
    ids = {n: [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(60)] for n in (1, 2, 3)}
    extended, put = IdIndex(), IdIndex()
    for n, chunk_ids in ids.items():
        extended.put(n, (n, 0, 0), chunk_ids[:10])
        put.put(n, (n, 0, 0), chunk_ids[:10])
    for n, chunk_ids in ids.items():
        for start in range(10, 60, 7):
            extended.extend(n, (n, start, 1), chunk_ids[start : start + 7])
            put.put(n, (n, start, 1), chunk_ids[: start + 7])
    assert index_state(extended) == index_state(put)
    assert extended.changes == put.changes
    assert all(extended.candidates(a) == [n] for n, chunk_ids in ids.items() for a in chunk_ids)
    extended.extend(9, (9, 0, 0), ids[1][:1])  # a chunk it did not know: put
    assert 9 in extended.candidates(ids[1][0])


def test_answers_saved_one_by_one_are_found_by_a_fresh_store(tmp_path):
    store = ChunkedAnswerStore(tmp_path, chunk_size=10)
    sent = [make_answer("camp", "q", id=str(uuid.uuid4())) for _ in range(35)]
    for answer in sent:
        assert store.add(answer)
    index = store._campaigns["camp"].index
    fresh = ChunkedAnswerStore(tmp_path, chunk_size=10)
    assert [a["id"] for a in fresh.iter_answers("camp")] == [a["id"] for a in sent]
    assert all(fresh.get("camp", a["id"]) is not None for a in sent)
    assert index.total == 35
    assert all(len(index.candidates(a["id"])) == 1 for a in sent)


# -- the token of a refused form, and none sent again once stored -----------------------------------


def test_a_refused_form_shows_a_token_that_works_and_a_stored_one_sets_no_cookie(app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    phone = app.test_client()
    first = page(phone)
    sent = {"q_internet": "oui", "action": "envoyer", "answer_id": ANSWER_ID.search(first).group(1)}
    refused = phone.post(f"/c/{CAMPAIGN}/", data={**sent, "csrf_token": "périmé"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    token = TOKEN_FIELD.search(html).group(1)
    assert token == TOKEN_META.search(html).group(1) and token != "périmé"
    stored = phone.post(f"/c/{CAMPAIGN}/", data={**sent, "csrf_token": token})
    assert stored.status_code == 303 and "Set-Cookie" not in stored.headers
    assert services.answers.get(CAMPAIGN, sent["answer_id"]) is not None
