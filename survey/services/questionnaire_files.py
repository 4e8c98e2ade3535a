"""Where questionnaires edited in the browser live.

The shipped questionnaires (``questionnaires/``) are never written by the web
app. A questionnaire created, copied, imported or edited in the browser is
saved as a YAML file of the same format in ``<data>/questionnaires/``, which
wins over a shipped file of the same id. The text of the file is
``survey.formats.yaml_writer``'s; this module decides where it goes, writes it
atomically under one lock and reloads the running app's library (so it needs
the app's ``Services``: it is not plain file storage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from contextlib import contextmanager
from pathlib import Path

from ..formats.yaml_writer import dump_yaml
from ..model.questionnaire import Questionnaire
from ..storage.atomic import atomic_write_bytes
from ..storage.locks import file_lock

if TYPE_CHECKING:
    from . import Services


def edited_folder(svc: Services) -> Path:
    folder = svc.questionnaire_folders[1]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shipped_path(svc: Services, questionnaire_id: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        path = svc.questionnaire_folders[0] / f"{questionnaire_id}{suffix}"
        if path.exists():
            return path
    return None


def edited_path(svc: Services, questionnaire_id: str) -> Path:
    return edited_folder(svc) / f"{questionnaire_id}.yaml"


def origin(svc: Services, questionnaire: Questionnaire) -> str:
    """« fourni avec l'outil », « modifié ici » or « créé ici », for the list of questionnaires."""
    edited = Path(questionnaire.path).parent == edited_folder(svc) if questionnaire.path else False
    if not edited:
        return "fourni avec l'outil"
    return "modifié ici" if shipped_path(svc, questionnaire.id) else "créé ici"


@contextmanager
def writing(svc: Services) -> Iterator[None]:
    """One writer of questionnaire files at a time (threads, the CLI, a second worker)."""
    with file_lock(edited_folder(svc) / ".lock"):
        yield


def write_file(svc: Services, data: dict) -> Path:
    """Write one questionnaire file atomically, then reload the library of the running app."""
    path = edited_path(svc, data["id"])
    atomic_write_bytes(path, dump_yaml(data).encode("utf-8"))
    svc.reload_library()
    return path


def remove_file(svc: Services, questionnaire_id: str) -> bool:
    path = edited_path(svc, questionnaire_id)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    svc.reload_library()
    return True


def free_id(svc: Services, base: str, taken: set[str] | None = None) -> str:
    """``base`` if no questionnaire has it, else ``base-2``, ``base-3``…"""
    taken = set(taken or ()) | set(svc.library.questionnaires)
    base = base[:56].rstrip("-") or "questionnaire"
    candidate, n = base, 2
    while candidate in taken or shipped_path(svc, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate
