"""`survey data copy` moves a whole data folder to PostgreSQL and back (issue 15 §4): every
answer (in its stored order, corrected ones with the fingerprint a tablet's resent copy is
compared with), every record collection, the photos and edited questionnaires; twice stores
once, an interrupted copy is finished by running it again, and a conflicting answer at the
target is refused and listed, never overwritten. Runs against the real PostgreSQL of
``conftest.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey import create_app
from survey.cli import main
from survey.services.corrections import correct_answer
from survey.services.data_copy import DataSide, copy_data, opened
from survey.services.demo import load_demo
from survey.services.tags import set_hidden
from tests.factories import add_answers, make_answer

FIRST, SECOND = "atelier-citoyennete", "atelier-insertion"
PHOTO = b"\x89PNG photo du tableau"
EDITED = "id: mon-questionnaire\ntitle: Modifié ici\n"


@pytest.fixture
def laptop(tmp_path) -> Path:
    """A laptop's data folder: demo campaigns, answers in two campaigns (one corrected, one
    hidden), the journal, a board photo, a questionnaire edited in the browser, its secret key."""
    folder = tmp_path / "laptop"
    app = create_app({"TESTING": True, "DATA_DIR": str(folder)})  # makes the secret key, as a first start does
    svc = app.extensions["survey"]
    load_demo(svc)
    made = add_answers(app, FIRST, 12, answers={"avis": "Très bien"}) + add_answers(app, SECOND, 3)
    correct_answer(svc, FIRST, made[0]["id"], {"avis": "Très bien, merci"}, "camille")
    set_hidden(svc, FIRST, made[1]["id"], True)
    svc.photos.write(FIRST, "session-1", "tableau.png", PHOTO)
    (folder / "questionnaires").mkdir()
    (folder / "questionnaires" / "mon-questionnaire.yaml").write_text(EDITED, encoding="utf-8")
    return folder


def contents(side: DataSide) -> dict:
    """Everything a copy must keep, in the order each store returns it."""
    return {
        "answers": {c: list(side.answers.iter_answers(c)) for c in side.answers.campaigns()},
        "records": {name: side.records.all(name) for name in side.records.names()},
        "files": {
            p.relative_to(side.files).as_posix(): p.read_bytes()
            for sub in ("photos", "questionnaires")
            for p in sorted((side.files / sub).rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        },
    }


def test_a_folder_goes_to_postgresql_and_back_unchanged(laptop, tmp_path, postgres_server):
    url = postgres_server.new_database()
    with opened(str(laptop), tmp_path / "instance") as here, opened(url, tmp_path / "instance") as there:
        before = contents(here)
        report = copy_data(here, there)
        assert report.ok, report.lines()
        assert (report.campaigns, report.answers_copied, report.files_copied) == (2, 15, 2)
        assert contents(there) == before
        corrected = before["answers"][FIRST][0]
        assert corrected["answers"]["avis"] == "Très bien, merci"
        # The tablet that sent it first resends its copy: « already stored », not a conflict.
        first_sent = dict(corrected, answers={"avis": "Très bien"})
        del first_sent["corrections"]
        assert there.answers.add(first_sent) is False
    with opened(url, tmp_path / "instance") as there, opened(str(tmp_path / "back"), tmp_path / "unused") as back:
        assert copy_data(there, back).ok
        assert contents(back) == before
    assert (laptop / "secret_key").exists()
    assert not (tmp_path / "instance" / "secret_key").exists() and not (tmp_path / "back" / "secret_key").exists()


def test_copying_twice_stores_once(laptop, tmp_path, postgres_server):
    url = postgres_server.new_database()
    with opened(str(laptop), tmp_path / "instance") as here, opened(url, tmp_path / "instance") as there:
        copy_data(here, there)
        again = copy_data(here, there)
        assert again.ok, again.lines()
        assert (again.answers_copied, again.answers_present) == (0, 15)
        assert (again.records_copied, again.files_copied, again.files_present) == (0, 0, 2)
        assert there.answers.count(FIRST) == 12
        assert contents(there) == contents(here)


class CutAfter:
    """An answer store whose connection is cut after ``n`` answers were written (``add`` or
    ``change``): what a copy meets when the network or the database goes away."""

    def __init__(self, store, n: int) -> None:
        self.store, self.left = store, n

    def _write(self, method, *args):
        if self.left == 0:
            raise ConnectionError("coupure")
        self.left -= 1
        return method(*args)

    def add(self, answer):
        return self._write(self.store.add, answer)

    def change(self, campaign_id, answer_id, fn):
        return self._write(self.store.change, campaign_id, answer_id, fn)

    def __getattr__(self, name):
        return getattr(self.store, name)


@pytest.mark.parametrize("cut_after", [1, 7])  # 1: between the corrected answer's first version and its correction
def test_an_interrupted_copy_is_finished_by_running_it_again(laptop, tmp_path, postgres_server, cut_after):
    url = postgres_server.new_database()
    with opened(str(laptop), tmp_path / "instance") as here, opened(url, tmp_path / "instance") as there:
        cut = DataSide(there.label, CutAfter(there.answers, cut_after), there.records, there.files)
        with pytest.raises(ConnectionError):
            copy_data(here, cut)
        assert 0 < sum(there.answers.count(c) for c in (FIRST, SECOND)) < 15
        report = copy_data(here, there)  # not « other data »: what is there came from here
        assert report.ok, report.lines()
        assert contents(there) == contents(here)


def test_a_conflicting_answer_at_the_target_is_refused_and_listed(laptop, tmp_path, postgres_server, runner):
    url = postgres_server.new_database()
    with opened(str(laptop), tmp_path / "instance") as here, opened(url, tmp_path / "instance") as there:
        taken = next(here.answers.iter_answers(SECOND))
        other = make_answer(SECOND, taken["questionnaire"], id=taken["id"], answers={"avis": "autre chose"})
        there.answers.add(other)
    command = ["data", "copy", "--from", str(laptop), "--to", url, "--data", str(tmp_path / "instance")]

    refused = runner.invoke(main, command)
    assert refused.exit_code == 1
    assert "La destination contient déjà d'autres données (campagne atelier-insertion : 1 réponse)" in refused.output
    assert "--fusionner" in refused.output

    merged = runner.invoke(main, [*command, "--fusionner"])
    assert merged.exit_code == 1, merged.output
    assert "2 campagnes, 14 réponses copiées, 1 refusée ; vérifié : DIFFÉRENCES." in merged.output
    assert f"Refusé — campagne {SECOND}, réponse {taken['id']} : déjà présente à l'arrivée avec un autre contenu" in (
        merged.output
    )
    assert f"Différence — campagne {SECOND} : au départ 3" in merged.output
    assert "Erreur : la copie n'est pas complète" in merged.output
    with opened(url, tmp_path / "instance") as there:
        assert there.answers.get(SECOND, taken["id"])["answers"] == {"avis": "autre chose"}  # not overwritten
        assert there.answers.count(FIRST) == 12


def test_the_command_reports_in_french(laptop, tmp_path, postgres_server, runner):
    url = postgres_server.new_database()
    done = runner.invoke(main, ["data", "copy", "--from", str(laptop), "--to", url, "--data", str(tmp_path / "i")])
    assert done.exit_code == 0, done.output
    assert "2 campagnes, 15 réponses copiées, 0 refusée ; vérifié : identiques." in done.output
    assert "Non copiés : la clé secrète (secret_key) et le certificat HTTPS (tls/)" in done.output

    back = runner.invoke(
        main, ["data", "copy", "--from", url, "--to", str(tmp_path / "back"), "--data", str(tmp_path / "i")]
    )
    assert back.exit_code == 0, back.output
    assert "vérifié : identiques" in back.output

    itself = runner.invoke(main, ["data", "copy", "--from", str(laptop), "--to", str(laptop) + "/"])
    assert itself.exit_code == 1
    assert "Erreur : la source et la destination sont le même endroit" in itself.output

    missing = runner.invoke(main, ["data", "copy", "--from", str(tmp_path / "nulle-part"), "--to", str(tmp_path / "x")])
    assert missing.exit_code == 1
    assert "n'existe pas" in missing.output and "Traceback" not in missing.output


def test_both_storages_name_every_collection_written(tmp_path, postgres_server):
    """What the copy lists to move: a new collection name needs no list kept up to date."""
    from survey.storage import RecordStore
    from survey.storage.postgres import open_database

    database = open_database(postgres_server.new_database(), pool_size=1)
    try:
        for records in (RecordStore(tmp_path / "records"), database.records):
            assert records.names() == []
            records.put("walls", {"id": "w1"})
            records.append("audit", {"action": "x"})
            records.put("campaigns", {"id": "c1"})
            records.delete("campaigns", "c1")  # written once: still a collection, now empty
            assert records.names() == ["audit", "campaigns", "walls"]
    finally:
        database.close()
