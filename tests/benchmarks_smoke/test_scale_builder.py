"""The campaign builder of ``benchmarks/scale.py``: what it writes is what the app stores and reads.

Benchmarks at 1 000 000 answers rest on it; if its chunks drifted from the store's format,
the figures would measure something the app never meets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from survey import create_app
from survey.storage import ChunkedAnswerStore
from survey.storage.answers import fingerprint
from tests.factories import login_coordinator

SCALE = Path(__file__).resolve().parents[2] / "benchmarks" / "scale.py"


def load_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", SCALE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_built_campaign_is_read_by_the_store_and_the_pages(data_dir):
    scale = load_scale()
    built = scale.build_campaign(data_dir, "grande-campagne", n=250, seed=3)

    store = ChunkedAnswerStore(Path(data_dir) / "answers")
    answers = list(store.iter_answers("grande-campagne"))
    assert store.count("grande-campagne") == 250
    assert len(answers) == len({a["id"] for a in answers}) == 250
    assert all(a["fingerprint"] == fingerprint(a) for a in answers)  # a resent copy would be « already stored »
    assert {a["channel"] for a in answers} >= {"qr", "porte-a-porte", "tablette", "post-it"}
    assert built.answer_ids[1] in {a["id"] for a in answers}
    assert sorted(p.name for p in (Path(data_dir) / "answers" / "grande-campagne").iterdir())[:4] == [
        ".lock",
        "000001.json",
        "000002.json",
        "000003.json",
    ]

    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    login_coordinator(client, app)
    base = "/coordination/campagnes/grande-campagne"
    for url in (f"{base}/resultats", f"{base}/reponses", f"{base}/reponses/{built.middle_answer}"):
        response = client.get(url)
        assert response.status_code == 200, url
    counted = sum(not a["hidden"] for a in answers)  # hidden answers (spam, out of scope) are not counted
    assert 200 < counted < 250
    assert f"<strong>{counted}</strong> réponses comptées" in client.get(f"{base}/resultats").get_data(as_text=True)
    assert store.add(dict(answers[0])) is False  # the same answer sent again is recognised
