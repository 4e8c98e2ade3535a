"""Answers given under several versions of a questionnaire export together."""

from __future__ import annotations

import csv
import io
import json

from survey.services.snapshots import known_versions, remember_version
from survey.storage.repositories.versions import COLLECTION
from tests.exports_support import QUESTIONNAIRE, V1, V2, answer, export_bytes, make_app, write_questionnaire


def rows_by_id(data: bytes, id_column: str = "id") -> tuple[list[str], dict[str, dict]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    header = rows[0]
    return header, {r[header.index(id_column)]: dict(zip(header, r)) for r in rows[1:]}


def two_versions(tmp_path):
    """Answers under v1, then the file becomes v2 (one question removed, one added), more answers."""
    app = make_app(tmp_path, V1)
    svc = app.extensions["survey"]
    v1 = svc.library.get(QUESTIONNAIRE)
    remember_version(svc, v1)
    svc.answers.add(
        answer(
            "old", "2026-03-01T09:30:00Z", version=1, answers={"avis": "avant", "transport": "pied", "internet": "oui"}
        )
    )
    write_questionnaire(tmp_path / "questionnaires", V2)
    app = make_app(tmp_path, V2)  # the server restarted with the new file
    svc = app.extensions["survey"]
    v2 = svc.library.get(QUESTIONNAIRE)
    assert v2.version == 2
    remember_version(svc, v2)
    svc.answers.add(
        answer(
            "new",
            "2026-03-02T09:30:00Z",
            version=2,
            answers={"avis": "après", "transport": "velo", "quartier": "Tunnel"},
        )
    )
    return app


def test_a_version_is_snapshotted_once_per_process(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    svc = app.extensions["survey"]
    q = svc.library.get(QUESTIONNAIRE)
    writes = []
    add = svc.records.add
    monkeypatch.setattr(svc.records, "add", lambda *args: writes.append(args) or add(*args))
    for _ in range(3):
        remember_version(svc, q)
    assert len(writes) == 1
    stored = svc.records.get(COLLECTION, f"{QUESTIONNAIRE}@1")
    assert stored["definition"] == q.to_dict()


def test_a_failed_snapshot_never_stops_an_answer(tmp_path, monkeypatch, caplog):
    app = make_app(tmp_path)
    svc = app.extensions["survey"]

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(svc.records, "add", disk_full)
    remember_version(svc, svc.library.get(QUESTIONNAIRE))
    assert "not snapshotted" in caplog.text
    assert not svc.remembered_versions  # tried again with the next answer


def test_known_versions_rebuild_old_definitions(tmp_path):
    app = two_versions(tmp_path)
    versions = known_versions(app.extensions["survey"], QUESTIONNAIRE)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].question("internet") is not None and versions[0].question("quartier") is None


def test_columns_of_every_version_in_questionnaire_order(tmp_path):
    header, rows = rows_by_id(export_bytes(two_versions(tmp_path), codes=True))
    questions = header[: header.index("id")]
    assert questions == [
        "avis",
        "transport",
        "transport__autre",
        "quartier",
        "usages",
        "usages/mails",
        "usages/demarches",
        "usages/autre",
        "usages__autre",
        "internet",
        "aisance",
        "age",
    ]
    assert rows["old"]["quartier"] == ""  # asked later: empty for the older answer
    assert rows["old"]["internet"] == "oui"  # removed: keeps its column
    assert rows["new"]["internet"] == "" and rows["new"]["quartier"] == "Tunnel"
    assert (rows["old"]["version"], rows["new"]["version"]) == ("1", "2")


def test_labels_come_from_every_version(tmp_path):
    header, rows = rows_by_id(export_bytes(two_versions(tmp_path)), "Identifiant de la réponse")
    assert rows["old"]["Internet ?"] == "Oui"
    assert rows["new"]["Comment venez-vous ?"] == "À vélo"
    assert rows["old"]["Comment venez-vous ?"] == "À pied"


def test_json_lists_every_version(tmp_path):
    data = json.loads(export_bytes(two_versions(tmp_path), "json"))
    assert data["questionnaire"]["version"] == 2
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert [a["version"] for a in data["answers"]] == [1, 2]


def test_without_snapshot_the_current_file_is_used(tmp_path):
    app = make_app(tmp_path, V2)
    svc = app.extensions["survey"]
    svc.answers.add(answer("x", "2026-03-01T09:30:00Z", version=2, answers={"quartier": "Tunnel"}))
    header, rows = rows_by_id(export_bytes(app, codes=True))
    assert "internet" not in header and rows["x"]["quartier"] == "Tunnel"
