"""Recordings and drawings travel with their answers (issue 16 §2 with issue 15 §4): the laptop's
hand-over to a shared instance on PostgreSQL (a real ``survey serve`` process, over HTTP) and
``survey data copy`` both ways. Each medium is checked again on arrival, stored once when sent
twice, and a missing or refused one is said in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.model.media import DRAWING, RECORDING, file_name, media_entry
from survey.services.data_copy import copy_data, opened
from survey.services.handover import send_campaign
from tests.handover_support import CAMPAIGN, add_answers, close_app, laptop, png, shared_instance, token

pytestmark = pytest.mark.slow

VOICE = (Path(__file__).parents[1] / "web" / "media_samples" / "voix.webm").read_bytes()


def no_wait(seconds: float) -> None:
    pass


def with_media(svc, answer: dict, recording: bytes | None = VOICE, drawing: bytes | None = None) -> dict:
    """Give a stored answer a recording (question ``autre``) and a drawing (``dessin``), stored as
    the public form stores them: files first, then the answer names them."""
    entries = []
    for question, kind, data, ctype in (
        ("autre", RECORDING, recording, "audio/webm"),
        ("dessin", DRAWING, drawing, "image/png"),
    ):
        if data is None:
            continue
        name = file_name(answer["id"], question, ctype)
        svc.media.write(CAMPAIGN, name, data)
        entries.append(media_entry(question, kind, name, ctype, len(data)))
    return svc.answers.change(CAMPAIGN, answer["id"], lambda stored: stored.update(media=entries))


@pytest.fixture
def instance(postgres_server, tmp_path):
    with shared_instance(postgres_server.new_database(), tmp_path / "instance") as made:
        yield made


@pytest.fixture
def field(tmp_path):
    made = laptop(tmp_path / "laptop", answers=2)
    yield made
    close_app(made["app"])


def test_hand_over_carries_every_medium_once_and_checks_both_sides(instance, field):
    server, there = instance
    svc = field["svc"]
    spoken, drawn = add_answers(svc, 2)
    with_media(svc, spoken)
    with_media(svc, drawn, recording=None, drawing=png())
    secret = token(there)

    first = send_campaign(svc, CAMPAIGN, server.url, secret, sleep=no_wait)
    assert first.ok, first.lines()
    assert (first.outcomes["medias"].stored, first.outcomes["medias"].present) == (2, 0)
    assert there.media.read(CAMPAIGN, file_name(spoken["id"], "autre", "audio/webm")) == VOICE
    assert there.media.read(CAMPAIGN, file_name(drawn["id"], "dessin", "image/png")) == png()
    assert first.here["medias"] == first.there["medias"] and first.here["medias"]["nombre"] == 2
    assert "enregistrements et dessins : 2 enregistrées, 0 déjà là" in " ".join(first.lines())

    second = send_campaign(svc, CAMPAIGN, server.url, secret, sleep=no_wait)
    assert second.ok, second.lines()
    assert (second.outcomes["medias"].stored, second.outcomes["medias"].present) == (0, 2)
    assert sorted(there.media.names(CAMPAIGN)) == sorted(svc.media.names(CAMPAIGN))


def test_a_medium_missing_here_or_refused_there_is_said_in_french(instance, field):
    server, there = instance
    svc = field["svc"]
    lost, forged = add_answers(svc, 2)
    with_media(svc, lost)
    svc.media.delete(CAMPAIGN, file_name(lost["id"], "autre", "audio/webm"))  # gone from the laptop
    with_media(svc, forged, recording=b"OggS pas une voix" * 10)  # not a recording, whatever its name says

    report = send_campaign(svc, CAMPAIGN, server.url, token(there), sleep=no_wait)
    assert not report.ok
    text = "\n".join(report.lines())
    assert f"l’enregistrement {lost['id']}-autre.webm de la réponse {lost['id']} : fichier introuvable ici" in text
    assert (
        f"réponse {forged['id']} : Fichier {forged['id']}-autre.webm refusé : Ce fichier n’est pas un enregistrement"
        in text
    )
    # Both answers arrived; the instance says which of their files it lacks.
    assert there.answers.get(CAMPAIGN, lost["id"]) is not None
    assert sorted(report.there["medias_manquants"]) == sorted(
        [f"{lost['id']}-autre.webm", f"{forged['id']}-autre.webm"]
    )
    assert there.media.names(CAMPAIGN) == []


def test_another_file_under_the_same_name_is_never_overwritten(instance, field):
    server, there = instance
    svc = field["svc"]
    (answer,) = add_answers(svc, 1)
    with_media(svc, answer)
    name = file_name(answer["id"], "autre", "audio/webm")
    secret = token(there)
    assert send_campaign(svc, CAMPAIGN, server.url, secret, sleep=no_wait).ok
    svc.media.write(CAMPAIGN, name, VOICE + b"\x00")  # the laptop's file changed since

    report = send_campaign(svc, CAMPAIGN, server.url, secret, sleep=no_wait)
    assert not report.ok
    assert any("un autre fichier est déjà enregistré sous ce nom" in line for line in report.refused)
    assert there.media.read(CAMPAIGN, name) == VOICE


def test_data_copy_carries_media_to_postgresql_and_back(tmp_path, postgres_server):
    folder = tmp_path / "laptop"
    made = laptop(folder, answers=1)
    spoken, drawn = add_answers(made["svc"], 2)
    with_media(made["svc"], spoken, drawing=png())
    with_media(made["svc"], drawn, recording=None, drawing=png((10, 200, 10)))
    close_app(made["app"])
    url = postgres_server.new_database()

    with opened(str(folder), tmp_path / "instance") as here, opened(url, tmp_path / "instance") as there:
        report = copy_data(here, there)
        assert report.ok, report.lines()
        assert report.media_copied == 3
        assert there.media.read(CAMPAIGN, file_name(spoken["id"], "autre", "audio/webm")) == VOICE
        again = copy_data(here, there)
        assert again.ok and (again.media_copied, again.media_present) == (0, 3)
        assert "3 enregistrements ou dessins" in again.lines()[1]
    with opened(url, tmp_path / "instance") as there, opened(str(tmp_path / "back"), tmp_path / "unused") as back:
        assert copy_data(there, back).ok
        assert (tmp_path / "back" / "media" / CAMPAIGN / f"{drawn['id']}-dessin.png").read_bytes() == png((10, 200, 10))


def test_data_copy_lists_a_medium_missing_at_the_source(tmp_path):
    folder = tmp_path / "laptop"
    made = laptop(folder, answers=1)
    (answer,) = add_answers(made["svc"], 1)
    with_media(made["svc"], answer)
    made["svc"].media.delete(CAMPAIGN, file_name(answer["id"], "autre", "audio/webm"))
    close_app(made["app"])

    with opened(str(folder), tmp_path / "x") as here, opened(str(tmp_path / "copy"), tmp_path / "y") as there:
        report = copy_data(here, there)
    assert not report.ok
    assert any(
        str(r) == f"campagne {CAMPAIGN}, l’enregistrement {answer['id']}-autre.webm de la réponse {answer['id']} : "
        "fichier introuvable au départ"
        for r in report.refused
    )
