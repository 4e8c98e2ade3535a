"""Memory of the server across exports, and peak memory of the quote cards.

1. A real ``survey serve`` process (waitress, 8 threads) over a campaign of 100 000 answers:
   a coordinator signs in over HTTP and downloads CSV and XLSX exports one after the other
   (12 by default, alternating); the server's resident memory (``VmRSS`` of
   ``/proc/<pid>/status``) is read after each. Run once per allocator setting
   (``survey/allocator.py``): glibc as it comes, ``MALLOC_ARENA_MAX`` only, ``malloc_trim``
   only, both (the default).
2. The quote cards (``cartes-paroles``) of a campaign of N answers, a third of them with a
   consented written answer, made in a process of their own: its peak memory (``VmHWM``)
   and time, at 100 000 and, with ``--million``, at 1 000 000 answers.

Answers are written straight into chunk files in the store's format (the builder of
``benchmarks/export.py``: a 15-question questionnaire of every type).

    python benchmarks/export_memory.py [--answers N] [--exports 12] [--million] [--no-write]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from export import CAMPAIGN, CHUNK, QUESTIONNAIRE, QUESTIONNAIRE_YAML, app_for, make_answer  # noqa: E402

from survey.storage.answers import TABLE, fingerprint  # noqa: E402

NAME, PASSWORD = "mesure", "mot-de-passe-de-mesure"
QUOTES = "paroles"  # the campaign of the quote cards
TARGETS = {"growth_mb": 50.0, "cards_peak_mb": 200.0}
# (label, environment of the server): the allocator settings compared.
VARIANTS = (
    ("glibc as it comes (no cap, no trim)", {"SURVEY_MALLOC_ARENA_MAX": "0", "SURVEY_MALLOC_TRIM": "non"}),
    ("MALLOC_ARENA_MAX=2 only", {"SURVEY_MALLOC_ARENA_MAX": "2", "SURVEY_MALLOC_TRIM": "non"}),
    ("malloc_trim(0) after each export only", {"SURVEY_MALLOC_ARENA_MAX": "0", "SURVEY_MALLOC_TRIM": "oui"}),
    ("both (the default)", {}),
)


def write_campaign(folder: Path, count: int, seed: int, consented: float = 0.0) -> None:
    """``count`` answers in the store's layout; a share ``consented`` of them come from a
    scribe's card with both ticks (their written answers may go on quote cards)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    for first in range(0, count, CHUNK):
        docs = {}
        for i in range(min(CHUNK, count - first)):
            answer = make_answer(rng, first + i, start)
            answer["campaign"] = folder.name
            if consented and rng.random() < consented:
                answer.update(consent_display=True, consent_report=True, age_band="30 à 44 ans")
            answer["fingerprint"] = fingerprint(answer)
            docs[str(i + 1)] = answer
        data = json.dumps({TABLE: docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (folder / f"{first // CHUNK + 1:06d}.json").write_bytes(data)


def setup(base: Path, count: int, cards: list[int]) -> None:
    questionnaires = base / "questionnaires"
    questionnaires.mkdir(parents=True)
    (questionnaires / f"{QUESTIONNAIRE}.yaml").write_text(QUESTIONNAIRE_YAML, encoding="utf-8")
    app = app_for(base)
    from survey.model.campaign import Campaign
    from survey.services.accounts import create_coordinator

    svc = app.extensions["survey"]
    with app.app_context():
        create_coordinator(svc, NAME, PASSWORD)
    campaigns = [(CAMPAIGN, count, 1, 0.0)] + [(f"{QUOTES}-{n}", n, 3, 1 / 3) for n in cards]
    for campaign_id, n, seed, consented in campaigns:
        svc.campaigns.save(
            Campaign(id=campaign_id, title="Mesure", questionnaire=QUESTIONNAIRE, structure="Centre social")
        )
        write_campaign(base / "data" / "answers" / campaign_id, n, seed, consented)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """``survey serve`` on loopback, signed in as the coordinator."""

    def __init__(self, base: Path, environment: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, SURVEY_QUESTIONNAIRES=str(base / "questionnaires"), **environment)
        self.log = base / "serve.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "survey", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
            + ["--data", str(base / "data")],
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
            cwd=ROOT,
            env=env,
        )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        deadline = time.monotonic() + 60
        while True:
            try:
                page = self.opener.open(self.url + "/connexion", timeout=10).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit("the server did not start: " + self.log.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "nom": NAME, "mot_de_passe": PASSWORD}).encode()
        self.opener.open(self.url + "/connexion", data=form, timeout=30).read()

    def rss(self) -> float:
        return status_mb(self.process.pid, "VmRSS")

    def download(self, path: str) -> int:
        size = 0
        with self.opener.open(self.url + path, timeout=600) as response:
            while True:
                block = response.read(1 << 20)
                if not block:
                    return size
                size += len(block)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


def exports_run(base: Path, environment: dict, exports: int) -> dict:
    server = Server(base, environment)
    try:
        server.download("/coordination/")
        figures = {"start_mb": server.rss(), "after": [], "seconds": []}
        for i in range(exports):
            fmt = "csv" if i % 2 == 0 else "xlsx"
            started = time.perf_counter()
            size = server.download(f"/coordination/campagnes/{CAMPAIGN}/export.{fmt}")
            figures["seconds"].append(time.perf_counter() - started)
            time.sleep(0.3)
            figures["after"].append(server.rss())
            print(f"  export {i + 1:2} ({fmt}, {size / 1e6:.0f} MB): RSS {figures['after'][-1]:.0f} MB", flush=True)
        figures["peak_mb"] = status_mb(server.process.pid, "VmHWM")
    finally:
        server.stop()
    return figures


def child_cards(base: Path, campaign: str) -> dict:
    """The quote cards of one campaign, as the print page makes them."""
    from survey.printing import make_pdf, prepare_job
    from survey.printing.render import Renderer

    app = app_for(base)
    svc = app.extensions["survey"]
    before = status_mb(os.getpid(), "VmRSS")
    started = time.perf_counter()
    job = prepare_job(svc, "cartes-paroles", campaign, "http://192.168.1.20:8000")
    pdf = make_pdf(Renderer(), job)
    return {
        "seconds": time.perf_counter() - started,
        "before_mb": before,
        "peak_mb": status_mb(os.getpid(), "VmHWM"),
        "cards": len(job.quotes),
        "pdf_kb": len(pdf) / 1024,
    }


def cards_run(base: Path, campaign: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child-cards", campaign, "--base", str(base)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--exports", type=int, default=12)
    parser.add_argument("--million", action="store_true", help="quote cards at 1 000 000 answers too")
    parser.add_argument("--no-cards", action="store_true", help="leave the quote cards out")
    parser.add_argument("--variants", default="", help="numbers of the allocator settings to run, e.g. 0,3")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/BENCHMARKS.md alone")
    parser.add_argument("--child-cards")
    parser.add_argument("--base")
    args = parser.parse_args()
    if args.child_cards:
        print(json.dumps(child_cards(Path(args.base), args.child_cards)))
        return

    chosen = [VARIANTS[int(i)] for i in args.variants.split(",")] if args.variants else list(VARIANTS)
    cards = [] if args.no_cards else [args.answers] + ([1_000_000] if args.million else [])
    with tempfile.TemporaryDirectory(prefix="bench-export-memory-") as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        setup(base, args.answers, cards)
        print(f"campaigns written in {time.perf_counter() - started:.0f} s", flush=True)
        runs = {}
        for label, environment in chosen:
            print(label, flush=True)
            runs[label] = exports_run(base, environment, args.exports)
        card_runs = {}
        for n in cards:
            card_runs[n] = cards_run(base, f"{QUOTES}-{n}")
            r = card_runs[n]
            print(
                f"quote cards, {n} answers: {r['cards']} cards, {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB "
                f"(after start-up {r['before_mb']:.0f} MB)",
                flush=True,
            )

    verdict = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    lines = []
    for label, r in runs.items():
        after = r["after"]
        growth = after[-1] - after[0]
        lines.append(
            f"| {label} | {r['start_mb']:.0f} MB | {after[0]:.0f} MB | {after[min(9, len(after) - 1)]:.0f} MB | "
            f"{after[-1]:.0f} MB | {growth:+.0f} MB ({verdict(growth <= TARGETS['growth_mb'])}) | "
            f"{r['peak_mb']:.0f} MB | {min(r['seconds'][0::2]):.1f} s / {min(r['seconds'][1::2] or [0]):.1f} s |"
        )
    card_lines = [
        f"| {n:,} | {r['cards']} | {r['seconds']:.1f} s | {r['peak_mb']:.0f} MB "
        f"({verdict(r['peak_mb'] <= TARGETS['cards_peak_mb'])}) | {r['before_mb']:.0f} MB | {r['pdf_kb']:.0f} KB |"
        for n, r in card_runs.items()
    ]
    load = os.getloadavg()[1]
    body = f"""`python benchmarks/export_memory.py` — a real `survey serve` (waitress, 8 threads) over a campaign
of {args.answers:,} answers of the 15-question questionnaire of `benchmarks/export.py`; a coordinator
signed in over HTTP downloads {args.exports} exports one after the other, CSV and XLSX alternately; the
server's resident memory (`VmRSS`) is read after each. One server per allocator setting
(`survey/allocator.py`, settings `MALLOC_ARENA_MAX` and `MALLOC_TRIM` of `survey/config.py`).
Target: memory after {args.exports} exports within {TARGETS["growth_mb"]:.0f} MB of memory after one.

| allocator | at start (signed in) | after 1 export | after 10 | after {args.exports} | growth 1 → {args.exports} | peak (`VmHWM`) | best CSV / XLSX time |
|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(lines)}

Quote cards (`cartes-paroles`, all questions, A4) of a campaign where a third of the answers come
from a scribe's card with both ticks, made in a process of its own (as the print page makes them:
`prepare_job`, then WeasyPrint). Peak = `VmHWM` of that process, start-up included. Target
≤ {TARGETS["cards_peak_mb"]:.0f} MB at 1 000 000 answers.

| answers | cards in the PDF | time | peak memory | after start-up | PDF |
|---:|---:|---:|---:|---:|---:|
{chr(10).join(card_lines)}

Load average of the machine over the run: {load:.1f} (for {os.cpu_count()} cores).
"""
    print(body)
    if not args.no_write:
        from report import write_section

        write_section("Server memory across exports, and quote cards", body)


if __name__ == "__main__":
    main()
