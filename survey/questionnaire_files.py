"""Where questionnaires edited in the browser live, and how they are written.

The shipped questionnaires (``questionnaires/``) are never written by the web
app. A questionnaire created, copied, imported or edited in the browser is
saved as a YAML file of the same format in ``<data>/questionnaires/``, which
wins over a shipped file of the same id. The YAML is laid out for a person:
keys in the documented order, block style, long texts as text blocks.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import yaml

from .questionnaires import Questionnaire
from .storage.atomic import atomic_write_bytes
from .storage.locks import file_lock

TOP_ORDER = ("id", "title", "version", "language", "audience", "allow_empty", "intro", "intro_with_volunteer",
             "purpose", "consent", "consent_with_volunteer", "source", "questions")
QUESTION_ORDER = ("id", "type", "label", "help", "required", "choices", "other", "min", "max", "scale_labels",
                  "show_if", "source")


class _Dumper(yaml.SafeDumper):
    """Block style everywhere; a text with line breaks becomes a ``|`` block, a long one a ``>`` block."""


def _represent_str(dumper, value: str):
    style = None
    if any(ch in value for ch in "\x85\u2028\u2029"):
        # Line breaks for YAML that PyYAML writes raw outside double quotes: they would read back as
        # a space or a new line. Double quotes escape them (\N, \L, \P).
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > 80 and value == value.strip() and "  " not in value:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def ordered(data: dict) -> dict:
    """A questionnaire dict with keys in the documented order and no empty optional field."""
    top = {key: data[key] for key in TOP_ORDER if key in data}
    for key in ("intro", "purpose", "consent", "intro_with_volunteer", "consent_with_volunteer", "allow_empty"):
        if not top.get(key):
            top.pop(key, None)
    if not top.get("source"):
        top.pop("source", None)
    questions = []
    for raw in data.get("questions") or []:
        item = {key: raw[key] for key in QUESTION_ORDER if key in raw and raw[key] not in (None, "", [], {})}
        if item.get("required") is False:
            item.pop("required")
        if item.get("other") is False:
            item.pop("other")
        questions.append(item)
    top["questions"] = questions
    return top


def dump_yaml(data: dict) -> str:
    """The text of a questionnaire file, readable and editable by a person."""
    return yaml.dump(ordered(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)


def questionnaire_yaml(questionnaire: Questionnaire) -> str:
    return dump_yaml(questionnaire.to_dict())


def edited_folder(svc) -> Path:
    folder = svc.questionnaire_folders[1]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shipped_path(svc, questionnaire_id: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        path = svc.questionnaire_folders[0] / f"{questionnaire_id}{suffix}"
        if path.exists():
            return path
    return None


def edited_path(svc, questionnaire_id: str) -> Path:
    return edited_folder(svc) / f"{questionnaire_id}.yaml"


def origin(svc, questionnaire: Questionnaire) -> str:
    """« fourni avec l'outil », « modifié ici » or « créé ici », for the list of questionnaires."""
    edited = Path(questionnaire.path).parent == edited_folder(svc) if questionnaire.path else False
    if not edited:
        return "fourni avec l'outil"
    return "modifié ici" if shipped_path(svc, questionnaire.id) else "créé ici"


@contextmanager
def writing(svc):
    """One writer of questionnaire files at a time (threads, the CLI, a second worker)."""
    with file_lock(edited_folder(svc) / ".lock"):
        yield


def write_file(svc, data: dict) -> Path:
    """Write one questionnaire file atomically, then reload the library of the running app."""
    path = edited_path(svc, data["id"])
    atomic_write_bytes(path, dump_yaml(data).encode("utf-8"))
    svc.reload_library()
    return path


def remove_file(svc, questionnaire_id: str) -> bool:
    path = edited_path(svc, questionnaire_id)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    svc.reload_library()
    return True


def free_id(svc, base: str, taken: set[str] | None = None) -> str:
    """``base`` if no questionnaire has it, else ``base-2``, ``base-3``…"""
    taken = set(taken or ()) | set(svc.library.questionnaires)
    base = base[:56].rstrip("-") or "questionnaire"
    candidate, n = base, 2
    while candidate in taken or shipped_path(svc, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate
