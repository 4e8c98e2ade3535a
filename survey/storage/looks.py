"""A request that read under versions that changed before its write (``StaleLook``).

Only a shared instance's storage raises it (``postgres/records.py``: a respondent's answer
checks the versions with its INSERT instead of reading them first). The web layer then runs the
request again from the start with a look of its own, so nothing is stored twice or on stale
grounds, and the person sees nothing of it."""

from __future__ import annotations


class StaleLook(Exception):
    """Nothing was written: a version this request read under had changed meanwhile."""
