"""Snapshots of the questionnaire versions that answers were given under.

Only the current YAML file of a questionnaire is in the library, but every
answer records ``questionnaire`` and ``version``. So that old answers can
still be read (and exported) after a question is removed or added, the
definition of each version is kept (``Services.versions``, the collection
``questionnaire_versions``) the first time an answer is saved under it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..formats.yaml_files import from_dict
from ..model.questionnaire import Questionnaire, QuestionnaireError

if TYPE_CHECKING:
    from . import Services

log = logging.getLogger(__name__)


def remember_version(services: Services, questionnaire: Questionnaire) -> None:
    """Keep this version's definition, once per process and version (cheap to call per answer).

    The first snapshot of a version wins: if the file was edited without a new
    version number, exports merge the current file with the snapshot anyway.
    A failure to write is logged, never raised: the answer matters more.
    """
    key = (questionnaire.id, questionnaire.version)
    if key in services.remembered_versions:
        return
    try:
        keep_snapshot(services, questionnaire)
    except OSError:
        log.exception("questionnaire version %s@%s not snapshotted", *key)


def keep_snapshot(services: Services, questionnaire: Questionnaire) -> None:
    """Keep this version's definition for its answers (the first snapshot of a version wins);
    an error to write reaches the caller (the editor says it; an answer's save logs it)."""
    services.versions.keep(questionnaire.id, questionnaire.version, questionnaire.to_dict())
    services.remembered_versions.add((questionnaire.id, questionnaire.version))


def forget_snapshot(services: Services, questionnaire_id: str, version: int) -> None:
    services.versions.delete(questionnaire_id, version)
    services.remembered_versions.discard((questionnaire_id, version))


def snapshots(services: Services, questionnaire_id: str) -> list[Questionnaire]:
    """The stored versions of a questionnaire, oldest first (unreadable ones are skipped)."""
    found = []
    for record in services.versions.of(questionnaire_id):
        try:
            found.append(from_dict(record["definition"], record["id"]))
        except (QuestionnaireError, KeyError, TypeError):
            log.warning("questionnaire snapshot %s is unreadable", record.get("id"))
    return sorted(found, key=lambda q: q.version)


def known_versions(services: Services, questionnaire_id: str) -> list[Questionnaire]:
    """Every definition answers may use: the snapshots, then the current file last.

    The current file comes last even when a snapshot has the same number, so
    that it wins for labels and order while the snapshot's extra questions keep
    their columns.
    """
    found = snapshots(services, questionnaire_id)
    current = services.library.get(questionnaire_id)
    if current is not None:
        found = [q for q in found if q.version < current.version or q != current] + [current]
    return found
