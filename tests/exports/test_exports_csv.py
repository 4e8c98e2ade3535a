"""CSV exports as French Excel and LibreOffice need them: byte-exact files, round trips,
formula injection, multiple choices, codes and filters."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from survey.exports.filters import Filters, parse_date
from survey.spreadsheet import neutralise
from tests.exports_support import ANSWERS, EXPECTED_HEADER, EXPECTED_ROWS, answer, export_bytes, load_answers, make_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The known dataset, read by every test of this module (none changes it)."""
    app = make_app(tmp_path_factory.mktemp("export"))
    load_answers(app)
    return app


def french_rows(data: bytes) -> list[list[str]]:
    """Read a CSV back the way a French spreadsheet does: UTF-8 with BOM, « ; »."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_default_file_is_exactly_what_french_excel_expects(app):
    """Is the whole file byte for byte BOM + « ; » + every field quoted + CRLF?"""
    expected = (
        '\ufeff"Votre avis";"Comment venez-vous ?";"Comment venez-vous ? (autre, précisez)";"Usages";'
        '"Usages/Mails";"Usages/Démarches";"Usages/Autre";"Usages (autre, précisez)";"Internet ?";"Aisance";'
        '"Âge";"Identifiant de la réponse";"Date et heure (heure de Paris)";"Date et heure (UTC)";"Canal";'
        '"Lieu";"Collecté par";"Session";"Version du questionnaire";"Thèmes";"Masquée";'
        '"Accord : affiché aujourd\'hui";"Accord : réutilisé dans le compte rendu";"Citation possible (sans nom)";'
        '"Prénom";"Tranche d\'âge";"Quartier";"Langue de la réponse"\r\n'
        '"Très bien, merci ; vraiment";"Autre";"En trottinette";"Mails | Autre";"1";"0";"1";"Jeux";"Oui";'
        '"4 – Beaucoup";"34";"a1";"2026-03-01 10:30:00";"2026-03-01 09:30:00";'
        '"Tablette (avec un ou une bénévole)";"Tunnel – Centre social";"Zoé";"";"1";"accès | coût";"non";"";"";"oui";"";"";"";"fr"\r\n'
        '"\'=HYPERLINK(""http://x"";""clic"")";"En bus";"";"";"";"";"";"";"Non";"";"-3";"a2";'
        '"2026-07-14 23:15:00";"2026-07-14 21:15:00";"QR code (la personne répond seule)";'
        '"Tunnel – Centre social";"";"";"1";"";"non";"";"";"oui";"";"";"";"en"\r\n'
    )
    data = export_bytes(app)
    assert data[:3] == b"\xef\xbb\xbf"
    assert data == expected.encode("utf-8")


def test_round_trip_through_the_csv_module_with_french_settings(app):
    rows = french_rows(export_bytes(app))
    assert rows == [EXPECTED_HEADER, *EXPECTED_ROWS]
    assert "Âge" in rows[0] and "Zoé" in rows[1]  # accents intact


def test_comma_and_no_bom_options(app):
    data = export_bytes(app, separator=",", bom=False)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.startswith('"Votre avis","Comment venez-vous ?"'.encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [EXPECTED_HEADER, *EXPECTED_ROWS]


@pytest.mark.parametrize(
    "typed",
    ["=1+1", "+33 6 12", "-moins", "@SUM(A1)", "\tTab", "\rRetour", '=HYPERLINK("http://pirate.example";"cliquez")'],
)
def test_formulas_typed_by_the_public_are_neutralised(tmp_path, typed):
    app = make_app(tmp_path)
    load_answers(
        app,
        [
            answer(
                "f1",
                "2026-03-01T09:30:00Z",
                collector=typed,
                tags=[typed],
                answers={"avis": typed, "transport": "autre", "transport__autre": typed, "age": -12},
            )
        ],
    )
    row = dict(zip(EXPECTED_HEADER, french_rows(export_bytes(app))[1]))
    for column in ("Votre avis", "Comment venez-vous ? (autre, précisez)", "Collecté par", "Thèmes"):
        assert row[column] == "'" + typed
    assert row["Âge"] == "-12"  # a negative number stays a number


def test_neutralise_only_touches_dangerous_starts():
    assert neutralise("Bonjour -=+@") == "Bonjour -=+@"
    assert neutralise("") == ""
    assert neutralise("-3") == "'-3"


def test_multiple_choice_has_a_joined_column_and_one_01_column_per_choice(app):
    rows = french_rows(export_bytes(app))
    first = dict(zip(rows[0], rows[1]))
    assert first["Usages"] == "Mails | Autre"
    assert (first["Usages/Mails"], first["Usages/Démarches"], first["Usages/Autre"]) == ("1", "0", "1")
    assert first["Usages (autre, précisez)"] == "Jeux"
    second = dict(zip(rows[0], rows[2]))  # not answered: empty, not "0"
    assert (second["Usages"], second["Usages/Mails"]) == ("", "")


def test_codes_instead_of_labels(app):
    rows = french_rows(export_bytes(app, codes=True))
    assert rows[0] == [
        "avis",
        "transport",
        "transport__autre",
        "usages",
        "usages/mails",
        "usages/demarches",
        "usages/autre",
        "usages__autre",
        "internet",
        "aisance",
        "age",
        "id",
        "submitted_at_local",
        "submitted_at_utc",
        "channel",
        "place",
        "collector",
        "session",
        "version",
        "tags",
        "hidden",
        "consent_display",
        "consent_report",
        "may_quote",
        "person_first_name",
        "person_age_band",
        "person_quartier",
        "language",
    ]
    first = dict(zip(rows[0], rows[1]))
    assert (
        first["transport"],
        first["usages"],
        first["internet"],
        first["aisance"],
        first["channel"],
        first["hidden"],
    ) == ("autre", "mails | autre", "oui", "4", "tablette", "0")


def test_hidden_answers_are_left_out_unless_asked(app):
    ids = [r[11] for r in french_rows(export_bytes(app))[1:]]
    assert ids == ["a1", "a2"]
    ids = [r[11] for r in french_rows(export_bytes(app, filters=Filters(include_hidden=True)))[1:]]
    assert ids == ["a1", "a2", "a3"]
    assert french_rows(export_bytes(app, filters=Filters(include_hidden=True)))[3][20] == "oui"


@pytest.mark.parametrize(
    "filters, ids",
    [
        (Filters(date_from=date(2026, 7, 14)), ["a2"]),
        (Filters(date_to=date(2026, 3, 1)), ["a1"]),
        # 22:30 UTC on 14 July is 00:30 on the 15th in Paris: outside « until the 14th ».
        (Filters(date_to=date(2026, 7, 14), include_hidden=True), ["a1", "a2"]),
        (Filters(date_from=date(2026, 7, 15), include_hidden=True), ["a3"]),
        (Filters(channel="tablette"), ["a1"]),
        (Filters(channel="papier"), []),
        (Filters(place="tunnel – centre social"), ["a1", "a2"]),
        (Filters(place="Ailleurs"), []),
    ],
)
def test_filters(app, filters, ids):
    assert [r[11] for r in french_rows(export_bytes(app, filters=filters))[1:]] == ids


def test_an_answer_with_its_own_place_is_found_by_it(tmp_path):
    app = make_app(tmp_path)
    load_answers(
        app, [*ANSWERS[:2], answer("p1", "2026-03-02T10:00:00Z", place="Médiathèque", answers={"avis": "ici"})]
    )
    rows = french_rows(export_bytes(app, filters=Filters(place="médiathèque")))
    assert [(r[11], r[15]) for r in rows[1:]] == [("p1", "Médiathèque")]


def test_dates_typed_the_french_way():
    assert parse_date("31/03/2026") == parse_date("2026-03-31") == date(2026, 3, 31)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="n'est pas une date valide"):
        parse_date("31/02/2026")


def test_a_large_export_streams_in_chunks(tmp_path):
    """Is the file sent in pieces as answers are read, rather than built whole?"""
    from survey.exports import Export, ExportOptions

    app = make_app(tmp_path)
    svc = app.extensions["survey"]
    source = (answer(f"n{i}", "2026-03-01T09:30:00Z", answers={"avis": "é" * 50}) for i in range(2000))
    chunks = Export(svc, svc.campaigns.get("essai"), ExportOptions()).stream(source)
    sizes = [len(c) for c in chunks]
    assert len(sizes) >= 4 and max(sizes) < sum(sizes) / 3
    assert sum(sizes) > 2000 * 100


def test_an_answer_of_a_field_session_shows_the_session_and_its_place(tmp_path):
    from survey.model.fieldwork import Session
    from survey.storage.repositories import SessionRepository

    app = make_app(tmp_path)
    svc = app.extensions["survey"]
    SessionRepository(svc.records).save(
        Session(
            id="s20260301-ab12",
            campaign="essai",
            place="Marché du Sanitas",
            day="2026-03-01",
            starts="10:00",
            ends="12:00",
        )
    )
    load_answers(
        app,
        [
            answer(
                "s1",
                "2026-03-01T09:30:00Z",
                session="s20260301-ab12",
                channel="porteur-de-parole",
                answers={"avis": "Des paroles"},
            ),
            ANSWERS[1],
        ],
    )
    rows = french_rows(export_bytes(app, filters=Filters(place="marché du sanitas")))
    assert [(r[11], r[15], r[17]) for r in rows[1:]] == [
        ("s1", "Marché du Sanitas", "1er mars 2026, 10 h–12 h – Marché du Sanitas")
    ]
    rows = french_rows(export_bytes(app, codes=True))
    assert rows[1][17] == "s20260301-ab12" and rows[2][17] == ""
