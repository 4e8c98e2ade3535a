"""Exports and quote cards cost what they write, not the campaign: rows leave before the whole
campaign is read, no answer is held once written, quote cards read the newest consented quotes
only up to their bound (and the print page says so), and the server gives memory back after
a big download."""

from __future__ import annotations

import html
import io
import weakref
from datetime import date

import pytest

from survey import allocator
from survey.config import DEFAULTS
from survey.exports import Export, ExportOptions
from survey.exports.csv_export import ROWS_PER_CHUNK
from survey.exports.json_export import ANSWERS_PER_CHUNK
from survey.formats.yaml_files import load_library
from survey.printing import make_pdf, prepare_job
from survey.printing.kinds import consented_quotes, count_quotes, newest_quotes
from survey.printing.render import Renderer
from tests.exports_support import CAMPAIGN, answer, make_app
from tests.factories import login_coordinator, make_answer
from tests.printing_support import BASE, CONSENTED, CONSENTED_NAMED, make_printing_app, pdf_text

PDP = "porteur-de-parole-numerique"


class ReadTooFar(Exception):
    """The export read more of the campaign than it had written."""


class Answer(dict):
    """A stored answer that can be watched (a plain dict cannot be weakly referenced)."""


def many(n: int, start: int = 0) -> list[Answer]:
    return [
        Answer(answer(f"r{i:06d}", f"2026-03-{1 + i % 28:02d}T10:00:00Z", answers={"avis": f"avis {i}", "age": i}))
        for i in range(start, start + n)
    ]


class Watched:
    """A source of answers that counts what was read, notes which answers are still held by
    the time the next one is read, and fails after ``fail_after`` answers."""

    def __init__(self, answers: list[dict], fail_after: int | None = None):
        self._answers = answers
        self.fail_after = fail_after
        self.read = 0
        self.most_held = 0

    def __iter__(self):
        alive: list[weakref.ref] = []
        pending = list(self._answers)
        self._answers = []  # from here on, only the reader holds what it was given
        for i in range(len(pending)):
            if self.fail_after is not None and self.read >= self.fail_after:
                raise ReadTooFar
            alive = [ref for ref in alive if ref() is not None]
            self.most_held = max(self.most_held, len(alive))
            item, pending[i] = pending[i], None
            alive.append(weakref.ref(item))
            self.read += 1
            yield item
            del item


class FailingStore:
    """The app's answer store, except that reading a campaign fails after ``fail_after`` answers."""

    def __init__(self, store, fail_after: int):
        self._store = store
        self.fail_after = fail_after

    def __getattr__(self, name):
        return getattr(self._store, name)

    def iter_answers(self, campaign_id):
        for i, a in enumerate(self._store.iter_answers(campaign_id)):
            if i >= self.fail_after:
                raise ReadTooFar
            yield a

    def iter_newest(self, campaign_id):
        for i, a in enumerate(self._store.iter_newest(campaign_id)):
            if i >= self.fail_after:
                raise ReadTooFar
            yield a


@pytest.fixture(scope="module")
def export_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("streaming"))


def export_of(app, fmt: str) -> Export:
    svc = app.extensions["survey"]
    return Export(svc, svc.campaigns.get(CAMPAIGN), ExportOptions(format=fmt))


# --- exports ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt, per_chunk", [("csv", ROWS_PER_CHUNK), ("json", ANSWERS_PER_CHUNK)])
def test_the_first_rows_leave_before_the_rest_of_the_campaign_is_read(export_app, fmt, per_chunk):
    """A campaign whose reading fails after one chunk of rows: that chunk, header first, was
    already sent (the download started at once instead of after the whole campaign)."""
    source = Watched(many(per_chunk + 50), fail_after=per_chunk + 1)
    stream = export_of(export_app, fmt).stream(source)
    first = next(stream).decode("utf-8-sig")
    assert first.startswith('"Votre avis";' if fmt == "csv" else '{"campaign":')
    assert "avis 0" in first and f"avis {per_chunk - 2}" in first
    assert source.read <= per_chunk + 1
    with pytest.raises(ReadTooFar):
        list(stream)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_holds_no_answer_it_has_written(export_app, fmt):
    """Each answer is let go once its row is written: memory does not grow with the campaign."""
    source = Watched(many(3 * ROWS_PER_CHUNK))
    out = io.BytesIO()
    export_of(export_app, fmt).write(out, source)
    assert source.read == 3 * ROWS_PER_CHUNK
    assert source.most_held <= 1
    assert len(out.getvalue()) > 1000


def test_the_web_download_streams_from_the_store(tmp_path, monkeypatch):
    """Through the page: the response starts with the header and first rows even though the
    store fails further on (nothing waits for the whole campaign)."""
    app = make_app(tmp_path)
    svc = app.extensions["survey"]
    for a in many(ROWS_PER_CHUNK + 30):
        svc.answers.add(dict(a))
    client = app.test_client()
    login_coordinator(client)
    monkeypatch.setattr(svc, "answers", FailingStore(svc.answers, ROWS_PER_CHUNK + 1))
    response = client.get(f"/coordination/campagnes/{CAMPAIGN}/export.csv", buffered=False)
    assert response.status_code == 200
    first = next(iter(response.response)).decode("utf-8-sig")
    assert first.startswith('"Votre avis";') and first.count("\r\n") == ROWS_PER_CHUNK + 1
    with pytest.raises(ReadTooFar):
        list(response.response)
    response.close()


def test_memory_is_given_back_after_an_export_unless_turned_off(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(allocator, "give_back", lambda: calls.append(1) or True)
    for setting, expected in ((True, [1]), ("non", [])):
        calls.clear()
        app = make_app(tmp_path / str(setting), MALLOC_TRIM=setting)
        client = app.test_client()
        login_coordinator(client)
        response = client.get(f"/coordination/campagnes/{CAMPAIGN}/export.csv")
        assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
        response.close()
        assert calls == expected, setting


def test_allocator_settings_are_read_plainly_and_harmless():
    assert allocator.arena_setting({"MALLOC_ARENA_MAX": "2"}) == 2
    assert allocator.arena_setting({"MALLOC_ARENA_MAX": "beaucoup"}) == 0
    assert allocator.arena_setting({}) == 0
    assert allocator.trim_setting({"MALLOC_TRIM": True}) and allocator.trim_setting({"MALLOC_TRIM": "oui"})
    assert not allocator.trim_setting({"MALLOC_TRIM": "non"}) and not allocator.trim_setting({"MALLOC_TRIM": "0"})
    allocator.give_back()  # on any system: returns, never raises
    assert allocator.limit_arenas(0) is False


# --- quote cards -----------------------------------------------------------------------------
def consented(n: int, question: str = "simplifie", start_day: int = 1) -> list[dict]:
    return [
        make_answer(
            PDP,
            PDP,
            channel="porteur-de-parole",
            submitted_at=f"2026-04-{start_day + i:02d}T10:00:00Z",
            answers={question: f"Parole numéro {start_day + i}"},
            consent_display=True,
            consent_report=True,
        )
        for i in range(n)
    ]


@pytest.fixture
def quotes_app(tmp_path):
    app = make_printing_app(tmp_path / "data", PUBLIC_BASE_URL=BASE, QUOTE_CARDS_MAX=4)
    svc = app.extensions["survey"]
    refused = make_answer(PDP, PDP, answers={"simplifie": "Pas d'accord pour l'afficher."}, consent_display=False)
    refused.update(submitted_at="2026-04-30T10:00:00Z", consent_report=True)
    for a in consented(10) + [refused]:
        svc.answers.add(a)
    return app


def test_newest_quotes_stop_reading_at_the_bound_and_keep_only_consented_words(quotes_app):
    svc = quotes_app.extensions["survey"]
    questionnaire = svc.questionnaire_for(svc.campaigns.get(PDP))
    source = Watched([Answer(a) for a in svc.answers.iter_newest(PDP)])
    quotes = newest_quotes(questionnaire, source, limit=4)
    assert [q["text"] for q in quotes] == [f"Parole numéro {i}" for i in (7, 8, 9, 10)]  # oldest first
    assert source.read == 5  # the refused answer, then four consented ones: nothing older
    everything = consented_quotes(questionnaire, svc.answers.iter_answers(PDP))
    assert len(everything) == 12  # the ten above and the two of the printing dataset
    assert count_quotes(svc, PDP, questionnaire) == 12
    assert "Pas d'accord pour l'afficher." not in {q["text"] for q in everything}


def test_quote_cards_read_only_the_newest_answers_and_hold_at_most_the_bound(quotes_app, monkeypatch):
    svc = quotes_app.extensions["survey"]
    monkeypatch.setattr(svc, "answers", FailingStore(svc.answers, 5))  # reading further would fail
    job = prepare_job(svc, "cartes-paroles", PDP, BASE, quote_limit=4)
    assert [q["text"] for q in job.quotes] == [f"Parole numéro {i}" for i in (7, 8, 9, 10)]
    text = pdf_text(make_pdf(Renderer(), job))
    assert "Parole numéro 10" in text and "Parole numéro 6" not in text
    assert "Pas d'accord" not in text


def test_dates_choose_older_quotes(quotes_app):
    svc = quotes_app.extensions["survey"]
    job = prepare_job(svc, "cartes-paroles", PDP, BASE, since=date(2026, 4, 2), until=date(2026, 4, 3))
    assert [q["text"] for q in job.quotes] == ["Parole numéro 2", "Parole numéro 3"]


def test_the_print_page_says_how_many_quotes_a_pdf_holds(quotes_app):
    client = quotes_app.test_client()
    login_coordinator(client)
    page = html.unescape(client.get(f"/coordination/campagnes/{PDP}/imprimer").get_data(as_text=True))
    assert "12 paroles avec l'accord de la personne" in page
    assert "Un PDF contient au plus 4 paroles (2 feuilles) : les plus récentes." in page
    assert 'name="du"' in page and 'name="au"' in page
    response = client.get(f"/coordination/campagnes/{PDP}/imprimer/cartes-paroles.pdf?du=2026-04-08&au=10/04/2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert all(f"Parole numéro {i}" in text for i in (8, 9, 10))
    assert "Parole numéro 7" not in text and CONSENTED not in text and CONSENTED_NAMED not in text


def test_a_bad_date_on_the_print_page_is_said_in_french(quotes_app):
    client = quotes_app.test_client()
    login_coordinator(client)
    response = client.get(f"/coordination/campagnes/{PDP}/imprimer/cartes-paroles.pdf?au=31/02/2026")
    assert response.status_code == 400
    assert "La date de fin « 31/02/2026 » n'est pas une date valide" in html.unescape(response.get_data(as_text=True))
    response = client.get(f"/coordination/campagnes/{PDP}/imprimer/cartes-paroles.pdf?du=2026-04-05&au=2026-04-01")
    assert response.status_code == 400
    assert "La date de début doit venir avant la date de fin." in html.unescape(response.get_data(as_text=True))


def test_quote_days_are_the_teams_days_in_the_apps_time_zone():
    # Given at 23:30 UTC on 31 March: already 1 April in Paris (summer time), still 31 March in UTC.
    late = consented(1, start_day=1)[0]
    late["submitted_at"] = "2026-03-31T23:30:00Z"
    questionnaire = load_library(DEFAULTS["QUESTIONNAIRES_DIR"]).get(PDP)
    april = {"since": date(2026, 4, 1), "until": date(2026, 4, 1)}
    assert len(newest_quotes(questionnaire, [late], zone="Europe/Paris", **april)) == 1
    assert newest_quotes(questionnaire, [late], zone="UTC", **april) == []
