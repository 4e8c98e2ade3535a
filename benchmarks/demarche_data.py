"""A démarche of two campaigns built in the stored format, and the timing helpers its
benchmarks share (``analysis.py``: cross-tab and report; ``restitution.py``: page and copy)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale import build_campaign  # noqa: E402

from survey import create_app  # noqa: E402
from survey.model.demarche import Demarche  # noqa: E402

TITLE = "Parlons numérique : Tours et Vierzon"


def median_time(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def prepare(folder: Path, campaigns: tuple[str, ...], answers: int, seed: int) -> Path:
    """The data folder with ``answers`` split between ``campaigns`` (reused when already built)."""
    data = folder / "data"
    if (data / "answers" / campaigns[-1]).is_dir():
        print(f"reusing {data}", flush=True)
        return data
    for number, campaign in enumerate(campaigns):
        began = time.perf_counter()
        build_campaign(data, campaign, answers // len(campaigns), seed=seed + number)
        print(
            f"{campaign}: {answers // len(campaigns)} answers built in {time.perf_counter() - began:.0f} s", flush=True
        )
    return data


def open_demarche(data: Path, campaigns: tuple[str, ...], demarche_id: str):
    """The app on ``data`` and the démarche grouping ``campaigns`` (made on first use)."""
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "bench", "TESTING": True})
    svc = app.extensions["survey"]
    if svc.demarches.get(demarche_id) is None:
        svc.demarches.add(Demarche(demarche_id, TITLE, list(campaigns)))
    return app, svc, svc.demarches.get(demarche_id)
