"""The ``survey`` command (entry point ``survey.cli:main``, also ``python -m survey``).

``root.py`` holds the group and ``make_app`` and imports no command; each module below imports
the group and registers its commands on it, so importing them here is what makes them exist.
A mistake is reported one way only: a ``SurveyError`` (``root.CommandError`` is one) is said by
the root group, « Erreur : » and its French message on stderr, exit 1."""

from . import (  # noqa: F401  # noqa: F401
    campaigns,
    check,
    coordinators,
    data,
    db,
    demo,
    export,
    handover,
    printables,
    privacy,
    report,
    restitution,
    serve,
    shared,
    tablets,
    xlsform,
)
from .root import main

__all__ = ["main"]
