"""The ``coordination`` blueprint alone: every module of the coordinator space imports it
and adds its routes, and this module imports none of them (so no circle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("coordination", __name__, url_prefix="/coordination")
