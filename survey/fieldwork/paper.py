"""Paper questionnaires typed in by a facilitator: the sheet code, and what a typed sheet may
leave empty.

The code printed big on a sheet says which campaign and questionnaire version it belongs to.
It is short (``P-K7PX-1``: the campaign's short code and the version) and read in any case,
with or without dashes and spaces. The long code of sheets printed before
(``P-<campaign>-v<version>``) is still read.
"""

from __future__ import annotations

import re

from ..forms import REQUIRED_MESSAGE
from ..printing.links import paper_code

_IGNORED = re.compile(r"[\s\-._]")


def sheet_code(campaign, version: int) -> str:
    """What a paper questionnaire of this campaign and version prints (and the answer's ``poster``)."""
    return paper_code(campaign, version)


def _squeezed(text: str) -> str:
    return _IGNORED.sub("", str(text or "")).upper()


def sheet_version(campaign, typed: str) -> int | None:
    """The questionnaire version a typed sheet code names for this campaign, or None."""
    text = _squeezed(typed)
    prefixes = []
    short = _squeezed(getattr(campaign, "short_code", ""))
    if short:
        prefixes += ["P" + short, short]
    for prefix in prefixes:
        if text.startswith(prefix) and text[len(prefix):].isdigit():
            return int(text[len(prefix):])
    long_prefix = "P" + _squeezed(campaign.id) + "V"
    if text.startswith(long_prefix) and text[len(long_prefix):].isdigit():
        return int(text[len(long_prefix):])
    return None


EMPTY_SHEET = "Rien n'est tapé : recopiez au moins une réponse de la feuille avant d'enregistrer."


def validate_sheet(form) -> tuple[bool, str | None]:
    """The form's rules, except that a question left blank on the sheet stays blank: the
    person may have skipped a required one, and the facilitator must not invent an answer.
    (valid, a message about the whole sheet or None)."""
    form.validate_questions()
    ok = not form.csrf_errors
    for question in form.visible_questions():
        field = form.question_field(question)
        field.errors = [e for e in field.errors if e != REQUIRED_MESSAGE]
        ok = ok and not field.errors
    if ok and not form.answers():
        return False, EMPTY_SHEET
    return ok, None
