"""Questionnaire editor: what a coordinator waits for.

Saving a questionnaire that has answers reads every answer once (to know which
versions are in use), so its cost grows with the campaign. This script measures
it beside its floor (one plain read of the same answers), plus the library
reload, the draft page, and the XLSForm export/import (pyxform as reference).

    python benchmarks/editor.py [--answers 10000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey import create_app  # noqa: E402
from survey.formats.xlsform import export_xlsform, import_xlsform  # noqa: E402
from survey.services import drafts, publishing  # noqa: E402
from survey.services.demo import load_demo  # noqa: E402

CAMPAIGN = "besoins-numeriques-habitants"


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fill(svc, n):
    def one(i):
        svc.answers.add(
            {
                "id": str(uuid.uuid4()),
                "campaign": CAMPAIGN,
                "questionnaire": CAMPAIGN,
                "version": 1,
                "channel": "qr",
                "collector": "",
                "session": None,
                "poster": None,
                "started_at": "2026-03-01T10:00:00Z",
                "submitted_at": "2026-03-01T10:01:00Z",
                "language": "fr",
                "answers": {
                    "internet": "non",
                    "internet_pourquoi": ["trop_cher"],
                    "aisance": 1 + i % 5,
                    "autre": "Un texte libre " * 5,
                },
                "tags": [],
                "hidden": False,
            }
        )

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(n)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATA_DIR": tmp, "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False, "LOGIN_DISABLED": True}
        )
        svc = app.extensions["survey"]
        load_demo(svc)
        start = time.perf_counter()
        fill(svc, args.answers)
        print(f"setup: {args.answers} answers stored in {time.perf_counter() - start:.1f} s")

        floor = timed(lambda: sum(1 for _ in svc.answers.iter_answers(CAMPAIGN)))
        counts = timed(lambda: publishing.version_counts(svc, CAMPAIGN))
        reload = timed(svc.reload_library)
        print(f"floor, one read of {args.answers} answers:     {floor * 1000:8.1f} ms")
        print(f"version_counts (same read + counting):      {counts * 1000:8.1f} ms")
        print(f"library reload (9 shipped + edited files):  {reload * 1000:8.1f} ms")

        saves = []
        for i in range(3):
            current = svc.library.get(CAMPAIGN)
            data = current.to_dict()
            data["title"] = f"Vos besoins en numérique ({i})"
            start = time.perf_counter()
            saved = publishing.save(svc, data, base_id=CAMPAIGN, base_version=current.version)
            saves.append(time.perf_counter() - start)
        print(
            f"save with answers -> new version (median of 3): {statistics.median(saves) * 1000:8.1f} ms "
            f"(now version {saved.questionnaire.version})"
        )

        client = app.test_client()
        draft = drafts.create(svc, svc.library.get(CAMPAIGN).to_dict(), base=svc.library.get(CAMPAIGN))
        page = timed(lambda: client.get(f"/coordination/questionnaires/brouillons/{draft['id']}/"))
        print(f"draft page (10 questions, live checks):     {page * 1000:8.1f} ms")

        q = svc.library.get(CAMPAIGN)
        data = export_xlsform(q)
        export = timed(lambda: export_xlsform(q))
        back = timed(lambda: import_xlsform(data))
        print(f"XLSForm export ({len(data)} bytes):            {export * 1000:8.1f} ms")
        print(f"XLSForm import:                             {back * 1000:8.1f} ms")
        try:
            from pyxform.xls2xform import convert
        except ImportError:
            print("pyxform not installed (pip install -e .[test]): reference skipped")
        else:
            ref = timed(lambda: convert(xlsform=io.BytesIO(data), warnings=[], file_type=".xlsx"))
            print(f"reference: pyxform convert of the same file: {ref * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
