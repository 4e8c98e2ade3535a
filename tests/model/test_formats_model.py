"""The questionnaire model names its question types (``Question.is_open``…), and what the
YAML writer writes, the loader reads back as the same questionnaire."""

from __future__ import annotations

import pytest

from survey.config import DEFAULTS
from survey.formats.yaml_files import from_dict, load_library, parse_text
from survey.formats.yaml_writer import dump_yaml
from survey.model.questionnaire import TYPES, Question

PREDICATES = {
    "is_open": {"short_text", "long_text"},
    "is_choice": {"single_choice", "multiple_choice"},
    "is_multiple": {"multiple_choice"},
    "is_yes_no": {"yes_no"},
    "is_scale": {"scale"},
    "is_number": {"number"},
}


@pytest.mark.parametrize("predicate", sorted(PREDICATES))
def test_each_type_predicate_holds_for_its_types_only(predicate):
    for qtype in TYPES:
        question = Question(id="q", type=qtype, label="Question ?")
        assert getattr(question, predicate) is (qtype in PREDICATES[predicate]), (predicate, qtype)


def test_every_shipped_questionnaire_reads_back_from_what_the_writer_writes():
    library = load_library(DEFAULTS["QUESTIONNAIRES_DIR"])
    assert library.questionnaires and not library.problems
    for questionnaire in library:
        again = parse_text(dump_yaml(questionnaire.to_dict()), f"{questionnaire.id}.yaml")
        assert again == questionnaire
        assert from_dict(again.to_dict()) == questionnaire
