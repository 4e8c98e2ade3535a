"""Durable submissions over real HTTP: 20 concurrent clients against `survey serve`.

By default, a respondent's whole journey, as a phone does it: open the form (GET, a new
connection, no cookie), send it (POST, 303) and see the thank-you page (GET), in a campaign
of 1 000 000 answers built in the stored format (``scale.build_campaign``); beside a floor in
the same run: a bare Flask app on waitress serving the same form and thank-you HTML and
appending each answer to a file with fsync. Reports journeys/s, their ratio to the floor's,
and the POST alone (p50/p95) beside them.

    python benchmarks/submit.py [--answers 1000000] [--keep DIR] [--journeys 25]

``--posts``: the former measure, POSTs only (for 0, 10 000 and 50 000 answers already in the campaign, measures throughput,
p50/p95 latency of the POST that stores an answer, the server's CPU time per answer
(steadier than wall times on a shared machine) and its peak memory; once more at
10 000 with every answer carrying a field session (checked against the stored ones)
and a poster code, and once through the JSON API the tablets' offline queue uses;
beside a floor measured in the same run: a bare Flask app on waitress whose
handler appends a JSON line and fsyncs.

    python benchmarks/submit.py --posts [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from report import write_section  # noqa: E402
from scale import CAMPAIGN as BIG_CAMPAIGN  # noqa: E402
from scale import SEED, linked_copy, prepare  # noqa: E402

from survey import create_app  # noqa: E402
from survey.services.demo import load_demo  # noqa: E402
from survey.storage import ChunkedAnswerStore  # noqa: E402
from survey.storage.answers import TABLE, fingerprint  # noqa: E402

CAMPAIGN = "besoins-numeriques-habitants"
CLIENTS = 20
SESSIONS = 300  # field sessions stored: about a year of outings, checked on every answer that names one
TEXT = (
    "Je voudrais un atelier le samedi matin pour apprendre à faire mes démarches CAF et Ameli "
    "sans demander à mes enfants ; l'écran du téléphone est trop petit pour moi. "
) * 4

FLOOR_APP = r"""
import json, os, sys, threading
from flask import Flask, request
from waitress import serve
app = Flask(__name__)
lock = threading.Lock()
path = sys.argv[2]
@app.post("/c/<campaign>/")
def save(campaign):
    line = json.dumps(request.form.to_dict(flat=False), ensure_ascii=False) + "\n"
    with lock:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    return "", 303, {"Location": "/merci"}
@app.get("/c/<campaign>/")
def form(campaign):
    return '<input name="csrf_token" type="hidden" value="x">'
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
"""


def api_body(fields: dict) -> str:
    """The same answer as the tablets' queue sends it (offline.js): JSON keyed by question id."""
    answers = {key[2:]: value for key, value in fields.items() if key.startswith("q_")}
    extra = {key: fields[key] for key in ("session", "affiche") if key in fields}
    return json.dumps(
        {
            "answer_id": fields["answer_id"],
            "started_at": fields["started_at"],
            "answers": answers,
            "session": extra.get("session"),
            "poster": extra.get("affiche"),
        },
        ensure_ascii=False,
    )


def form_fields(answer_id: str) -> dict:
    return {
        "answer_id": answer_id,
        "started_at": "2026-11-21T10:00:00Z",
        "q_equipement": ["smartphone", "ordinateur"],
        "q_internet": "oui",
        "q_aisance": "3",
        "q_demarches": "avec_aide",
        "q_aide_besoins": ["emails", "comptes_services_publics", "impression"],
        "q_aide_qui": ["enfants"],
        "q_lieux_connus": "non",
        "q_souhaits": ["formations"],
        "q_autre": TEXT,
    }


def preload(data_dir: Path, count: int, chunk_size: int = 100) -> None:
    """Write ``count`` stored answers in the store's own format (fast, no HTTP)."""
    folder = data_dir / "answers" / CAMPAIGN
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, chunk_size):
        docs = {}
        for i in range(start, min(start + chunk_size, count)):
            answer = {
                "id": str(uuid.uuid4()),
                "campaign": CAMPAIGN,
                "questionnaire": CAMPAIGN,
                "version": 1,
                "channel": "porte-a-porte",
                "collector": "Inès",
                "session": None,
                "poster": None,
                "started_at": "2026-11-20T09:00:00Z",
                "submitted_at": "2026-11-20T09:03:00Z",
                "language": "fr",
                "tags": [],
                "hidden": False,
                "answers": {
                    "equipement": ["smartphone"],
                    "internet": "oui",
                    "aisance": 2,
                    "aide_besoins": ["emails"],
                    "autre": TEXT[: 300 + i % 400],
                },
            }
            answer["fingerprint"] = fingerprint(answer)
            docs[str(i - start + 1)] = answer
        (folder / f"{start // chunk_size + 1:06d}.json").write_text(
            json.dumps({TABLE: docs}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


def add_sessions(data_dir: Path, count: int) -> str:
    """``count`` stored field sessions of the campaign (a busy year); the id of the last one."""
    from survey.model.fieldwork import Session

    svc = create_app({"DATA_DIR": str(data_dir)}).extensions["survey"]
    for i in range(count):
        session = Session(id=f"s2026{i:04d}-bench", campaign=CAMPAIGN, place=f"Marché {i}", day="2026-11-21")
        svc.sessions.save(session)
    return session.id


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, process, path: str = f"/c/{CAMPAIGN}/", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            process.stdout.seek(0)
            raise RuntimeError(process.stdout.read())
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (``survey serve --workers``: gunicorn's master and workers)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return pids


def server_cpu_s(pid: int) -> float:
    """User + system CPU time of a server so far (/proc/<pid>/stat), its worker processes included."""
    import os

    total = 0
    for one in process_tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM), added up over the server's processes."""
    total = 0
    for one in process_tree(pid):
        try:
            with open(f"/proc/{one}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            continue
    return total / 1024 if total else float("nan")


def load(port: int, per_client: int, extra: dict | None = None, api: bool = False) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", f"/c/{CAMPAIGN}/")
        response = conn.getresponse()
        page = response.read().decode()
        cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        mine = []
        barrier.wait()
        for _ in range(per_client):
            fields = {**form_fields(str(uuid.uuid4())), **(extra or {})}
            if token:
                fields["csrf_token"] = token.group(1)
            if api:
                url, expected = f"/api/c/{CAMPAIGN}/reponses", 201
                body = api_body(fields).encode()
                headers = {"Content-Type": "application/json", "X-CSRFToken": fields.get("csrf_token", "")}
            else:
                url, expected = f"/c/{CAMPAIGN}/", 303
                body = urllib.parse.urlencode(fields, doseq=True)
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
            started = time.perf_counter()
            conn.request("POST", url, body=body, headers={**headers, "Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != expected:
                with lock:
                    errors.append(str(response.status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
        "n": len(latencies),
    }


def run_survey(preloaded: int, per_client: int, sessions: int = 0, api: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        load_demo(create_app({"DATA_DIR": str(data)}).extensions["survey"])  # the campaigns, no example answers
        preload(data, preloaded)
        extra = {"session": add_sessions(data, sessions), "affiche": "A-q1"} if sessions else None
        result = measure(serve_command(data), lambda port: load(port, per_client, extra, api))
        stored = [
            a for p in (data / "answers" / CAMPAIGN).glob("*.json") for a in json.loads(p.read_text())[TABLE].values()
        ]
        result["stored_ok"] = len(stored) == preloaded + result["n"] - len(result["errors"])
        if extra:  # the session and poster were kept, not dropped as unknown
            result["stored_ok"] &= sum(
                a["session"] == extra["session"] and a["poster"] == "A-q1" for a in stored
            ) == result["n"] - len(result["errors"])
        return result


def serve_command(data: Path, workers: int = 1):
    return lambda port: (
        [sys.executable, "-m", "survey", "serve", "--host", "127.0.0.1", "--port", str(port)]
        + [
            "--data",
            str(data),
        ]
        + (["--workers", str(workers)] if workers > 1 else [])
    )


def run_floor(per_client: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return measure(
            lambda port: [sys.executable, "-c", FLOOR_APP, str(port), str(Path(tmp) / "answers.jsonl")],
            lambda port: load(port, per_client),
        )


def measure(command, run, ready: str = f"/c/{CAMPAIGN}/", timeout: float = 30) -> dict:
    """Start the server ``command(port)`` makes, ``run(port)`` the load, and read the server's
    CPU time (per request counted in ``n``) and peak memory. Its output goes to a file: a pipe
    nobody reads fills up (64 KB) and then stops every thread that logs, which looks like a hang."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
        server.stdout = log  # read by wait_ready if the server stops
        try:
            wait_ready(port, server, ready, timeout)
            cpu = server_cpu_s(server.pid)
            result = run(port)
            result["cpu_ms"] = (server_cpu_s(server.pid) - cpu) * 1000 / max(result["n"], 1)
            result["rss"] = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
            log.seek(0)
            result_log = log.read()
    depths = [int(d) for d in re.findall(r"Task queue depth is (\d+)", result_log)]
    result["queue"] = max(depths, default=0)  # requests that waited for one of waitress's threads
    others = [line for line in result_log.splitlines() if "Task queue depth" not in line]
    if len(others) > 40:
        print(f"the server wrote {len(others)} lines, the last ones:\n" + "\n".join(others[-15:]))
    return result


# -- a respondent's journey ----------------------------------------------------------------------

FLOOR_JOURNEY_APP = r"""
import os, sys, json, threading
from flask import Flask, request
from waitress import serve
port, path, form_file, thanks_file = sys.argv[1:5]
form_page, thanks_page = open(form_file, "rb").read(), open(thanks_file, "rb").read()
html = {"Content-Type": "text/html; charset=utf-8"}
app = Flask(__name__)
lock = threading.Lock()
@app.get("/c/<campaign>/")
def form(campaign):
    return form_page, 200, html
@app.post("/c/<campaign>/")
def save(campaign):
    line = json.dumps(request.form.to_dict(flat=False), ensure_ascii=False) + "\n"
    with lock:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    return "", 303, {"Location": f"/c/{campaign}/merci"}
@app.get("/c/<campaign>/merci")
def thanks(campaign):
    return thanks_page, 200, html
serve(app, host="127.0.0.1", port=int(port), threads=8, _quiet=True)
"""


def journeys(port: int, campaign: str, per_client: int) -> dict:
    """``CLIENTS`` phones at once, each making ``per_client`` journeys one after another: a new
    connection with no cookie, GET the form, POST it (its CSRF token), GET the thank-you page."""
    whole: list[float] = []
    posts: list[float] = []
    errors: list[str] = []
    sent: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)
    form_path = f"/c/{campaign}/"

    def journey(mine: list, my_posts: list, my_ids: list) -> None:
        began = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", form_path)
            response = conn.getresponse()
            page = response.read().decode()
            cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
            token = next(
                (
                    re.search(r'value="([^"]*)"', tag)
                    for tag in re.findall(r"<input[^>]*>", page)
                    if "csrf_token" in tag
                ),
                None,
            )
            fields = form_fields(str(uuid.uuid4()))
            fields["csrf_token"] = token.group(1) if token else ""
            headers = {"Content-Type": "application/x-www-form-urlencoded", **({"Cookie": cookie} if cookie else {})}
            posted = time.perf_counter()
            conn.request("POST", form_path, body=urllib.parse.urlencode(fields, doseq=True), headers=headers)
            response = conn.getresponse()
            response.read()
            my_posts.append(time.perf_counter() - posted)
            if response.status != 303:
                raise RuntimeError(f"POST {response.status}")
            conn.request("GET", response.getheader("Location"), headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"thank-you page {response.status}")
            my_ids.append(fields["answer_id"])
            mine.append(time.perf_counter() - began)
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            with lock:
                errors.append(str(error))
        finally:
            conn.close()

    def client() -> None:
        mine: list[float] = []
        my_posts: list[float] = []
        my_ids: list[str] = []
        barrier.wait()
        for _ in range(per_client):
            journey(mine, my_posts, my_ids)
        with lock:
            whole.extend(mine)
            posts.extend(my_posts)
            sent.extend(my_ids)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    whole.sort()
    posts.sort()

    def pct(values: list[float], p: float) -> float:
        return values[max(0, int(len(values) * p) - 1)] * 1000 if values else float("nan")

    return {
        "rate": len(whole) / elapsed,
        "p50": pct(whole, 0.5),
        "p95": pct(whole, 0.95),
        "post_p50": pct(posts, 0.5),
        "post_p95": pct(posts, 0.95),
        "errors": errors,
        "n": len(whole),
        "sent": sent,
    }


def pages_of(data: Path, campaign: str) -> tuple[bytes, bytes]:
    """The form and thank-you pages exactly as the app serves them to a phone (for the floor)."""
    client = create_app({"DATA_DIR": str(data)}).test_client()
    form = client.get(f"/c/{campaign}/")
    thanks = client.get(f"/c/{campaign}/merci")
    assert form.status_code == 200 and thanks.status_code == 200, (form.status_code, thanks.status_code)
    return form.data, thanks.data


def run_journeys(
    answers: int, per_client: int, keep: Path | None, workers: list[int] | None = None
) -> tuple[dict, dict[int, dict], int]:
    """(floor, survey serve per number of worker processes, bytes of the form page) for journeys
    into a campaign of ``answers``, the floor measured just before (a shared machine's load drifts)."""
    base = keep or Path(tempfile.mkdtemp(prefix="bench-submit-"))
    try:
        prepare(base / str(answers), answers, SEED)  # the campaign, kept by --keep (shared with scale.py)
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            linked_copy(base / str(answers) / "data", data)  # the kept campaign stays as built
            form_page, thanks_page = pages_of(data, BIG_CAMPAIGN)
            (Path(tmp) / "form.html").write_bytes(form_page)
            (Path(tmp) / "merci.html").write_bytes(thanks_page)
            floor_command = [sys.executable, "-c", FLOOR_JOURNEY_APP]
            files = [str(Path(tmp) / name) for name in ("floor.jsonl", "form.html", "merci.html")]
            ready = f"/c/{BIG_CAMPAIGN}/"
            floor = measure(
                lambda port: floor_command + [str(port), *files], lambda port: journeys(port, BIG_CAMPAIGN, per_client)
            )
            floor["stored_ok"] = sum(1 for _ in open(files[0], encoding="utf-8")) == floor["n"]
            surveys = {}
            for count in workers or [1]:  # one after the other, on the same campaign
                survey = surveys[count] = measure(
                    serve_command(data, count),
                    lambda port: journeys(port, BIG_CAMPAIGN, per_client),
                    ready,
                    timeout=900,
                )
                stored = set()  # the newest answers: those sent (and those of journeys that failed after the POST)
                for answer in ChunkedAnswerStore(data / "answers").iter_newest(BIG_CAMPAIGN):
                    if len(stored) == len(survey["sent"]) + len(survey["errors"]):
                        break
                    stored.add(answer["id"])
                survey["stored_ok"] = set(survey["sent"]) <= stored
            return floor, surveys, len(form_page)
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def served_by(workers: int) -> str:
    return f"survey serve --workers {workers}" if workers > 1 else "survey serve"


def journeys_main(args) -> None:
    sizes = [int(s) for s in args.answers.replace("_", "").split(",")]
    workers = [int(w) for w in str(args.workers).split(",")]
    rows = [
        (
            "| server | answers in the campaign | journeys/s | ratio to the floor | journey p50 | journey p95 "
            "| POST p50 | POST p95 | server CPU per journey | server peak RSS | errors |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    checks = []
    queues = []
    all_stored = True
    for n in sizes:
        floor, surveys, form_bytes = run_journeys(n, args.journeys, args.keep, workers)
        for name, result in [("floor", floor)] + [(served_by(w), s) for w, s in surveys.items()]:
            if result["errors"]:
                print(f"{name}: {len(result['errors'])} journeys failed, e.g. {sorted(set(result['errors']))[:5]}")
        stored = f"{n:,}".replace(",", " ")
        ratios = {w: floor["rate"] / s["rate"] for w, s in surveys.items()}
        for name, pre, r, shown in [
            ("floor: bare Flask + waitress, the same pages, append a JSON line + fsync", "–", floor, "1×")
        ] + [(served_by(w), stored, s, f"{ratios[w]:.1f}×") for w, s in surveys.items()]:
            rows.append(
                f"| {name} | {pre} | {r['rate']:.0f} | {shown} | {r['p50']:.0f} ms | {r['p95']:.0f} ms "
                f"| {r['post_p50']:.0f} ms | {r['post_p95']:.0f} ms | {r['cpu_ms']:.1f} ms | {r['rss']:.0f} MB "
                f"| {len(r['errors'])} |"
            )
        queues.append(f"{surveys[workers[0]]['queue']} at {stored} (floor: {floor['queue']})")
        checks = []  # the targets are read at the largest campaign of the run
        for w, survey in surveys.items():
            suffix = f" ({served_by(w)})" if len(workers) > 1 else ""
            checks += [
                (
                    f"journeys/s within 3× of the floor's at {stored} answers{suffix}",
                    ratios[w] <= 3,
                    f"{ratios[w]:.1f}×",
                ),
                (
                    f"POST p95 ≤ 100 ms with 20 clients{suffix}",
                    survey["post_p95"] <= 100,
                    f"{survey['post_p95']:.0f} ms",
                ),
            ]
        all_stored &= floor["stored_ok"] and all(s["stored_ok"] for s in surveys.values())
    checks.append(("every acknowledged answer on disk, once", all_stored, ""))
    servers = " and ".join(
        f"`{served_by(w)}` (gunicorn: {w} processes of 8 threads on the same data folder)"
        if w > 1
        else "`survey serve` (waitress, 8 threads)"
        for w in workers
    )
    body = (
        f"`python benchmarks/submit.py --answers {args.answers}"
        + (f" --workers {args.workers}" if workers != [1] else "")
        + f"` — {CLIENTS} phones at once (client threads), "
        f"each making {args.journeys} journeys one after another: a new connection with no cookie, GET the form "
        f"({form_bytes / 1024:.1f} KB of HTML, the page of `besoins-numeriques-habitants`), POST ~1.3 KB of "
        "answers with its CSRF token (303), GET the thank-you page; static files not counted (a phone keeps "
        "them in its cache). The campaign is built in the stored format (`scale.build_campaign`); a real "
        f"{servers}, one after the other, client and server on the same machine; server CPU and memory: all "
        "its processes. Floor, measured just "
        "before each campaign size: a bare Flask app on waitress serving the same form and thank-you HTML and "
        "appending each answer as a JSON line with fsync. POST: the request that stores the answer (fsync "
        "included), alone.\n\n"
        + "\n".join(rows)
        + "\n\nRequests waiting for one of waitress's 8 threads (its « Task queue depth »), at most: "
        + "; ".join(queues)
        + ".\n\n| target | met | measured |\n|---|---|---|\n"
        + "\n".join(f"| {name} | {'yes' if ok else '**no**'} | {figure} |" for name, ok, figure in checks)
    )
    print(body)
    if not args.no_write:
        write_section("Submissions: a respondent's journey", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", default="1000000", help="answers in the campaign, comma-separated sizes")
    parser.add_argument("--journeys", type=int, default=50, help="journeys per client")
    parser.add_argument("--keep", type=Path, help="keep the built campaign here and reuse it (as scale.py)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/BENCHMARKS.md")
    parser.add_argument("--posts", action="store_true", help="the former measure: POSTs only, 0 to 50 000 stored")
    parser.add_argument(
        "--workers",
        default="1",
        help="survey serve --workers N (journeys only); 1,2 measures both, one after the other",
    )
    parser.add_argument("--quick", action="store_true", help="with --posts: fewer requests, no report written")
    args = parser.parse_args()
    if args.posts:
        posts_main(args)
    else:
        journeys_main(args)


def posts_main(args) -> None:
    per_client = 10 if args.quick else 50
    floor = run_floor(per_client)
    rows = [("floor: bare Flask + waitress, append a JSON line + fsync", "–", floor)]
    results = {}
    for preloaded in (0, 10_000, 50_000):
        results[preloaded] = run_survey(preloaded, per_client)
        rows.append(("survey serve", f"{preloaded:,}".replace(",", " "), results[preloaded]))
    results["session"] = run_survey(10_000, per_client, sessions=SESSIONS)
    rows.append(
        (
            f"survey serve, each answer with a field session (of {SESSIONS} stored) and a poster code",
            "10 000",
            results["session"],
        )
    )
    results["api"] = run_survey(10_000, per_client, api=True)
    rows.append(("survey serve, JSON API (`/api/c/…/reponses`, the tablets' queue)", "10 000", results["api"]))
    table = [
        (
            "| server | answers already stored | submissions/s | p50 | p95 | server CPU per answer "
            "| server peak RSS | errors |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, pre, r in rows:
        table.append(
            f"| {name} | {pre} | {r['rate']:.0f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | "
            f"{r['cpu_ms']:.1f} ms | {r['rss']:.0f} MB | {len(r['errors'])} |"
        )
    at10, at50 = results[10_000], results[50_000]
    checks = [
        ("≥ 300 durable submissions/s with 10 000 stored", at10["rate"] >= 300, f"{at10['rate']:.0f}/s"),
        ("≥ 200/s with 50 000 stored", at50["rate"] >= 200, f"{at50['rate']:.0f}/s"),
        (
            "p95 ≤ 100 ms (10 000 and 50 000)",
            max(at10["p95"], at50["p95"]) <= 100,
            f"{at10['p95']:.0f} / {at50['p95']:.0f} ms",
        ),
        ("within 4× of the floor at 10 000", floor["rate"] / at10["rate"] <= 4, f"{floor['rate'] / at10['rate']:.1f}×"),
        ("server memory ≤ 100 MB at 50 000", at50["rss"] <= 100, f"{at50['rss']:.0f} MB"),
        ("every acknowledged answer on disk, once", all(r["stored_ok"] for r in results.values()), ""),
    ]
    lines = ["| target | met | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {figure} |" for name, ok, figure in checks]
    body = (
        f"`benchmarks/submit.py`: {CLIENTS} client threads, each {per_client} form POSTs (CSRF token, "
        "~1.3 KB of answers, keep-alive; the JSON API row: the same answers as JSON) to a real `survey serve` (waitress, 8 threads), client and server "
        "on the same machine. Latency is the POST that stores the answer (fsync included).\n\n"
        + "\n".join(table)
        + "\n\n"
        + "\n".join(lines)
    )
    print(body)
    if not args.quick:
        write_section("Submissions (core)", body)


if __name__ == "__main__":
    main()
