"""The cross-tabulation page: a plain GET form, the table with counts and column percentages,
a chart per column, CSV and XLSX downloads, French messages for what cannot be crossed."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl

from tests.factories import login_coordinator, make_answer

CAMPAIGN = "besoins-numeriques-habitants"
URL = f"/coordination/campagnes/{CAMPAIGN}/croisement"


def seed(app):
    svc = app.extensions["survey"]
    for channel, internet, n in (("qr", "oui", 3), ("qr", "non", 1), ("tablette", "non", 2)):
        for _ in range(n):
            svc.answers.add(make_answer(CAMPAIGN, CAMPAIGN, channel=channel, answers={"internet": internet}))


def test_the_page_crosses_and_downloads(client, app):
    seed(app)
    login_coordinator(client, app)
    page = html.unescape(client.get(URL).get_data(as_text=True))
    assert "En lignes : la question" in page and "Le canal de collecte" in page
    assert "<table" not in page  # nothing crossed yet

    page = html.unescape(client.get(f"{URL}?lignes=internet&colonnes=canal").get_data(as_text=True))
    words = re.sub(r"<[^>]+>", "", page)
    assert "QR code (la personne répond seule)" in page
    assert "3 (75\u00a0%)" in words and "2 (100\u00a0%)" in words and "3 (50\u00a0%)" in words
    assert page.count('role="img"') == 2  # one chart per column, side by side

    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{URL}.csv?lignes=internet&colonnes=canal").data.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Avez-vous internet à la maison ? selon : Le canal de collecte"]
    oui = next(r for r in rows if r[0] == "Oui")
    assert oui[1:] == ["0", "0,0", "3", "75,0", "3", "50,0"]

    response = client.get(f"{URL}.xlsx?lignes=internet&colonnes=canal")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert ["Oui", 0, 0.0, 3, 75.0, 3, 50.0] in values
    journal = [e["detail"] for e in app.extensions["survey"].journal.all()]
    assert any("tableau croisé internet × canal · xlsx" in d for d in journal)


def test_what_cannot_be_crossed_gets_a_french_message(client, app):
    login_coordinator(client, app)
    response = client.get(f"{URL}?lignes=internet&colonnes=internet")
    assert response.status_code == 422
    assert "autre chose que la question des lignes" in html.unescape(response.get_data(as_text=True))
    assert client.get(f"{URL}?lignes=autre&colonnes=canal").status_code == 422


def test_the_results_page_links_to_it(client, app):
    login_coordinator(client, app)
    page = client.get(f"/coordination/campagnes/{CAMPAIGN}/resultats").get_data(as_text=True)
    assert f'href="{URL}"' in page and "Tableau croisé" in page
