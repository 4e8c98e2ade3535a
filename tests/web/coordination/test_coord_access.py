"""Who reaches what: the URL × role table, ids guessed by an attacker, CSRF, headers,
rate limits, secure cookies and the login throttle."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from werkzeug.routing import Rule

from survey import create_app
from survey.services.volunteers import new_code
from tests.coord_world import CAMPAIGN_A, CAMPAIGN_B, ROLES, SECRET_A, SECRET_B, make_world

ANON, VOL_A, VOL_B, COORD = ROLES
EVERYONE = set(ROLES)
COORD_ONLY = {COORD}

# (method, URL, form data, roles allowed). Everything under /coordination is for coordinators.
GET_TABLE = [
    ("/", EVERYONE),
    ("/c/{A}/", EVERYONE),
    ("/c/{A}/equipe", EVERYONE),
    ("/c/{A}/confidentialite", EVERYONE),
    ("/coordination/", COORD_ONLY),
    ("/coordination/journal", COORD_ONLY),
    ("/coordination/campagnes/nouvelle", COORD_ONLY),
    ("/coordination/campagnes/{A}/", COORD_ONLY),
    ("/coordination/campagnes/{A}/modifier", COORD_ONLY),
    ("/coordination/campagnes/{A}/resultats", COORD_ONLY),
    ("/coordination/campagnes/{B}/resultats", COORD_ONLY),
    ("/coordination/campagnes/{A}/synthese", COORD_ONLY),
    ("/coordination/campagnes/{A}/reponses", COORD_ONLY),
    ("/coordination/campagnes/{A}/reponses?q=secret", COORD_ONLY),
    ("/coordination/campagnes/{A}/reponses/{aid}", COORD_ONLY),
    ("/coordination/campagnes/{B}/reponses/{bid}", COORD_ONLY),
    ("/coordination/campagnes/{A}/reponses/{aid}/supprimer", COORD_ONLY),
    ("/coordination/campagnes/{A}/etiquettes", COORD_ONLY),
    ("/coordination/campagnes/{A}/benevoles", COORD_ONLY),
    ("/coordination/campagnes/{A}/donnees", COORD_ONLY),
    ("/coordination/campagnes/{A}/exporter", COORD_ONLY),
]
# POSTs that change something; "check" says how to see that nothing changed when denied.
POST_TABLE = [
    ("/coordination/campagnes/{A}/fermer", {"confirmer": "oui"}, "open"),
    ("/coordination/campagnes/{A}/rouvrir", {}, "open"),
    (
        "/coordination/campagnes/{A}/modifier",
        {"title": "Piraté", "questionnaire": CAMPAIGN_A, "channels": ["qr"], "retention_months": "12"},
        "title",
    ),
    (
        "/coordination/campagnes/nouvelle",
        {
            "identifier": "pirate",
            "title": "Piraté",
            "questionnaire": CAMPAIGN_A,
            "channels": ["qr"],
            "retention_months": "12",
        },
        "no-new-campaign",
    ),
    ("/coordination/campagnes/{A}/reponses/{aid}/masquer", {"masquer": "1"}, "answer"),
    ("/coordination/campagnes/{A}/reponses/{aid}/etiquettes", {"etiquette": ["thème"]}, "answer"),
    ("/coordination/campagnes/{A}/reponses/{aid}/citer", {"question": "simplifie", "citer": "1"}, "answer"),
    ("/coordination/campagnes/{A}/reponses/{aid}/supprimer", {"confirmer": "oui"}, "answer"),
    ("/coordination/campagnes/{A}/etiquettes", {"etiquette": "intrus"}, "tags"),
    ("/coordination/campagnes/{A}/benevoles", {"pseudonyme": "Intrus"}, "codes"),
    ("/coordination/campagnes/{A}/benevoles/{code_a}/retirer", {}, "codes"),
    ("/coordination/campagnes/{A}/purger", {}, "answer"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = make_world(tmp_path_factory.mktemp("coord-access") / "data")
    from survey.services.tags import add_tag

    add_tag(world.svc, CAMPAIGN_A, "thème")
    return world


def text(response) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True))


def denied(response) -> bool:
    """Sent to the login page, or refused, and never a page with answers."""
    if response.status_code in (302, 303):
        return response.headers["Location"].startswith("/connexion")
    return response.status_code in (401, 403, 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path, allowed", GET_TABLE, ids=[row[0] for row in GET_TABLE])
def test_get_table(world, path, allowed, role):
    response = world.client(role).get(world.fill(path))
    body = response.get_data(as_text=True)
    if role in allowed:
        assert response.status_code == 200, body[:500]
    else:
        assert denied(response), (response.status_code, body[:300])
        assert SECRET_A not in body and SECRET_B not in body


def _state(world, check):
    svc = world.svc
    if check == "open":
        return svc.campaigns.get(CAMPAIGN_A).closed
    if check == "title":
        return svc.campaigns.get(CAMPAIGN_A).title
    if check == "no-new-campaign":
        return svc.campaigns.get("pirate")
    if check == "answer":
        return svc.answers.get(CAMPAIGN_A, world.answer_a)
    if check == "tags":
        return svc.records.get("campaign_tags", CAMPAIGN_A)
    if check == "codes":
        return sorted(map(str, svc.records.all("volunteers")))


@pytest.mark.parametrize("role", [ANON, VOL_A, VOL_B])
@pytest.mark.parametrize("path, data, check", POST_TABLE, ids=[row[0] for row in POST_TABLE])
def test_post_table_denied(world, path, data, check, role):
    before = _state(world, check)
    response = world.client(role).post(world.fill(path), data=data)
    assert denied(response), response.status_code
    assert _state(world, check) == before


@pytest.mark.parametrize("path, data, check", POST_TABLE, ids=[row[0] for row in POST_TABLE])
def test_post_table_allowed_for_coordinator(tmp_path, path, data, check):
    fresh = make_world(tmp_path / "data")
    from survey.services.tags import add_tag

    add_tag(fresh.svc, CAMPAIGN_A, "thème")
    if path.endswith("/rouvrir"):
        campaign = fresh.svc.campaigns.get(CAMPAIGN_A)
        campaign.closed = True
        fresh.svc.campaigns.save(campaign)
    if path.endswith("/purger"):  # make the answer old enough to be purged
        fresh.svc.answers.update(
            CAMPAIGN_A, fresh.answer_a, lambda a: a.__setitem__("submitted_at", "2001-01-01T00:00:00Z")
        )
    before = _state(fresh, check)
    response = fresh.client(COORD).post(fresh.fill(path), data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert not response.headers["Location"].startswith("/connexion")
    assert _state(fresh, check) != before


def test_every_coordination_route_is_closed_to_others(world):
    """Any route under /coordination, even one added later by another feature, refuses
    anonymous people and volunteers (GET and POST), whatever the campaign."""
    rules: list[Rule] = [r for r in world.app.url_map.iter_rules() if r.rule.startswith("/coordination")]
    assert len(rules) >= 20
    values = {
        "campaign_id": CAMPAIGN_A,
        "answer_id": world.answer_a,
        "code": world.code_a,
        "fmt": "csv",
        "kind": "affiche",
    }
    for role in (ANON, VOL_A, VOL_B):
        client = world.client(role)
        for rule in rules:
            url = rule.rule
            for name in rule.arguments:
                url = re.sub(rf"<(?:[a-z]+:)?{name}>", values.get(name, "x"), url)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                response = client.open(url, method=method)
                assert denied(response), (role, method, url, response.status_code)
                body = response.get_data(as_text=True)
                assert SECRET_A not in body and SECRET_B not in body


def test_volunteer_sees_only_own_counts(world):
    page = world.client(VOL_A).get("/benevole/").get_data(as_text=True)
    assert "Bonjour Alice" in page and "mes-chiffres" in page
    assert "Bruno" not in page and SECRET_A not in page
    other = world.client(VOL_B).get("/benevole/").get_data(as_text=True)
    assert "Bonjour Bruno" in other and "Alice" not in other
    for role in (ANON, COORD):
        page = world.client(role).get("/benevole/").get_data(as_text=True)
        assert "mes-chiffres" not in page and 'name="code"' in page


# -- an attacker guessing ids ------------------------------------------------------------

GUESSED_ANSWER_IDS = [
    "{bid}",  # a real answer, but of campaign B
    str(uuid.UUID(int=0)),
    "{random}",  # well-formed ids that do not exist
    "..",
    "..%2F..%2Fsecret_key",
    "%2e%2e%2f%2e%2e%2frecords",
    "....//....//secret_key",
    "000001.json",
    "{aid_upper}",
    "{aid} ",
    "<script>",
    "x" * 300,
    "%00",
]


@pytest.mark.parametrize("guess", GUESSED_ANSWER_IDS)
@pytest.mark.parametrize("suffix", ["", "/supprimer"])
def test_guessed_answer_ids_show_nothing(world, guess, suffix):
    client = world.client(COORD)
    guess = guess.format(bid=world.answer_b, aid=world.answer_a, random=uuid.uuid4(), aid_upper=world.answer_a.upper())
    response = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{guess}{suffix}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert SECRET_A not in body and SECRET_B not in body
    assert "n'existe pas" in html.unescape(body)


def test_answer_of_campaign_a_under_campaign_b_cannot_be_changed(world):
    client = world.client(COORD)
    before = world.svc.answers.get(CAMPAIGN_A, world.answer_a)
    base = f"/coordination/campagnes/{CAMPAIGN_B}/reponses/{world.answer_a}"
    for action, data in (
        ("/masquer", {"masquer": "1"}),
        ("/etiquettes", {"etiquette": ["thème"]}),
        ("/citer", {"question": "simplifie", "citer": "1"}),
        ("/supprimer", {"confirmer": "oui"}),
    ):
        response = client.post(base + action, data=data)
        assert response.status_code == 404, action
        assert SECRET_A not in response.get_data(as_text=True)
    assert world.svc.answers.get(CAMPAIGN_A, world.answer_a) == before


@pytest.mark.parametrize("campaign", ["inconnue", "..", "..%2F..%2Frecords", "DEMO", "a" * 200, "%00", "records"])
def test_guessed_campaign_ids(world, campaign):
    client = world.client(COORD)
    for path in ("/", "/resultats", "/reponses", "/synthese", "/donnees", "/benevoles"):
        response = client.get(f"/coordination/campagnes/{campaign}{path}")
        assert response.status_code == 404, (campaign, path)
    assert client.post(f"/coordination/campagnes/{campaign}/purger").status_code == 404


def test_revoking_a_code_through_another_campaign_does_nothing(world):
    client = world.client(COORD)
    client.post(f"/coordination/campagnes/{CAMPAIGN_B}/benevoles/{world.code_a}/retirer")
    assert world.svc.records.get("volunteers", world.code_a)["revoked_at"] is None
    assert world.client(VOL_A).get("/benevole/").status_code == 200


def test_guessed_volunteer_codes_give_no_access(world):
    client = world.app.test_client()
    for guess in (new_code(), "AAAA-AAAA", "../../secret_key", world.code_a.lower()[:-1], "x" * 100):
        response = client.get(f"/benevole/{guess}")
        assert response.status_code == 404
        with client.session_transaction() as session:
            assert "volunteer" not in session
    response = client.post("/benevole/", data={"code": new_code()})
    assert response.status_code == 422 and "pas valable" in text(response)


# -- CSRF, headers, cookies --------------------------------------------------------------


def test_csrf_is_checked_on_coordinator_actions(tmp_path):
    world = make_world(tmp_path / "data", WTF_CSRF_ENABLED=True)
    client = world.client(COORD)
    url = f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}/masquer"
    response = client.post(url, data={"masquer": "1"})
    assert response.status_code == 400
    assert "expiré" in text(response)
    assert not world.svc.answers.get(CAMPAIGN_A, world.answer_a)["hidden"]
    page = client.get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(url, data={"masquer": "1", "csrf_token": token})
    assert response.status_code == 303
    assert world.svc.answers.get(CAMPAIGN_A, world.answer_a)["hidden"] is True


def test_security_headers_and_no_cache_on_answer_pages(world):
    response = world.client(COORD).get(f"/coordination/campagnes/{CAMPAIGN_A}/reponses/{world.answer_a}")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert world.client(VOL_A).get("/benevole/").headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "style=" not in body


def test_session_cookie_secure_only_over_https(tmp_path, monkeypatch):
    def login_cookie(app):
        from tests.coord_world import add_account

        add_account(app)
        response = app.test_client().post("/connexion", data={"nom": "camille", "mot_de_passe": "un-mot-de-passe-long"})
        assert response.status_code == 303
        return response.headers["Set-Cookie"]

    plain = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "a"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    cookie = login_cookie(plain)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "b"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "HTTPS": True}
    )
    assert "Secure" in login_cookie(https)
    monkeypatch.setenv("SURVEY_HTTPS", "1")
    from_env = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "c"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    assert from_env.config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SURVEY_HTTPS", "0")
    off = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "d"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    assert not off.config["SESSION_COOKIE_SECURE"]


# -- rate limits --------------------------------------------------------------------------


def _post_answer(client, text="bonjour", address="10.0.0.1"):
    return client.post(
        f"/c/{CAMPAIGN_A}/",
        data={
            "answer_id": str(uuid.uuid4()),
            "started_at": "2026-01-01T10:00:00Z",
            "q_simplifie": text,
            "action": "envoyer",
        },
        environ_base={"REMOTE_ADDR": address},
    )


def test_public_form_is_rate_limited_per_client(tmp_path):
    world = make_world(tmp_path / "data", RATELIMIT_ENABLED=True, PUBLIC_RATE_LIMIT="3 per minute")
    client = world.app.test_client()
    before = world.svc.answers.count(CAMPAIGN_A)
    assert [_post_answer(client).status_code for _ in range(3)] == [303, 303, 303]
    blocked = _post_answer(client)
    assert blocked.status_code == 429
    page = text(blocked)
    assert "Trop d'envois" in page and "Attendez une minute" in page and 'lang="fr"' in page
    assert blocked.headers["Retry-After"] == "60"
    assert world.svc.answers.count(CAMPAIGN_A) == before + 3
    # Reading the form is not limited; another device is not blocked.
    assert client.get(f"/c/{CAMPAIGN_A}/", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    assert _post_answer(client, address="10.0.0.2").status_code == 303
    # The laptop itself (its own browser, a benchmark) is not limited.
    assert all(_post_answer(client, address="127.0.0.1").status_code == 303 for _ in range(5))


def test_rate_limit_is_off_in_tests_by_default(world):
    client = world.app.test_client()
    assert all(_post_answer(client).status_code == 303 for _ in range(40))


def test_volunteer_code_guessing_is_rate_limited(tmp_path):
    world = make_world(tmp_path / "data", RATELIMIT_ENABLED=True, VOLUNTEER_CODE_RATE_LIMIT="3 per minute")
    client = world.app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"  # a phone on the Wi-Fi
    statuses = [client.post("/benevole/", data={"code": new_code()}).status_code for _ in range(2)]
    statuses.append(client.get(f"/benevole/{new_code()}").status_code)
    assert statuses == [422, 422, 404]
    blocked = client.get(f"/benevole/{world.code_a}")  # even the right code now waits
    assert blocked.status_code == 429
    assert "Trop d'essais de code" in text(blocked)
    assert client.get("/benevole/").status_code == 200  # the page itself stays readable


# -- the login throttle ---------------------------------------------------------------------


def test_login_throttle_slows_the_guesser_not_the_owner(tmp_path):
    world = make_world(tmp_path / "data")
    client = world.app.test_client()

    def login(name, password, address):
        return client.post(
            "/connexion", data={"nom": name, "mot_de_passe": password}, environ_base={"REMOTE_ADDR": address}
        )

    for _ in range(5):
        assert login("camille", "mauvais-mot-de-passe", "10.1.1.1").status_code == 401
    blocked = login("camille", "un-mot-de-passe-long", "10.1.1.1")
    assert blocked.status_code == 429
    assert "Trop d'essais" in text(blocked)
    # The owner, on her own device, is not locked out by someone else's guesses.
    assert login("camille", "un-mot-de-passe-long", "10.9.9.9").status_code == 303
    from tests.coord_world import add_account

    add_account(world.app, "dominique", "un-autre-mot-de-passe")
    assert login("dominique", "un-autre-mot-de-passe", "10.1.1.1").status_code == 303  # another name
    actions = [e["action"] for e in world.svc.records.all("audit")]
    assert actions.count("connexion") == 2


# -- two structures on one instance, and the network's coordinator (issue 15 §3) --------------

from survey.model.structure import DEFAULT_ID  # noqa: E402
from tests.coord_world import CAMPAIGN_C, SECRET_C, STRUCTURE_2, add_second_structure  # noqa: E402

COORD_2, NETWORK = "coordination_nord", "reseau"
# Each structure's campaign with what its URLs name: A is camille's (default structure), C dominique's.
OWN = {
    "A": {"campaign": CAMPAIGN_A, "answer": "aid", "code": "code_a"},
    "C": {"campaign": CAMPAIGN_C, "answer": "cid", "code": "code_c"},
}
SEES = {COORD: {"A"}, COORD_2: {"C"}, NETWORK: {"A", "C"}}
SECRETS = {"A": SECRET_A, "C": SECRET_C}
# Addresses open to everyone whoever they are (the form, its notice, a wall made public, the
# tablets' and the laptops' APIs): a coordinator of another structure is anyone there.
PUBLIC_PREFIXES = ("/c/", "/mur/", "/api/")
# The POSTs that change one campaign (a new campaign: test_new_campaign_belongs_to_the_coordinators_structure).
CAMPAIGN_POSTS = [row for row in POST_TABLE if "{A}" in row[0]]
# Every page of one campaign a coordinator opens (GET), from the coordinator space and the field.
CAMPAIGN_PAGES = [
    "/coordination/campagnes/{X}/",
    "/coordination/campagnes/{X}/modifier",
    "/coordination/campagnes/{X}/fermer",
    "/coordination/campagnes/{X}/resultats",
    "/coordination/campagnes/{X}/synthese",
    "/coordination/campagnes/{X}/reponses",
    "/coordination/campagnes/{X}/reponses?q=secret",
    "/coordination/campagnes/{X}/reponses/{xid}",
    "/coordination/campagnes/{X}/reponses/{xid}/supprimer",
    "/coordination/campagnes/{X}/reponses/{xid}/corriger",
    "/coordination/campagnes/{X}/etiquettes",
    "/coordination/campagnes/{X}/benevoles",
    "/coordination/campagnes/{X}/donnees",
    "/coordination/campagnes/{X}/exporter",
    "/coordination/campagnes/{X}/export.csv",
    "/coordination/campagnes/{X}/export.json",
    "/coordination/campagnes/{X}/imprimer",
    "/coordination/campagnes/{X}/terrain",
    "/coordination/campagnes/{X}/terrain.csv",
    "/coordination/campagnes/{X}/envoyer",
    "/terrain/{X}/",
    "/terrain/{X}/saisies",
    "/terrain/{X}/papier",
    "/terrain/{X}/transcription",
    "/terrain/{X}/mur",
    "/terrain/{X}/sessions/nouvelle",
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    world = add_second_structure(make_world(tmp_path_factory.mktemp("structures") / "data"))
    from survey.services.tags import add_tag

    add_tag(world.svc, CAMPAIGN_A, "thème")
    add_tag(world.svc, CAMPAIGN_C, "thème")
    return world


def on(world, template: str, key: str) -> str:
    """``template`` for structure ``key``'s campaign ({X}, {xid} its answer, {xcode} its code)."""
    own = OWN[key]
    for mark, name in (
        ("{X}", "{" + key + "}"),
        ("{xid}", "{" + own["answer"] + "}"),
        ("{xcode}", "{" + own["code"] + "}"),
    ):
        template = template.replace(mark, name)
    return world.fill(template)


def stored(world) -> str:
    """Everything stored but the sign-ins (each test client adds one): what a refused request must not change."""
    svc = world.svc
    records = {
        name: sorted(map(repr, svc.records.all(name))) for name in svc.records.names() if name != "coordinator_sessions"
    }
    answers = {c: sorted(map(repr, svc.answers.iter_answers(c))) for c in (CAMPAIGN_A, CAMPAIGN_B, CAMPAIGN_C)}
    return repr((records, answers))


@pytest.mark.parametrize("role", [COORD, COORD_2, NETWORK])
@pytest.mark.parametrize("page", CAMPAIGN_PAGES)
def test_each_structure_reaches_its_campaign_pages_and_no_other(shared, page, role):
    client = shared.client(role)
    for key in ("A", "C"):
        response = client.get(on(shared, page, key))
        body = response.get_data(as_text=True)
        if key in SEES[role]:
            assert response.status_code == 200, (key, response.status_code, body[:300])
        else:
            assert response.status_code == 404, (key, response.status_code)
            assert "n'existe pas" in html.unescape(body)
            assert SECRETS[key] not in body and OWN[key]["campaign"] not in body.replace(
                f"/{OWN[key]['campaign']}/", ""
            )


def _routes_with_a_campaign(app) -> list[Rule]:
    return [
        r for r in app.url_map.iter_rules() if "campaign_id" in r.arguments and not r.rule.startswith(PUBLIC_PREFIXES)
    ]


@pytest.mark.parametrize("role, key", [(COORD, "C"), (COORD_2, "A")])
def test_every_route_of_another_structures_campaign_is_a_404_and_changes_nothing(shared, role, key):
    """Any route that names a campaign, even one added later by another feature, answers a
    coordinator of another structure as for a campaign that does not exist (GET and POST)."""
    rules = _routes_with_a_campaign(shared.app)
    assert len(rules) >= 35
    own = OWN[key]
    values = {
        "campaign_id": own["campaign"],
        "answer_id": shared.fill("{" + own["answer"] + "}"),
        "code": shared.fill("{" + own["code"] + "}"),
        "fmt": "csv",
        "kind": "affiche",
    }
    client = shared.client(role)
    before = stored(shared)
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", values.get(name, "x"), url)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            data = {
                "confirmer": "oui",
                "masquer": "1",
                "pseudonyme": "Intrus",
                "etiquette": "intrus",
                "title": "Piraté",
            }
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (role, method, url, response.status_code)
            assert SECRETS[key] not in response.get_data(as_text=True)
    assert stored(shared) == before


@pytest.mark.parametrize("role, key", [(COORD, "C"), (COORD_2, "A")])
@pytest.mark.parametrize("path, data, check", CAMPAIGN_POSTS, ids=[row[0] for row in CAMPAIGN_POSTS])
def test_post_table_refused_to_another_structure(shared, path, data, check, role, key):
    before = stored(shared)
    response = shared.client(role).post(
        on(shared, path.replace("{A}", "{X}").replace("{aid}", "{xid}").replace("{code_a}", "{xcode}"), key), data=data
    )
    assert response.status_code == 404
    assert stored(shared) == before


def _state_of(world, check, campaign, answer_id):
    svc = world.svc
    return {
        "open": lambda: svc.campaigns.get(campaign).closed,
        "title": lambda: svc.campaigns.get(campaign).title,
        "answer": lambda: svc.answers.get(campaign, answer_id),
        "tags": lambda: svc.records.get("campaign_tags", campaign),
        "codes": lambda: sorted(map(str, svc.records.all("volunteers"))),
    }[check]()


@pytest.mark.parametrize("role", [COORD_2, NETWORK])
@pytest.mark.parametrize("path, data, check", CAMPAIGN_POSTS, ids=[row[0] for row in CAMPAIGN_POSTS])
def test_post_table_allowed_on_the_second_structures_campaign(tmp_path, path, data, check, role):
    """The second structure's coordinator, and the network's, change structure 2's campaign."""
    fresh = add_second_structure(make_world(tmp_path / "data"))
    from survey.services.tags import add_tag

    add_tag(fresh.svc, CAMPAIGN_C, "thème")
    answer_id = fresh.extra["cid"]
    if path.endswith("/rouvrir"):
        fresh.svc.campaigns.change(CAMPAIGN_C, lambda c: setattr(c, "closed", True))
    if path.endswith("/purger"):
        fresh.svc.answers.update(CAMPAIGN_C, answer_id, lambda a: a.__setitem__("submitted_at", "2001-01-01T00:00:00Z"))
    if path.endswith("/modifier"):
        data = {**data, "questionnaire": CAMPAIGN_A}
    before = _state_of(fresh, check, CAMPAIGN_C, answer_id)
    url = on(fresh, path.replace("{A}", "{X}").replace("{aid}", "{xid}").replace("{code_a}", "{xcode}"), "C")
    response = fresh.client(role).post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert _state_of(fresh, check, CAMPAIGN_C, answer_id) != before
    assert fresh.svc.campaigns.get(CAMPAIGN_C).structure_id == STRUCTURE_2  # an edit keeps the owner


def test_lists_show_only_what_each_may_see(shared):
    titles = {key: shared.svc.campaigns.get(OWN[key]["campaign"]).title for key in OWN}
    for role in (COORD, COORD_2, NETWORK):
        client = shared.client(role)
        for page in ("/coordination/", f"/coordination/questionnaires/q/{CAMPAIGN_A}/"):
            body = text(client.get(page))
            for key, title in titles.items():
                assert (title in body) == (key in SEES[role]), (role, page, key)
    assert "Centre social du Nord" in text(shared.client(COORD_2).get("/coordination/"))
    # The questionnaires are shared; the count of campaigns using one is each one's own.
    counts = {}
    for role in (COORD, COORD_2, NETWORK):
        page = text(shared.client(role).get("/coordination/questionnaires/"))
        card = page.split(f'id="q-{CAMPAIGN_A}"')[1]
        counts[role] = int(re.search(r"·\s+(\d+) campagnes?\s+·", card).group(1))
    assert counts == {COORD: 1, COORD_2: 1, NETWORK: 2}


def test_journal_each_structure_reads_its_own_entries(shared):
    shared.client(COORD_2).get(f"/coordination/campagnes/{CAMPAIGN_C}/export.csv").get_data()
    shared.client(COORD).get(f"/coordination/campagnes/{CAMPAIGN_A}/export.json").get_data()
    pages = {role: text(shared.client(role).get("/coordination/journal")) for role in (COORD, COORD_2, NETWORK)}
    assert f"{CAMPAIGN_C} · csv" in pages[COORD_2] and f"{CAMPAIGN_A} · json" not in pages[COORD_2]
    assert f"{CAMPAIGN_A} · json" in pages[COORD] and f"{CAMPAIGN_C} · csv" not in pages[COORD]
    assert f"{CAMPAIGN_A} · json" in pages[NETWORK] and f"{CAMPAIGN_C} · csv" in pages[NETWORK]
    entry = [e for e in shared.svc.journal.all() if e["detail"].startswith(f"{CAMPAIGN_C} · csv")][-1]
    assert entry["structure_id"] == STRUCTURE_2 and entry["who"] == "dominique"


def test_new_campaign_belongs_to_the_coordinators_structure(tmp_path):
    world = add_second_structure(make_world(tmp_path / "data"))
    form = {"title": "Nouvelle", "questionnaire": CAMPAIGN_A, "channels": ["qr"], "retention_months": "12"}
    # A structure's coordinator: their structure, whatever the form says.
    world.client(COORD_2).post(
        "/coordination/campagnes/nouvelle", data={**form, "identifier": "du-nord", "proprietaire": DEFAULT_ID}
    )
    assert world.svc.campaigns.get("du-nord").structure_id == STRUCTURE_2
    # The network's coordinator chooses it; the choice is offered on the form.
    network = world.client(NETWORK)
    page = text(network.get("/coordination/campagnes/nouvelle"))
    assert 'name="proprietaire"' in page and "Centre social du Nord" in page
    assert 'name="proprietaire"' not in text(world.client(COORD_2).get("/coordination/campagnes/nouvelle"))
    network.post(
        "/coordination/campagnes/nouvelle", data={**form, "identifier": "pour-le-nord", "proprietaire": STRUCTURE_2}
    )
    assert world.svc.campaigns.get("pour-le-nord").structure_id == STRUCTURE_2
    refused = network.post(
        "/coordination/campagnes/nouvelle", data={**form, "identifier": "nulle-part", "proprietaire": "inconnue"}
    )
    assert refused.status_code == 422 and world.svc.campaigns.get("nulle-part") is None
    assert world.client(COORD).get("/coordination/campagnes/pour-le-nord/").status_code == 404


def test_public_pages_of_another_structure_are_as_for_anyone(shared):
    """The form stays public; a coordinator of another structure answers it as a passer-by
    (no team channel, not in the team) and reaches no team page."""
    anonymous, other = shared.app.test_client(), shared.client(COORD)
    for page in (f"/c/{CAMPAIGN_C}/", f"/c/{CAMPAIGN_C}/confidentialite", f"/mur/{CAMPAIGN_C}/"):
        assert other.get(page).status_code == anonymous.get(page).status_code, page
    team = other.post(f"/c/{CAMPAIGN_C}/equipe", data={"canal": "porteur-de-parole"})
    assert team.status_code == 303 and "/benevole/" in team.headers["Location"]
    own = shared.client(COORD_2).post(f"/c/{CAMPAIGN_C}/equipe", data={"canal": "porteur-de-parole"})
    assert own.status_code == 303 and "/benevole/" not in own.headers["Location"]
