"""The shipped question sets load, cite their sources, and match the documents;
a broken file is reported in French with its name, line and question."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from survey.cli import main
from survey.config import DEFAULTS
from survey.formats.yaml_files import load_library, parse_text
from survey.model.questionnaire import QuestionnaireError

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SHIPPED = {
    "porteur-de-parole-numerique": 8,
    "questionnaire-structures": None,
    "besoins-numeriques-habitants": None,
    "ordi-panneau-quotidien": None,
    "ordi-panneau-citoyennete": None,
    "atelier-education": None,
    "atelier-insertion": None,
    "atelier-citoyennete": None,
    "fiche-initiative": None,
}


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULTS["QUESTIONNAIRES_DIR"])


def test_every_shipped_questionnaire_loads(library):
    assert library.problems == []
    assert set(SHIPPED) <= set(library.questionnaires)
    assert len(library.get("porteur-de-parole-numerique").answerable) == 8
    for q in library.get("ordi-panneau-quotidien"), library.get("ordi-panneau-citoyennete"):
        assert 2 <= len(q.answerable) <= 3


def test_questionnaire_structures_has_the_nine_questions_of_the_document(library):
    labels = [q.label for q in library.get("questionnaire-structures").answerable if not q.source.get("derived")]
    assert len(labels) == 9
    assert labels[0] == "Quel accompagnement proposez-vous en matière de numérique ?"


def test_every_question_cites_its_source_lines(library):
    for questionnaire in library:
        assert questionnaire.source.get("document"), questionnaire.id
        for q in questionnaire.questions:
            assert re.match(r"^\d+(-\d+)?([,;] ?\d+(-\d+)?)*$", str(q.source.get("lines", ""))), (
                questionnaire.id,
                q.id,
            )


def _squash(text: str, join_hyphens: bool = True) -> str:
    """Compare texts whatever the line breaks, hyphenation, spaces, apostrophes and case."""
    text = text.replace("’", "'")
    if join_hyphens:
        text = text.replace("-\n", "")
    return re.sub(r"[\s\u00a0\u202f]+", "", text).casefold()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents (../shared/seeds) are not beside the clone")
def test_verbatim_questions_are_in_their_document(library):
    """A question not marked derived must appear word for word in its document."""
    checked = 0
    for questionnaire in library:
        for q in questionnaire.answerable:
            if q.source.get("derived"):
                continue
            document = q.source.get("document") or questionnaire.source["document"]
            if document.startswith("003"):
                continue  # OCR text: the cleaned wording comes from 000 (see each file's note)
            text = (SEEDS / document).read_text(encoding="utf-8")
            label = _squash(q.label)
            # A hyphen at the end of a line may split a word (numé-/rique) or be real (Sont-/elles).
            assert label in _squash(text) or label in _squash(text, join_hyphens=False), (
                f"{questionnaire.id}/{q.id} is not verbatim in {document}"
            )
            checked += 1
    assert checked >= 25


def test_check_command_passes_on_the_shipped_files(runner):
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "porteur-de-parole-numerique" in result.output


GOOD = """\
id: essai
title: Essai
version: 1
questions:
  - id: equipe
    type: yes_no
    label: Avez-vous un ordinateur ?
  - id: pourquoi
    type: short_text
    label: Pourquoi ?
    show_if: {question: equipe, equals: non}
"""


@pytest.mark.parametrize(
    "broken, line, question, words",
    [
        (GOOD.replace("type: short_text", "type: texte"), 9, "pourquoi", "le type « texte » est inconnu"),
        (GOOD.replace("equals: non", "equals: peut-etre"), 11, "pourquoi", "« peut-etre »"),
        (GOOD.replace("question: equipe", "question: absente"), 11, "pourquoi", "n'est pas une question placée avant"),
        (GOOD.replace("id: pourquoi", "id: equipe"), 8, "equipe", "déjà utilisé"),
        (GOOD.replace("    label: Pourquoi ?\n", ""), 8, "pourquoi", "le libellé (label) manque"),
        (GOOD.replace("title: Essai\n", ""), 1, "", "la clé obligatoire « title » manque"),
        (GOOD.replace("version: 1", "version: deux"), 1, "", "la version doit être un nombre entier"),
        (GOOD + "    colour: red\n", 12, "pourquoi", "la clé « colour » est inconnue"),
        (GOOD.replace("type: yes_no", "type: single_choice"), 5, "equipe", "une liste « choices »"),
        ("id: essai\ntitle: [oups\n", 3, "", "n'est pas un YAML valide"),
    ],
)
def test_problems_are_reported_in_french_with_line_and_question(broken, line, question, words):
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(broken, "essai.yaml")
    problems = caught.value.problems
    assert any(p.line == line and p.question == question and words in p.message for p in problems), [
        str(p) for p in problems
    ]
    assert str(problems[0]).startswith("essai.yaml, ligne ")


def test_check_fails_on_a_bad_file_but_keeps_the_good_ones(runner, tmp_path):
    (tmp_path / "essai.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "casse.yaml").write_text(
        GOOD.replace("id: essai", "id: casse").replace("yes_no", "oui_non"), encoding="utf-8"
    )
    library = load_library(tmp_path)
    assert list(library.questionnaires) == ["essai"]
    result = runner.invoke(main, ["check", "--questionnaires", str(tmp_path)])
    assert result.exit_code == 1
    assert "casse.yaml, ligne 6, question « equipe » : le type « oui_non » est inconnu" in result.output


def test_file_name_must_match_the_id(tmp_path):
    (tmp_path / "autre-nom.yaml").write_text(GOOD, encoding="utf-8")
    library = load_library(tmp_path)
    assert not library.questionnaires
    assert "doit être le nom du fichier" in str(library.problems[0])


def test_to_dict_round_trips(library):
    from survey.formats.yaml_files import from_dict

    for questionnaire in library:
        again = from_dict(questionnaire.to_dict())
        assert again == questionnaire


def test_show_if_matches_choices_lists_and_scales():
    q = parse_text(
        textwrap.dedent("""\
        id: t
        title: T
        version: 1
        questions:
          - {id: a, type: multiple_choice, label: A, choices: [{value: x, label: X}, {value: y, label: Y}]}
          - {id: b, type: short_text, label: B, show_if: {question: a, equals: y}}
          - {id: c, type: scale, label: C}
          - {id: d, type: short_text, label: D, show_if: {question: c, equals: [1, 2]}}
        """)
    )
    assert q.question("b").is_shown({"a": ["x", "y"]})
    assert not q.question("b").is_shown({"a": ["x"]})
    assert q.question("d").is_shown({"c": 2})
    assert not q.question("d").is_shown({"c": 5})
