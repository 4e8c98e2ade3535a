"""Two server processes on one data folder (``survey serve --workers 2``, issue 14): the laptop
serves a census's many phones with both of its cores. Both workers write the same campaign's
chunks: every acknowledged answer is stored exactly once and the counts are exact, also when
one worker is SIGKILLed under load (gunicorn starts another); the sign-in throttles count the
failures of every worker together.

Real processes only, as in ``test_postgres_faults.py`` (whose tablets are reused): client
threads post JSON answers as a tablet's queue does, forgetting an answer only once it is
acknowledged; then a store that keeps nothing reads the folder."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

import tests.conftest
from survey import create_app
from survey.services.accounts import create_coordinator
from survey.services.kept_counts import count_matching
from survey.storage import ChunkedAnswerStore
from survey.web.throttle import app_throttle
from tests.storage.test_postgres_faults import CAMPAIGN, CLIENTS, Outcomes, QuietServer, Tablet, run_tablets

pytestmark = pytest.mark.skipif(os.name != "posix", reason="--workers: Linux and macOS only")


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the children of the ``survey serve`` process."""
    children = []
    for task in Path(f"/proc/{master}/task").glob("*/children"):
        children += [int(pid) for pid in task.read_text().split()]
    return sorted(children)


def wait_for_workers(master: int, count: int, deadline: float = 30) -> list[int]:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        pids = worker_pids(master)
        if len(pids) == count:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"{count} workers expected, found {worker_pids(master)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SURVEY_DATABASE_URL", raising=False)
        patch.setattr(tests.conftest, "server_environment", lambda data_dir, extra: {})  # the folder, always
        running = QuietServer(tmp_path_factory.mktemp("deux-processus") / "data", "--demo", "--workers", "2")
        try:
            yield running
        finally:
            running.stop()


def stored_once(data_dir: Path, sent: list[str]) -> None:
    """Every answer sent is in the folder exactly once, no id twice, and the counts a page reads
    (the id index's total, a kept count) are those of every answer read afresh."""
    store = ChunkedAnswerStore(data_dir / "answers")
    ids = Counter(a["id"] for a in store.iter_answers(CAMPAIGN))
    assert [i for i in sent if ids[i] != 1] == []
    assert max(ids.values()) == 1
    assert store.count(CAMPAIGN) == sum(ids.values())
    qr = sum(1 for a in store.iter_answers(CAMPAIGN) if a.get("channel") == "qr")
    assert count_matching(store, CAMPAIGN, "qr", lambda a: a.get("channel") == "qr") == qr


def test_two_workers_writing_the_same_campaign_store_every_answer_once(server):
    assert len(wait_for_workers(server.process.pid, 2)) == 2
    outcomes = Outcomes()
    sent = run_tablets([Tablet(server, outcomes) for _ in range(CLIENTS)], lambda: time.sleep(1.5))
    assert outcomes.unexpected == []
    assert outcomes.acknowledged == set(sent)
    stored_once(server.data_dir, sent)


def test_the_dashboard_of_either_worker_counts_every_answer(server, monkeypatch):
    """Each request on a new connection, served by either worker: the kept counts of each
    process follow the other's saves, and those of a third process (an import)."""
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    create_coordinator(create_app({"DATA_DIR": str(server.data_dir)}).extensions["survey"], "camille", "un-long-secret")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(server.url + "/connexion", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"nom": "camille", "mot_de_passe": "un-long-secret", "csrf_token": token}
    opener.open(server.url + "/connexion", urllib.parse.urlencode(form).encode(), timeout=30).read()

    def shown() -> int:
        page = opener.open(f"{server.url}/coordination/campagnes/{CAMPAIGN}/resultats", timeout=30).read().decode()
        found = re.search(r"<strong>([\d\s\u202f\u00a0]+)</strong> réponses? comptées?", page)
        assert found is not None, page[:500]
        return int(re.sub(r"\D", "", found.group(1)))

    def visible() -> int:
        stored = ChunkedAnswerStore(server.data_dir / "answers").iter_answers(CAMPAIGN)
        return sum(1 for a in stored if not a.get("hidden"))

    for _ in range(4):
        assert run_tablets([Tablet(server, Outcomes()) for _ in range(2)], lambda: time.sleep(0.3))
        assert [shown() for _ in range(4)] == [visible()] * 4
        here = ChunkedAnswerStore(server.data_dir / "answers")  # a third process: the command line's import
        for answer in list(here.iter_newest(CAMPAIGN))[:2]:
            here.add({**answer, "id": f"{answer['id']}-importee", "hidden": False})
        assert [shown() for _ in range(4)] == [visible()] * 4


def test_a_worker_killed_under_load_loses_and_doubles_nothing(server):
    outcomes = Outcomes()
    killed = []

    def kill_workers() -> None:
        for _ in range(3):
            time.sleep(0.4)
            victim = wait_for_workers(server.process.pid, 2)[0]
            os.kill(victim, signal.SIGKILL)  # mid-write, perhaps: gunicorn starts another
            killed.append(victim)
        time.sleep(0.3)

    sent = run_tablets([Tablet(server, outcomes) for _ in range(CLIENTS)], kill_workers)
    assert outcomes.unexpected == []
    assert outcomes.acknowledged == set(sent)
    stored_once(server.data_dir, sent)
    assert len(killed) == 3
    assert not set(killed) & set(wait_for_workers(server.process.pid, 2))  # gunicorn started others


def test_sign_in_failures_in_one_worker_slow_down_the_other(tmp_path, monkeypatch):
    """``serve --workers`` sets ``SHARED_THROTTLES``: each worker's app reads the failures from the
    data folder's records, so guessing through two processes waits as through one."""
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    settings = {"DATA_DIR": str(tmp_path / "data"), "SHARED_THROTTLES": True, "LOGIN_FREE_TRIES": 3}
    first, second = create_app(dict(settings)), create_app(dict(settings))
    with second.app_context():
        assert app_throttle("login", "LOGIN").blocked_for("10.0.0.7", "camille") == 0
    with first.app_context():
        throttle = app_throttle("login", "LOGIN")
        for _ in range(3):
            throttle.fail("10.0.0.7", "camille")
    with second.app_context():
        assert app_throttle("login", "LOGIN").blocked_for("10.0.0.7", "camille") > 0
        assert app_throttle("login", "LOGIN").blocked_for("10.0.0.8", "camille") == 0  # another device
