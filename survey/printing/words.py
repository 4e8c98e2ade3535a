"""The printed interface words in other languages: the gettext domain ``printables``.

French is written in the code and the templates (``say("Répondez ici")``); a language's
words are in ``survey/translations/<lang>/LC_MESSAGES/printables.po``, next to the web
interface's ``messages`` catalogs but in a domain of their own. Printing runs outside any
request (the CLI too), so the catalog is read through ``survey.catalogs`` (compiled from the
``.po`` in memory, no build step), not through Flask-Babel. A word the catalog lacks prints in
French (a structure can add a language one sentence at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import catalogs
from ..model.translations import direction, own_name
from .typography import face_for, typeset

DOMAIN = "printables"
REFERENCE = catalogs.SOURCE_LANGUAGE


@dataclass(frozen=True)
class Words:
    """The words of one printed language: ``words("Page {page} sur {pages}", page=1, pages=2)``.
    Also what a template needs to mark a block: ``lang``, ``dir``, its own name, its face."""

    language: str = REFERENCE

    def __call__(self, message: str, /, **values) -> str:
        said = catalogs.translations(self.language, DOMAIN).gettext(message)
        return typeset(said.format(**values) if values else said, self.language)

    @property
    def lang(self) -> str:
        return self.language

    @property
    def dir(self) -> str:
        return direction(self.language)

    @property
    def name(self) -> str:
        """The language in its own words (« العربية »)."""
        return own_name(self.language)

    @property
    def face(self) -> str:
        return face_for(self.language)

    @property
    def is_reference(self) -> bool:
        return self.language == REFERENCE

    @property
    def answer_here(self) -> str:
        """« Répondre en français », « أجب بالعربية »: over the code that opens the form in this
        language; the language's own name when its catalog does not say it."""
        message = "Répondre en français"
        said = catalogs.translations(self.language, DOMAIN).gettext(message)
        return said if (said != message or self.is_reference) else self.name

    def quoted(self, text: str) -> str:
        """A choice quoted as the language quotes (« Oui », “Yes”)."""
        return self("« {text} »", text=text)

    def css_content(self, text: str, **values) -> str:
        """A sentence as CSS ``content`` for a page's margin: « Page {page} sur {pages} » becomes
        ``"Page " counter(page) " sur " counter(pages)`` in the language's words; a placeholder
        given in ``values`` is written as its text instead of a counter."""
        rest = self(text)
        parts = []
        while rest:
            start = rest.find("{")
            end = rest.find("}", start)
            if start < 0 or end < 0:
                parts.append(_css_string(rest))
                break
            if start:
                parts.append(_css_string(rest[:start]))
            name = rest[start + 1 : end]
            parts.append(_css_string(str(values[name])) if name in values else f"counter({name})")
            rest = rest[end + 1 :]
        return " ".join(parts)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
