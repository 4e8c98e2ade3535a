"""A medium's digest is computed where it is kept (issue 15 §4): a hand-over or ``survey data
copy`` compares recordings and drawings on both sides by their SHA-256, and on PostgreSQL the
database computes it, so no medium's bytes cross the network to be compared; a file is read in
blocks. Both storages give the same digest for the same bytes, and None for a medium they lack.
Media already in the table are left as they are when a laptop's folder is taken in."""

from __future__ import annotations

import hashlib
import os

import psycopg
import pytest

from survey.storage.media import MediaStore

NAME = "0b0f4a9e-5c55-4c1e-8f31-3a6d2c7e9b10-avis.webm"


@pytest.fixture(params=["fichiers", "postgresql"])
def store(request, tmp_path):
    if request.param == "fichiers":
        yield MediaStore(tmp_path / "media")
        return
    from survey.storage.postgres import open_database

    url = request.getfixturevalue("postgres_url")
    database = open_database(url, pool_size=2)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(b"TRUNCATE media")
    yield database.media
    database.close()


def test_the_digest_is_the_sha256_of_the_bytes_kept(store):
    data = b"\x1aE\xdf\xa3" + os.urandom(3_000_000)
    store.write("c1", NAME, data)
    assert store.digest("c1", NAME) == hashlib.sha256(data).hexdigest()
    assert store.digest("c2", NAME) is None
    store.write("c1", NAME, b"autre contenu")
    assert store.digest("c1", NAME) == hashlib.sha256(b"autre contenu").hexdigest()
    store.delete("c1", NAME)
    assert store.digest("c1", NAME) is None


def test_the_database_digests_without_sending_the_bytes(store, monkeypatch):
    store.write("c1", NAME, b"\x1aE\xdf\xa3 enregistrement")
    if isinstance(store, MediaStore):
        pytest.skip("files are read in blocks where they are")
    monkeypatch.setattr(type(store), "read", lambda *args: pytest.fail("the bytes were fetched"))
    assert store.digest("c1", NAME) == hashlib.sha256(b"\x1aE\xdf\xa3 enregistrement").hexdigest()


def test_a_laptop_folder_taken_in_leaves_what_the_table_holds(store, tmp_path):
    if isinstance(store, MediaStore):
        pytest.skip("the files are the laptop's folder itself")
    folder = tmp_path / "dossier" / "c1"
    folder.mkdir(parents=True)
    (folder / NAME).write_bytes(b"du portable")
    (folder / ("1" + NAME[1:])).write_bytes(b"nouveau")
    store.write("c1", NAME, b"deja dans la base")
    assert store.take_in(tmp_path / "dossier") == 1
    assert store.read("c1", NAME) == b"deja dans la base"
    assert store.read("c1", "1" + NAME[1:]) == b"nouveau"
    assert store.take_in(tmp_path / "dossier") == 0
