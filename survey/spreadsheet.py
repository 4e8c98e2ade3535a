"""Safe cells for every workbook the toolkit writes (the XLSX export, XLSForm exports).

Text comes from people: inhabitants' answers, questionnaire wordings and choice
labels written in the editor or imported. Two rules hold for every cell:

- text is text: a label such as ``=HYPERLINK(…)`` is written as a string, never as
  a formula a spreadsheet would run (openpyxl turns any string starting with « = »
  into a formula);
- characters that XML 1.0 cannot hold (control characters pasted from elsewhere,
  lone surrogates) are dropped, instead of making the whole export fail.
"""

from __future__ import annotations

import re

# Not allowed in XML 1.0 (tab, line feed and carriage return are), plus lone surrogates,
# which UTF-8 cannot encode.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# A cell starting with one of these is run as a formula by spreadsheets (OWASP, CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a CSV cell a spreadsheet would run as a formula with a quote (text cells only)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# For hot loops: a cheap test before calling ``xml_safe``.
has_unsafe = _NOT_XML.search


def xml_safe(text: str) -> str:
    """``text`` without the characters a workbook cannot store."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def safe_cell(ws, value, *, font=None, alignment=None, number_format=None):
    """A cell for ``ws`` (write-only or not) holding ``value``; a string is always a string."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = xml_safe(value)
    cell = WriteOnlyCell(ws, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def safe_row(ws, values, **style) -> list:
    """A row for ``ws.append``: every value through ``safe_cell``, with the same style."""
    return [safe_cell(ws, value, **style) for value in values]
