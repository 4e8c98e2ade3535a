"""XLSForm exchange with ODK and KoboToolbox.

XLSForm is the spreadsheet format of ODK, KoboToolbox and their cousins: a
``survey`` sheet (one row per question), a ``choices`` sheet (the answer lists)
and an optional ``settings`` sheet. Partners build their forms there, so we
read it, and we write ours in it so that they can reuse them.

Reading keeps what our format can say and reports, in French, every thing it
leaves out and why (groups flattened, photos and GPS dropped, conditions too
complex…): a coordinator should never discover later that a question vanished.
Writing produces a file pyxform (the reference converter) accepts: the tests
check every shipped questionnaire with it.
"""

from __future__ import annotations

import io
import json
import logging
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .questionnaires import (CHOICE_TYPES, DEFAULT_SCALE_LABELS, MAX_YAML_DEPTH, OTHER_LABEL, OTHER_VALUE,
                             Problem, Questionnaire, QuestionnaireError, RefusedYAML, from_dict, load_plain_yaml)

log = logging.getLogger(__name__)

MAX_UPLOAD = 2 * 1024 * 1024          # bytes of an uploaded workbook
MAX_UNZIPPED = 50 * 1024 * 1024       # bytes once decompressed (a small file can hide a huge one)
MAX_ROWS = 5000                       # rows read per sheet
MAX_COLUMNS = 300                     # cells of one row (a form has a few dozen columns, even in 10 languages)
MAX_CELLS = 250_000                   # cells of the whole workbook, and texts in its shared table
MAX_BLANK_ROWS = 20                   # XLSForm ignores what follows 20 adjacent blank rows
MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Columns of our own that ODK and Kobo ignore: where a question comes from.
SOURCE_COLUMN = "source_porteur_de_parole"
# « Aucun de ces appareils »: a choice that goes alone (choices sheet, « yes »).
EXCLUSIVE_COLUMN = "exclusive_porteur_de_parole"
# Questionnaire settings of our format that XLSForm has no word for (settings sheet).
SETTINGS_COLUMNS = {"audience": "audience_porteur_de_parole", "allow_empty": "allow_empty_porteur_de_parole",
                    "intro_with_volunteer": "intro_with_volunteer_porteur_de_parole",
                    "consent_with_volunteer": "consent_with_volunteer_porteur_de_parole"}
# Notes that carry our presentation texts, so that a Kobo respondent reads them too.
INTRO_NOTES = {"_intro": ("intro", ""),
               "_purpose": ("purpose", "À quoi servira votre réponse : "),
               "_consent": ("consent", "Vos données et vos droits : ")}
LANGUAGE_NAMES = {"und": "Langue non précisée", "fr": "Français", "en": "English", "es": "Español",
                  "de": "Deutsch", "it": "Italiano", "pt": "Português", "ar": "العربية"}
# What a form that names no language is tagged with (ISO 639 « undetermined »): not French by default.
UNKNOWN_LANGUAGE = "und"
_LANGUAGE_WORDS = {**{name.lower(): code for code, name in LANGUAGE_NAMES.items()},
                   "francais": "fr", "french": "fr", "english": "en", "anglais": "en", "spanish": "es",
                   "espagnol": "es", "german": "de", "allemand": "de", "italian": "it", "italien": "it",
                   "portuguese": "pt", "portugais": "pt", "arabic": "ar", "arabe": "ar"}
YES_NO_LIST = "oui_non"
OTHER_TEXT_LABEL = "Si « Autre », précisez :"


class XLSFormError(ValueError):
    """The file cannot be read as an XLSForm; the message is for a person, in French, and
    ``notes`` say what was found and left out on the way (to be listed under it)."""

    def __init__(self, message: str, notes=()):
        super().__init__(message)
        self.notes = list(notes)


@dataclass
class ImportResult:
    """A questionnaire in our file format, and what could not be carried over."""

    data: dict
    notes: list[str] = field(default_factory=list)

    def validate(self, filename: str = "XLSForm") -> tuple[Questionnaire | None, list[Problem]]:
        try:
            return from_dict(self.data, filename), []
        except QuestionnaireError as exc:
            return None, exc.problems


# --------------------------------------------------------------------------- export

def language_label(code: str) -> str:
    """``fr`` -> ``Français (fr)``: the column suffix XLSForm recommends."""
    code = (code or "fr").strip() or "fr"
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


# pyxform reads every ``${…}`` as a reference to a question and refuses the whole file when the
# name is unknown; an invisible word joiner after ``$`` keeps such a text as it is written.
_WORD_JOINER = "\u2060"
_DOLLAR_BRACE = re.compile(r"\$\{(?:([A-Za-z_][\w.-]*)\})?")


def xlsform_text(text: str, names: set[str]) -> str:
    """A text for an XLSForm cell: ``${name}`` of a question of the form stays a reference
    (ODK shows the answer there), any other ``${`` is kept as plain text; reading undoes it."""
    def keep_or_break(match):
        return match.group(0) if match.group(1) in names else "$" + _WORD_JOINER + match.group(0)[1:]
    return _DOLLAR_BRACE.sub(keep_or_break, text) if text and "${" in text else text


def xml_name(identifier: str) -> str:
    """XLSForm names start with a letter or ``_``; ours may start with a digit."""
    return identifier if identifier[:1].isalpha() else f"_{identifier}"


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook (bytes of an .xlsx file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = language_label(questionnaire.language)
    survey_header = ["type", "name", f"label::{lang}", f"hint::{lang}", "required", "relevant", "appearance",
                     "parameters", "constraint", f"constraint_message::{lang}", SOURCE_COLUMN]
    survey_rows: list[list] = []
    choice_rows: list[list] = []
    used_lists: set[str] = set()
    names = {xml_name(q.id) for q in questionnaire.questions}

    def row(type_, name, label, hint="", required="", relevant="", appearance="", constraint="",
            message="", source=""):
        label, hint, message, source = (xlsform_text(t, names) for t in (label, hint, message, source))
        survey_rows.append([type_, name, label, hint, required, relevant, appearance, "", constraint, message,
                            source])

    def new_list(base: str) -> str:
        name, n = base, 2
        while name in used_lists:
            name, n = f"{base}_{n}", n + 1
        used_lists.add(name)
        return name

    for name, (key, prefix) in INTRO_NOTES.items():
        text = getattr(questionnaire, key)
        if text:
            row("note", name, prefix + text)

    yes_no_list = None
    for q in questionnaire.questions:
        name = xml_name(q.id)
        relevant = _relevant(questionnaire, q)
        required = "yes" if q.required else ""
        source = json.dumps(q.source, ensure_ascii=False) if q.source else ""
        if q.type in ("short_text", "long_text"):
            row("text", name, q.label, q.help, required, relevant,
                "multiline" if q.type == "long_text" else "", source=source)
        elif q.type == "number":
            parts, words = [], []
            if q.min is not None:
                parts.append(f". >= {q.min}")
                words.append(f"au moins {q.min}")
            if q.max is not None:
                parts.append(f". <= {q.max}")
                words.append(f"au plus {q.max}")
            message = f"Le nombre doit être {' et '.join(words)}." if words else ""
            row("integer", name, q.label, q.help, required, relevant, constraint=" and ".join(parts),
                message=message, source=source)
        elif q.type == "yes_no":
            if yes_no_list is None:
                yes_no_list = new_list(YES_NO_LIST)
                choice_rows += [[yes_no_list, "oui", "Oui"], [yes_no_list, "non", "Non"]]
            row(f"select_one {yes_no_list}", name, q.label, q.help, required, relevant, source=source)
        elif q.type == "scale":
            list_name = new_list(f"echelle_{q.id}")
            choice_rows += [[list_name, str(i), label] for i, label in enumerate(q.scale_labels, 1)]
            row(f"select_one {list_name}", name, q.label, q.help, required, relevant, appearance="likert",
                source=source)
        elif q.type in CHOICE_TYPES:
            list_name = new_list(xml_name(q.id))
            choice_rows += [[list_name, c.value, c.label, "yes" if c.exclusive else ""] for c in q.choices]
            if q.other:
                choice_rows.append([list_name, OTHER_VALUE, OTHER_LABEL])
            command = "select_one" if q.type == "single_choice" else "select_multiple"
            row(f"{command} {list_name}", name, q.label, q.help, required, relevant, source=source)
            if q.other:
                row("text", f"{name}__autre", OTHER_TEXT_LABEL, required="yes",
                    relevant=f"selected(${{{name}}}, '{OTHER_VALUE}')")
        else:  # note
            row("note", name, q.label, q.help, relevant=relevant, source=source)

    choice_rows = [[list_name, value, xlsform_text(label, names), *rest]
                   for list_name, value, label, *rest in choice_rows]
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    _fill(survey, survey_header, survey_rows, widths={"type": 28, "name": 24, f"label::{lang}": 60,
                                                      f"hint::{lang}": 40, "relevant": 36})
    choices = book.create_sheet("choices")
    _fill(choices, ["list_name", "name", f"label::{lang}", EXCLUSIVE_COLUMN], choice_rows,
          widths={"list_name": 24, "name": 20, f"label::{lang}": 50})
    settings = book.create_sheet("settings")
    ours = questionnaire.to_dict()
    _fill(settings, ["form_title", "form_id", "version", "default_language", SOURCE_COLUMN,
                     *SETTINGS_COLUMNS.values()],
          [[xlsform_text(questionnaire.title, names), questionnaire.id, str(questionnaire.version), lang,
            xlsform_text(json.dumps(questionnaire.source, ensure_ascii=False) if questionnaire.source else "",
                         names),
            *[("yes" if ours[key] is True else xlsform_text(ours[key], names)) if key in ours else ""
              for key in SETTINGS_COLUMNS]]],
          widths={"form_title": 40, "form_id": 30})
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet, header, rows, widths):
    """Header and rows, every text a text cell (a label « =… » is no formula) without control characters."""
    from openpyxl.utils import get_column_letter

    from .spreadsheet import safe_row
    sheet.append(safe_row(sheet, header))
    for values in rows:
        sheet.append(safe_row(sheet, values))
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 16)


def _relevant(questionnaire: Questionnaire, q) -> str:
    if q.show_if is None:
        return ""
    target = questionnaire.question(q.show_if.question)
    ref = xml_name(q.show_if.question)
    if target is not None and target.type == "multiple_choice":
        terms = [f"selected(${{{ref}}}, '{v}')" for v in q.show_if.values]
    else:
        terms = [f"${{{ref}}} = '{v}'" for v in q.show_if.values]
    return " or ".join(terms)


def export_filename(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.id}-v{questionnaire.version}-xlsform.xlsx"


# --------------------------------------------------------------------------- reading the workbook

@dataclass
class Sheet:
    name: str
    header: list            # normalised column keys: "type", ("label", "Français (fr)")…
    rows: list              # (row number, {key: text})


def read_workbook(content: bytes) -> dict[str, Sheet]:
    """The sheets of an .xlsx file as text rows; every way it can fail is a French XLSFormError."""
    if not content:
        raise XLSFormError("Le fichier est vide.")
    if len(content) > MAX_UPLOAD:
        raise XLSFormError(f"Le fichier fait {_megabytes(len(content))} : la limite est de "
                           f"{_megabytes(MAX_UPLOAD)}. Un XLSForm pèse d'habitude moins de 100 ko.")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise XLSFormError("Ce fichier est au vieux format Excel (.xls). Ouvrez-le dans un tableur "
                           "(LibreOffice, Excel) et enregistrez-le au format .xlsx, puis réessayez.")
    if not content.startswith(b"PK"):
        raise XLSFormError("Ce fichier n'est pas un classeur .xlsx (XLSForm). Choisissez le fichier "
                           "téléchargé depuis KoboToolbox ou ODK, ou enregistré en .xlsx par votre tableur.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XLSFormError("Le fichier est abîmé : ce n'est pas un classeur .xlsx lisible "
                           "(il a peut-être été coupé pendant le téléchargement).") from None
    if unzipped > MAX_UNZIPPED:
        raise XLSFormError("Le classeur est beaucoup trop gros une fois ouvert : ce n'est pas un XLSForm ordinaire.")
    if "xl/workbook.xml" not in names:
        raise XLSFormError("Ce fichier n'est pas un classeur de tableur (.xlsx) : c'est peut-être un document "
                           "texte ou une présentation.")
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
        raise XLSFormError("Le classeur n'a pas pu être lu : il est abîmé ou d'un format inattendu. "
                           "Enregistrez-le à nouveau au format .xlsx puis réessayez.") from None


# A cell, a row or a shared text in the XML of a workbook, with or without a namespace prefix.
_CELL_ROW_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(c|row|si)[\s/>]")
_TOKEN_TAIL = 40      # bytes kept between two chunks, longer than any token above


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
                                raise XLSFormError(f"Une ligne du classeur a plus de {MAX_COLUMNS} cellules : ce "
                                                   "n'est pas un XLSForm ordinaire (un formulaire a d'habitude "
                                                   "une vingtaine de colonnes).")
                        if cells > MAX_CELLS or texts > MAX_CELLS:
                            limit = f"{MAX_CELLS:,}".replace(",", "\u202f")
                            raise XLSFormError(f"Le classeur a plus de {limit} cellules remplies : ce n'est pas "
                                               "un XLSForm ordinaire.")
                    tail = buffer[max(end, len(buffer) - _TOKEN_TAIL):]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().replace("$" + _WORD_JOINER + "{", "${")


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
            if blank > MAX_BLANK_ROWS:   # as pyxform: what follows 20 blank rows is not read
                break
            continue
        blank = 0
        if header is None:
            header = [_column_key(t) for t in texts]
            continue
        if len(rows) >= MAX_ROWS:
            raise XLSFormError(f"La feuille « {sheet.title} » a plus de {MAX_ROWS} lignes : "
                               "ce n'est pas un questionnaire ordinaire.")
        rows.append((number, {key: text for key, text in zip(header, texts) if key and text}))
    return Sheet(sheet.title, header or [], rows)


# --------------------------------------------------------------------------- import

_UNSUPPORTED = {
    "geopoint": "notre outil ne relève pas la position GPS des personnes",
    "geotrace": "notre outil ne relève pas de tracé GPS",
    "geoshape": "notre outil ne relève pas de zone GPS",
    "start-geopoint": "notre outil ne relève pas la position GPS des personnes",
    "photo": "notre outil ne reçoit pas de photos",
    "image": "notre outil ne reçoit pas de photos",
    "audio": "notre outil ne reçoit pas d'enregistrements sonores",
    "background-audio": "notre outil ne reçoit pas d'enregistrements sonores",
    "video": "notre outil ne reçoit pas de vidéos",
    "file": "notre outil ne reçoit pas de fichiers",
    "barcode": "notre outil ne lit pas les codes-barres",
    "calculate": "notre outil ne fait pas de calculs dans le formulaire",
    "hidden": "notre outil n'a pas de champ caché",
    "acknowledge": "notre outil n'a pas de case « J'ai compris » ; mettez le texte dans la présentation",
    "trigger": "notre outil n'a pas de case « J'ai compris » ; mettez le texte dans la présentation",
    "rank": "notre outil ne propose pas de classement ; un choix multiple peut le remplacer",
    "select_one_from_file": "la liste est dans un fichier à part, qui n'est pas dans le classeur",
    "select_multiple_from_file": "la liste est dans un fichier à part, qui n'est pas dans le classeur",
    "select_one_external": "la liste est dans un fichier à part, qui n'est pas dans le classeur",
    "xml-external": "les données externes ne sont pas reprises",
    "csv-external": "les données externes ne sont pas reprises",
}
# The older spellings of XLSForm types, longest first (« select one from LIST » is « select_one LIST »).
_TYPE_PHRASES = (("begin group", "begin_group"), ("begin repeat", "begin_repeat"),
                 ("end group", "end_group"), ("end repeat", "end_repeat"),
                 ("select one from file", "select_one_from_file"),
                 ("select multiple from file", "select_multiple_from_file"),
                 ("select all that apply from", "select_multiple"), ("select one from", "select_one"),
                 ("add select one prompt using", "select_one"),
                 ("add select multiple prompt using", "select_multiple"),
                 ("select one external", "select_one_external"),
                 ("select one", "select_one"), ("select multiple", "select_multiple"),
                 ("select all that apply", "select_multiple"))
_METADATA = {"start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username",
             "email", "audit", "instanceid", "background-geopoint"}
_DATE_TYPES = {"date": "une date", "time": "une heure", "datetime": "une date et une heure"}
_YES = {"yes", "true", "true()", "1", "oui", "y", "vrai"}
_NO = {"", "no", "false", "false()", "0", "non", "n", "faux"}

_ANY_QUOTED = r"(?:'([^']*)'|\"([^\"]*)\")"
_EQUALS = re.compile(r"^\$\{\s*([^}\s]+)\s*\}\s*=\s*(?:" + _ANY_QUOTED + r"|(-?\d+))$")
_SELECTED = re.compile(r"^selected\(\s*\$\{\s*([^}\s]+)\s*\}\s*,\s*" + _ANY_QUOTED + r"\s*\)$")
_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")
_REFERENCE = re.compile(r"\$\{[^}]+\}")


_NEVER_SHOWN = object()   # a condition that can never be true


def _bare(expression: str) -> str:
    text = (expression or "").strip().lower()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _never(relevant: str) -> bool:
    """``0``, ``false()``, ``no``…: the question is never shown (pyxform reads no/false as false())."""
    return _bare(relevant) in ("0", "false", "false()", "no")


def _always(relevant: str) -> bool:
    return _bare(relevant) in ("1", "true", "true()", "yes")


def normalise_id(text: str, dashes: bool = False) -> str:
    """A name from another tool as one of our ids: lowercase ASCII, digits, ``_`` and ``-``."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[\s.]+", "_", folded)
    folded = re.sub(r"[^a-z0-9_-]", "", folded)
    if dashes:
        folded = folded.replace("_", "-")
    folded = re.sub(r"^[_-]+", "", folded)
    return folded[:63].rstrip("_-") if len(folded) > 63 else folded


def parse_relevant(expression: str):
    """``${q} = 'x'`` / ``selected(${q}, 'x')``, alone or joined by ``or`` on one question:
    (question name, [values]); None for anything else."""
    text = (expression or "").strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    terms = re.split(r"\s+or\s+", text)
    name, values = None, []
    for term in terms:
        term = term.strip()
        while term.startswith("(") and term.endswith(")") and _balanced(term[1:-1]):
            term = term[1:-1].strip()
        match = _EQUALS.match(term) or _SELECTED.match(term)
        if not match:
            return None
        groups = [g for g in match.groups()[1:] if g is not None]
        if name is not None and match.group(1) != name:
            return None
        name = match.group(1)
        values.append(groups[0] if groups else "")
    return (name, values) if name else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def parse_bounds(expression: str):
    """``. >= 0 and . <= 120`` -> (0, 120); None when the constraint says something else."""
    text = (expression or "").strip()
    low = high = None
    for term in re.split(r"\s+and\s+", text):
        term = term.strip()
        while term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        match = _BOUND.match(term)
        if not match:
            return None
        op, number = match.group(1), float(match.group(2))
        if not number.is_integer():
            return None
        number = int(number)
        if op == ">=":
            low = number
        elif op == ">":
            low = number + 1
        elif op == "<=":
            high = number
        else:
            high = number - 1
    return low, high


class _Importer:
    """One conversion, with its notes (kept in the order a person would check them)."""

    def __init__(self, sheets: dict[str, Sheet], filename: str):
        self.sheets = sheets
        self.filename = filename
        self.notes: list[str] = []
        self.questions: list[dict] = []
        self.by_name: dict[str, dict] = {}          # XLSForm name -> our question dict
        self.value_maps: dict[str, dict] = {}       # XLSForm name -> {choice name: our value}
        self.top: dict = {}
        self.dropped_meta: list[str] = []
        self.flattened: list[str] = []
        self.once: set[str] = set()
        self.renamed: list[str] = []
        self.never: set[str] = set()                # XLSForm names of questions never shown

    def note(self, text: str) -> None:
        self.notes.append(text)

    def note_once(self, key: str, text: str) -> None:
        if key not in self.once:
            self.once.add(key)
            self.note(text)

    # -- languages
    def choose_language(self, settings: dict):
        labels = [key[1] for key in self.sheets["survey"].header if isinstance(key, tuple) and key[0] == "label"]
        plain = "label" in self.sheets["survey"].header
        self.language_column = None
        self.language = UNKNOWN_LANGUAGE
        default = settings.get("default_language", "")
        french = [lang for lang in labels if _language_code(lang) == "fr"]
        if french:
            chosen = french[0]
        elif default and default in labels:
            chosen = default
        elif plain or not labels:
            chosen = None
        else:
            chosen = labels[0]
        self.language_column = chosen
        code = _language_code(chosen or default)
        if code:
            self.language = code
        if len(labels) > 1 and chosen is not None:
            self.note(f"Le formulaire existe en plusieurs langues ({', '.join(labels)}) : seule la langue "
                      f"« {chosen} » est reprise (notre questionnaire a une seule langue).")
        elif plain and chosen is not None:
            self.note(f"Le formulaire a des libellés en « {chosen} » et d'autres sans langue précisée "
                      f"(colonne « label ») : seuls ceux en « {chosen} » sont repris.")
        elif labels and chosen is None:
            self.note(f"Le formulaire a des libellés sans langue précisée (colonne « label ») et d'autres en "
                      f"{', '.join(labels)} : seuls ceux de la colonne « label » sont repris.")
        if not code:
            self.note("Le formulaire ne dit pas dans quelle langue il est écrit : le questionnaire est noté "
                      "« langue non précisée » plutôt que français.")

    def text(self, row: dict, column: str) -> str:
        """A text in the chosen language, else the plain column, else any language."""
        if self.language_column is not None and row.get((column, self.language_column)):
            return row[(column, self.language_column)]
        if row.get(column):
            return row[column]
        for key, value in row.items():
            if isinstance(key, tuple) and key[0] == column and value:
                self.note_once(f"fallback-{column}", "Certains textes n'existaient pas dans la langue choisie : "
                                                     "ils sont repris dans une autre langue, à traduire.")
                return value
        return ""

    # -- choices
    def choice_lists(self) -> dict[str, list[tuple[str, str]]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[tuple[str, str]]] = {}
        self.exclusive: dict[str, set[str]] = {}
        if sheet is None:
            return lists
        for number, row in sheet.rows:
            list_name = row.get("list_name", "")
            name = row.get("name", "")
            if not list_name or not name:
                continue
            lists.setdefault(list_name, []).append((name, self.text(row, "label") or name))
            if str(row.get(EXCLUSIVE_COLUMN, "")).strip().lower() in ("yes", "true", "1", "oui"):
                self.exclusive.setdefault(list_name, set()).add(name)
        return lists

    # -- the whole form
    def run(self) -> ImportResult:
        if "survey" not in self.sheets:
            found = ", ".join(f"« {s.name} »" for s in self.sheets.values()) or "aucune"
            raise XLSFormError("La feuille « survey » manque : un XLSForm a une feuille « survey » (les questions), "
                               "une feuille « choices » (les réponses possibles) et parfois « settings ». "
                               f"Feuilles trouvées : {found}.")
        survey = self.sheets["survey"]
        if "type" not in survey.header or "name" not in survey.header:
            raise XLSFormError("La feuille « survey » doit avoir les colonnes « type », « name » et « label » "
                               "sur sa première ligne.")
        settings = {}
        if "settings" in self.sheets and self.sheets["settings"].rows:
            settings = self.sheets["settings"].rows[0][1]
        self.choose_language(settings)
        self.lists = self.choice_lists()
        self.groups: list[dict] = []
        rows = survey.rows
        index = 0
        while index < len(rows):
            number, row = rows[index]
            index += self.row(number, row, rows[index + 1] if index + 1 < len(rows) else None)
        self.finish(settings)
        return ImportResult(self.build(settings), self.notes)

    def row(self, number: int, row: dict, following) -> int:
        """Handle one survey row; returns how many rows were used (2 when an « autre » text is absorbed)."""
        raw_type = row.get("type", "")
        name = row.get("name", "")
        label = self.text(row, "label")
        tokens = raw_type.split()
        if not tokens:
            if name or label:
                self.note(f"Ligne {number} (« {label or name} ») : pas de type, ligne ignorée.")
            return 1
        kind = tokens[0].lower()
        rest = tokens[1:]
        if kind in ("begin", "end", "select", "add") and rest:
            joined = " ".join(t.lower() for t in tokens) + " "
            for prefix, value in _TYPE_PHRASES:
                if joined.startswith(prefix + " "):
                    kind = value
                    rest = tokens[len(prefix.split()):]
                    break
        kind = {"select1": "select_one", "begin_lgroup": "begin_repeat", "end_lgroup": "end_repeat",
                "imei": "deviceid"}.get(kind, kind)
        what = f"Ligne {number}, « {label or name} »"

        if kind in ("begin_group", "begin_repeat"):
            relevant = row.get("relevant", "")
            inside_hidden = any(g["never"] for g in self.groups)
            never = inside_hidden or _never(relevant)
            self.groups.append({"relevant": "" if _always(relevant) else relevant, "kind": kind,
                                "number": number, "never": never})
            if never:
                if not inside_hidden:
                    self.note(f"{what} : la condition « {relevant} » ne montre jamais ce groupe ; ni lui ni ses "
                              "questions ne sont repris.")
                return 1
            if kind == "begin_repeat":
                self.note(f"{what} : c'est une répétition ; ses questions sont posées une seule fois "
                          "(pour plusieurs personnes, faites plusieurs réponses).")
            else:
                self.flattened.append(label or name)
            if label and kind == "begin_group":
                self.add_question(number, row, name, {"type": "note", "label": label}, relevant_of_group=False)
            return 1
        if kind in ("end_group", "end_repeat"):
            if self.groups:
                self.groups.pop()
            return 1
        if kind in _METADATA:
            self.dropped_meta.append(kind)
            return 1
        if kind in _UNSUPPORTED:
            self.note(f"{what} ({raw_type}) : non reprise, car {_UNSUPPORTED[kind]}.")
            return 1
        question: dict = {}
        used = 1
        if kind == "text":
            appearance = row.get("appearance", "").lower()
            question = {"type": "long_text" if "multiline" in appearance else "short_text"}
        elif kind in ("integer", "decimal"):
            question = {"type": "number"}
            if kind == "decimal":
                self.note(f"{what} : nombre à virgule devenu nombre entier (notre outil ne prend que des "
                          "nombres entiers).")
        elif kind in _DATE_TYPES:
            question = {"type": "short_text"}
            self.note(f"{what} : {_DATE_TYPES[kind]} à écrire en texte libre (notre outil n'a pas de "
                      "calendrier).")
        elif kind == "range":
            question = self.range(row, what)
        elif kind == "note":
            question = {"type": "note"}
        elif kind in ("select_one", "select_multiple"):
            question, used = self.select(kind, rest, row, following, what, name)
            if question is None:
                return 1
        else:
            self.note(f"{what} : le type « {raw_type} » est inconnu de notre outil, question non reprise.")
            return 1
        question["label"] = label
        if not label:
            if question["type"] == "note":
                return used
            question["label"] = name
            self.note(f"{what} : pas de libellé ; le nom « {name} » sert de libellé, à reformuler.")
        self.add_question(number, row, name, question)
        return used

    def range(self, row: dict, what: str) -> dict:
        params = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters", "")))
        try:
            start, end, step = (float(params.get(k, d)) for k, d in (("start", 0), ("end", 10), ("step", 1)))
        except ValueError:
            start, end, step = 0.0, 10.0, 1.0
        if (start, end, step) == (1, 5, 1):
            return {"type": "scale"}
        question = {"type": "number"}
        if start.is_integer() and end.is_integer():
            question["min"], question["max"] = sorted((int(start), int(end)))
        self.note(f"{what} : réglette de {_num(start)} à {_num(end)} devenue un nombre à écrire "
                  "(notre échelle va de 1 à 5).")
        return question

    def select(self, kind, rest, row, following, what, name):
        if not rest:
            self.note(f"{what} : il manque le nom de la liste après « {kind} », question non reprise.")
            return None, 1
        list_name = rest[0]
        or_other = len(rest) > 1 and " ".join(rest[1:]).lower() in ("or_other", "or other", "or specify other")
        if list_name not in self.lists:
            where = "la feuille « choices » manque" if "choices" not in self.sheets else \
                f"la liste « {list_name} » n'est pas dans la feuille « choices »"
            self.note(f"{what} : {where}, question non reprise.")
            return None, 1
        if row.get("choice_filter"):
            self.note(f"{what} : le filtre de la liste (choice_filter) n'est pas repris ; tous les choix "
                      "sont proposés.")
        raw_choices = self.lists[list_name]
        names = [n for n, _ in raw_choices]
        labels = [lab for _, lab in raw_choices]
        used = 1
        value_map: dict[str, str] = {}
        if kind == "select_one" and [n.lower() for n in names] in (["oui", "non"], ["yes", "no"]) and \
                (names[0] == "oui" or [lab.lower() for lab in labels] == ["oui", "non"]):
            value_map = {names[0]: "oui", names[1]: "non"}
            self.value_maps[name] = value_map
            return {"type": "yes_no"}, used
        likert = "likert" in row.get("appearance", "").lower()
        if kind == "select_one" and likert and names == ["1", "2", "3", "4", "5"]:
            self.value_maps[name] = {n: n for n in names}
            question = {"type": "scale"}
            if tuple(labels) != DEFAULT_SCALE_LABELS:
                question["scale_labels"] = labels
            return question, used
        question = {"type": "single_choice" if kind == "select_one" else "multiple_choice", "choices": []}
        other = or_other
        other_text = {f"{name}__autre", f"{name}_other", f"{name}_autre"}
        if names and names[-1] in (OTHER_VALUE, "other") and following is not None:
            next_row = following[1]
            if next_row.get("type", "").strip().lower() == "text" and next_row.get("name") in other_text:
                other = True
                value_map[names[-1]] = OTHER_VALUE
                raw_choices = raw_choices[:-1]
                used = 2
        renamed = []
        for index, (choice_name, choice_label) in enumerate(raw_choices, 1):
            value = normalise_id(choice_name) or f"choix_{index}"
            if value == OTHER_VALUE:
                value = f"{OTHER_VALUE}_choix"
            base, n = value, 2
            while any(c["value"] == value for c in question["choices"]):
                value, n = f"{base}_{n}", n + 1
            if value != choice_name:
                renamed.append(f"{choice_name} → {value}")
            value_map[choice_name] = value
            question["choices"].append({"value": value, "label": choice_label})
            if kind == "select_multiple" and choice_name in self.exclusive.get(list_name, ()):
                question["choices"][-1]["exclusive"] = True
        if renamed:
            self.note_once(f"list-{list_name}", f"Liste « {list_name} » : codes adaptés à notre format "
                                                f"({', '.join(renamed[:6])}{'…' if len(renamed) > 6 else ''}).")
        if other:
            question["other"] = True
            if or_other:
                value_map["other"] = OTHER_VALUE
        self.value_maps[name] = value_map
        return question, used

    def add_question(self, number, row, name, question, relevant_of_group=True):
        what = f"Ligne {number}, « {question.get('label') or name} »"
        if name in INTRO_NOTES and question["type"] == "note":
            key, prefix = INTRO_NOTES[name]
            text = question["label"]
            self.top[key] = text[len(prefix):] if prefix and text.startswith(prefix) else text
            return
        if any(g["never"] for g in self.groups):
            self.never.add(name)    # said once, for its group
            return
        own = row.get("relevant", "")
        if _never(own):
            self.note(f"{what} : la condition « {own} » ne l'affiche jamais ; question non reprise.")
            self.never.add(name)
            return
        relevant = "" if _always(own) else own
        if not relevant and relevant_of_group:
            relevant = next((g["relevant"] for g in reversed(self.groups) if g["relevant"]), "")
        show_if = self.show_if(relevant, what) if relevant else None
        if show_if is _NEVER_SHOWN:
            self.note(f"{what} : la condition « {relevant} » dépend d'une question jamais posée ; question "
                      "non reprise.")
            self.never.add(name)
            return
        qid = normalise_id(name) or f"question-{len(self.questions) + 1}"
        base, n = qid, 2
        while any(q["id"] == qid for q in self.questions):
            qid, n = f"{base}_{n}", n + 1
        if qid != name and qid != name.lstrip("_") and question["type"] != "note":
            self.renamed.append(f"{name} → {qid}")
        item = {"id": qid, "type": question["type"], "label": question["label"]}
        hint = self.text(row, "hint")
        if hint:
            item["help"] = hint
        required = row.get("required", "").strip().lower()
        if question["type"] != "note":
            if required in _YES:
                item["required"] = True
            elif required not in _NO:
                self.note(f"{what} : la règle d'obligation « {row['required']} » n'est pas reprise ; "
                          "la question est facultative.")
        for key in ("choices", "other", "scale_labels", "min", "max"):
            if key in question:
                item[key] = question[key]
        self.constraint(row, item, what)
        if show_if:
            item["show_if"] = show_if
        if _REFERENCE.search(item["label"]):
            self.note(f"{what} : le libellé cite une autre réponse ({_REFERENCE.search(item['label']).group(0)}) ; "
                      "notre outil l'affiche tel quel, à reformuler.")
        if row.get("default"):
            self.note_once("default", "Les valeurs par défaut (colonne « default ») ne sont pas reprises.")
        if _has_column(row, "required_message"):
            self._messages_note()
        if any((k[0] if isinstance(k, tuple) else k) in ("image", "audio", "video", "media::image") for k in row):
            self.note_once("media", "Les images, sons et vidéos joints aux questions ne sont pas repris.")
        parsed = self.source(row.get(SOURCE_COLUMN, ""), what)
        if parsed:
            item["source"] = parsed
        self.questions.append(item)
        self.by_name[name] = item

    def constraint(self, row, item, what):
        expression = row.get("constraint", "")
        if not expression:
            return
        if item["type"] == "number":
            bounds = parse_bounds(expression)
            if bounds is not None:
                low, high = bounds
                if low is not None:
                    item["min"] = low if item.get("min") is None else max(low, item["min"])
                if high is not None:
                    item["max"] = high if item.get("max") is None else min(high, item["max"])
                if item.get("min") is None or item.get("max") is None or item["min"] <= item["max"]:
                    return   # carried over; our own words say the limits
                item.pop("min"), item.pop("max")
                self.note(f"{what} : les limites « {expression} » se contredisent ; elles ne sont pas reprises.")
                return
        if _has_column(row, "constraint_message"):
            self._messages_note()
        self.note(f"{what} : la contrainte « {expression} » n'est pas reprise (notre outil vérifie seulement "
                  "les réponses obligatoires, les choix et les limites d'un nombre).")

    def _messages_note(self):
        self.note_once("messages", "Les messages d'erreur personnalisés ne sont pas repris : notre outil a "
                                   "ses propres messages en français simple.")

    def show_if(self, relevant: str, what: str):
        parsed = parse_relevant(relevant)
        if parsed is None:
            self.note(f"{what} : la condition « {relevant} » est trop complexe pour notre outil ; "
                      "la question sera toujours posée.")
            return None
        name, values = parsed
        if name in self.never and all(values):
            return _NEVER_SHOWN
        target = self.by_name.get(name)
        if target is None:
            self.note(f"{what} : la condition « {relevant} » renvoie à « {name} », qui n'est pas une question reprise "
                      "placée avant ; la question sera toujours posée.")
            return None
        value_map = self.value_maps.get(name)
        if not value_map:
            self.note(f"{what} : la condition « {relevant} » porte sur une question sans choix ; "
                      "la question sera toujours posée.")
            return None
        mapped = []
        for value in values:
            if value not in value_map:
                self.note(f"{what} : la condition attend « {value} », qui n'est pas un choix de « {name} » ; "
                          "la question sera toujours posée.")
                return None
            mapped.append(value_map[value])
        return {"question": target["id"], "equals": mapped[0] if len(mapped) == 1 else mapped}

    def finish(self, settings: dict):
        if self.renamed:
            shown = ", ".join(self.renamed[:10]) + ("…" if len(self.renamed) > 10 else "")
            self.note(f"Identifiants de questions adaptés à notre format (minuscules, sans espace ni accent) : "
                      f"{shown}.")
        if self.flattened:
            shown = ", ".join(f"« {g} »" for g in self.flattened[:8]) + ("…" if len(self.flattened) > 8 else "")
            self.note(f"Groupes mis à plat : {shown}. Leurs questions sont reprises à la suite ; le titre d'un "
                      "groupe devient un texte d'information.")
        if self.dropped_meta:
            kinds = ", ".join(dict.fromkeys(self.dropped_meta))
            self.note(f"Informations relevées automatiquement par ODK non reprises ({kinds}) : notre outil "
                      "enregistre déjà l'heure de début et d'envoi, et ne relève pas l'appareil ni la personne.")
        if settings.get("public_key"):
            self.note("Le chiffrement du formulaire (public_key) n'est pas repris.")
        if settings.get("submission_url"):
            self.note("L'adresse d'envoi (submission_url) n'est pas reprise : les réponses arrivent ici.")

    def build(self, settings: dict) -> dict:
        stem = Path(self.filename).stem
        title = settings.get("form_title") or stem or "Questionnaire importé"
        qid = normalise_id(settings.get("form_id", ""), dashes=True) or normalise_id(title, dashes=True) or \
            "questionnaire-importe"
        version = 1
        raw_version = settings.get("version", "")
        if raw_version:
            if raw_version.isdigit() and 1 <= int(raw_version) <= 99999:
                version = int(raw_version)
            else:
                self.note(f"La version « {raw_version} » du formulaire n'est pas reprise : ce questionnaire "
                          "commence ici à la version 1.")
        data = {"id": qid, "title": title, "version": version, "language": self.language,
                "intro": self.top.get("intro", ""), "purpose": self.top.get("purpose", ""),
                "consent": self.top.get("consent", ""),
                "source": self.source(settings.get(SOURCE_COLUMN, ""), "Feuille « settings »") or {},
                "questions": self.questions}
        for key, column in SETTINGS_COLUMNS.items():
            value = str(settings.get(column, "") or "").strip()
            if value:
                data[key] = value.lower() in ("yes", "true", "1", "oui") if key == "allow_empty" else value
        if not any(q["type"] != "note" for q in self.questions):
            # Only texts to read, or nothing at all: the same refusal, whatever was left out.
            raise XLSFormError("Aucune question n'a pu être reprise de ce formulaire : il n'y reste aucune "
                               "question à laquelle répondre, rien n'a été importé.", self.notes)
        return data

    def source(self, text: str, what: str) -> dict | None:
        """Our ``source`` column (where a question comes from): the JSON we write, else YAML
        written by hand, without aliases, never nested deeper than a questionnaire file."""
        if not text:
            return None
        try:
            value = json.loads(text)     # first: JSON keeps characters that YAML refuses (\x7f)
        except (ValueError, RecursionError):
            try:
                value = load_plain_yaml(text)
            except RefusedYAML as exc:
                self.note(f"{what} : la colonne « {SOURCE_COLUMN} » n'est pas reprise : {exc.message}.")
                return None
            except (yaml.YAMLError, ValueError, OverflowError):
                return None
        if _deeper_than(value, MAX_YAML_DEPTH):
            self.note(f"{what} : la colonne « {SOURCE_COLUMN} » n'est pas reprise : elle est imbriquée sur plus "
                      f"de {MAX_YAML_DEPTH} niveaux.")
            return None
        return value if isinstance(value, dict) else None


def _deeper_than(value, limit: int) -> bool:
    if limit < 0:
        return True
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_deeper_than(child, limit - 1) for child in children)


def _has_column(row: dict, column: str) -> bool:
    """A value in ``column`` or in one of its languages (``column::Français (fr)``)."""
    return any((key[0] if isinstance(key, tuple) else key) == column for key in row)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _language_code(label: str | None) -> str:
    """``Français (fr)`` -> ``fr``; ``French`` -> ``fr``; unknown -> ""."""
    if not label:
        return ""
    match = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$", label)
    if match:
        return match.group(1).lower().split("-")[0]
    lowered = label.strip().lower()
    if lowered in _LANGUAGE_WORDS:
        return _LANGUAGE_WORDS[lowered]
    if len(lowered) in (2, 3) and lowered.isalpha():
        return lowered
    return ""


def import_xlsform(content: bytes, filename: str = "formulaire.xlsx") -> ImportResult:
    """An XLSForm workbook in our format, with a French note for every thing left out."""
    return _Importer(read_workbook(content), filename).run()
