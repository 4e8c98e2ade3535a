"""Paper questionnaires typed in by a facilitator: the sheet code, printed and read back (what a
typed sheet may leave empty is a form rule: ``forms.validate_sheet``).

The code printed big on a sheet says which campaign and questionnaire version it belongs to.
It is short (``P-K7PX-1``: the campaign's short code and the version) and read in any case,
with or without dashes and spaces. The long code of sheets printed before
(``P-<campaign>-v<version>``) is still read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...model.campaign import Campaign

_IGNORED = re.compile(r"[\s\-._]")


def paper_code(campaign: Campaign, version: int) -> str:
    """Printed big on paper questionnaires: which campaign and version to type the sheet into
    (``P-K7PX-1``, short enough to type; ``sheet_version`` below reads it back in any case)."""
    short = getattr(campaign, "short_code", "")
    return f"P-{short}-{version}" if short else f"P-{campaign.id}-v{version}"


def _squeezed(text: str) -> str:
    return _IGNORED.sub("", str(text or "")).upper()


def sheet_version(campaign: Campaign, typed: str) -> int | None:
    """The questionnaire version a typed sheet code names for this campaign, or None."""
    text = _squeezed(typed)
    prefixes = []
    short = _squeezed(getattr(campaign, "short_code", ""))
    if short:
        prefixes += ["P" + short, short]
    for prefix in prefixes:
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    long_prefix = "P" + _squeezed(campaign.id) + "V"
    if text.startswith(long_prefix) and text[len(long_prefix) :].isdigit():
        return int(text[len(long_prefix) :])
    return None
