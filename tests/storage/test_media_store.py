"""Recordings and drawings kept beside answers (issue 16 §2), on both storages: the files of the
data folder (``storage/media.py``) and the ``media`` table of PostgreSQL (migration 0007).
What the app relies on holds on both: written whole before ``write`` returns, read back as
written, the same name again replaces it (a resend stores nothing twice), deleted for good,
listed per campaign, and a name that could leave the folder never reaches the disk."""

from __future__ import annotations

import hashlib
import os

import pytest

from survey.storage.media import MediaStore

NAME = "0b0f4a9e-5c55-4c1e-8f31-3a6d2c7e9b10-avis.webm"
OTHER = "7d2e1c44-0a3b-4f6e-9d55-b2c1a0e9f8d7-avis.ogg"


@pytest.fixture(params=["fichiers", "postgresql"])
def store(request, tmp_path):
    if request.param == "fichiers":
        yield MediaStore(tmp_path / "media")
        return
    import psycopg

    from survey.storage.postgres import open_database

    url = request.getfixturevalue("postgres_url")
    database = open_database(url, pool_size=2)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(b"TRUNCATE media")
    yield database.media
    database.close()


def test_a_medium_is_read_back_as_written_and_listed_in_its_campaign_only(store):
    data = b"\x1aE\xdf\xa3" + os.urandom(50_000)
    store.write("c1", NAME, data)
    store.write("c2", OTHER, b"autre")
    assert store.read("c1", NAME) == data
    assert store.names("c1") == [NAME]
    assert store.names("c2") == [OTHER]
    assert store.read("c2", NAME) is None  # another campaign's folder holds none of it


def test_the_same_name_again_replaces_the_medium_whole(store):
    store.write("c1", NAME, b"premier")
    store.write("c1", NAME, b"second, plus long")
    assert store.read("c1", NAME) == b"second, plus long"
    assert store.names("c1") == [NAME]


def test_a_deleted_medium_is_gone_and_deleting_again_is_harmless(store):
    store.write("c1", NAME, b"voix")
    store.write("c1", OTHER, b"voix 2")
    store.delete("c1", NAME)
    store.delete("c1", NAME)
    assert store.read("c1", NAME) is None
    assert store.names("c1") == [OTHER]
    assert store.names("inconnue") == []


@pytest.mark.parametrize("name", ["../answers/x.webm", "a/b.webm", ".tmp-x.webm", "x.exe", "", "x" * 200 + ".ogg"])
def test_a_name_that_is_not_a_medium_is_refused(store, name):
    with pytest.raises(ValueError):
        store.write("c1", name, b"x")
    assert store.read("c1", name) is None


def test_the_file_store_writes_atomically_under_the_campaign_folder(tmp_path):
    store = MediaStore(tmp_path / "media")
    store.write("c1", NAME, b"voix")
    folder = tmp_path / "media" / "c1"
    assert [p.name for p in folder.iterdir()] == [NAME]  # no temporary file left
    (folder / ".tmp-abandonne").write_bytes(b"x")  # a writer killed mid-way
    assert store.names("c1") == [NAME]


def test_a_shared_instance_takes_in_the_media_files_of_a_laptop(tmp_path, postgres_url):
    import psycopg

    from survey.storage.postgres import open_database

    laptop = MediaStore(tmp_path / "media")
    laptop.write("c1", NAME, b"voix du portable")
    database = open_database(postgres_url, pool_size=2)
    try:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(b"TRUNCATE media")
        assert database.media.take_in(tmp_path / "media") == 1
        assert database.media.take_in(tmp_path / "media") == 0  # those it has are not taken again
        assert database.media.read("c1", NAME) == b"voix du portable"
    finally:
        database.close()


# A medium's digest is computed where it is kept (issue 15 §4): a hand-over or ``survey data copy``
# compares media on both sides by their SHA-256; on PostgreSQL the database computes it, so no
# medium's bytes cross the network to be compared. A laptop folder taken in leaves what is held.


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
