"""What a respondent's journey no longer recomputes (issue 14): the form's questions rendered
once per questionnaire version, and the answer store appending to the chunk it wrote last
without reading it again. Neither may show anyone a stale questionnaire, another person's
token or answers, nor lose an answer written by someone else."""

from __future__ import annotations

import re
import uuid

from tinydb import TinyDB

from survey.formats.yaml_writer import dump_yaml
from survey.forms import field_name
from survey.services.questionnaire_files import edited_path, write_file
from survey.storage import ChunkedAnswerStore
from survey.storage.answers import TABLE, bump_generation, chunk_name, fingerprint
from survey.storage.atomic import AtomicJSONStorage, atomic_write_bytes, dumps, read_json
from survey.web import public
from tests.factories import make_answer

CAMPAIGN = "besoins-numeriques-habitants"
TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*|(name="csrf-token" content=")[^"]*')
ANSWER_ID = re.compile(r'name="answer_id" type="hidden" value="([^"]*)"')


def page(client, **args) -> str:
    response = client.get(f"/c/{CAMPAIGN}/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_request_values(html: str) -> str:
    """The page without what belongs to one request: its token, answer id and start time."""
    html = TOKEN.sub(lambda m: (m.group(1) or m.group(2)) + "X", html)
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", html)
    return re.sub(r'(name="started_at" type="hidden" value=")[^"]*', r"\1T", html)


def questionnaire_of(services):
    return services.questionnaire_for(services.campaigns.get(CAMPAIGN))


# -- the form's questions, rendered once per questionnaire version -------------------------------


def test_the_kept_questions_make_the_same_page_as_rendering_them(client, monkeypatch):
    first = page(client)  # renders the questions and keeps them
    kept = page(client)  # uses the kept questions
    monkeypatch.setattr(public, "pristine_questions", lambda *args: None)
    rendered = page(client)  # renders everything, as before the cache
    assert without_request_values(kept) == without_request_values(rendered) == without_request_values(first)
    assert 'name="q_' in kept


def test_a_changed_questionnaire_shows_at_once(client, services):
    q = questionnaire_of(services)
    old = q.answerable[0].label
    assert old in page(client)
    data = q.to_dict()
    data["questions"][[x["id"] for x in data["questions"]].index(q.answerable[0].id)]["label"] = "Libellé tout neuf ?"
    write_file(services, data)  # same version: only the text changed
    html = page(client)
    assert "Libellé tout neuf ?" in html and old not in html


def test_a_questionnaire_changed_by_another_process_shows_at_once(client, services):
    q = questionnaire_of(services)
    assert page(client)
    data = q.to_dict()
    data["questions"][[x["id"] for x in data["questions"]].index(q.answerable[0].id)]["label"] = "Écrit par la CLI ?"
    path = edited_path(services, q.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, dump_yaml(data).encode("utf-8"))  # no reload_library: another process wrote it
    assert "Écrit par la CLI ?" in page(client)


def test_a_kept_form_never_carries_another_persons_token_or_answers(app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    text = next(q for q in questionnaire_of(services).answerable if q.type in ("short_text", "long_text"))
    alice, bob = app.test_client(), app.test_client()
    alice_page = page(alice)
    bob_page = page(bob)
    token = lambda html: re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # noqa: E731
    assert token(alice_page) != token(bob_page)
    assert ANSWER_ID.search(alice_page).group(1) != ANSWER_ID.search(bob_page).group(1)
    # Alice's answers come back to her with an error (her token is refused: 422)…
    sent = {
        "csrf_token": "périmé",
        "answer_id": ANSWER_ID.search(alice_page).group(1),
        field_name(text): "Alice écrit un secret",
        "action": "envoyer",
    }
    again = alice.post(f"/c/{CAMPAIGN}/", data=sent)
    assert again.status_code == 422
    assert "Alice écrit un secret" in again.get_data(as_text=True)
    # …and nobody else ever sees them, nor her token, nor her answer id.
    later = page(bob)
    assert "Alice écrit un secret" not in later
    assert token(alice_page) not in later and sent["answer_id"] not in later
    assert without_request_values(later) == without_request_values(bob_page)


# -- the answer store appends to the chunk it wrote last ------------------------------------------


def answers(n: int, **overrides) -> list[dict]:
    return [make_answer("camp", "q", id=str(uuid.uuid4()), **overrides) for _ in range(n)]


def stored_ids(store: ChunkedAnswerStore) -> list[str]:
    return [a["id"] for a in store.iter_answers("camp")]


def test_chunks_hold_the_bytes_tinydb_writes_and_tinydb_reads_them(tmp_path):
    store = ChunkedAnswerStore(tmp_path / "mine", chunk_size=7)
    sent = answers(17, answers={"q1": "é « ô » \u2028", "q2": ["a", "b"], "n": 1.5})
    for answer in sent:
        store.add(answer)
    reference = tmp_path / "tinydb"
    reference.mkdir()
    for i, answer in enumerate(sent):
        db = TinyDB(reference / chunk_name(i // 7 + 1), storage=AtomicJSONStorage)
        db.table(TABLE, cache_size=0).insert(dict(answer, fingerprint=fingerprint(answer)))
    for number in (1, 2, 3):
        mine = (tmp_path / "mine" / "camp" / chunk_name(number)).read_bytes()
        assert mine == (reference / chunk_name(number)).read_bytes()
        table = TinyDB(tmp_path / "mine" / "camp" / chunk_name(number), storage=AtomicJSONStorage).table(TABLE)
        assert [d["id"] for d in table.all()] == [a["id"] for a in sent[(number - 1) * 7 : number * 7]]


def test_an_answer_written_by_another_process_is_kept_by_the_next_write(tmp_path):
    ours, theirs = ChunkedAnswerStore(tmp_path), ChunkedAnswerStore(tmp_path)  # two processes: files only
    first, second, third = answers(3)
    ours.add(first)
    theirs.add(second)  # same chunk, behind our back
    ours.add(third)
    assert stored_ids(ChunkedAnswerStore(tmp_path)) == [first["id"], second["id"], third["id"]]


def test_a_chunk_rewritten_without_a_new_generation_is_still_read_again(tmp_path):
    """A tool that forgets to bump the generation (a restore, a hand edit) loses nothing either."""
    store = ChunkedAnswerStore(tmp_path)
    first, second = answers(2)
    store.add(first)
    path = tmp_path / "camp" / chunk_name(1)
    data = read_json(path)
    data[TABLE]["2"] = dict(make_answer("camp", "q", id="restored"), fingerprint="x")
    atomic_write_bytes(path, dumps(data))
    store.add(second)
    assert stored_ids(ChunkedAnswerStore(tmp_path)) == [first["id"], "restored", second["id"]]


def test_a_change_made_in_this_process_is_kept_by_the_next_write(tmp_path):
    store = ChunkedAnswerStore(tmp_path)
    first, second = answers(2)
    store.add(first)
    store.change("camp", first["id"], lambda a: a.update(tags=["vu"]))
    store.add(second)
    assert ChunkedAnswerStore(tmp_path).get("camp", first["id"])["tags"] == ["vu"]
    store.delete("camp", first["id"])
    third = answers(1)[0]
    store.add(third)
    assert stored_ids(ChunkedAnswerStore(tmp_path)) == [second["id"], third["id"]]


def test_a_failed_write_is_not_taken_for_the_chunk_content(tmp_path, monkeypatch):
    from survey.storage import atomic

    store = ChunkedAnswerStore(tmp_path)
    first, lost, third = answers(3)
    store.add(first)
    real = atomic.atomic_write_bytes

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "atomic_write_bytes", full)
    try:
        store.add(lost)
    except OSError:
        pass
    else:
        raise AssertionError("a write that failed was acknowledged")
    monkeypatch.setattr(atomic, "atomic_write_bytes", real)
    store.add(third)
    assert stored_ids(ChunkedAnswerStore(tmp_path)) == [first["id"], third["id"]]


def test_a_generation_bumped_by_a_restore_makes_the_next_write_read_the_chunk(tmp_path):
    store = ChunkedAnswerStore(tmp_path)
    first, second = answers(2)
    store.add(first)
    path = tmp_path / "camp" / chunk_name(1)
    bump_generation(tmp_path / "camp")
    atomic_write_bytes(path, dumps({TABLE: {}}))  # a restore emptied the chunk
    store.add(second)
    assert stored_ids(ChunkedAnswerStore(tmp_path)) == [second["id"]]


# -- the thank-you page of a visitor it says nothing of, rendered once ---------------------------


def thanks_page(client, **args) -> str:
    response = client.get(f"/c/{CAMPAIGN}/merci", query_string=args, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_kept_thank_you_page_is_the_rendered_one(client, monkeypatch):
    first, kept = thanks_page(client), thanks_page(client)
    monkeypatch.setattr(public, "says_nothing_of_the_visitor", lambda: False)
    assert kept == first == thanks_page(client)
    assert "Merci !" in kept


def test_a_signed_in_coordinators_thank_you_page_is_never_anyone_elses(app):
    from tests.factories import login_coordinator

    anonymous, coordinator = app.test_client(), app.test_client()
    assert "Se déconnecter" not in thanks_page(anonymous)  # kept now
    login_coordinator(coordinator, app)
    theirs = thanks_page(coordinator)
    assert "Se déconnecter" in theirs and 'name="csrf_token"' in theirs
    assert "Se déconnecter" not in thanks_page(anonymous)


def test_a_kiosks_thank_you_page_is_its_own(app):
    anonymous, kiosk = app.test_client(), app.test_client()
    assert "data-kiosk-thanks" not in thanks_page(anonymous)  # kept now
    assert kiosk.get(f"/c/{CAMPAIGN}/", query_string={"kiosque": "1"}).status_code == 200  # the tablet is locked
    assert "data-kiosk-thanks" in thanks_page(kiosk, kiosque="1")
    assert "Quitter le mode kiosque" in thanks_page(kiosk)  # never the page kept for the others
    assert "data-kiosk-thanks" not in thanks_page(anonymous)


def test_a_changed_campaign_shows_on_the_thank_you_page_at_once(client, services):
    assert "Une aide toute neuve" not in thanks_page(client)
    campaign = services.campaigns.get(CAMPAIGN)
    campaign.help_text = "Une aide toute neuve : le centre social, mardi."
    services.campaigns.save(campaign)
    assert "Une aide toute neuve" in thanks_page(client)


def test_carried_arguments_still_reach_the_thank_you_page(client):
    assert thanks_page(client)  # kept now
    assert "affiche=A-q1" in thanks_page(client, affiche="A-q1")
