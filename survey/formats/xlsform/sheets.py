"""Reading an XLSForm workbook as text rows, within bounds checked before reading.

An uploaded file is a zip archive that openpyxl would unpack whole: its size, its
unzipped size, the cells of a row and of the workbook are counted first (in the raw
XML), so that a small file cannot take gigabytes once opened. Every way a workbook can
fail to read is an ``XLSFormError`` said in French.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass

from .spec import WORD_JOINER, XLSFormError

log = logging.getLogger(__name__)

MAX_UPLOAD = 2 * 1024 * 1024  # bytes of an uploaded workbook
MAX_UNZIPPED = 50 * 1024 * 1024  # bytes once decompressed (a small file can hide a huge one)
MAX_ROWS = 5000  # rows read per sheet
MAX_COLUMNS = 300  # cells of one row (a form has a few dozen columns, even in 10 languages)
MAX_CELLS = 250_000  # cells of the whole workbook, and texts in its shared table
MAX_BLANK_ROWS = 20  # XLSForm ignores what follows 20 adjacent blank rows


@dataclass
class Sheet:
    name: str
    header: list  # normalised column keys: "type", ("label", "Français (fr)")…
    rows: list  # (row number, {key: text})


def read_workbook(content: bytes) -> dict[str, Sheet]:
    """The sheets of an .xlsx file as text rows; every way it can fail is a French XLSFormError."""
    if not content:
        raise XLSFormError("Le fichier est vide.")
    if len(content) > MAX_UPLOAD:
        raise XLSFormError(
            f"Le fichier fait {_megabytes(len(content))} : la limite est de "
            f"{_megabytes(MAX_UPLOAD)}. Un XLSForm pèse d'habitude moins de 100 ko."
        )
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise XLSFormError(
            "Ce fichier est au vieux format Excel (.xls). Ouvrez-le dans un tableur "
            "(LibreOffice, Excel) et enregistrez-le au format .xlsx, puis réessayez."
        )
    if not content.startswith(b"PK"):
        raise XLSFormError(
            "Ce fichier n'est pas un classeur .xlsx (XLSForm). Choisissez le fichier "
            "téléchargé depuis KoboToolbox ou ODK, ou enregistré en .xlsx par votre tableur."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XLSFormError(
            "Le fichier est abîmé : ce n'est pas un classeur .xlsx lisible "
            "(il a peut-être été coupé pendant le téléchargement)."
        ) from None
    if unzipped > MAX_UNZIPPED:
        raise XLSFormError("Le classeur est beaucoup trop gros une fois ouvert : ce n'est pas un XLSForm ordinaire.")
    if "xl/workbook.xml" not in names:
        raise XLSFormError(
            "Ce fichier n'est pas un classeur de tableur (.xlsx) : c'est peut-être un document "
            "texte ou une présentation."
        )
    _check_cell_counts(content)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it drops; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                return {sheet.title.strip().lower(): _read_sheet(sheet) for sheet in book.worksheets}
            finally:
                book.close()
    except XLSFormError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        log.warning("unreadable workbook", exc_info=True)
        raise XLSFormError(
            "Le classeur n'a pas pu être lu : il est abîmé ou d'un format inattendu. "
            "Enregistrez-le à nouveau au format .xlsx puis réessayez."
        ) from None


# A cell, a row or a shared text in the XML of a workbook, with or without a namespace prefix.
_CELL_ROW_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(c|row|si)[\s/>]")
_TOKEN_TAIL = 40  # bytes kept between two chunks, longer than any token above


def _check_cell_counts(content: bytes) -> None:
    """Count cells in the raw XML before openpyxl reads anything: openpyxl builds a whole row
    at once, so one row of a million cells (150 ko compressed) would take gigabytes."""
    cells = texts = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(".xml"):
                continue
            in_row = 0
            with archive.open(info) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    buffer = tail + chunk
                    end = 0
                    for match in _CELL_ROW_TEXT.finditer(buffer):
                        end = match.end()
                        tag = match.group(1)
                        if tag == b"row":
                            in_row = 0
                        elif tag == b"si":
                            texts += 1
                        else:
                            in_row += 1
                            cells += 1
                            if in_row > MAX_COLUMNS:
                                raise XLSFormError(
                                    f"Une ligne du classeur a plus de {MAX_COLUMNS} cellules : ce "
                                    "n'est pas un XLSForm ordinaire (un formulaire a d'habitude "
                                    "une vingtaine de colonnes)."
                                )
                        if cells > MAX_CELLS or texts > MAX_CELLS:
                            limit = f"{MAX_CELLS:,}".replace(",", "\u202f")
                            raise XLSFormError(
                                f"Le classeur a plus de {limit} cellules remplies : ce n'est pas un XLSForm ordinaire."
                            )
                    tail = buffer[max(end, len(buffer) - _TOKEN_TAIL) :]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().replace("$" + WORD_JOINER + "{", "${")


def _column_key(text: str):
    """``label::Français (fr)`` -> ("label", "Français (fr)"); ``list name`` -> "list_name"."""
    text = (text or "").strip()
    if "::" in text:
        base, _, lang = text.partition("::")
        return (base.strip().lower().replace(" ", "_"), lang.strip())
    return text.lower().replace(" ", "_")


def _read_sheet(sheet) -> Sheet:
    header = None
    rows = []
    blank = 0
    # Never wider than MAX_COLUMNS, whatever the sheet's dimension says: openpyxl pads every row to it.
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            blank += 1
            if blank > MAX_BLANK_ROWS:  # as pyxform: what follows 20 blank rows is not read
                break
            continue
        blank = 0
        if header is None:
            header = [_column_key(t) for t in texts]
            continue
        if len(rows) >= MAX_ROWS:
            raise XLSFormError(
                f"La feuille « {sheet.title} » a plus de {MAX_ROWS} lignes : ce n'est pas un questionnaire ordinaire."
            )
        rows.append((number, {key: text for key, text in zip(header, texts) if key and text}))
    return Sheet(sheet.title, header or [], rows)
