"""Pictograms for people who read little (issue 16 §3): the set shipped in printables/art/pictos/,
the ``picto`` of a choice in YAML and XLSForm, and the loader's French word for an unknown name."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from survey.formats import pictograms
from survey.formats.xlsform import export_xlsform, import_xlsform
from survey.formats.yaml_files import load_library, parse_text
from survey.formats.yaml_writer import questionnaire_yaml
from survey.model.questionnaire import QuestionnaireError

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
# The inhabitants' questionnaires the toolkit ships (the others are for teams and structures).
INHABITANTS = (
    "porteur-de-parole-numerique",
    "besoins-numeriques-habitants",
    "ordi-panneau-citoyennete",
    "ordi-panneau-quotidien",
)


@pytest.fixture(scope="module")
def library():
    found = load_library(ROOT / "questionnaires")
    assert found.problems == []
    return found


def named_pictos(library) -> set[str]:
    return {c.picto for q in library for question in q.questions for c in question.options if c.picto}


def test_every_pictogram_a_shipped_questionnaire_names_is_a_drawing_with_a_title(library):
    named = named_pictos(library)
    assert {"smartphone", "famille", "france-services", "oui", "non", "autre"} <= named
    for name in named:
        path = pictograms.PICTOGRAMS_DIR / f"{name}.svg"
        root = ET.parse(path).getroot()  # well-formed XML, or this raises
        assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 64 64", name
        assert root.find(f"{SVG}title").text.strip(), name


def test_every_choice_of_the_inhabitants_questionnaires_carries_a_pictogram(library):
    for qid in INHABITANTS:
        for question in library.get(qid).questions:
            if question.is_choice or question.is_yes_no:
                bare = [c.value for c in question.options if not c.picto]
                assert bare == [], (qid, question.id, bare)


def test_every_drawing_of_the_set_is_ours_one_colour_and_listed(library):
    """Drawn with currentColor (the page's colour, on screen and paper), nothing fetched from
    elsewhere (a LAN with no internet), each in the folder's README with what it means."""
    readme = (pictograms.PICTOGRAMS_DIR / "README.md").read_text(encoding="utf-8")
    files = sorted(pictograms.PICTOGRAMS_DIR.glob("*.svg"))
    assert len(files) >= 40 and set(pictograms.catalogue()) == {p.stem for p in files}
    for path in files:
        text = path.read_text(encoding="utf-8")
        picto = pictograms.read(path)
        assert (
            'stroke="currentColor"' in text
            and "href" not in text
            and "http:" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        )
        assert f"`{picto.name}`" in readme and picto.title in readme, picto.name
        assert "<title>" not in picto.body and picto.body


def test_an_unknown_pictogram_is_said_in_french_with_its_line():
    text = """id: essai
title: Essai
version: 1
questions:
  - id: appareil
    type: single_choice
    label: Quel appareil ?
    choices:
      - value: telephone
        label: Un téléphone
        picto: smartphone
      - value: tele
        label: Une télévision
        picto: televiseur
"""
    with pytest.raises(QuestionnaireError) as caught:
        parse_text(text, "essai.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.question) == ("essai.yaml", 14, "appareil")
    assert "le pictogramme « televiseur » du choix « tele » n'existe pas" in problem.message
    assert "printables/art/pictos/README.md" in problem.message


def test_yes_no_carries_a_tick_and_a_cross_and_autre_a_pencil_beside_drawn_choices():
    q = parse_text(
        """id: essai
title: Essai
version: 1
questions:
  - id: internet
    type: yes_no
    label: Internet ?
  - id: qui
    type: multiple_choice
    label: Qui ?
    other: true
    choices:
      - {value: famille, label: Ma famille, picto: famille}
  - id: sans
    type: single_choice
    label: Sans dessin ?
    other: true
    choices:
      - {value: a, label: A}
"""
    )
    assert [c.picto for c in q.question("internet").options] == ["oui", "non"]
    assert [c.picto for c in q.question("qui").options] == ["famille", "autre"]
    assert [c.picto for c in q.question("sans").options] == ["", ""]


def test_the_picto_goes_through_yaml_and_an_xlsform_that_pyxform_accepts(library):
    q = library.get("besoins-numeriques-habitants")
    pictos = [(qu.id, c.value, c.picto) for qu in q.questions for c in qu.choices]
    assert sum(1 for *_, p in pictos if p) >= 30

    again = parse_text(questionnaire_yaml(q), "copie.yaml")
    assert [(qu.id, c.value, c.picto) for qu in again.questions for c in qu.choices] == pictos

    workbook = export_xlsform(q)
    warnings: list = []
    xform = convert(xlsform=io.BytesIO(workbook), warnings=warnings, file_type=".xlsx").xform
    assert warnings == [] and "jr://images/smartphone.svg" in xform
    back = import_xlsform(workbook, "besoins.xlsx")
    assert back.notes == []
    imported, problems = back.validate()
    assert problems == []
    assert [(qu.id, c.value, c.picto) for qu in imported.questions for c in qu.choices] == pictos
    assert imported.translations == q.translations


def test_an_xlsform_image_that_is_not_ours_is_left_out_with_a_note():
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["select_one lieux", "lieu", "Où ?"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label", "media::image"])
    choices.append(["lieux", "mairie", "La mairie", "mairie.png"])
    choices.append(["lieux", "plage", "La plage", "plage.jpg"])
    out = io.BytesIO()
    book.save(out)
    result = import_xlsform(out.getvalue(), "lieux.xlsx")
    imported, problems = result.validate()
    assert problems == []
    assert [c.picto for c in imported.question("lieu").choices] == ["mairie", ""]
    assert any("« plage.jpg »" in note for note in result.notes)
