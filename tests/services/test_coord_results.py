"""Results: the counts, the SVG bar charts, the dashboard, the printable summary and its PDF."""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from survey.services.charts import VALUE_SPACE, WIDTH, bar_chart, bars, question_chart
from survey.services.results import NO_COLLECTOR, collector_counts, percent_text, summarise
from survey.services.tags import add_tag
from tests.coord_world import CAMPAIGN_B, make_world
from tests.factories import make_answer

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Campaign B (besoins-numeriques-habitants) with answers whose counts are known."""
    world = make_world(tmp_path_factory.mktemp("coord-results") / "data")
    svc = world.svc
    svc.answers.delete(CAMPAIGN_B, world.answer_b)
    from survey.model.fieldwork import Session
    from survey.storage.repositories import SessionRepository

    SessionRepository(svc.records).save(
        Session(id="s1", campaign=CAMPAIGN_B, place="marché du Tunnel", day="2026-03-04")
    )
    add_tag(svc, CAMPAIGN_B, "Accès aux droits")
    add_tag(svc, CAMPAIGN_B, "Jamais utilisée")
    rows = [
        # internet, equipement, aisance, channel, collector, submitted_at (UTC), session
        ("oui", ["smartphone", "ordinateur"], 5, "tablette", "Alice", "2026-03-02T09:00:00Z", None),
        ("oui", ["smartphone"], 4, "tablette", "Alice", "2026-03-02T23:30:00Z", None),  # 3 March in Paris
        ("non", ["aucun"], 1, "qr", "", "2026-03-03T10:00:00Z", None),
        ("oui", ["smartphone", "tablette"], 3, "porte-a-porte", "Bruno", "2026-03-04T10:00:00Z", "s1"),
    ]
    for i, (internet, equipment, ease, channel, collector, sent, session) in enumerate(rows):
        values = {"internet": internet, "equipement": equipment, "aisance": ease}
        if internet == "non":
            values["internet_pourquoi"] = ["trop_cher", "autre"]
            values["internet_pourquoi__autre"] = "Pas de réseau <chez moi>"
        if i == 0:
            values["autre"] = "Il faudrait plus d'aide à l'école"
        answer = make_answer(
            CAMPAIGN_B,
            CAMPAIGN_B,
            answers=values,
            channel=channel,
            collector=collector,
            submitted_at=sent,
            session=session,
            tags=["Accès aux droits"] if i < 2 else [],
            quotes=["autre"] if i == 0 else [],
        )
        svc.answers.add(answer)
    # A hidden answer (spam) that must not be counted.
    svc.answers.add(
        make_answer(
            CAMPAIGN_B,
            CAMPAIGN_B,
            answers={"internet": "non", "autre": "SPAM SPAM"},
            hidden=True,
            submitted_at="2026-03-05T10:00:00Z",
        )
    )
    return world


@pytest.fixture(scope="module")
def summary(world):
    q = world.svc.library.get(CAMPAIGN_B)
    return summarise(
        world.svc.answers.iter_answers(CAMPAIGN_B),
        q,
        tags=["Accès aux droits", "Jamais utilisée"],
        session_places={"s1": "marché du Tunnel"},
        default_place="Quartier du Tunnel",
    )


def test_key_figures_and_breakdowns(summary):
    assert summary.total == 4 and summary.hidden == 1
    assert summary.first_at == "2026-03-02T09:00:00Z" and summary.last_at == "2026-03-04T10:00:00Z"
    assert [(d.key, d.count) for d in summary.by_day] == [("2026-03-02", 1), ("2026-03-03", 2), ("2026-03-04", 1)]
    assert {c.key: c.count for c in summary.by_channel} == {"tablette": 2, "qr": 1, "porte-a-porte": 1}
    assert summary.by_channel[0].label == "Tablette (avec un ou une bénévole)"
    assert summary.by_channel[0].percent_text == "50\u00a0%"
    assert {c.key: c.count for c in summary.by_collector} == {"Alice": 2, NO_COLLECTOR: 1, "Bruno": 1}
    # Own place, else the session's, else the campaign's: the same rule as the exports' « Lieu ».
    assert {c.key: c.count for c in summary.by_place} == {"Quartier du Tunnel": 3, "marché du Tunnel": 1}
    assert {c.key: c.count for c in summary.by_tag} == {"Accès aux droits": 2, "Jamais utilisée": 0}


def test_question_counts_and_percentages(summary):
    internet = summary.question("internet")
    assert internet.respondents == 4
    assert [(o.value, o.count, o.percent_text) for o in internet.options] == [
        ("oui", 3, "75\u00a0%"),
        ("non", 1, "25\u00a0%"),
    ]
    equipment = summary.question("equipement")
    counts = {o.value: (o.count, round(o.percent, 1)) for o in equipment.options}
    assert counts["smartphone"] == (3, 75.0) and counts["ordinateur"] == (1, 25.0)
    assert counts["imprimante"] == (0, 0.0) and equipment.several
    ease = summary.question("aisance")
    assert [o.count for o in ease.options] == [1, 0, 1, 1, 1]
    assert ease.options[0].label == "1 – Pas du tout"
    why = summary.question("internet_pourquoi")
    assert why.respondents == 1 and [t.text for t in why.texts] == ["Pas de réseau <chez moi>"]
    assert why.texts[0].other
    free = summary.question("autre")
    assert free.respondents == 1 and free.text_count == 1  # the hidden spam is not there
    assert [q.text for q in summary.quotes] == ["Il faudrait plus d'aide à l'école"]


def test_unknown_values_and_numbers_still_count():
    from survey.formats.yaml_files import from_dict

    q = from_dict(
        {
            "id": "t",
            "title": "T",
            "version": 2,
            "questions": [
                {"id": "choix", "type": "single_choice", "label": "Choix", "choices": [{"value": "a", "label": "A"}]},
                {"id": "age", "type": "number", "label": "Âge"},
            ],
        }
    )
    answers = [
        make_answer("t", "t", answers={"choix": "a", "age": 20}),
        make_answer("t", "t", answers={"choix": "ancien", "age": 40}),
        make_answer("t", "t", answers={"age": 30}),
    ]
    result = summarise(answers, q)
    assert [(o.value, o.count) for o in result.question("choix").options] == [("a", 1), ("ancien", 1)]
    assert result.question("age").numbers == {"min": 20, "median": 30, "mean": 30, "max": 40}


def test_percent_text_is_french():
    assert percent_text(200 / 3) == "66,7\u00a0%"
    assert percent_text(50.0) == "50\u00a0%"
    assert percent_text(0) == "0\u00a0%"


def test_collector_counts_today_and_overall():
    answers = [
        make_answer("c", "q", collector="Alice", submitted_at="2026-03-02T23:30:00Z"),  # 3 March, Paris
        make_answer("c", "q", collector="Alice", submitted_at="2026-03-03T08:00:00Z"),
        make_answer("c", "q", collector="Alice", submitted_at="2026-02-01T08:00:00Z"),
        make_answer("c", "q", collector="Bruno", submitted_at="2026-03-03T08:00:00Z"),
    ]
    assert collector_counts(answers, "Alice", date(2026, 3, 3)) == (2, 3)
    assert collector_counts(answers, "", date(2026, 3, 3)) == (0, 0)


# -- the SVG chart -----------------------------------------------------------------------


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_chart_shows_counts_and_percentages_as_text(summary):
    svg = parse(question_chart(summary.question("internet"), chart_id="graphique-internet"))
    assert svg.get("role") == "img"
    label = svg.get("aria-label")
    assert label == ("Avez-vous internet à la maison ? Oui : 3 personnes (75\u00a0%) ; Non : 1 personne (25\u00a0%).")
    assert svg.find(f"{SVG}title").text == label
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Oui", "3 (75\u00a0%)", "Non", "1 (25\u00a0%)"]
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths == [pytest.approx((WIDTH - VALUE_SPACE) * 0.75), pytest.approx((WIDTH - VALUE_SPACE) * 0.25)]
    assert svg.get("style") is None and "<script" not in str(question_chart(summary.question("internet")))


def test_chart_escapes_labels_and_wraps_long_ones():
    long_label = "Être rassurés et accompagnés pour des démarches administratives en ligne <b>&</b> le reste"
    svg = bar_chart(bars([(long_label, 2), ("Zéro", 0)], total=3), 'Titre "piégé" <svg>')
    tree = parse(svg)  # well-formed XML: the labels were escaped
    texts = [t.text for t in tree.iter(f"{SVG}text")]
    assert "2 (66,7\u00a0%)" in texts and "0 (0\u00a0%)" in texts
    assert sum(1 for t in texts if t and t not in ("2 (66,7\u00a0%)", "0 (0\u00a0%)", "Zéro")) >= 2  # wrapped
    assert "<b>" not in str(svg) and "&lt;b&gt;" in str(svg)
    assert 'Titre "piégé" <svg>' in tree.get("aria-label")


# -- pages --------------------------------------------------------------------------------


def test_dashboard_page(world):
    page = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_B}/resultats")
    assert page.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    assert 'role="img"' in body and "3 (75\u00a0%)" in body
    assert "Par canal de collecte" in body and "Tablette (avec un ou une bénévole)" in body
    assert "marché du Tunnel" in body  # a field session, by its place
    assert "Alice" in body and "Par jour" in body and "3 mars 2026" in body
    assert "Pas de réseau <chez moi>" in body  # the « Autre » text, as typed
    assert "&lt;chez moi&gt;" in page.get_data(as_text=True)  # …escaped in the HTML
    assert "SPAM" not in body  # hidden answers are not shown
    assert "Accès aux droits" in body


def test_summary_page_is_printable(world):
    page = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_B}/synthese")
    body = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "coordination.css" in body and 'class="no-print"' in body
    assert "« Il faudrait plus d'aide à l'école »" in body  # the chosen quote
    assert "Chiffres clés" in body and "3 (75\u00a0%)" in body
    assert "Télécharger en PDF" in body
    css = Path(world.app.static_folder, "coordination.css").read_text(encoding="utf-8")
    assert "@media print" in css


def test_summary_pdf_has_figures_charts_and_quotes(world):
    response = world.client("coordination").get(f"/coordination/campagnes/{CAMPAIGN_B}/synthese.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Vos besoins numériques" in flat
    assert "3 (75 %)" in flat.replace("\u00a0", " ")  # chart text is real text
    assert "Il faudrait plus d'aide à l'école" in flat
    assert "SPAM" not in flat
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    actions = [e["action"] for e in world.svc.records.all("audit")]
    assert "export" in actions
