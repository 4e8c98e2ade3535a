"""The one base of every refusal a person must read: ``SurveyError`` carries the French message.

Each layer raises its own subclass (``TagError``, ``PhotoError``, ``XLSFormError``…) and the
place that catches it decides how to say it. What no view or command catches is still said
one way: a page reached through Flask shows the French error page with ``status``
(``web/errors.py``), a command prints « Erreur : » and the message and exits 1 (``cli/root.py``).
Neither shows a traceback: the message is all the person needs.

It lives in the model, the lowest layer, so that every layer above can derive from it (storage's
``AnswerConflict`` too: a 409). Left out on purpose: a YAML construct refused inside the loader
(``RefusedYAML`` must stay a YAML error and becomes a ``Problem``) and a draft written by another
tab meanwhile (``DraftChanged``: the editor's own handler explains it), which never reach a
person as they are."""

from __future__ import annotations


class SurveyError(Exception):
    """Something a person asked that cannot be done, said in French for them in ``message``.

    ``status`` is the HTTP status a page answers with if no view catches it: 400 for a bad
    value (the default), 404 for something that does not exist, 409 for a conflict with what
    is stored, 410 for what is no longer taken, 422 for a file or a change that cannot be used
    as it is. Subclasses keep their own name so that callers catch only what they expect."""

    status: int = 400

    def __init__(self, message: str, **values: object) -> None:
        """``message`` may hold ``%(name)s`` parts filled from ``values``: ``template`` and
        ``values`` stay apart so that a page says it in its reader's language (``gettext``)."""
        said = message % values if values else message
        super().__init__(said)
        self.message = said
        self.template = message
        self.values = values


class BadValue(SurveyError, ValueError):
    """A typed value that is not one (a date, a door's sector, a kiosk code): still a
    ``ValueError`` for the forms and filters that catch one, said in French."""
