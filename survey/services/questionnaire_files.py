"""Where questionnaires edited in the browser live.

The shipped questionnaires (``questionnaires/``) are never written by the web
app. A questionnaire created, copied, imported or edited in the browser is
saved as a YAML file of the same format in ``<data>/questionnaires/``, which
wins over a shipped file of the same id. The text of the file is
``survey.formats.yaml_writer``'s; this module decides where it goes, writes it
atomically under one lock and reloads the running app's library (so it needs
the app's ``Services``: it is not plain file storage).

On a shared instance (``DATABASE_URL``) the database holds them: the records collection
``edited_questionnaires`` (``{"id", "yaml"}``), whose ``stamp`` every server compares at each
request (``Services.refresh_library``). The data folder's ``.questionnaires-de-la-base/`` is
this host's copy, rewritten from the database (``copy_from_database``) before the library is
read, so the rest of the app still reads files. Files left in ``questionnaires/`` (an instance
from before, ``survey data copy``) are still read, by this host only, under those of the
database; saved once through the editor, one is in the database for every server.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..formats.yaml_writer import dump_yaml
from ..model.questionnaire import Questionnaire
from ..storage.atomic import atomic_write_bytes
from ..storage.locks import file_lock

if TYPE_CHECKING:
    from . import Services


# The records collection of edited questionnaires on a shared instance.
COLLECTION = "edited_questionnaires"


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
    edited = Path(questionnaire.path).parent in svc.library_folders()[1:] if questionnaire.path else False
    if not edited:
        return "fourni avec l'outil"
    return "modifié ici" if shipped_path(svc, questionnaire.id) else "créé ici"


@contextmanager
def writing(svc: Services) -> Iterator[None]:
    """One writer of questionnaire files at a time (threads, the CLI, a second worker)."""
    with file_lock(edited_folder(svc) / ".lock"):
        yield


def write_file(svc: Services, data: dict) -> Path:
    """Write one questionnaire file atomically (on a shared instance, into the database
    first), then reload the library of the running app."""
    path = edited_path(svc, data["id"])
    text = dump_yaml(data)
    if svc.shared:
        svc.records.put(COLLECTION, {"id": data["id"], "yaml": text})
    atomic_write_bytes(path, text.encode("utf-8"))
    svc.reload_library()
    return path


def remove_file(svc: Services, questionnaire_id: str) -> bool:
    path = edited_path(svc, questionnaire_id)
    removed = False
    if svc.shared:
        removed = svc.records.delete(COLLECTION, questionnaire_id)
        for left in svc.library_folders()[1:-1]:  # a file left from before would come back
            for suffix in (".yaml", ".yml"):
                if (left / f"{questionnaire_id}{suffix}").exists():
                    (left / f"{questionnaire_id}{suffix}").unlink(missing_ok=True)
                    removed = True
    try:
        path.unlink()
    except FileNotFoundError:
        if not removed:
            return False
    svc.reload_library()
    return True


def copy_from_database(svc: Services) -> None:
    """Make this host's folder what the database holds: write what differs, remove what is
    gone. Idempotent, so two workers of one host doing it at once end the same."""
    folder = edited_folder(svc)
    held = {r["id"]: r["yaml"] for r in svc.records.all(COLLECTION) if isinstance(r.get("yaml"), str)}
    for questionnaire_id, text in held.items():
        path = folder / f"{questionnaire_id}.yaml"
        data = text.encode("utf-8")
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            atomic_write_bytes(path, data)
    for path in folder.glob("*.y*ml"):
        if path.stem not in held:
            path.unlink(missing_ok=True)


def free_id(svc: Services, base: str, taken: set[str] | None = None) -> str:
    """``base`` if no questionnaire has it, else ``base-2``, ``base-3``…"""
    taken = set(taken or ()) | set(svc.library.questionnaires)
    base = base[:56].rstrip("-") or "questionnaire"
    candidate, n = base, 2
    while candidate in taken or shipped_path(svc, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate
