"""What XLSForm is, as far as we read and write it: columns, types, languages.

XLSForm is the spreadsheet format of ODK, KoboToolbox and their cousins: a ``survey``
sheet (one row per question), a ``choices`` sheet (the answer lists) and an optional
``settings`` sheet. This module names its columns (ours included, which ODK and Kobo
ignore), its types (the older spellings, the ones we cannot carry over and why), its
language suffixes, and the error every part of the exchange raises.
"""

from __future__ import annotations

import re

from ...model.errors import SurveyError

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Columns of our own that ODK and Kobo ignore: where a question comes from.
SOURCE_COLUMN = "source_porteur_de_parole"
# An open question that may also be answered by a recording (``voice: true``): XLSForm has no
# word for « a text question, or your voice », so our own column says « yes » (ODK and Kobo
# ignore it and show a text question; an ``audio`` row beside it would be a second question).
VOICE_COLUMN = "voice_porteur_de_parole"
# « Aucun de ces appareils »: a choice that goes alone (choices sheet, « yes »).
EXCLUSIVE_COLUMN = "exclusive_porteur_de_parole"
# A choice's pictogram (``picto``): XLSForm's image of a choice, a file of printables/art/pictos/.
PICTOGRAM_COLUMN = "media::image"
# Questionnaire settings of our format that XLSForm has no word for (settings sheet).
SETTINGS_COLUMNS = {
    "audience": "audience_porteur_de_parole",
    "allow_empty": "allow_empty_porteur_de_parole",
    "intro_with_volunteer": "intro_with_volunteer_porteur_de_parole",
    "consent_with_volunteer": "consent_with_volunteer_porteur_de_parole",
}
# A translation's texts XLSForm has no translated column for, in our own settings columns
# suffixed with the language (``title_porteur_de_parole::English (en)``); ``note`` says who
# translated it.
TRANSLATED_SETTINGS = {
    "title": "title_porteur_de_parole",
    "intro_with_volunteer": SETTINGS_COLUMNS["intro_with_volunteer"],
    "consent_with_volunteer": SETTINGS_COLUMNS["consent_with_volunteer"],
    "note": "translation_note_porteur_de_parole",
}
# Notes that carry our presentation texts, so that a Kobo respondent reads them too.
INTRO_NOTES = {
    "_intro": ("intro", ""),
    "_purpose": ("purpose", "À quoi servira votre réponse : "),
    "_consent": ("consent", "Vos données et vos droits : "),
}
LANGUAGE_NAMES = {
    "und": "Langue non précisée",
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "ar": "العربية",
}
# What a form that names no language is tagged with (ISO 639 « undetermined »): not French by default.
UNKNOWN_LANGUAGE = "und"
_LANGUAGE_WORDS = {
    **{name.lower(): code for code, name in LANGUAGE_NAMES.items()},
    "francais": "fr",
    "french": "fr",
    "english": "en",
    "anglais": "en",
    "spanish": "es",
    "espagnol": "es",
    "german": "de",
    "allemand": "de",
    "italian": "it",
    "italien": "it",
    "portuguese": "pt",
    "portugais": "pt",
    "arabic": "ar",
    "arabe": "ar",
}
YES_NO_LIST = "oui_non"
OTHER_TEXT_LABEL = "Si « Autre », précisez :"
# pyxform reads every ``${…}`` as a reference to a question and refuses the whole file when the
# name is unknown; an invisible word joiner after ``$`` keeps such a text as it is written
# (``export.xlsform_text`` puts it in, ``sheets`` takes it out).
WORD_JOINER = "\u2060"

# XLSForm types our format cannot hold, and why (the import says it in its notes).
UNSUPPORTED_TYPES = {
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
# Our ``dessin`` question: an XLSForm ``image`` with the ``draw`` appearance (ODK Collect and Enketo
# open a drawing pad for it); any other image (a photo) is not taken.
DRAWING_TYPE, DRAWING_APPEARANCE = "image", "draw"
DRAWING_PARAMETERS = "max-pixels=2000"  # ODK's drawing is made no bigger (pyxform asks for a bound)


def is_drawing_row(kind: str, row: dict) -> bool:
    return kind == DRAWING_TYPE and DRAWING_APPEARANCE in str(row.get("appearance", "")).lower().split()


# The older spellings of XLSForm types, longest first (« select one from LIST » is « select_one LIST »).
TYPE_PHRASES = (
    ("begin group", "begin_group"),
    ("begin repeat", "begin_repeat"),
    ("end group", "end_group"),
    ("end repeat", "end_repeat"),
    ("select one from file", "select_one_from_file"),
    ("select multiple from file", "select_multiple_from_file"),
    ("select all that apply from", "select_multiple"),
    ("select one from", "select_one"),
    ("add select one prompt using", "select_one"),
    ("add select multiple prompt using", "select_multiple"),
    ("select one external", "select_one_external"),
    ("select one", "select_one"),
    ("select multiple", "select_multiple"),
    ("select all that apply", "select_multiple"),
)
# What ODK records by itself (times, device, user): our tool never asks for them.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "imei",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "instanceid",
    "background-geopoint",
}
DATE_TYPES = {"date": "une date", "time": "une heure", "datetime": "une date et une heure"}


class XLSFormError(SurveyError, ValueError):
    """The file cannot be read as an XLSForm; the message is for a person, in French, and
    ``notes`` say what was found and left out on the way (to be listed under it)."""

    status = 422

    def __init__(self, message: str, notes=()):
        super().__init__(message)
        self.notes = list(notes)


def language_label(code: str) -> str:
    """``fr`` -> ``Français (fr)``: the column suffix XLSForm recommends."""
    code = (code or "fr").strip() or "fr"
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def language_code(label: str | None) -> str:
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


def xml_name(identifier: str) -> str:
    """XLSForm names start with a letter or ``_``; ours may start with a digit."""
    return identifier if identifier[:1].isalpha() else f"_{identifier}"
