"""CSV that opens right in French Excel and LibreOffice, written as it streams.

Defaults for France: ``;`` separator, UTF-8 with a BOM (Excel reads UTF-8
reliably only with it), CRLF line ends, every field quoted. No ``sep=;`` first
line: it makes Excel ignore the BOM. Text cells are neutralised against formula
injection by the column plan (``Plan(for_csv=True)``).

Every field quoted makes a line simple to write: the cells joined by ``";"``,
quotes doubled. Python's ``csv`` writer looks at each character of each cell for
that (some 40 % of the CPU of a large export, docs/BENCHMARKS.md); ``quoted_lines``
gives the same bytes with a few string operations per row. The writer stays for
minimal quoting, and is the reference the tests compare with. Each row is encoded
as soon as it is made: the chunk holds bytes, not the rows' lists and strings.
"""

from __future__ import annotations

import csv
import io
from typing import Callable, Iterable, Iterator

from .columns import Plan, csv_text

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
QUOTE = '"'
LINE_END = "\r\n"
ENCODING = ("utf-8", "replace")  # a lone surrogate (pasted from elsewhere) becomes « ? »


def csv_chunks(
    plan: Plan, answers: Iterable[dict], *, separator: str = ";", bom: bool = True, quote_all: bool = True
) -> Iterator[bytes]:
    """The file as UTF-8 byte chunks of a few hundred rows: memory stays flat."""
    encoded = quoted_lines(separator) if quote_all else writer_lines(separator, csv.QUOTE_MINIMAL)
    lines = [(BOM.encode(*ENCODING) if bom else b"") + encoded(plan.header())]
    row = plan.row
    pending = 0
    for answer in answers:
        lines.append(encoded(row(answer)))
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield b"".join(lines)
            lines = []
            pending = 0
    yield b"".join(lines)


def quoted_lines(separator: str) -> Callable[[list], bytes]:
    """``cells -> bytes``: a row exactly as ``writer_lines(separator, csv.QUOTE_ALL)`` gives it.

    A row with no quote in its cells is ``"`` + the cells joined by ``";"`` + ``"``:
    counting the quotes of that line tells whether any cell had one, and only then
    are they doubled. A cell that is not text (a number, None) is written as the
    writer writes it (``csv_text``): the plan of a CSV gives text, so that is rare.
    """
    between = QUOTE + separator + QUOTE
    doubled = QUOTE + QUOTE

    def line(cells: list) -> bytes:
        if not cells:  # the writer ends an empty row alone, unquoted
            return LINE_END.encode(*ENCODING)
        try:
            joined = between.join(cells)
        except TypeError:  # a cell that is not text
            cells = [csv_text(cell) for cell in cells]
            joined = between.join(cells)
        if joined.count(QUOTE) != 2 * (len(cells) - 1):  # a cell holds a quote
            joined = between.join([cell.replace(QUOTE, doubled) for cell in cells])
        return f"{QUOTE}{joined}{QUOTE}{LINE_END}".encode(*ENCODING)

    return line


def writer_lines(separator: str, quoting: int) -> Callable[[list], bytes]:
    """``cells -> bytes``: a row through Python's ``csv`` writer (CRLF line ends, quotes doubled)."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=separator, quotechar=QUOTE, doublequote=True, quoting=quoting, lineterminator=LINE_END
    )

    def line(cells: list) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue().encode(*ENCODING)

    return line
