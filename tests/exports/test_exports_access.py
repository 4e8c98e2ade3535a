"""A coordinator gets each format from the web page and from ``survey export``."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest

from survey.cli import main
from tests.conftest import ROOT
from tests.exports_support import EXPECTED_HEADER, export_bytes, load_answers, make_app
from tests.factories import login_coordinator

BASE = "/coordination/campagnes/essai"


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    load_answers(app)
    return app


@pytest.fixture
def coordinator(app):
    client = app.test_client()
    login_coordinator(client)
    return client


def test_exports_need_a_coordinator(app):
    client = app.test_client()
    for url in (f"{BASE}/exporter", f"{BASE}/export.csv", f"{BASE}/export.xlsx", f"{BASE}/export.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"], url


def test_the_coordinator_home_links_to_the_export_page(coordinator):
    page = coordinator.get("/coordination/").get_data(as_text=True)
    assert f'href="{BASE}/exporter"' in page and "Exporter les réponses" in page


def test_the_export_page_has_labelled_choices(coordinator):
    page = coordinator.get(f"{BASE}/exporter").get_data(as_text=True)
    assert "3 réponses enregistrées" in page
    for field in (
        "format-csv",
        "format-xlsx",
        "format-json",
        "valeurs-codes",
        "sep-v",
        "bom-non",
        "du",
        "au",
        "canal",
        "lieu",
        "masquees",
    ):
        assert f'for="{field}"' in page and f'id="{field}"' in page, field
    assert "style=" not in page and "<script" not in page


def test_csv_download_is_streamed_with_the_right_headers(app, coordinator):
    response = coordinator.get(f"{BASE}/export.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="essai-\d{8}-\d{4}\.csv"', response.headers["Content-Disposition"])
    assert response.data == export_bytes(app)
    assert response.headers["Cache-Control"] == "no-store"


def test_xlsx_and_json_downloads(coordinator):
    response = coordinator.get(f"{BASE}/export.xlsx")
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book["Réponses"][1]] == EXPECTED_HEADER
    response = coordinator.get(f"{BASE}/export.json")
    assert response.headers["Content-Type"] == "application/json"
    assert [a["id"] for a in json.loads(response.data)["answers"]] == ["a1", "a2"]


def test_each_download_is_in_the_audit_log(app, coordinator):
    coordinator.get(f"{BASE}/export.csv?canal=qr").close()
    events = [e for e in app.extensions["survey"].records.all("audit") if e["action"] == "export"]
    assert len(events) == 1
    assert events[0]["who"] == "camille" and "essai" in events[0]["detail"] and "canal=qr" in events[0]["detail"]


def test_the_form_sends_to_the_chosen_file_with_its_options(coordinator):
    response = coordinator.get(
        f"{BASE}/exporter?telecharger=1&format=csv&separateur=virgule&bom=non"
        "&valeurs=codes&du=2026-07-01&canal=&masquees=oui"
    )
    assert response.status_code == 303
    target = response.headers["Location"]
    assert target.startswith(f"{BASE}/export.csv?")
    data = coordinator.get(target).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0][0] == "avis" and [r[11] for r in rows[1:]] == ["a2", "a3"]


def test_bad_choices_get_french_messages(coordinator):
    page = coordinator.get(f"{BASE}/exporter?telecharger=1&format=csv&du=31/02/2026")
    assert page.status_code == 422
    assert "n&#39;est pas une date valide" in page.get_data(as_text=True)
    page = coordinator.get(f"{BASE}/exporter?telecharger=1&format=csv&du=2026-05-01&au=2026-04-01")
    assert "La date de début doit venir avant la date de fin" in page.get_data(as_text=True)
    response = coordinator.get(f"{BASE}/export.csv?canal=pigeon")
    assert response.status_code == 400 and "Ce canal de collecte n&#39;existe pas" in response.get_data(as_text=True)
    assert coordinator.get(f"{BASE}/export.pdf").status_code == 404
    missing = coordinator.get("/coordination/campagnes/inconnue/export.csv")
    assert missing.status_code == 404 and "Cette campagne n&#39;existe pas" in missing.get_data(as_text=True)


def cli_env(tmp_path) -> dict:
    return {"SURVEY_QUESTIONNAIRES": str(tmp_path / "questionnaires"), "SURVEY_DATA": str(tmp_path / "data")}


def test_the_cli_writes_to_exports_by_default(app, tmp_path):
    """A real ``survey export`` process, started in a fresh folder, as a coordinator would."""
    work = tmp_path / "ailleurs"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "survey", "export", "essai"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **cli_env(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    files = list((work / "exports").iterdir())
    assert len(files) == 1 and re.fullmatch(r"essai-\d{8}-\d{4}\.csv", files[0].name)
    assert files[0].read_bytes() == export_bytes(app)
    assert "2 réponses exportées dans exports/essai-" in result.stdout
    assert "Export de 3 réponses" in result.stderr  # the progress bar's label


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_the_cli_writes_each_format_where_asked(app, runner, tmp_path, fmt, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "sorties" / f"fichier.{fmt}"
    result = runner.invoke(main, ["export", "essai", "--format", fmt, "--out", str(out)], env=cli_env(tmp_path))
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        assert openpyxl.load_workbook(out).sheetnames == ["Réponses", "Questionnaire", "Comptes"]
    else:
        assert [a["id"] for a in json.loads(out.read_text("utf-8"))["answers"]] == ["a1", "a2"]


def test_the_cli_options(app, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.env.update(cli_env(tmp_path))
    result = runner.invoke(
        main,
        [
            "export",
            "essai",
            "--out",
            "-",
            "--separator",
            ",",
            "--no-bom",
            "--codes",
            "--from",
            "14/07/2026",
            "--to",
            "2026-07-15",
            "--channel",
            "qr",
            "--include-hidden",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0][:2] == ["avis", "transport"] and [r[11] for r in rows[1:]] == ["a2", "a3"]
    result = runner.invoke(main, ["export", "essai", "--out", "-", "--place", "nulle part"])
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "inconnue"], "La campagne « inconnue » n'existe pas"),
        (["export", "essai", "--format", "pdf"], "Le format « pdf » n'existe pas"),
        (["export", "essai", "--from", "hier"], "n'est pas une date valide"),
        (["export", "essai", "--separator", "|"], "Le séparateur doit être"),
        (["export", "essai", "--channel", "pigeon"], "Le canal « pigeon » n'existe pas"),
        (["export", "essai", "--format", "xlsx", "--out", "-"], "ne s'écrit pas sur la sortie standard"),
    ],
)
def test_the_cli_says_what_is_wrong_in_french(app, runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, args, env=cli_env(tmp_path))
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "exports").exists()


def test_a_campaign_whose_questionnaire_is_gone_gets_a_french_message(app, coordinator):
    from survey.model.campaign import Campaign

    app.extensions["survey"].campaigns.save(Campaign(id="orpheline", title="Orpheline", questionnaire="disparu"))
    response = coordinator.get("/coordination/campagnes/orpheline/export.csv")
    assert response.status_code == 409
    assert "Le questionnaire « disparu » de cette campagne est introuvable" in response.get_data(as_text=True)
