"""Open data (issue 17 §5): a Frictionless data package — the CSV and a descriptor whose table
schema types every column — that `frictionless validate` accepts, with no personal field unless
the coordinator includes them knowingly."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from survey.cli import main
from tests.exports_support import CAMPAIGN, answer, load_answers, make_app
from tests.factories import login_coordinator

FRICTIONLESS = Path(sys.executable).with_name("frictionless")

ANSWERS = [
    answer(
        "seule",  # written alone on a phone: anonymous, quotable under the form's notice
        "2026-03-01T09:30:00Z",
        collector="Zoé",
        answers={
            "avis": "Le bus passe trop peu",
            "transport": "autre",
            "transport__autre": "Trottinette",
            "usages": ["mails", "autre"],
            "usages__autre": "Jeux",
            "internet": "oui",
            "aisance": 4,
            "age": 34,
        },
    ),
    answer(
        "carte",  # a scribe's card: a first name, and no to the reuse of the words
        "2026-03-02T10:00:00Z",
        channel="porteur-de-parole",
        first_name="Malika",
        consent_display=True,
        consent_report=False,
        answers={"avis": "Mon voisin Karim m'aide", "transport": "bus", "age": "trente"},
    ),
    answer("masquee", "2026-03-03T10:00:00Z", hidden=True, answers={"avis": "indésirable"}),
]


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    load_answers(app, ANSWERS)
    return app


def export_package(runner, app, out: Path, *extra) -> Path:
    data_dir = app.config["DATA_DIR"]
    result = runner.invoke(
        main,
        ["export", CAMPAIGN, "--format", "datapackage", "--out", str(out), "--data", data_dir, *extra],
        env={"SURVEY_QUESTIONNAIRES": str(Path(data_dir).parent / "questionnaires")},
    )
    assert result.exit_code == 0, result.output
    return out


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(FRICTIONLESS), "validate", str(descriptor)], capture_output=True, text=True, timeout=120)


def rows_of(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "reponses.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_the_package_validates_and_types_every_column(runner, app, tmp_path):
    folder = export_package(runner, app, tmp_path / "paquet")
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.json", "reponses.csv"]
    checked = frictionless_validate(folder / "datapackage.json")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == CAMPAIGN and package["licenses"][0]["name"] == "etalab-2.0"
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    # Choices as enums, labels as titles and descriptions, numbers and dates typed.
    assert fields["transport"]["constraints"]["enum"] == ["bus", "pied", "autre"]
    assert fields["transport"]["title"] == "Comment venez-vous ?"
    assert "bus = En bus" in fields["transport"]["description"]
    assert fields["internet"]["constraints"]["enum"] == ["oui", "non"]
    assert fields["aisance"]["type"] == "integer" and fields["aisance"]["constraints"]["enum"] == [1, 2, 3, 4, 5]
    assert fields["usages/mails"]["type"] == "integer" and fields["usages/mails"]["constraints"]["enum"] == [0, 1]
    assert fields["age"]["type"] == "number"
    assert fields["submitted_at_utc"]["type"] == "datetime"
    assert package["resources"][0]["schema"]["primaryKey"] == ["id"]
    rows = rows_of(folder)
    assert rows["seule"]["transport"] == "autre" and rows["seule"]["aisance"] == "4"
    assert rows["seule"]["submitted_at_utc"] == "2026-03-01 09:30:00"


def test_no_personal_field_and_no_words_without_reuse_consent(runner, app, tmp_path):
    folder = export_package(runner, app, tmp_path / "paquet")
    everything = (folder / "reponses.csv").read_text(encoding="utf-8") + (folder / "datapackage.json").read_text(
        encoding="utf-8"
    )
    for personal in ("Malika", "Karim", "Zoé", "indésirable"):
        assert personal not in everything
    rows = rows_of(folder)
    assert set(rows) == {"seule", "carte"}  # the hidden answer is left out
    assert rows["seule"]["avis"] == "Le bus passe trop peu" and rows["seule"]["transport__autre"] == "Trottinette"
    assert rows["carte"]["avis"] == "" and rows["carte"]["transport"] == "bus"  # closed answers stay
    assert rows["carte"]["age"] == ""  # « trente » typed on paper: not a number, left empty
    assert "person_first_name" not in rows["carte"] and "collector" not in rows["carte"]
    assert "Sans données personnelles" in json.loads((folder / "datapackage.json").read_text())["description"]


def test_personal_fields_only_when_asked_and_then_said(runner, app, tmp_path):
    folder = export_package(runner, app, tmp_path / "paquet", "--donnees-personnelles")
    rows = rows_of(folder)
    assert rows["carte"]["person_first_name"] == "Malika" and rows["carte"]["avis"] == "Mon voisin Karim m'aide"
    assert rows["seule"]["collector"] == "Zoé"
    assert "à ne pas publier" in json.loads((folder / "datapackage.json").read_text())["description"]
    assert frictionless_validate(folder / "datapackage.json").returncode == 0


def test_personal_fields_are_refused_for_another_format(runner, app, tmp_path):
    result = runner.invoke(
        main, ["export", CAMPAIGN, "--format", "csv", "--donnees-personnelles", "--data", app.config["DATA_DIR"]]
    )
    assert result.exit_code == 1 and "ne sert qu'aux données ouvertes" in result.output


def test_the_export_page_offers_open_data_as_a_zip_that_validates(app, tmp_path):
    client = app.test_client()
    login_coordinator(client, app)
    page = client.get(f"/coordination/campagnes/{CAMPAIGN}/exporter").get_data(as_text=True)
    assert "Données ouvertes" in page and 'name="personnelles"' in page
    response = client.get(f"/coordination/campagnes/{CAMPAIGN}/export.datapackage")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith('.zip"')
    folder = tmp_path / "depuis-le-web"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["datapackage.json", "reponses.csv"]
        archive.extractall(folder)
    assert frictionless_validate(folder / "datapackage.json").returncode == 0
    assert "Malika" not in (folder / "reponses.csv").read_text(encoding="utf-8")
    asked = client.get(f"/coordination/campagnes/{CAMPAIGN}/export.datapackage?personnelles=oui")
    with zipfile.ZipFile(io.BytesIO(asked.get_data())) as archive:
        assert "Malika" in archive.read("reponses.csv").decode("utf-8")


def test_the_demo_campaigns_give_valid_packages(tmp_path, runner):
    from survey import create_app
    from survey.services.demo import load_demo

    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test"})
    for campaign in load_demo(app.extensions["survey"], with_answers=True):
        if not app.extensions["survey"].answers.count(campaign.id):
            continue
        folder = tmp_path / campaign.id
        result = runner.invoke(
            main,
            ["export", campaign.id, "--format", "datapackage", "--out", str(folder), "--data", str(tmp_path / "data")],
        )
        assert result.exit_code == 0, result.output
        checked = frictionless_validate(folder / "datapackage.json")
        assert checked.returncode == 0, checked.stdout
