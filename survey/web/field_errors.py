"""Which field each problem of a posted page is about: the one error pattern of every form.

A page with problems shows a summary that takes the focus and links to each field, a message
under each field (``<id>-erreur``), the field marked ``aria-invalid`` and described by its
message, and « Erreur – » at the start of its title (RGAA 11.10, WCAG 3.3.1). The views give
the templates ``field_errors``: a list of ``(field id, message)`` in the page's order; the
macros of ``templates/_field_errors.html`` and ``base.html`` draw the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FieldErrors = list[tuple[str, str]]


def on(field_id: str, message: str | None) -> FieldErrors:
    """One problem about one field (none when there is no message)."""
    return [(field_id, message)] if message else []


def pinned(problems: Iterable[str], rules: Sequence[tuple[str, str]], default: str) -> FieldErrors:
    """Problems worded elsewhere (the model's French sentences) pinned to their field: the first
    rule ``(words, field id)`` whose words the message contains, else ``default``."""
    errors = []
    for message in problems:
        lowered = message.lower()
        field = next((field_id for words, field_id in rules if words.lower() in lowered), default)
        errors.append((field, message))
    return errors


def aria_for(errors: FieldErrors | None, field_id: str, *described_by: str) -> dict[str, str]:
    """The attributes of a field: described by its help (``described_by``) and, when it has a
    problem, by its message, and marked invalid. A dict, for WTForms fields and ``xmlattr``."""
    ids = [i for i in described_by if i]
    invalid = any(fid == field_id for fid, _ in errors or ())
    if invalid:
        ids.append(f"{field_id}-erreur")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if invalid:
        attrs["aria-invalid"] = "true"
    return attrs


def add_hooks(app) -> None:
    app.jinja_env.globals["field_error_aria"] = aria_for
