"""What a respondent's POST no longer pays for (issue 15, submissions on a shared instance): a
CSRF token signed for a page nobody will see, Flask-Limiter's resolution of limits for the
machine itself (never counted), Flask's ``inspect`` of every hook. None of them may let a
limit go, show a page without a valid token, or keep functions without end."""

from __future__ import annotations

import re
import uuid

import flask_wtf.csrf
import pytest
from flask import after_this_request

from survey import create_app
from survey.services.demo import load_demo
from survey.services.handover_receive import make_token

CAMPAIGN = "besoins-numeriques-habitants"
TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TOKEN_META = re.compile(r'name="csrf-token" content="([^"]+)"')
PHONE = "10.3.3.3"  # a phone on the Wi-Fi


def make_app(data_dir, **config):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", **config})
    load_demo(app.extensions["survey"])
    return app


@pytest.fixture
def signatures(monkeypatch) -> list[str]:
    """Every CSRF token Flask-WTF signs for a form field, as it signs it."""
    made: list[str] = []
    sign = flask_wtf.csrf.generate_csrf

    def counted(*args, **kwargs):
        made.append(sign(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(flask_wtf.csrf, "generate_csrf", counted)
    return made


def answer(token: str, **answers) -> dict:
    return {"csrf_token": token, "answer_id": str(uuid.uuid4()), "action": "envoyer", **answers}


def test_an_answer_saved_signs_no_token_for_a_page_nobody_sees(tmp_path, signatures):
    app = make_app(tmp_path / "data")
    phone = app.test_client()
    token = TOKEN_FIELD.search(phone.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)).group(1)
    signatures.clear()
    response = phone.post(f"/c/{CAMPAIGN}/", data=answer(token, q_internet="oui"))
    assert response.status_code == 303
    assert signatures == []
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 1


def test_a_form_shown_again_carries_the_request_token_and_it_is_accepted(tmp_path, signatures):
    app = make_app(tmp_path / "data")
    phone = app.test_client()
    token = TOKEN_FIELD.search(phone.get(f"/c/{CAMPAIGN}/").get_data(as_text=True)).group(1)
    signatures.clear()  # the form page's own (signed a second earlier, it would differ)
    refused = phone.post(f"/c/{CAMPAIGN}/", data=answer(token, q_internet="peut-etre-pas"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    shown = TOKEN_FIELD.search(page).group(1)
    assert set(signatures) == {shown}  # signed when the page was shown, one token per request
    assert shown == TOKEN_META.search(page).group(1)  # the page's scripts send the same one
    corrected = phone.post(f"/c/{CAMPAIGN}/", data=answer(shown, q_internet="oui"))
    assert corrected.status_code == 303
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 1


def test_a_form_with_a_stale_token_is_shown_again_with_a_fresh_one(tmp_path, signatures):
    app = make_app(tmp_path / "data")
    phone = app.test_client()
    phone.get(f"/c/{CAMPAIGN}/")
    signatures.clear()  # the form page's own (signed a second earlier, it would differ)
    refused = phone.post(f"/c/{CAMPAIGN}/", data=answer("pas-un-jeton", q_internet="oui"))
    assert refused.status_code == 422  # the answers are kept in the page, with a token to send again
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 0
    fresh = TOKEN_FIELD.search(refused.get_data(as_text=True)).group(1)
    assert set(signatures) == {fresh}
    assert phone.post(f"/c/{CAMPAIGN}/", data=answer(fresh, q_internet="oui")).status_code == 303
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 1


@pytest.mark.parametrize("machine", ["127.0.0.1", "::1"])
def test_the_machine_itself_is_never_counted_and_a_phone_is(tmp_path, machine):
    app = make_app(
        tmp_path / "data",
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        PUBLIC_RATE_LIMIT="1 per minute",
        VOLUNTEER_CODE_RATE_LIMIT="1 per minute",
        HANDOVER_RATE_LIMIT="1 per minute",
    )
    laptop, phone = app.test_client(), app.test_client()
    laptop.environ_base["REMOTE_ADDR"] = machine
    phone.environ_base["REMOTE_ADDR"] = PHONE
    sent = {"q_internet": "oui", "action": "envoyer"}
    form = f"/c/{CAMPAIGN}/"
    assert [laptop.post(form, data={**sent, "answer_id": str(uuid.uuid4())}).status_code for _ in range(3)] == [303] * 3
    assert [phone.post(form, data={**sent, "answer_id": str(uuid.uuid4())}).status_code for _ in range(2)] == [303, 429]
    assert app.extensions["survey"].answers.count(CAMPAIGN) == 4
    # Volunteer codes: guessing from the Wi-Fi is counted, typed and as links alike.
    assert 429 not in [laptop.post("/benevole/", data={"code": "ZZZ-ZZZ"}).status_code for _ in range(3)]
    assert phone.post("/benevole/", data={"code": "ZZZ-ZZZ"}).status_code != 429
    assert phone.post("/benevole/", data={"code": "ZZZ-ZZZ"}).status_code == 429
    # A laptop's hand-over, the same rule.
    handover = f"/api/remise/{CAMPAIGN}/reponses"
    bearer = {"Authorization": f"Bearer {make_token(app.extensions['survey'], CAMPAIGN, 1, 'camille')}"}
    sent_over = lambda client: client.post(handover, json={"reponses": []}, headers=bearer).status_code  # noqa: E731
    assert [sent_over(laptop) for _ in range(3)] == [200] * 3
    assert [sent_over(phone) for _ in range(2)] == [200, 429]


def test_hooks_are_made_sync_once_and_functions_of_one_request_do_not_pile_up(tmp_path):
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False)
    app.SYNC_KEPT = 16

    @app.route("/essai-apres-la-requete")
    def marked():
        @after_this_request
        def mark(response):
            response.headers["X-Essai"] = "vu"
            return response

        return "ok"

    client = app.test_client()
    assert all(client.get("/essai-apres-la-requete").headers.get("X-Essai") == "vu" for _ in range(40))
    assert len(app._made_sync) <= 16
    hook = app.before_request_funcs[None][0]
    assert app.ensure_sync(hook) is app.ensure_sync(hook)


def limiter_hooks(app) -> list:
    limiter = app.extensions["survey_limiter"]
    after = [h for h in app.after_request_funcs.get(None, []) if limiter in getattr(h, "args", ())]
    teardown = [h for h in app.teardown_request_funcs.get(None, []) if getattr(h, "__self__", None) is limiter]
    return after + teardown


def test_the_limiter_hooks_every_request_only_for_what_the_configuration_asks(tmp_path):
    assert limiter_hooks(make_app(tmp_path / "a", RATELIMIT_ENABLED=True)) == []
    app = make_app(
        tmp_path / "b",
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
        PUBLIC_RATE_LIMIT="5 per minute",
    )
    assert len(limiter_hooks(app)) == 1  # the headers' hook; the teardown's state goes with the request
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = PHONE
    sent = {"q_internet": "oui", "action": "envoyer", "answer_id": str(uuid.uuid4())}
    response = phone.post(f"/c/{CAMPAIGN}/", data=sent)
    assert response.status_code == 303
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "4"
