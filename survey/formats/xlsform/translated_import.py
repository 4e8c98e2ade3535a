"""Reading an XLSForm in every language it has: the reference (French when the form has
it), then each other ``label::Langue (xx)`` column as a translation of it.

Each other language is read with the same importer, from its own columns only, so the
questions, ids and choice values are the reference's and only the words differ. A language
is kept when it translates every text the reference has; otherwise a French note says what
it lacks and the language is left out (a form is never refused for a translation).
"""

from __future__ import annotations

from ...model.questionnaire import Questionnaire, Translation, language_words
from ...model.translations import missing_texts, texts_to_translate
from ..yaml_translations import described
from .importer import WORDS, ImportResult, import_one_language
from .sheets import Sheet, read_workbook
from .spec import TRANSLATED_SETTINGS, XLSFormError, language_code

MISSING_SHOWN = 3


def import_xlsform(content: bytes, filename: str = "formulaire.xlsx") -> ImportResult:
    """An XLSForm workbook in our format, its complete translations included, with a French
    note for every thing left out."""
    sheets = read_workbook(content)
    result = import_one_language(sheets, filename)
    reference, _ = result.validate(filename)
    if reference is None:
        return result
    settings = sheets["settings"].rows[0][1] if "settings" in sheets and sheets["settings"].rows else {}
    translations: list[Translation] = []
    for column in _label_columns(sheets):
        code = language_code(column)
        if not code or code == reference.language or any(t.language == code for t in translations):
            continue
        translation = _translation(sheets, filename, column, code, reference, settings, result.notes)
        if translation is not None:
            translations.append(translation)
    if translations:
        result.data["languages"] = [t.language for t in translations]
        result.data["translations"] = {t.language: t.to_dict() for t in translations}
    return result


def _label_columns(sheets: dict[str, Sheet]) -> list[str]:
    """The languages of the survey's labels, as their columns name them (« English (en) »)."""
    return [key[1] for key in sheets["survey"].header if isinstance(key, tuple) and key[0] == "label"]


def _translation(
    sheets: dict[str, Sheet],
    filename: str,
    column: str,
    code: str,
    reference: Questionnaire,
    settings: dict,
    notes: list[str],
) -> Translation | None:
    named = f"« {column} » ({language_words(code)})"
    try:
        data = import_one_language(sheets, filename, column).data
    except XLSFormError:
        notes.append(f"La langue {named} n'est pas reprise : ses questions ne se lisent pas.")
        return None
    texts = _texts(data, reference, settings, column)
    expected = texts_to_translate(reference)
    translation = Translation(
        code,
        {key: texts[key] for key in expected if texts.get(key)},
        str(settings.get((TRANSLATED_SETTINGS["note"], column)) or "").strip(),
    )
    missing = missing_texts(reference, translation)
    if missing:
        said = list(dict.fromkeys(described(key) for key in missing))
        shown = ", ".join(said[:MISSING_SHOWN]) + ("…" if len(said) > MISSING_SHOWN else "")
        notes.append(
            f"La langue {named} n'est pas reprise : {len(missing)} texte(s) n'y sont pas traduits ({shown}). "
            "Complétez le formulaire puis importez-le à nouveau, ou ajoutez la traduction dans le questionnaire."
        )
        return None
    return translation


def _texts(data: dict, reference: Questionnaire, settings: dict, column: str) -> dict[str, str]:
    """The texts of one language's reading, keyed as a translation gives them; the questions
    are matched with the reference's by position (the same rows, read in another column)."""
    texts = {key: str(data.get(key) or "") for key in ("intro", "purpose", "consent")}
    for key in ("title", "intro_with_volunteer", "consent_with_volunteer"):
        texts[key] = str(settings.get((TRANSLATED_SETTINGS[key], column)) or "").strip()
    if not texts["title"]:  # Kobo and ODK translate no form title: the reference's is kept
        texts["title"] = reference.title
    read = data.get("questions") or []
    if len(read) != len(reference.questions):
        return texts
    for ours, theirs in zip(reference.questions, read):
        base = f"questions.{ours.id}"
        words = theirs.get(WORDS) or {}
        texts[f"{base}.label"] = theirs.get("label", "")
        texts[f"{base}.help"] = theirs.get("help", "")
        for choice, given in zip(ours.choices, theirs.get("choices") or []):
            texts[f"{base}.choices.{choice.value}"] = given.get("label", "")
        texts[f"{base}.other"] = words.get("other", "")
        for name, listed in (("scale_labels", theirs.get("scale_labels") or []), ("yes_no", words.get("yes_no", []))):
            texts.update({f"{base}.{name}.{n}": str(label) for n, label in enumerate(listed, 1)})
    return texts
