"""The app with ``DATABASE_URL`` set keeps everything in PostgreSQL: its public form is served
from the campaigns stored there and a sent answer is a row of the database (stored once),
not a file of the data folder. Without the setting nothing changes (the rest of the suite)."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import psycopg
import pytest

from survey import create_app
from survey.services.demo import load_demo
from tests.conftest import LiveServer

CAMPAIGN = "besoins-numeriques-habitants"


@pytest.fixture
def pg_app(data_dir, postgres_server):
    url = postgres_server.new_database()
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": url,
        }
    )
    svc = app.extensions["survey"]
    load_demo(svc)
    yield app, url
    svc.answers.pool.close()


def test_the_public_form_stores_its_answer_in_postgresql(pg_app, data_dir):
    app, url = pg_app
    client = app.test_client()
    page = client.get(f"/c/{CAMPAIGN}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))
    data = {**fields, "q_internet": "oui"}
    assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303
    assert client.post(f"/c/{CAMPAIGN}/", data=data).status_code == 303  # a retry: stored once
    assert client.post(f"/c/{CAMPAIGN}/", data={**data, "q_internet": "non"}).status_code == 409
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, body FROM answers WHERE campaign = %s", (CAMPAIGN,)).fetchall()
        campaigns = conn.execute("SELECT key FROM records WHERE collection = 'campaigns'").fetchall()
    assert [(r[0], r[1]["answers"]["internet"]) for r in rows] == [(fields["answer_id"], "oui")]
    assert (CAMPAIGN,) in campaigns
    assert not (data_dir / "answers").exists() and not (data_dir / "records").exists()


@pytest.mark.slow
def test_survey_serve_database_keeps_answers_in_postgresql_over_real_http(tmp_path, postgres_server):
    url = postgres_server.new_database()
    server = LiveServer(tmp_path / "data", "--demo", "--database", url)
    try:
        cookies = urllib.request.HTTPCookieProcessor()
        opener = urllib.request.build_opener(cookies)
        html = opener.open(f"{server.url}/c/{CAMPAIGN}/", timeout=10).read().decode("utf-8")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]*)"', html)
        fields = dict(re.findall(r'<input id="(answer_id|started_at)" name="\1" type="hidden" value="([^"]*)"', html))
        body = urllib.parse.urlencode({**fields, "csrf_token": token.group(1) if token else "", "q_internet": "oui"})
        sent = opener.open(f"{server.url}/c/{CAMPAIGN}/", data=body.encode(), timeout=10)
        assert sent.status == 200 and "/merci" in sent.url
    finally:
        server.stop()
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id FROM answers WHERE campaign = %s", (CAMPAIGN,)).fetchall()
    assert (fields["answer_id"],) in rows
