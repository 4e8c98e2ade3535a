"""LibreOffice (headless, the Debian package) opens our files with the right columns and accents."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from tests.exports_support import EXPECTED_HEADER, answer, export_bytes, load_answers, make_app

pytestmark = pytest.mark.slow
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Import options of LibreOffice's CSV filter: separator 59 (;), text delimiter 34 ("),
# character set 76 (UTF-8), start at line 1: what a French user picks in the import dialog.
CSV_FRENCH = "CSV:59,34,76,1"


def convert(source, fmt: str, outdir, profile, infilter: str | None = None):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé : scripts/system-packages.sh l'installe")
    command = [
        SOFFICE,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(source),
    ]
    if infilter:
        command[3:3] = [f"--infilter={infilter}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    produced = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert produced.exists(), result.stdout + result.stderr
    return produced


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Our CSV and XLSX of the known dataset plus a free-text formula, converted by LibreOffice once."""
    tmp = tmp_path_factory.mktemp("libreoffice")
    app = make_app(tmp)
    load_answers(app)
    load_answers(app, [answer("a4", "2026-07-15T08:00:00Z", answers={"avis": "=1+1", "age": 7})])
    csv_file = tmp / "reponses.csv"
    csv_file.write_bytes(export_bytes(app))
    xlsx_file = tmp / "classeur.xlsx"
    xlsx_file.write_bytes(export_bytes(app, "xlsx"))
    profile = tmp / "profil-libreoffice"
    out = tmp / "converti"
    return {
        "from_csv": convert(csv_file, "xlsx", out, profile, CSV_FRENCH),
        "from_xlsx": convert(xlsx_file, "csv:Text - txt - csv (StarCalc):59,34,76,1", out, profile),
    }


def test_libreoffice_reads_our_csv_with_the_right_columns_and_accents(converted):
    sheet = openpyxl.load_workbook(converted["from_csv"]).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == EXPECTED_HEADER  # one column each: the separator and BOM were understood
    first = dict(zip(EXPECTED_HEADER, rows[1]))
    assert first["Votre avis"] == "Très bien, merci ; vraiment"
    assert first["Collecté par"] == "Zoé"
    assert first["Usages"] == "Mails | Autre"
    assert first["Âge"] == 34  # a number, not text
    second = dict(zip(EXPECTED_HEADER, rows[2]))
    assert second["Âge"] == -3  # a negative number stays a number


def test_libreoffice_does_not_run_a_formula_typed_in_the_csv(converted):
    sheet = openpyxl.load_workbook(converted["from_csv"]).active
    cells = {row[11].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert cells["a2"].data_type == "s" and cells["a2"].value == '\'=HYPERLINK("http://x";"clic")'
    assert cells["a4"].data_type == "s" and cells["a4"].value == "'=1+1"  # not the number 2


def test_libreoffice_reads_our_xlsx_and_keeps_formulas_as_text(converted):
    text = converted["from_xlsx"].read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == EXPECTED_HEADER
    by_id = {r[11]: dict(zip(EXPECTED_HEADER, r)) for r in rows[1:]}
    assert by_id["a4"]["Votre avis"] == "=1+1"  # shown as typed, not computed to 2
    assert by_id["a2"]["Votre avis"] == '=HYPERLINK("http://x";"clic")'
    assert by_id["a1"]["Collecté par"] == "Zoé" and by_id["a1"]["Votre avis"] == "Très bien, merci ; vraiment"
    # LibreOffice quotes text, not numbers: the 0/1 columns and ages are numbers.
    assert '"Mails | Autre";1;0;1;"Jeux"' in text and ";-3;" in text
