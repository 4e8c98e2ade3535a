"""CSV that opens right in French Excel and LibreOffice, written as it streams.

Defaults for France: ``;`` separator, UTF-8 with a BOM (Excel reads UTF-8
reliably only with it), CRLF line ends, every field quoted. No ``sep=;`` first
line: it makes Excel ignore the BOM. Text cells are neutralised against formula
injection by the column plan (``Plan(for_csv=True)``).
"""

from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from .columns import Plan

BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def csv_chunks(
    plan: Plan, answers: Iterable[dict], *, separator: str = ";", bom: bool = True, quote_all: bool = True
) -> Iterator[bytes]:
    """The file as UTF-8 byte chunks of a few hundred rows: memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=separator,
        quotechar='"',
        doublequote=True,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    if bom:
        buffer.write(BOM)
    writer.writerow(plan.header())
    row = plan.row
    write = writer.writerow
    pending = 0
    for answer in answers:
        write(row(answer))
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8", "replace")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8", "replace")
