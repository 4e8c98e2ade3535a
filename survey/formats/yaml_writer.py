"""Questionnaire files in YAML: writing them for a person to read and edit.

Keys in the documented order (``TOP_ORDER``, ``QUESTION_ORDER``, the same keys the loader
accepts), block style, long texts as text blocks, no empty optional field. What
``survey.formats.yaml_files`` reads back is what was written.
"""

from __future__ import annotations

import yaml

from ..model.questionnaire import Questionnaire
from .yaml_files import QUESTION_ORDER, TOP_ORDER


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
    return yaml.dump(
        ordered(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def questionnaire_yaml(questionnaire: Questionnaire) -> str:
    return dump_yaml(questionnaire.to_dict())
