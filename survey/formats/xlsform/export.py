"""Writing a questionnaire as an XLSForm workbook, for KoboToolbox and ODK.

The file is one pyxform (the reference converter) accepts: the tests check every
shipped questionnaire with it. Our presentation texts become notes, so that a Kobo
respondent reads them too; what XLSForm has no word for goes in our own columns.
"""

from __future__ import annotations

import io
import json
import re

from ...model.questionnaire import OTHER_VALUE, Questionnaire
from ...model.translations import in_language
from .spec import (
    DRAWING_APPEARANCE,
    DRAWING_PARAMETERS,
    DRAWING_TYPE,
    EXCLUSIVE_COLUMN,
    INTRO_NOTES,
    OTHER_TEXT_LABEL,
    PICTOGRAM_COLUMN,
    SETTINGS_COLUMNS,
    SOURCE_COLUMN,
    TRANSLATED_SETTINGS,
    VOICE_COLUMN,
    WORD_JOINER,
    YES_NO_LIST,
    language_label,
    xml_name,
)

# ``${name}`` in a text: a reference to a question for pyxform (see ``spec.WORD_JOINER``).
_DOLLAR_BRACE = re.compile(r"\$\{(?:([A-Za-z_][\w.-]*)\})?")


def xlsform_text(text: str, names: set[str]) -> str:
    """A text for an XLSForm cell: ``${name}`` of a question of the form stays a reference
    (ODK shows the answer there), any other ``${`` is kept as plain text; reading undoes it."""

    def keep_or_break(match):
        return match.group(0) if match.group(1) in names else "$" + WORD_JOINER + match.group(0)[1:]

    return _DOLLAR_BRACE.sub(keep_or_break, text) if text and "${" in text else text


def _rows(view: Questionnaire, names: set[str], reference: bool) -> tuple[list[list], list[list]]:
    """The survey and choices rows of the questionnaire in one language: every language
    gives the same rows in the same order, only their texts differ."""
    survey_rows: list[list] = []
    choice_rows: list[list] = []
    used_lists: set[str] = set()

    def row(type_, name, label, hint="", required="", relevant="", appearance="", constraint="", message="", **more):
        source, parameters = more.get("source", ""), more.get("parameters", "")
        label, hint, message, source = (xlsform_text(t, names) for t in (label, hint, message, source))
        survey_rows.append(
            [type_, name, label, hint, required, relevant, appearance, parameters, constraint, message, source]
            + [more.get("voice", "")]
        )

    def new_list(base: str) -> str:
        name, n = base, 2
        while name in used_lists:
            name, n = f"{base}_{n}", n + 1
        used_lists.add(name)
        return name

    for name, (key, prefix) in INTRO_NOTES.items():
        text = getattr(view, key)
        if text:  # the prefix tells our import which note is which; a translation needs none
            row("note", name, (prefix if reference else "") + text)

    yes_no_list = None
    for q in view.questions:
        name = xml_name(q.id)
        relevant = _relevant(view, q)
        required = "yes" if q.required else ""
        source = json.dumps(q.source, ensure_ascii=False) if q.source else ""
        if q.is_open:
            row(
                "text",
                name,
                q.label,
                q.help,
                required,
                relevant,
                "multiline" if q.is_long_text else "",
                source=source,
                voice="yes" if q.voice else "",
            )
        elif q.is_number:
            parts, words = [], []
            if q.min is not None:
                parts.append(f". >= {q.min}")
                words.append(f"au moins {q.min}")
            if q.max is not None:
                parts.append(f". <= {q.max}")
                words.append(f"au plus {q.max}")
            message = f"Le nombre doit être {' et '.join(words)}." if words else ""
            row(
                "integer",
                name,
                q.label,
                q.help,
                required,
                relevant,
                constraint=" and ".join(parts),
                message=message,
                source=source,
            )
        elif q.is_yes_no:
            if yes_no_list is None:
                yes_no_list = new_list(YES_NO_LIST)
                choice_rows += [[yes_no_list, value, label] for value, label in zip(("oui", "non"), q.yes_no_labels)]
            row(f"select_one {yes_no_list}", name, q.label, q.help, required, relevant, source=source)
        elif q.is_scale:
            list_name = new_list(f"echelle_{q.id}")
            choice_rows += [[list_name, str(i), label] for i, label in enumerate(q.scale_labels, 1)]
            row(
                f"select_one {list_name}", name, q.label, q.help, required, relevant, appearance="likert", source=source
            )
        elif q.is_choice:
            list_name = new_list(xml_name(q.id))
            choice_rows += [
                [list_name, c.value, c.label, "yes" if c.exclusive else "", pictogram_file(c.picto)] for c in q.choices
            ]
            if q.other:
                choice_rows.append([list_name, OTHER_VALUE, q.other_label])
            command = "select_multiple" if q.is_multiple else "select_one"
            row(f"{command} {list_name}", name, q.label, q.help, required, relevant, source=source)
            if q.other:
                row(
                    "text",
                    f"{name}__autre",
                    OTHER_TEXT_LABEL if reference else q.other_label,
                    required="yes",
                    relevant=f"selected(${{{name}}}, '{OTHER_VALUE}')",
                )
        elif q.is_drawing:
            row(
                DRAWING_TYPE,
                name,
                q.label,
                q.help,
                required,
                relevant,
                appearance=DRAWING_APPEARANCE,
                parameters=DRAWING_PARAMETERS,
                source=source,
            )
        else:  # note
            row("note", name, q.label, q.help, relevant=relevant, source=source)

    choice_rows = [
        [list_name, value, xlsform_text(label, names), *rest] for list_name, value, label, *rest in choice_rows
    ]
    return survey_rows, choice_rows


def pictogram_file(name: str) -> str:
    """A choice's pictogram as XLSForm names a choice's image: the file to join as the form's
    media (``printables/art/pictos/smartphone.svg``); the import reads the name back."""
    return f"{name}.svg" if name else ""


def export_xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook (bytes of an .xlsx file), with one column of
    labels, hints and choice labels per language (the reference first, ``default_language``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    names = {xml_name(q.id) for q in questionnaire.questions}
    languages = [language_label(code) for code in questionnaire.languages]
    lang = languages[0]
    views = [
        _rows(in_language(questionnaire, code), names, reference=index == 0)
        for index, code in enumerate(questionnaire.languages)
    ]

    def texts(column: str) -> list[str]:
        return [f"{column}::{language}" for language in languages]

    survey_header = [
        "type",
        "name",
        *texts("label"),
        *texts("hint"),
        "required",
        "relevant",
        "appearance",
        "parameters",
        "constraint",
        *texts("constraint_message"),
        SOURCE_COLUMN,
        VOICE_COLUMN,
    ]
    survey_rows = []
    for number, base in enumerate(views[0][0]):
        per_language = [view[0][number] for view in views]
        survey_rows.append(
            [
                *base[0:2],
                *(r[2] for r in per_language),
                *(r[3] for r in per_language),
                *base[4:9],
                *(r[9] for r in per_language),
                base[10],
                base[11],
            ]
        )
    choice_rows = []
    for number, base in enumerate(views[0][1]):
        # A pictogram is the same file in every language (one image column per language, as pyxform wants).
        pictos = [base[4]] * len(views) if len(base) > 4 else []
        choice_rows.append([*base[0:2], *(view[1][number][2] for view in views), *base[3:4], *pictos])
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    _fill(
        survey,
        survey_header,
        survey_rows,
        widths={"type": 28, "name": 24, **{c: 60 for c in texts("label")}, **{c: 40 for c in texts("hint")}},
    )
    choices = book.create_sheet("choices")
    _fill(
        choices,
        ["list_name", "name", *texts("label"), EXCLUSIVE_COLUMN, *texts(PICTOGRAM_COLUMN)],
        choice_rows,
        widths={"list_name": 24, "name": 20, **{c: 50 for c in texts("label")}},
    )
    settings = book.create_sheet("settings")
    ours = questionnaire.to_dict()
    translated = [
        (f"{column}::{language_label(t.language)}", t.texts.get(key, "") if key != "note" else t.note)
        for t in questionnaire.translations
        for key, column in TRANSLATED_SETTINGS.items()
    ]
    _fill(
        settings,
        [
            "form_title",
            "form_id",
            "version",
            "default_language",
            SOURCE_COLUMN,
            *SETTINGS_COLUMNS.values(),
            *(column for column, _ in translated),
        ],
        [
            [
                xlsform_text(questionnaire.title, names),
                questionnaire.id,
                str(questionnaire.version),
                lang,
                xlsform_text(
                    json.dumps(questionnaire.source, ensure_ascii=False) if questionnaire.source else "", names
                ),
                *[
                    ("yes" if ours[key] is True else xlsform_text(ours[key], names)) if key in ours else ""
                    for key in SETTINGS_COLUMNS
                ],
                *(xlsform_text(text, names) for _, text in translated),
            ]
        ],
        widths={"form_title": 40, "form_id": 30},
    )
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

    from ...spreadsheet import safe_row

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
    if target is not None and target.is_multiple:
        terms = [f"selected(${{{ref}}}, '{v}')" for v in q.show_if.values]
    else:
        terms = [f"${{{ref}}} = '{v}'" for v in q.show_if.values]
    return " or ".join(terms)


def export_filename(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.id}-v{questionnaire.version}-xlsform.xlsx"
