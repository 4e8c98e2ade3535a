"""`survey data copy` from a shared instance's database back to a folder (issue 15 §4): the
laptop that opens the copied folder serves the questionnaire edited on the instance and the
board photo sent to it, though the instance kept both in its database only (the
``edited_questionnaires`` collection, the ``photos`` table), not in its data folder.

The folder side is a laptop on purpose (``DATABASE_URL`` None): this module chooses its
storages itself, as ``test_data_copy.py`` does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from survey import create_app
from survey.cli import main
from survey.model.fieldwork import Session
from survey.services.demo import load_demo
from survey.services.questionnaire_files import write_file
from survey.storage.repositories import SessionRepository
from tests.conftest import ROOT

CAMPAIGN = "porteur-de-parole-numerique"
SESSION = "s20261121-ab12"
TITLE = "Le numérique et vous (modifié sur l'instance)"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(out, "PNG")
    return out.getvalue()


def team_app(data_dir: Path, database: str | None):
    """An app whose team and coordination pages need no login; ``database`` None: a laptop."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_DISABLED": True,
            "DATABASE_URL": database,
        }
    )


@pytest.fixture
def instance(tmp_path, postgres_server):
    """A shared instance whose coordinator edited a questionnaire and whose team sent a photo."""
    url = postgres_server.new_database()
    app = team_app(tmp_path / "instance", url)
    svc = app.extensions["survey"]
    load_demo(svc)
    shipped = yaml.safe_load((ROOT / "questionnaires" / f"{CAMPAIGN}.yaml").read_text(encoding="utf-8"))
    write_file(svc, {**shipped, "title": TITLE})
    SessionRepository(svc.records).save(
        Session(id=SESSION, campaign=CAMPAIGN, place="Marché Europe", day="2026-11-21", starts="10:00", ends="12:00")
    )
    sent = app.test_client().post(
        f"/terrain/{CAMPAIGN}/sessions/{SESSION}/photos", data={"photo": (io.BytesIO(png()), "tableau.png")}
    )
    assert sent.status_code == 303
    [photo] = SessionRepository(svc.records).get(CAMPAIGN, SESSION).photos
    # Held by the database only: nothing a copy of the instance's folder alone would find.
    assert not (tmp_path / "instance" / "photos").exists()
    assert not (tmp_path / "instance" / "questionnaires").exists()
    yield url, photo["file"]
    svc.records.pool.close()


def test_a_folder_copied_from_the_database_serves_its_questionnaires_and_photos(instance, tmp_path, runner):
    url, photo = instance
    laptop = tmp_path / "laptop"
    done = runner.invoke(
        main, ["data", "copy", "--from", url, "--to", str(laptop), "--data", str(tmp_path / "instance")]
    )
    assert done.exit_code == 0, done.output
    assert "vérifié : identiques" in done.output

    app = team_app(laptop, None)
    svc = app.extensions["survey"]
    assert not svc.shared and (laptop / "answers").is_dir()  # the files of a laptop, no database
    assert svc.questionnaire_for(svc.campaigns.get(CAMPAIGN)).title == TITLE
    client = app.test_client()
    shown = client.get(f"/terrain/{CAMPAIGN}/sessions/{SESSION}/photos/{photo}")
    assert shown.status_code == 200 and shown.data == png()

    # Copied back, the database already holds all of it, its photos and questionnaires included.
    again = runner.invoke(main, ["data", "copy", "--from", str(laptop), "--to", url, "--data", str(tmp_path / "i2")])
    assert again.exit_code == 0, again.output
    assert "0 réponse copiée, 0 refusée ; vérifié : identiques." in again.output
    assert "0 enregistrement (campagnes, sessions, comptes, journal…), 0 fichier" in again.output
