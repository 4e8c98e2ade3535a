"""Changes that depend on what is stored are never lost: taps on « personnes arrêtées »
from many phones, tags added by two coordinators at once, a session form saved while
the team counts. Each read-modify-write is one operation under the store's lock, across
threads and across processes (a second server worker, the command line)."""

from __future__ import annotations

import copy
import io
import multiprocessing
import threading
from pathlib import Path

import pytest
from PIL import Image

from survey import create_app
from survey.model.fieldwork import Session
from survey.services import drafts
from survey.services.demo import load_demo
from survey.services.tags import TagError, add_tag, campaign_tags
from survey.storage import ChunkedAnswerStore, RecordStore
from survey.storage.repositories import SessionRepository
from tests.conftest import services_of
from tests.factories import add_answers, make_answer

CAMPAIGN = "porteur-de-parole-numerique"
THREADS = 8
TAPS = 25


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(out, "PNG")
    return out.getvalue()


def team_app(data_dir: Path):
    """An app on ``data_dir`` whose pages need no login (the team and coordination pages)."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_DISABLED": True,
        }
    )


@pytest.fixture
def app(data_dir):
    app = team_app(data_dir)
    load_demo(app.extensions["survey"])
    return app


def new_session(app, stopped: int = 0) -> str:
    session = Session(
        id="s20261121-ab12",
        campaign=CAMPAIGN,
        place="Marché Europe",
        day="2026-11-21",
        starts="10:00",
        ends="12:00",
        questions=["complique"],
        stopped=stopped,
    )
    SessionRepository(app.extensions["survey"].records).save(session)
    return session.id


def stopped_count(data_dir: Path, session_id: str) -> int:
    return services_of(data_dir).records.get("sessions", session_id)["stopped"]  # read afresh, either storage


def tap(app, session_id: str, times: int, start: threading.Barrier | None = None) -> None:
    """One phone of the team: « une personne de plus s'est arrêtée », ``times`` times."""
    client = app.test_client()
    if start is not None:
        start.wait()
    for _ in range(times):
        response = client.post(f"/terrain/{CAMPAIGN}/sessions/{session_id}/arrets", data={"action": "plus"})
        assert response.status_code == 303


def run_threads(target, count: int, *args) -> None:
    start = threading.Barrier(count)
    errors = []

    def guarded():
        try:
            target(*args, start)
        except BaseException as exc:  # an assertion in a thread must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_taps_from_eight_phones_at_once_are_all_counted(app, data_dir):
    session_id = new_session(app)
    run_threads(tap, THREADS, app, session_id, TAPS)
    assert stopped_count(data_dir, session_id) == THREADS * TAPS


def _tapping_process(data_dir: str, session_id: str, threads: int, taps: int, done) -> None:
    """Another server process: its own app and stores on the same data folder."""
    try:
        run_threads(tap, threads, team_app(Path(data_dir)), session_id, taps)
    except BaseException as exc:
        done.put(repr(exc))
    else:
        done.put("ok")


def test_taps_from_several_server_processes_are_all_counted(app, data_dir):
    session_id = new_session(app)
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    workers = [
        context.Process(target=_tapping_process, args=(str(data_dir), session_id, 2, TAPS, done)) for _ in range(4)
    ]
    for w in workers:
        w.start()
    outcomes = [done.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert outcomes == ["ok"] * 4
    assert stopped_count(data_dir, session_id) == 4 * 2 * TAPS


def test_the_count_never_goes_below_zero(app, data_dir):
    session_id = new_session(app, stopped=1)
    client = app.test_client()
    for _ in range(3):
        client.post(f"/terrain/{CAMPAIGN}/sessions/{session_id}/arrets", data={"action": "moins"})
    assert stopped_count(data_dir, session_id) == 0


def test_saving_the_session_form_keeps_the_taps_made_since_it_opened(app, data_dir):
    session_id = new_session(app)
    repository = SessionRepository(app.extensions["survey"].records)
    opened = repository.get(CAMPAIGN, session_id)  # the coordinator opens the form…
    tap(app, session_id, 5)  # …the team counts and sends a photo meanwhile…
    photo = app.test_client().post(
        f"/terrain/{CAMPAIGN}/sessions/{session_id}/photos", data={"photo": (io.BytesIO(png()), "panneau.png")}
    )
    assert photo.status_code == 303
    opened.place = "Marché Europe, côté fontaine"  # …and the form is saved
    repository.save(opened)
    saved = repository.get(CAMPAIGN, session_id)
    assert saved.place == "Marché Europe, côté fontaine"
    assert saved.stopped == 5 and [p["type"] for p in saved.photos] == ["image/png"]


def test_tags_created_at_once_are_all_kept(app):
    svc = app.extensions["survey"]
    names = [f"Thème {n}" for n in range(THREADS)]

    def create(name, start):
        start.wait()
        add_tag(svc, CAMPAIGN, name)

    start = threading.Barrier(THREADS)
    threads = [threading.Thread(target=create, args=(name, start)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(campaign_tags(svc, CAMPAIGN)) == sorted(names)
    with pytest.raises(TagError):
        add_tag(svc, CAMPAIGN, "thème 0")  # the same name, checked under the same lock


def test_coordinators_tagging_the_same_answer_at_once_keep_every_tag(app):
    """Each coordinator ticks one more tag on the form they see: all the ticks stay."""
    svc = app.extensions["survey"]
    names = [f"Thème {n}" for n in range(THREADS)]
    for name in names:
        add_tag(svc, CAMPAIGN, name)
    [answer] = add_answers(app, CAMPAIGN, 1)
    url = f"/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}/etiquettes"
    queue = list(names)
    lock = threading.Lock()

    def tick(start):
        with lock:
            name = queue.pop()
        client = app.test_client()
        start.wait()
        response = client.post(url, data={"etiquettes_affichees": "1", "etiquette": [name]})
        assert response.status_code == 303

    run_threads(tick, THREADS)
    assert sorted(svc.answers.get(CAMPAIGN, answer["id"])["tags"]) == sorted(names)
    page = app.test_client().get(f"/coordination/campagnes/{CAMPAIGN}/reponses/{answer['id']}")
    assert 'name="etiquettes_affichees"' in page.get_data(as_text=True)  # the form says what it showed
    # Unticking one tag on a form that showed two removes that one only.
    client = app.test_client()
    client.post(url, data={"etiquettes_affichees": "1", "etiquette_affichee": names[:2], "etiquette": names[1]})
    assert sorted(svc.answers.get(CAMPAIGN, answer["id"])["tags"]) == sorted(names[1:])


def _counting_answer_process(folder: str, answer_id: str, threads: int, times: int, done) -> None:
    store = ChunkedAnswerStore(Path(folder))

    def bump(start):
        start.wait()
        for _ in range(times):
            store.change("c1", answer_id, lambda a: a.update(seen=a.get("seen", 0) + 1))

    try:
        run_threads(bump, threads)
    except BaseException as exc:
        done.put(repr(exc))
    else:
        done.put("ok")


def test_answer_changes_from_threads_and_processes_are_all_kept(tmp_path):
    store = ChunkedAnswerStore(tmp_path)
    answer = make_answer("c1", "q", answers={"avis": "Moins de papiers"})
    store.add(answer)
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    workers = [
        context.Process(target=_counting_answer_process, args=(str(tmp_path), answer["id"], 4, 10, done))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    outcomes = [done.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert outcomes == ["ok"] * 3
    kept = store.get("c1", answer["id"])
    assert kept["seen"] == 3 * 4 * 10
    assert kept["answers"] == answer["answers"]
    assert store.add(answer) is False  # a resent copy is still « already stored », not a conflict


def test_a_change_that_fails_leaves_the_record_as_it_was(tmp_path):
    records = RecordStore(tmp_path)
    records.put("sessions", {"id": "s1", "stopped": 3, "team": ["Inès"]})

    def broken(record):
        record["stopped"] = 99
        raise ValueError("refusé")

    with pytest.raises(ValueError):
        records.change("sessions", "s1", broken)
    assert records.get("sessions", "s1") == {"id": "s1", "stopped": 3, "team": ["Inès"]}
    # A change may also return a new record: keys it leaves out are gone.
    assert records.change("sessions", "s1", lambda r: {"stopped": r["stopped"] + 1}) == {"id": "s1", "stopped": 4}
    assert records.get("sessions", "s1") == {"id": "s1", "stopped": 4}
    # No record: nothing is made, unless asked.
    assert records.change("sessions", "absent", lambda r: r.update(stopped=1)) is None
    assert records.get("sessions", "absent") is None
    assert records.change("sessions", "neuf", lambda r: r.update(stopped=1), create=True) == {
        "id": "neuf",
        "stopped": 1,
    }


def test_a_draft_edited_in_two_tabs_never_loses_an_edit_in_silence(app, monkeypatch):
    """Tab A adds a question; tab B, opened before, saves the presentation: B is told, A's
    question stays."""
    svc = app.extensions["survey"]
    client = app.test_client()
    response = client.post("/coordination/questionnaires/nouveau", data={"titre": "Deux onglets"})
    draft_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    url = f"/coordination/questionnaires/brouillons/{draft_id}/"
    tab_b = drafts.get(svc, draft_id)  # what tab B read
    assert client.post(f"{url}questions", data={"type": "short_text", "label": "Votre rue ?"}).status_code == 303
    monkeypatch.setattr(drafts, "get", lambda svc_, key: copy.deepcopy(tab_b))
    response = client.post(
        f"{url}presentation", data={"title": "Titre de l'onglet B", "intro": "", "purpose": "", "consent": ""}
    )
    monkeypatch.undo()
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "a été modifié entre-temps" in page
    kept = drafts.get(svc, draft_id)
    assert [q["label"] for q in kept["data"]["questions"]] == ["Votre rue ?"]
    assert kept["data"]["title"] == "Deux onglets"
    # Tab B, reloaded, saves its change this time.
    assert client.post(f"{url}presentation", data={"title": "Titre de l'onglet B"}).status_code == 303
    assert drafts.get(svc, draft_id)["data"]["title"] == "Titre de l'onglet B"
