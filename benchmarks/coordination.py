"""Coordinator space at 50 000 answers: dashboard, search, pages, volunteer counts, purge.

Run: python benchmarks/coordination.py [N]   (default 50 000)

The answers are written straight into chunk files in the store's format (writing
50 000 through ``add`` takes minutes and is measured by the storage benchmark).
The floor is reading every answer once (``iter_answers``): every page here is a
pass over the campaign, so its time is the floor plus the page's own work.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey import create_app  # noqa: E402
from survey.services.demo import load_demo  # noqa: E402
from survey.services.privacy import purge_campaign  # noqa: E402
from survey.services.results import summarise  # noqa: E402
from survey.services.volunteers import create as create_code  # noqa: E402
from survey.storage.answers import fingerprint  # noqa: E402
from survey.storage.repositories.accounts import SIGN_INS  # noqa: E402

CAMPAIGN = "besoins-numeriques-habitants"
WORDS = (
    "école démarches CAF internet téléphone aide quartier médiathèque ordinateur enfants "
    "impôts santé mairie emploi formation voisin"
).split()


def make_answer(i: int, rng: random.Random) -> dict:
    day = 1 + i % 28
    answer = {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "campaign": CAMPAIGN,
        "questionnaire": CAMPAIGN,
        "version": 1,
        "channel": rng.choice(["qr", "tablette", "porte-a-porte", "papier"]),
        "collector": rng.choice(["", "", "Alice", "Bruno", "Chloé"]),
        "session": None,
        "poster": None,
        "started_at": f"2026-03-{day:02d}T10:00:00Z",
        "submitted_at": f"2026-03-{day:02d}T10:{i % 60:02d}:00Z",
        "language": "fr",
        "answers": {
            "equipement": rng.sample(["smartphone", "ordinateur", "tablette", "imprimante"], 2),
            "internet": rng.choice(["oui", "non"]),
            "aisance": rng.randint(1, 5),
            "demarches": rng.choice(["seul", "avec_aide", "a_ma_place", "pas"]),
            "autre": " ".join(rng.choice(WORDS) for _ in range(25)),
        },
        "tags": [],
        "hidden": False,
    }
    answer["fingerprint"] = fingerprint(answer)
    return answer


def write_chunks(folder: Path, n: int, chunk: int = 100) -> None:
    rng = random.Random(4)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, chunk):
        docs = {str(k + 1): make_answer(start + k, rng) for k in range(min(chunk, n - start))}
        (folder / f"{start // chunk + 1:06d}.json").write_text(json.dumps({"answers": docs}), encoding="utf-8")


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(n: int) -> None:
    data = Path(tempfile.mkdtemp(prefix="bench-coord-"))
    try:
        run(data, n)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def run(data: Path, n: int) -> None:
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "bench", "TESTING": True})
    svc = app.extensions["survey"]
    load_demo(svc)
    write_chunks(data / "answers" / CAMPAIGN, n)
    questionnaire = svc.library.get(CAMPAIGN)
    client = app.test_client()
    # Signed in as the app does it: a session record on the server, its id in the cookie.
    svc.records.add(SIGN_INS, {"id": "bench-session", "account": "bench", "expires": time.time() + 3600})
    with client.session_transaction() as session:
        session["coordinator"] = "bench"
        session["coordinator_session"] = "bench-session"
    svc.records.add("accounts", {"id": "bench", "name": "bench", "password_hash": "x"})
    code = create_code(svc, CAMPAIGN, "Alice")["id"]
    volunteer = app.test_client()
    volunteer.get(f"/benevole/{code}")
    base = f"/coordination/campagnes/{CAMPAIGN}"

    def get(c, url):
        def run():
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    print(f"# coordinator space, {n} answers — {platform.python_version()}, {os.cpu_count()} CPU")
    assert sum(1 for _ in svc.answers.iter_answers(CAMPAIGN)) == n
    rows = [
        ("floor: iter_answers (read every answer)", lambda: sum(1 for _ in svc.answers.iter_answers(CAMPAIGN))),
        ("results.summarise", lambda: summarise(svc.answers.iter_answers(CAMPAIGN), questionnaire, max_texts=10)),
        ("GET résultats (dashboard)", get(client, f"{base}/resultats")),
        ("GET synthèse (printable)", get(client, f"{base}/synthese")),
        ("GET réponses, page 1", get(client, f"{base}/reponses")),
        ("GET réponses, search « ecole caf »", get(client, f"{base}/reponses?q=ecole+caf")),
        ("GET réponses, page 2 000 (deep)", get(client, f"{base}/reponses?page=2000")),
        ("GET /benevole/ (volunteer counts)", get(volunteer, "/benevole/")),
    ]
    for label, fn in rows:
        print(f"{label:45s} {timed(fn) * 1000:8.0f} ms")
    start = time.perf_counter()
    client.get(f"{base}/synthese.pdf")
    print(f"{'GET synthèse.pdf (first, loads fonts)':45s} {(time.perf_counter() - start) * 1000:8.0f} ms")
    print(f"{'GET synthèse.pdf (warm)':45s} {timed(get(client, f'{base}/synthese.pdf')) * 1000:8.0f} ms")

    # Purge: make 1 000 answers old, then purge them (one chunk rewrite per answer).
    old = [a["id"] for a, _ in zip(svc.answers.iter_answers(CAMPAIGN), range(1000))]
    start = time.perf_counter()
    for answer_id in old:
        svc.answers.update(CAMPAIGN, answer_id, lambda a: a.__setitem__("submitted_at", "2001-01-01T00:00:00Z"))
    took = time.perf_counter() - start
    print(f"{'floor: 1 000 answers.update (one rewrite each)':45s} {took * 1000:8.0f} ms ({took:.1f} ms per answer)")
    campaign = svc.campaigns.get(CAMPAIGN)
    start = time.perf_counter()
    result = purge_campaign(svc, campaign)
    took = time.perf_counter() - start
    assert result.deleted == 1000
    print(f"{'purge of 1 000 expired answers':45s} {took * 1000:8.0f} ms ({took:.1f} ms per answer)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
