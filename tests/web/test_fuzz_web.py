"""Property tests that keep looking (issue 12): whatever a client sends to the public form,
the tablets' JSON API or the editor's question form, the answer is a page in French or a
JSON message, never a 500, and stored data stay readable.

Bounded and derandomised so that CI is fast and repeatable."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from survey import create_app
from survey.services.demo import load_demo

CAMPAIGN = "besoins-numeriques-habitants"  # choices, yes/no, scale, text, show_if
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people and scripts send it: accents, emoji, control characters, formulas, markup.
any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300) | st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
        "\x00\x08\x1b",
        "",
        " ",
        "é" * 5001,
        "../../secret_key",
        "{{ 7*7 }}",
        "oui",
        "non",
        "autre",
    ]
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("fuzz") / "data"),
            "SECRET_KEY": "fuzz" * 10,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_DISABLED": True,
        }
    )
    load_demo(app.extensions["survey"])
    return app


def field_names(app) -> list[str]:
    svc = app.extensions["survey"]
    questionnaire = svc.questionnaire_for(svc.campaigns.get(CAMPAIGN))
    names = []
    for question in questionnaire.questions:
        names += [f"q_{question.id}", f"q_{question.id}__autre"]
    return names + [
        "answer_id",
        "started_at",
        "action",
        "mode",
        "question",
        "etape",
        "canal",
        "affiche",
        "session",
        "kiosque",
        "csrf_token",
    ]


@FUZZ
@given(data=st.data())
def test_the_public_form_never_answers_500(fuzz_app, data):
    names = field_names(fuzz_app)
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names) | any_text, any_text), max_size=25))
    if data.draw(st.booleans()):
        pairs.append(("answer_id", str(uuid.uuid4())))
    response = fuzz_app.test_client().post(f"/c/{CAMPAIGN}/", data=MultiDict(pairs))
    assert response.status_code in (200, 303, 400, 409, 413, 422, 429), response.status_code
    assert "Traceback" not in response.get_data(as_text=True)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | any_text
    | st.sampled_from(["caf\ud800", "\udfff"]),  # lone surrogates: valid JSON, no text
    lambda children: st.lists(children, max_size=5) | st.dictionaries(any_text, children, max_size=5),
    max_leaves=20,
)


@FUZZ
@given(data=st.data())
def test_the_tablet_api_never_answers_500(fuzz_app, data):
    svc = fuzz_app.extensions["survey"]
    questionnaire = svc.questionnaire_for(svc.campaigns.get(CAMPAIGN))
    question_ids = [q.id for q in questionnaire.questions]
    answers = data.draw(st.dictionaries(st.sampled_from(question_ids) | any_text, json_values, max_size=8))
    payload = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "answer_id": st.just(str(uuid.uuid4())) | any_text,
                "answers": st.just(answers) | json_values,
                "channel": any_text,
                "session": any_text,
                "poster": any_text,
                "collector": any_text,
                "started_at": any_text,
                "submitted_at": any_text,
                "question": st.sampled_from(question_ids) | any_text,
            },
        )
        | json_values
    )
    response = fuzz_app.test_client().post(f"/api/c/{CAMPAIGN}/reponses", json=payload)
    assert response.status_code in (200, 201, 400, 409, 422, 429), response.status_code
    assert response.get_json()["message"]


@FUZZ
@given(body=st.binary(max_size=400))
def test_the_tablet_api_refuses_any_bytes_in_french(fuzz_app, body):
    response = fuzz_app.test_client().post(f"/api/c/{CAMPAIGN}/reponses", data=body, content_type="application/json")
    assert response.status_code in (200, 201, 400, 409, 422), response.status_code
    assert response.get_json()["message"]


EDITOR_FIELDS = [
    "type",
    "label",
    "id",
    "help",
    "required",
    "choix_valeur",
    "choix_libelle",
    "other",
    "action",
    "show_if_question",
    "show_if_value",
    "min",
    "max",
    "exclusive",
    "placeholder",
]


@pytest.fixture(scope="module")
def draft_url(fuzz_app):
    client = fuzz_app.test_client()
    response = client.post("/coordination/questionnaires/nouveau", data={"titre": "Essai"})
    assert response.status_code == 303
    draft = response.headers["Location"]
    added = client.post(draft.rstrip("/") + "/questions", data={"type": "single_choice", "label": "Une question"})
    assert added.status_code == 303, added.status_code
    return draft, added.headers["Location"].split("#")[0]


@FUZZ
@given(data=st.data())
def test_the_editor_question_form_never_answers_500(fuzz_app, draft_url, data):
    draft, question = draft_url
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(EDITOR_FIELDS), any_text), max_size=20))
    client = fuzz_app.test_client()
    response = client.post(question, data=MultiDict(pairs))
    assert response.status_code in (200, 303, 400, 404, 413, 422), response.status_code
    for page in (question, draft, draft.rstrip("/") + "/apercu"):
        shown = client.get(page)
        assert shown.status_code in (200, 303, 404, 422), (page, shown.status_code)
