"""A laptop's data folder with a campaign to hand over, and the shared instance as a real
``survey serve`` process (tests/web/test_handover.py, tests/cli/test_handover_cli.py)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from survey import create_app
from survey.model.fieldwork import Session
from survey.services import handover_receive
from survey.services.demo import load_demo
from survey.storage.answers import fingerprint
from tests.factories import make_answer

CAMPAIGN = "besoins-numeriques-habitants"


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


def open_app(data_dir: Path, database: str | None = None):
    config = {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}
    if database:
        config["DATABASE_URL"] = database
    return create_app(config)


def close_app(app) -> None:
    pool = getattr(app.extensions["survey"].answers, "pool", None)
    if pool is not None:
        pool.close()


@contextmanager
def shared_instance(url: str, folder: Path):
    """The shared instance: its own database, a real server process, and its services (to make
    tokens), stopped and closed afterwards."""
    from tests.conftest import LiveServer

    app = open_app(folder, url)  # creates the tables before the server starts
    server = LiveServer(folder, "--database", url)
    try:
        yield server, app.extensions["survey"]
    finally:
        server.stop()
        close_app(app)


def laptop(data_dir: Path, answers: int = 5) -> dict:
    """The laptop's campaign: ``answers`` answers (the first one corrected since), one
    session with a board photo, the questionnaire version they were given under."""
    app = open_app(data_dir)
    svc = app.extensions["survey"]
    load_demo(svc)
    campaign = svc.campaigns.get(CAMPAIGN)
    questionnaire = svc.questionnaire_for(campaign)
    ids = []
    for i in range(answers):
        answer = make_answer(
            CAMPAIGN, questionnaire.id, version=questionnaire.version, answers={"texte": f"réponse {i}"}
        )
        svc.save_answer(questionnaire, answer)
        ids.append(answer["id"])

    def correct(stored: dict) -> None:  # as services/corrections.py does
        stored["corrections"] = [
            {"at": "2026-11-29T10:00:00Z", "by": "camille", "answers_before": dict(stored["answers"])}
        ]
        stored["answers"] = {"texte": "réponse corrigée"}

    svc.answers.change(CAMPAIGN, ids[0], correct)
    session = Session(id="s" + uuid.uuid4().hex[:8], campaign=CAMPAIGN, place="Marché", day="2026-11-29")
    svc.sessions.save(session)
    photo = png()
    name = uuid.uuid4().hex + ".png"
    svc.photos.write(CAMPAIGN, session.id, name, photo)
    svc.sessions.add_photo(session, {"file": name, "type": "image/png", "size": len(photo)})
    return {"app": app, "svc": svc, "ids": ids, "session": session.id, "photo": name}


def add_answers(svc, n: int, **overrides) -> list[dict]:
    campaign = svc.campaigns.get(CAMPAIGN)
    questionnaire = svc.questionnaire_for(campaign)
    made = []
    for _ in range(n):
        answer = make_answer(CAMPAIGN, questionnaire.id, version=questionnaire.version, **overrides)
        svc.save_answer(questionnaire, answer)
        made.append(answer)
    return made


def token(instance_svc, campaign: str = CAMPAIGN, days: int = 7) -> str:
    return handover_receive.make_token(instance_svc, campaign, days, "camille")


def call(url: str, method: str = "GET", token_value: str | None = None, body: bytes | None = None, kind: str = ""):
    """(status, JSON) of a raw request to the instance."""
    headers = {"Content-Type": kind} if kind else {}
    if token_value is not None:
        headers["Authorization"] = f"Bearer {token_value}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def same_fingerprint_other_content(answer: dict) -> dict:
    """The same answer id with other content (another laptop, or an edited file)."""
    other = dict(answer, answers={"texte": "autre chose"})
    other.pop("fingerprint", None)
    other["fingerprint"] = fingerprint(other)
    return other
