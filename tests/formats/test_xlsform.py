"""XLSForm exchange: our questionnaires go to KoboToolbox/ODK and come back intact; their
forms come in with a clear French report; a bad file is a French message, never a crash."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from pyxform.xls2xform import convert

from survey.cli import main
from survey.config import DEFAULTS
from survey.formats.xlsform import MAX_UPLOAD, XLSFormError, export_xlsform, import_xlsform
from survey.formats.xlsform.importer import parse_bounds, parse_relevant
from survey.formats.yaml_files import from_dict, load_library
from tests.conftest import services_of
from tests.factories import login_coordinator

SHIPPED = load_library(DEFAULTS["QUESTIONNAIRES_DIR"])

# Every field our format has, in one questionnaire (the shipped ones miss some).
EVERYTHING = {
    "id": "tout-essayer",
    "title": "Tout essayer",
    "version": 3,
    "language": "fr",
    "intro": "Bonjour.\nDeux lignes d'introduction.",
    "purpose": "Mieux vous aider.",
    "consent": "Vos réponses sont anonymes.",
    "source": {"document": "x.txt", "lines": "1-9", "note": "essai"},
    "questions": [
        {"id": "bienvenue", "type": "note", "label": "Merci de prendre un moment.", "help": "Cinq minutes."},
        {"id": "nom", "type": "short_text", "label": "Votre prénom ?", "help": "Facultatif."},
        {
            "id": "recit",
            "type": "long_text",
            "label": "Racontez-nous.",
            "required": True,
            "source": {"lines": "3", "derived": True},
        },
        {"id": "age", "type": "number", "label": "Votre âge ?", "min": 15, "max": 110},
        {"id": "enfants", "type": "number", "label": "Combien d'enfants ?", "min": 0},
        {"id": "internet", "type": "yes_no", "label": "Avez-vous internet ?", "required": True},
        {
            "id": "oui_non",
            "type": "single_choice",
            "label": "Un piège de nom de liste",
            "choices": [{"value": "peut-etre", "label": "Peut-être"}, {"value": "2", "label": "Deux"}],
        },
        {
            "id": "usages",
            "type": "multiple_choice",
            "label": "Pour quoi faire ?",
            "other": True,
            "choices": [{"value": "mails", "label": "Les courriels"}, {"value": "caf", "label": "La CAF"}],
            "show_if": {"question": "internet", "equals": "oui"},
        },
        {
            "id": "1er-lieu",
            "type": "single_choice",
            "label": "Où allez-vous d'abord ?",
            "other": True,
            "choices": [{"value": "mairie", "label": "La mairie"}, {"value": "centre", "label": "Le centre social"}],
            "show_if": {"question": "usages", "equals": ["caf", "autre"]},
        },
        {
            "id": "aise",
            "type": "scale",
            "label": "À l'aise ?",
            "scale_labels": ["Pas du tout", "Un peu", "Moyennement", "Assez", "Tout à fait"],
            "show_if": {"question": "1er-lieu", "equals": "mairie"},
        },
        {"id": "confiance", "type": "scale", "label": "Confiance ?"},
        {
            "id": "pourquoi",
            "type": "long_text",
            "label": "Pourquoi ?",
            "show_if": {"question": "aise", "equals": ["1", "2"]},
        },
    ],
}


def pyxform_convert(data: bytes):
    warnings: list = []
    result = convert(xlsform=io.BytesIO(data), warnings=warnings, file_type=".xlsx")
    return result.xform, warnings


def workbook(survey, choices=None, settings=None, extra_sheets=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings is not None:
        sheet = book.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    for name in extra_sheets:
        book.create_sheet(name)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- ours -> XLSForm -> ours


@pytest.mark.parametrize("questionnaire", list(SHIPPED), ids=lambda q: q.id)
def test_round_trip_keeps_every_field_of_each_shipped_questionnaire(questionnaire):
    result = import_xlsform(export_xlsform(questionnaire), f"{questionnaire.id}.xlsx")
    assert result.notes == []
    assert from_dict(result.data).to_dict() == questionnaire.to_dict()


def test_round_trip_keeps_every_supported_field():
    questionnaire = from_dict(EVERYTHING)
    result = import_xlsform(export_xlsform(questionnaire), "tout.xlsx")
    assert result.notes == []
    assert from_dict(result.data).to_dict() == questionnaire.to_dict()


@pytest.mark.parametrize("questionnaire", list(SHIPPED) + [from_dict(EVERYTHING)], ids=lambda q: q.id)
def test_pyxform_converts_each_export_without_error(questionnaire):
    xform, warnings = pyxform_convert(export_xlsform(questionnaire))
    assert warnings == []
    assert f'id="{questionnaire.id}"' in xform and f'version="{questionnaire.version}"' in xform
    for q in questionnaire.questions:
        assert q.label.replace("'", "&apos;")[:20] in xform.replace("'", "&apos;") or q.label[:20] in xform


def test_the_xform_carries_conditions_limits_and_required():
    xform, _ = pyxform_convert(export_xlsform(from_dict(EVERYTHING)))
    assert 'nodeset="/data/usages" type="string" relevant=" /data/internet  = \'oui\'"' in xform
    assert "selected( /data/usages , 'caf') or selected( /data/usages , 'autre')" in xform
    assert "/data/_1er-lieu" in xform  # an id starting with a digit stays valid XML
    assert 'constraint=". &gt;= 15 and . &lt;= 110"' in xform
    assert 'nodeset="/data/recit" type="string" required="true()"' in xform
    assert "<value>Assez</value>" in xform  # scale words as choices (likert)


# --------------------------------------------------------------------------- their forms -> ours

KOBO_SURVEY = [
    [
        "type",
        "name",
        "label::English (en)",
        "label::Français (fr)",
        "hint::Français (fr)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::Français (fr)",
        "appearance",
        "parameters",
        "calculation",
    ],
    ["start", "start"],
    ["end", "end"],
    ["deviceid", "deviceid"],
    ["note", "intro_note", "Welcome", "Bienvenue !"],
    ["begin_group", "menage", "Household", "Le ménage", "", "", "", "", "", "field-list"],
    ["integer", "Age", "Age", "Votre âge", "En années", "yes", "", "(. >= 15) and (. <= 110)", "Entre 15 et 110"],
    ["select_one yn", "Internet", "Internet?", "Avez-vous Internet ?", "", "yes"],
    ["select_multiple usages", "usages", "Uses", "Pour quoi faire ?", "", "", "${Internet} = 'yes'"],
    [
        "text",
        "commentaire",
        "Comment",
        "Un commentaire ?",
        "",
        "",
        "selected(${usages}, 'Mails')",
        "string-length(.) < 200",
        "200 caractères au plus",
    ],
    ["end_group"],
    ["begin repeat", "enfants", "Children", "Les enfants"],
    ["text", "prenom", "Name", "Prénom de l'enfant"],
    ["integer", "age_enfant", "Age", "Son âge"],
    ["end repeat"],
    ["geopoint", "gps", "Location", "Position du logement"],
    ["image", "photo", "Photo", "Photo de la façade"],
    ["calculate", "total", "", "", "", "", "", "", "", "", "", "${Age} * 2"],
    ["decimal", "revenu", "Income", "Revenu du mois"],
    ["date", "naissance", "Birth date", "Date de naissance"],
    ["range", "satisfaction", "Rating", "Êtes-vous satisfait ?", "", "", "", "", "", "", "start=1 end=5 step=1"],
    ["range", "note10", "Rating", "Une note sur 10", "", "", "", "", "", "", "start=0 end=10"],
    ["select_one lieux or_other", "lieu", "Place", "Où allez-vous ?"],
    ["select_one yn", "souhait", "Wish", "Un souhait ?", "", "", "${Age} > 18 and ${Internet} = 'yes'"],
    ["text", "fin", "End", "Un dernier mot ?", "", "${Age} > 18"],
]
KOBO_CHOICES = [
    ["list name", "name", "label::English (en)", "label::Français (fr)"],
    ["yn", "yes", "Yes", "Oui"],
    ["yn", "no", "No", "Non"],
    ["usages", "Mails", "Email", "Courriels"],
    ["usages", "Admin.Stuff", "Admin", "Démarches"],
    ["lieux", "mairie", "Town hall", "Mairie"],
    ["lieux", "caf", "CAF", "CAF"],
]
KOBO_SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Enquête ménages", "enquete_menages_2024", "2024061501", "English (en)"],
]


@pytest.fixture(scope="module")
def kobo_import():
    data = workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    pyxform_convert(data)  # the test form itself is a valid XLSForm
    return import_xlsform(data, "menages.xlsx")


def test_a_real_looking_kobo_form_imports_with_a_french_report(kobo_import):
    q = from_dict(kobo_import.data)
    assert q.id == "enquete-menages-2024" and q.title == "Enquête ménages" and q.version == 1
    assert q.language == "fr"
    by_id = {x.id: x for x in q.questions}
    assert by_id["age"].label == "Votre âge" and by_id["age"].help == "En années"
    assert by_id["age"].required and (by_id["age"].min, by_id["age"].max) == (15, 110)
    assert by_id["internet"].type == "yes_no"
    assert by_id["usages"].type == "multiple_choice"
    assert [c.value for c in by_id["usages"].choices] == ["mails", "admin_stuff"]
    assert by_id["usages"].show_if.question == "internet" and by_id["usages"].show_if.values == ("oui",)
    assert by_id["commentaire"].show_if.values == ("mails",)
    assert by_id["prenom"].type == "short_text" and by_id["age_enfant"].type == "number"
    assert by_id["revenu"].type == "number" and by_id["naissance"].type == "short_text"
    assert by_id["satisfaction"].type == "scale"
    assert by_id["note10"].type == "number" and (by_id["note10"].min, by_id["note10"].max) == (0, 10)
    assert by_id["lieu"].other and [c.value for c in by_id["lieu"].choices] == ["mairie", "caf"]
    assert by_id["souhait"].show_if is None
    assert by_id["menage"].type == "note" and by_id["menage"].label == "Le ménage"
    assert not {"gps", "photo", "total", "start", "end", "deviceid"} & set(by_id)


def test_the_report_says_what_was_left_out_and_why(kobo_import):
    report = "\n".join(kobo_import.notes)
    for expected in (
        "La langue « English (en) » (anglais) n'est pas reprise",
        "n'y sont pas traduits",
        "répétition",
        "posées une seule fois",
        "Position du logement » (geopoint) : non reprise",
        "GPS",
        "Photo de la façade » (image) : non reprise",
        "(calculate) : non reprise",
        "calculs",
        "nombre à virgule devenu nombre entier",
        "Date de naissance » : une date à écrire en texte libre",
        "réglette de 0 à 10",
        "string-length(.) < 200",
        "n'est pas reprise",
        "${Age} > 18 and ${Internet} = 'yes'",
        "trop complexe",
        "toujours posée",
        "Groupes mis à plat : « Le ménage »",
        "(start, end, deviceid)",
        "version « 2024061501 »",
        "Age → age",
        "Admin.Stuff → admin_stuff",
        "messages d'erreur personnalisés",
    ):
        assert expected in report, expected


def test_a_group_condition_applies_to_its_questions():
    data = workbook(
        [
            ["type", "name", "label", "relevant"],
            ["select_one yn", "a", "Avez-vous des enfants ?"],
            ["begin_group", "g", "", "${a} = 'oui'"],
            ["integer", "n", "Combien ?"],
            ["end_group"],
        ],
        [["list_name", "name", "label"], ["yn", "oui", "Oui"], ["yn", "non", "Non"]],
    )
    q = from_dict(import_xlsform(data, "g.xlsx").data)
    assert q.question("n").show_if.question == "a" and q.question("n").show_if.values == ("oui",)


def test_rows_after_twenty_blank_rows_are_ignored_as_by_odk():
    rows = [["type", "name", "label"], ["text", "a", "Première ?"]] + [[None]] * 21 + [["text", "b", "Oubliée ?"]]
    assert [q["id"] for q in import_xlsform(workbook(rows)).data["questions"]] == ["a"]
    rows = [["type", "name", "label"], ["text", "a", "Première ?"]] + [[None]] * 20 + [["text", "b", "Lue ?"]]
    assert [q["id"] for q in import_xlsform(workbook(rows)).data["questions"]] == ["a", "b"]


def test_plain_label_column_and_no_settings_sheet():
    data = workbook(
        [["type", "name", "label", "hint"], ["text", "Ville", "Votre ville ?", "Une commune"]],
        [["list_name", "name", "label"]],
    )
    result = import_xlsform(data, "Ma petite enquête.xlsx")
    q = from_dict(result.data)
    assert q.id == "ma-petite-enquete" and q.title == "Ma petite enquête"
    assert q.questions[0].id == "ville" and q.questions[0].help == "Une commune"


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("${q} = 'x'", ("q", ["x"])),
        ('${q}="x"', ("q", ["x"])),
        ("${q} = 3", ("q", ["3"])),
        ("selected(${q}, 'x')", ("q", ["x"])),
        ("(selected(${q}, 'x') or selected(${q},'y'))", ("q", ["x", "y"])),
        ("${q} = 'x' or ${r} = 'y'", None),
        ("${q} != 'x'", None),
        ("not(selected(${q}, 'x'))", None),
        ("${q} > 3", None),
    ],
)
def test_simple_relevant_forms_only(expression, expected):
    assert parse_relevant(expression) == expected


def test_number_limits_from_constraints():
    assert parse_bounds(". >= 0 and . <= 120") == (0, 120)
    assert parse_bounds("(. > 0) and (. < 10)") == (1, 9)
    assert parse_bounds(". <= 5") == (None, 5)
    assert parse_bounds("regex(., '^[0-9]+$')") is None
    assert parse_bounds(". >= 1.5") is None


# --------------------------------------------------------------------------- bad files


def _corrupt() -> bytes:
    good = workbook([["type", "name", "label"], ["text", "a", "A"]])
    return good[: len(good) // 2]


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "vide"),
        (b"type,name,label\ntext,a,A\n", "n'est pas un classeur .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "vieux format Excel (.xls)"),
        (_corrupt(), "abîmé"),
        (_docx_like(), "n'est pas un classeur de tableur"),
        (b"PK" + b"\0" * (MAX_UPLOAD + 10), "la limite est de 2,0 Mo"),
        (
            workbook([["type", "name", "label"], ["text", "a", "A"]]).replace(b"xl/workbook.xml", b"xl/workbook.xmm"),
            "n'est pas un classeur de tableur",
        ),
    ],
    ids=["empty", "csv", "xls", "corrupt", "docx", "huge", "no-workbook"],
)
def test_a_malformed_file_is_a_french_error(content, words):
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(content, "x.xlsx")
    assert words in str(caught.value)


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < MAX_UPLOAD
    with pytest.raises(XLSFormError, match="beaucoup trop gros une fois ouvert"):
        import_xlsform(out.getvalue())


def test_missing_sheets_are_named():
    book = openpyxl.Workbook()
    book.active.title = "Feuille1"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(XLSFormError, match="La feuille « survey » manque.*Feuilles trouvées : « Feuille1 »"):
        import_xlsform(out.getvalue())
    no_choices = workbook(
        [["type", "name", "label"], ["select_one yn", "a", "Oui ou non ?"], ["text", "b", "Et encore ?"]]
    )
    result = import_xlsform(no_choices)
    assert any("la feuille « choices » manque" in n for n in result.notes)
    assert [q["id"] for q in result.data["questions"]] == ["b"]
    with pytest.raises(XLSFormError, match="Aucune question n'a pu être reprise"):
        import_xlsform(workbook([["type", "name", "label"], ["geopoint", "g", "Où ?"]]))
    with pytest.raises(XLSFormError, match="colonnes « type », « name »"):
        import_xlsform(workbook([["question", "réponse"], ["a", "b"]]))


# --------------------------------------------------------------------------- command line


def test_cli_export_then_import(runner, tmp_path):
    out = tmp_path / "besoins.xlsx"
    data = tmp_path / "data"
    result = runner.invoke(
        main, ["xlsform", "export", "besoins-numeriques-habitants", "--out", str(out), "--data", str(data)]
    )
    assert result.exit_code == 0, result.output
    pyxform_convert(out.read_bytes())
    result = runner.invoke(main, ["xlsform", "import", str(out), "--data", str(data)])
    assert result.exit_code != 0 and "existe déjà" in result.output
    assert "--id besoins-numeriques-habitants-2" in result.output
    result = runner.invoke(main, ["xlsform", "import", str(out), "--data", str(data), "--id", "besoins-bis"])
    assert result.exit_code == 0, result.output
    assert "Tout a été repris." in result.output
    saved = services_of(data).library.get("besoins-bis")  # as another process opens the folder, either storage
    assert saved is not None and len(saved.questions) == len(SHIPPED.get("besoins-numeriques-habitants").questions)


def test_a_running_server_offers_what_the_cli_imported_without_a_restart(app, client, data_dir, runner, tmp_path):
    login_coordinator(client, app)
    assert "besoins-bis" not in client.get("/coordination/questionnaires/").get_data(as_text=True)
    out = tmp_path / "besoins.xlsx"
    out.write_bytes(export_xlsform(SHIPPED.get("besoins-numeriques-habitants")))
    result = runner.invoke(main, ["xlsform", "import", str(out), "--data", str(data_dir), "--id", "besoins-bis"])
    assert "sans redémarrage" in result.output
    listing = client.get("/coordination/questionnaires/").get_data(as_text=True)
    assert "besoins-bis" in listing
    created = client.post(
        "/coordination/campagnes/nouvelle",
        data={
            "title": "Besoins, la copie",
            "identifier": "besoins-copie",
            "questionnaire": "besoins-bis",
            "channels": ["tablette"],
            "retention_months": "12",
        },
    )
    assert created.status_code in (302, 303), created.get_data(as_text=True)[:2000]
    assert client.get("/c/besoins-copie/").status_code == 200


def test_cli_import_prints_the_report_and_refuses_a_bad_file(runner, tmp_path):
    form = tmp_path / "menages.xlsx"
    form.write_bytes(workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS))
    result = runner.invoke(main, ["xlsform", "import", str(form), "--data", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "Ce qui n'a pas été repris, et pourquoi" in result.output and "geopoint" in result.output
    bad = tmp_path / "notes.xlsx"
    bad.write_text("pas un classeur")
    result = runner.invoke(main, ["xlsform", "import", str(bad), "--data", str(tmp_path / "d")])
    assert result.exit_code != 0 and "n'est pas un classeur .xlsx" in result.output
    result = runner.invoke(main, ["xlsform", "export", "inconnu", "--data", str(tmp_path / "d")])
    assert result.exit_code != 0 and "n'existe pas" in result.output
