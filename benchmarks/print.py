"""Printables speed and memory, beside a floor measured in the same run.

    python benchmarks/print.py [--runs 20]

Floor: WeasyPrint rendering a bare A4 page that holds one SVG QR code (warm, the same
FontConfiguration). Then, through the real code path (context, QR codes, templates, PDF):
an A4 poster (target <= 100 ms and <= 4x the floor), the same poster with the team's
Wi-Fi QR code too, the A0 ordi-panneau tiled on A4 with its QR code sheet (<= 1 s), a batch of 30 posters in one PDF (<= 3 s); peak memory (ru_maxrss, <= 250 MB).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey import create_app  # noqa: E402
from survey.model.wifi import Wifi  # noqa: E402
from survey.printing import make_pdf, prepare_job  # noqa: E402
from survey.printing.kinds import KINDS, PrintJob, board_questions  # noqa: E402
from survey.printing.qr import qr_svg  # noqa: E402
from survey.printing.render import PageFormat, Renderer  # noqa: E402
from survey.services.demo import load_demo  # noqa: E402

BASE = "http://192.168.1.20:8000"
FLOOR_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm }} svg {{ width: 120mm; height: 120mm }}</style></head>
<body><p>Scannez-moi</p>{qr}</body></html>"""


def stock_qr_svg(url: str) -> str:
    """The same code as qrcode 8.2's own SvgPathImage writes it (one square per module)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4, image_factory=SvgPathImage)
    code.add_data(url)
    return code.make_image().to_string(encoding="unicode")


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def batch_job(svc, count: int) -> PrintJob:
    """A questionnaire of ``count - 1`` board questions taken from the library: ``count`` posters."""
    questions = []
    for questionnaire in svc.library:
        for question in board_questions(questionnaire):
            questions.append(replace(question, id=f"{questionnaire.id[:12]}-{question.id}"[:60], show_if=None))
    questions = questions[: count - 1]
    campaign = svc.campaigns.get("porteur-de-parole-numerique")
    questionnaire = replace(svc.questionnaire_for(campaign), questions=tuple(questions))
    return PrintJob(KINDS["affiche"], campaign, questionnaire, None, PageFormat("A4"), BASE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    start = time.perf_counter()
    import weasyprint  # noqa: F401  (imported here to time it)

    import_ms = (time.perf_counter() - start) * 1000

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATA_DIR": os.path.join(folder, "data")})
        svc = app.extensions["survey"]
        load_demo(svc)
        renderer = Renderer()

        poster_job = prepare_job(svc, "affiche", "porteur-de-parole-numerique", BASE, question="simplifie")
        url = poster_job.url("qr", "A-simplifie", "simplifie")  # the very code of the poster below
        floor_html = FLOOR_HTML.format(qr=qr_svg(url, "q"))
        cold_floor = timed(lambda: renderer.render_html(floor_html, ()), 1)[0]
        floor = timed(lambda: renderer.render_html(floor_html, ()), runs)
        stock_html = FLOOR_HTML.format(qr=stock_qr_svg(url))
        stock_floor = timed(lambda: renderer.render_html(stock_html, ()), runs)

        cold_poster = timed(lambda: make_pdf(renderer, poster_job), 1)[0]
        poster = timed(lambda: make_pdf(renderer, poster_job), runs)
        wifi_job = prepare_job(
            svc,
            "affiche",
            "porteur-de-parole-numerique",
            BASE,
            question="simplifie",
            wifi=Wifi("CentreSocial-Enquete", "quartier-2026"),
        )
        wifi_poster = timed(lambda: make_pdf(renderer, wifi_job), runs)

        ordi_job = prepare_job(svc, "ordi-panneau", "ordi-panneau-quotidien", BASE, size="A0")
        ordi = timed(lambda: make_pdf(renderer, ordi_job), max(3, runs // 4))
        tiled_job = prepare_job(svc, "ordi-panneau", "ordi-panneau-quotidien", BASE, size="A0", tile="A4")
        tiled = timed(lambda: make_pdf(renderer, tiled_job), max(3, runs // 4))

        batch = batch_job(svc, 30)
        batch_pdf = make_pdf(renderer, batch)
        from io import BytesIO

        from pypdf import PdfReader

        batch_pages = len(PdfReader(BytesIO(batch_pdf)).pages)
        batch_times = timed(lambda: make_pdf(renderer, batch), 3)

        paper_job = prepare_job(svc, "questionnaire-papier", "besoins-numeriques-habitants", BASE)
        paper = timed(lambda: make_pdf(renderer, paper_job), max(3, runs // 4))
        paper_pages = len(PdfReader(BytesIO(make_pdf(renderer, paper_job))).pages)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = statistics.median
    floor_ms = median(floor)
    rows = [
        ("import weasyprint", import_ms, None),
        ("floor: bare A4 page + one SVG QR, first render", cold_floor, None),
        ("floor: bare A4 page + one SVG QR, warm (median)", floor_ms, None),
        ("  the same with qrcode's stock SvgPathImage (median)", median(stock_floor), None),
        ("A4 poster, first render", cold_poster, None),
        ("A4 poster, warm (median)", median(poster), 100),
        ("A4 poster with the team's Wi-Fi QR code too, warm (median)", median(wifi_poster), 100),
        ("A0 ordi-panneau, one page (median)", median(ordi), None),
        ("A0 ordi-panneau tiled on 25 A4 sheets + its QR code sheet (median)", median(tiled), 1000),
        (f"batch of {batch_pages} A4 posters in one PDF (median)", median(batch_times), 3000),
        (f"paper questionnaire, 10 questions, {paper_pages} pages (median)", median(paper), None),
    ]
    load = os.getloadavg()[0]
    print(f"python {platform.python_version()}, {os.cpu_count()} CPU, load average {load:.1f}, runs={runs}")
    for label, value, target in rows:
        verdict = "" if target is None else ("  ok" if value <= target else f"  OVER {target} ms")
        print(f"{label:<60} {value:8.1f} ms{verdict}")
    ratio = median(poster) / floor_ms
    print(f"{'A4 poster / floor (medians)':<60} {ratio:8.2f} x{'  ok' if ratio <= 4 else '  OVER 4x'}")
    print(f"{'A4 poster / floor (fastest runs)':<60} {min(poster) / min(floor):8.2f} x")
    print(f"{'peak memory (ru_maxrss)':<60} {peak_mb:8.1f} MB{'  ok' if peak_mb <= 250 else '  OVER 250 MB'}")


if __name__ == "__main__":
    main()
