"""The rate limits of a shared instance counted together in Redis (issue 15, section 2), over
real HTTP: two app servers (``survey serve --database … --proxy``, as behind nginx) on one
PostgreSQL and one real ``redis-server`` (``tests/redis_server.py``).

A respondent who spent the form's limit on one server is refused on the other, in French; and
Redis away never refuses a respondent: each server then counts in its own memory.
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from survey.web.ratelimit import FORM_MESSAGE
from tests.conftest import LiveServer
from tests.redis_server import redis_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

CAMPAIGN = "besoins-numeriques-habitants"  # a demo campaign (``--demo``)
LIMIT = 3  # form sends per minute and per client address, for these servers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Phone:
    """A respondent's phone behind the reverse proxy: its cookies, and the address nginx
    forwards for it (``X-Forwarded-For``; no traffic goes to that address)."""

    def __init__(self, address: str) -> None:
        self.address = address
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(self, server, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(server.url + path, data=data, headers={"X-Forwarded-For": self.address})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def answer(self, server) -> tuple[int, str]:
        """Open the form and send it (one answer, a new id): the status of the send."""
        status, page = self.request(server, f"/c/{CAMPAIGN}/")
        assert status == 200, page[:300]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "answer_id": str(uuid.uuid4()), "q_internet": "oui"}
        return self.request(server, f"/c/{CAMPAIGN}/", form)


@pytest.fixture(scope="module")
def database(postgres_server):
    return postgres_server.new_database()


@pytest.fixture(scope="module")
def servers(database, redis_server, tmp_path_factory):  # noqa: F811
    """Two app servers counting their limits in the same Redis."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_RATELIMIT_STORAGE_URI", redis_server.url)
        patch.setenv("SURVEY_PUBLIC_RATE_LIMIT", f"{LIMIT} per minute")
        first_data = tmp_path_factory.mktemp("hote-a") / "data"
        second_data = tmp_path_factory.mktemp("hote-b") / "data"
        first = LiveServer(first_data, "--database", database, "--proxy", "--demo")
        second_data.mkdir()
        shutil.copy(first_data / "secret_key", second_data / "secret_key")  # one key for every host
        second = LiveServer(second_data, "--database", database, "--proxy", "--workers", "2")
    yield first, second
    first.stop()
    second.stop()


def stored(database: str) -> int:
    import psycopg

    with psycopg.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM answers WHERE campaign = %s", (CAMPAIGN,)).fetchone()[0]


def test_a_limit_spent_on_one_server_is_refused_in_french_on_the_other(servers, database):
    first, second = servers
    phone = Phone("203.0.113.7")
    assert [phone.answer(first)[0] for _ in range(LIMIT)] == [303] * LIMIT
    status, page = phone.answer(second)
    assert status == 429
    assert FORM_MESSAGE in html.unescape(page)
    assert phone.answer(first)[0] == 429
    assert Phone("198.51.100.2").answer(second)[0] == 303  # another respondent behind the same proxy


def test_redis_away_never_refuses_a_respondent(servers, database, redis_server):  # noqa: F811
    first, second = servers
    before = stored(database)
    redis_server.stop()
    try:
        phone = Phone("192.0.2.44")
        statuses = [phone.answer(server)[0] for server in (first, second, first, second)]
    finally:
        redis_server.start()
    assert statuses == [303] * 4
    assert stored(database) == before + 4
