"""The coordinator space (``/coordination``): one blueprint, its routes in a module per job.

``blueprint.py`` holds the blueprint; importing this package imports every module that adds
routes to it, so that they all exist before ``web.register`` registers it.
"""

from __future__ import annotations

from . import (  # noqa: F401
    campaigns,
    compare,
    crosstab,
    demarches,
    drawings,
    handover,
    home,
    media,
    privacy,
    reading,
    restitution,
    results,
    settings,
    structure_identity,
    structures,
    volunteers,
    words,
)
from .blueprint import bp

__all__ = ["bp"]
