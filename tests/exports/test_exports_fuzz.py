"""Property tests of the CSV and XLSX exports (issue 12, fuzz suite): whatever text a
questionnaire and its answers hold — formulas, control characters, markup, any script —
the files are made, open, and hold no live formula.

Bounded and derandomised so that CI is fast and repeatable."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from survey.formats.yaml_files import parse_text
from survey.formats.yaml_writer import dump_yaml
from survey.model.questionnaire import QuestionnaireError
from survey.spreadsheet import FORMULA_STARTS, xml_safe
from tests.exports_support import CAMPAIGN, QUESTIONNAIRE, answer, export_bytes, load_answers, make_app

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Any text (no lone surrogates: they cannot reach a stored answer), often starting the way a
# formula starts, often with characters XML cannot hold (not U+0000: no way in keeps it, and
# PostgreSQL cannot hold it; model/answer_record.typed_text).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
HOSTILE_TEXT = st.one_of(
    ANY_TEXT,
    st.tuples(
        st.sampled_from([*FORMULA_STARTS, '=HYPERLINK("http://x";"clic")', "<f>", "]]>", "\x08", "\x01"]), ANY_TEXT
    ).map("".join),
)
LABEL = HOSTILE_TEXT.filter(lambda s: s.strip())


def questionnaire_text(title: str, label: str, choice: str) -> str:
    return dump_yaml(
        {
            "id": QUESTIONNAIRE,
            "title": title,
            "version": 1,
            "questions": [
                {"id": "avis", "type": "short_text", "label": label},
                {
                    "id": "usages",
                    "type": "multiple_choice",
                    "label": label + " ?",
                    "other": True,
                    "choices": [{"value": "mails", "label": choice}, {"value": "demarches", "label": "Démarches"}],
                },
            ],
        }
    )


def live_formulas(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if n.endswith(".xml") and (b"<f>" in z.read(n) or b"<f " in z.read(n))]


@FUZZ
@given(title=LABEL, label=LABEL, choice=LABEL, said=HOSTILE_TEXT, other=HOSTILE_TEXT, who=HOSTILE_TEXT)
def test_any_text_exports_to_files_that_open_without_a_live_formula(title, label, choice, said, other, who):
    text = questionnaire_text(title, label, choice)
    try:
        parse_text(text)
    except QuestionnaireError:
        assume(False)  # the loader refused it in French: the fuzzing of the loader covers that
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), text)
        load_answers(
            app,
            [
                answer(
                    "f1",
                    "2026-03-01T09:30:00Z",
                    collector=who,
                    answers={"avis": said, "usages": ["mails", "autre"], "usages__autre": other},
                )
            ],
        )

        xlsx = export_bytes(app, "xlsx")
        assert live_formulas(xlsx) == []
        book = openpyxl.load_workbook(io.BytesIO(xlsx))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                assert all(cell.data_type != "f" for cell in row), sheet.title
        assert book["Réponses"]["A2"].value == (xml_safe(said) or None)  # the answer, as it was said

        rows = list(csv.reader(io.StringIO(export_bytes(app, "csv").decode("utf-8-sig"), newline=""), delimiter=";"))
        assert len(rows) == 2
        for cell in rows[0] + rows[1]:
            assert (
                not cell.startswith(FORMULA_STARTS)
                or cell.lstrip("-").replace(".", "").isdigit()
                or cell.startswith("'")
            ), cell
        assert said in (rows[1][0], rows[1][0][1:])
        assert app.extensions["survey"].campaigns.get(CAMPAIGN) is not None
