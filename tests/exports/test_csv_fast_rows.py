"""The CSV export's fast rows (issue 15 §6): a row is written by joining text cells instead of
going through Python's csv writer, and the plan of a CSV gives its numbers and empty cells as
text. The file must stay byte for byte what the writer made from the plan's cells before:
formula starts, quotes, separators, line breaks, tabs, characters beyond the BMP, numbers,
empty, missing, odd and hidden answers."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.exports import columns
from survey.exports.columns import Plan
from survey.exports.csv_export import BOM, csv_chunks, quoted_lines, writer_lines
from survey.formats.yaml_files import parse_text
from survey.model.media import RECORDING
from tests.exports_support import V1, V2


class Label(str):
    """A str subclass: the writer writes its characters, never its ``__str__``."""

    def __str__(self) -> str:
        return "not this"


TRICKY_TEXTS = [
    "=1+1",
    "+33 6 12 34 56 78",
    "-3",
    "@SUM(A1:A9)",
    "\tdébut par une tabulation",
    "\rdébut par un retour chariot",
    'Il a dit "non" ; puis "oui"',
    '"',
    '""',
    "a;b",
    "a,b",
    "ligne 1\nligne 2",
    "fin\r\n",
    "🙂 𝄞 au-delà du BMP",
    "\ud800 surrogate seul",
    "\x00 nul",
    "",
    " ",
    "'déjà protégé",
    Label("étiquette"),
]
ODD_CELLS = [None, 0, -3, 1.5, 1e22, float("nan"), True, False, 2**70, ["liste"], {"clé": 1}]

ROWS = [
    [],
    [""],
    [None],
    ['"'],
    TRICKY_TEXTS,
    ODD_CELLS,
    TRICKY_TEXTS + ODD_CELLS,
    *([cell] for cell in TRICKY_TEXTS + ODD_CELLS),
    ["sans", "rien", "de", "spécial", "1", "0", ""],
]


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize("cells", ROWS)
def test_a_quoted_line_is_what_the_csv_writer_writes(cells, separator):
    assert quoted_lines(separator)(cells) == writer_lines(separator, csv.QUOTE_ALL)(cells)


CELL = st.one_of(
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12),
    st.sampled_from(TRICKY_TEXTS),
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(cells=st.lists(CELL, max_size=8), separator=st.sampled_from([";", ","]))
def test_any_row_is_written_as_the_csv_writer_writes_it(cells, separator):
    assert quoted_lines(separator)(cells) == writer_lines(separator, csv.QUOTE_ALL)(cells)


# --- the whole file ------------------------------------------------------------------------------
SESSION = "s20260301-0001"


def odd_answer(n: int, **fields) -> dict:
    base = {
        "id": f"r{n}",
        "version": 1,
        "submitted_at": "2026-03-01T09:30:00Z",
        "channel": "tablette",
        "language": "fr",
        "answers": {},
    }
    return {**base, **fields}


ANSWERS = [
    odd_answer(
        1,
        collector="-Zoé",
        tags=["=x", "coût"],
        answers={
            "avis": '=HYPERLINK("http://x";"clic")',
            "transport": "autre",
            "transport__autre": '=cmd|" /C calc"!A0',
            "usages": ["mails", "autre"],
            "usages__autre": "+ligne 1\nligne 2",
            "internet": "oui",
            "aisance": 4,
            "age": 34,
        },
    ),
    odd_answer(
        2,
        version=2,
        submitted_at="2026-03-29T01:30:00+00:00",
        session=SESSION,
        consent_display=True,
        consent_report=False,
        first_name="@moi",
        age_band="25-39",
        quartier="\tTunnel",
        answers={
            "avis": 42,
            "quartier": ["Tunnel", "Centre ; nord"],
            "transport": "velo",
            "usages": "mails",
            "aisance": 7,
            "age": "1 234",
        },
    ),
    odd_answer(3, hidden=True, channel="fax", session="inconnue", language=None, version=None, submitted_at=None),
    odd_answer(4, answers=None, channel=None, tags="texte", id='r"4"', place="Place ; « du marché »"),
    odd_answer(
        5,
        media=[{"question": "avis", "kind": RECORDING, "file": "r5-avis.webm"}],
        transcriptions={"avis": {"text": "+dit à voix haute", "by": "Inès", "at": "2026-03-02T10:00:00Z"}},
        answers={"avis": "", "transport": "", "usages": [], "internet": None, "aisance": "3", "age": 1.5},
    ),
    odd_answer(
        6,
        consent_display=False,
        consent_report=True,
        answers={
            "avis": "🙂 \ud800 \rretour",
            "transport__autre": "\x00",
            "usages": ["demarches", "velo", "autre"],
            "usages__autre": 7,
            "internet": True,
            "aisance": True,
            "age": 2**70,
        },
    ),
    odd_answer(7, answers={"age": "abc", "aisance": [1, 2], "transport": ["bus", "pied"], "avis": ["a", 1]}),
    odd_answer(8, answers={"age": float("nan"), "avis": "-", "usages": [["imbriqué"]]}),
]


def plan_of(codes: bool) -> Plan:
    definitions = [parse_text(V1), parse_text(V2)]
    return Plan(
        definitions,
        place="Tunnel – Centre social",
        sessions={SESSION: ("1er mars, « marché »", "=Marché")},
        codes=codes,
        for_csv=True,
        voice_on_open_questions=True,
    )


def written_by_the_csv_writer(plan: Plan, answers: list[dict], separator: str) -> bytes:
    """The general path, as before the fast rows: numbers as numbers, None for an empty cell,
    every row through Python's csv writer."""
    line = writer_lines(separator, csv.QUOTE_ALL)
    return BOM.encode() + line(plan.header()) + b"".join(line(plan.row(a)) for a in answers)


@pytest.mark.parametrize("codes", [False, True])
@pytest.mark.parametrize("separator", [";", ","])
def test_the_whole_file_is_byte_for_byte_what_the_csv_writer_made(monkeypatch, codes, separator):
    fast_plan = plan_of(codes)
    with monkeypatch.context() as before:
        before.setattr(columns, "csv_text", lambda value: value)
        before.setattr(columns, "CSV_EMPTY", None)
        general_plan = plan_of(codes)
    general_rows = [general_plan.row(a) for a in ANSWERS]
    assert any(cell is None for row in general_rows for cell in row)  # the comparison means something
    assert any(isinstance(cell, int) for row in general_rows for cell in row)
    assert all(isinstance(cell, str) for a in ANSWERS for cell in fast_plan.row(a))

    expected = written_by_the_csv_writer(general_plan, ANSWERS, separator)
    assert b"".join(csv_chunks(fast_plan, ANSWERS, separator=separator)) == expected


def test_chunks_cut_at_the_same_rows_and_bytes_whatever_their_number(monkeypatch):
    """Many rows, several chunks: the same bytes as the writer, header and BOM only once."""
    monkeypatch.setattr("survey.exports.csv_export.ROWS_PER_CHUNK", 3)
    plan = plan_of(False)
    answers = ANSWERS * 4
    chunks = list(csv_chunks(plan, answers))
    assert len(chunks) == len(answers) // 3 + 1
    assert chunks[1].count(b"\r\n") >= 3 and not chunks[1].startswith(BOM.encode())
    with monkeypatch.context() as before:
        before.setattr(columns, "csv_text", lambda value: value)
        before.setattr(columns, "CSV_EMPTY", None)
        general_plan = plan_of(False)
    assert b"".join(chunks) == written_by_the_csv_writer(general_plan, answers, ";")
