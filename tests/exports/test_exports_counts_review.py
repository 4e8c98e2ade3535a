"""The XLSX counts sheet never shows more than 100 % for a choice (issue 11 §5, issue 12 item 5):
an answer stored before repeated values were refused still counts each choice once."""

from __future__ import annotations

import io

import openpyxl

from tests.exports_support import answer, export_bytes, load_answers, make_app


def test_a_value_repeated_in_an_old_stored_answer_counts_once(tmp_path):
    app = make_app(tmp_path)
    load_answers(
        app,
        [
            answer("r1", "2026-03-01T09:30:00Z", answers={"usages": ["mails"] * 2000 + ["demarches"]}),
            answer("r2", "2026-03-02T09:30:00Z", answers={"usages": ["mails"]}),
        ],
    )
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(app, "xlsx")))
    rows = {(row[1], row[3]): row for row in book["Comptes"].iter_rows(min_row=2, values_only=True)}
    assert rows[("usages", "mails")][4:] == (2, 1.0)
    assert rows[("usages", "demarches")][4:] == (1, 0.5)
