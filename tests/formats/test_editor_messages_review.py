"""Editor messages about an imported file say what is wrong where it is wrong (issue 11, §7)."""

from __future__ import annotations

import pytest

from survey.editor_messages import plain_problem
from survey.formats.yaml_files import parse_text
from survey.model.questionnaire import QuestionnaireError


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(text, "essai.yaml")
    return [plain_problem(p) for p in caught.value.problems]


def test_bounds_on_a_scale_say_they_belong_to_number_questions_only():
    """« 5 » is a whole number: the problem is the type of the question, and the message says so."""
    [problem] = problems_of(
        "id: essai\ntitle: Essai\nversion: 1\nquestions:\n- {id: note, type: scale, label: Votre note, min: 5}\n"
    )
    assert problem == (
        "ligne 5, question « note » : « Au moins » doit être un nombre entier, "
        "et seulement pour une question de type nombre"
    )


def test_an_unknown_key_of_a_question_is_not_called_a_key_of_the_questionnaire():
    [problem] = problems_of(
        "id: essai\ntitle: Essai\nversion: 1\nquestions:\n- {id: avis, type: short_text, label: Votre avis, lable: x}\n"
    )
    assert problem.startswith("ligne 5, question « avis » : « lable » n'est pas une information connue")
    assert "questionnaire" not in problem
