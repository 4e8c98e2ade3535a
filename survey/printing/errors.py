"""The one error printing raises: its message is French and shown as is."""

from ..model.errors import SurveyError


class PrintError(SurveyError, ValueError):
    """Something asked of the printables that cannot be done (unknown size, no quote…)."""
