"""The interface's gettext catalogs, read from their ``.po`` files as they are in the tree.

A catalog is ``survey/translations/<language>/LC_MESSAGES/<domain>.po`` (``messages``: the
pages a respondent and the team see; other domains may sit beside it). No compiled ``.mo`` is
kept in the repository nor made by the set-up: each ``.po`` is compiled in memory the first
time a language is asked for, and again when the file changes, so a fresh clone, an edited
catalog and a structure's added language all work with no build step (docs/TRANSLATING.md).
Fuzzy entries are left out, as ``msgfmt`` would: a guess is never shown to a person.

A side module (no web library): the web's Flask-Babel domain and any other part read it.
"""

from __future__ import annotations

import threading
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

FOLDER = Path(__file__).resolve().parent / "translations"
SOURCE_LANGUAGE = "fr"  # the words in the code and templates: French stays the source

_kept: dict[tuple[Path, str], tuple[float, Translations]] = {}
_lock = threading.Lock()


def N_(text: str) -> str:
    """Marks a text for the catalogs (``pybabel extract`` reads ``N_``) where it is written; it is
    translated where it is shown, in the language of that page."""
    return text


def po_path(language: str, domain: str = "messages", folder: Path = FOLDER) -> Path:
    return folder / language / "LC_MESSAGES" / f"{domain}.po"


def languages(domain: str = "messages", folder: Path = FOLDER) -> list[str]:
    """The languages with a catalog of ``domain``, the source language first."""
    found = (
        sorted(p.name for p in folder.iterdir() if po_path(p.name, domain, folder).is_file()) if folder.is_dir() else []
    )
    return [SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE)]


def translations(language: str, domain: str = "messages", folder: Path = FOLDER) -> NullTranslations:
    """The catalog of ``language`` compiled in memory (kept until its file changes); a null
    catalog (the French source words) for a language without one."""
    path = po_path(language, domain, folder)
    try:
        changed = path.stat().st_mtime
    except OSError:
        return NullTranslations()
    key = (path, language)
    kept = _kept.get(key)
    if kept is not None and kept[0] == changed:
        return kept[1]
    with _lock:
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=domain)
        compiled = BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        result = Translations(compiled, domain=domain)
        _kept[key] = (changed, result)
    return result
