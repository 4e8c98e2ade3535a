"""Durable submissions over real HTTP: 20 concurrent clients against `survey serve`.

For 0, 10 000 and 50 000 answers already in the campaign, measures throughput,
p50/p95 latency of the POST that stores an answer, the server's CPU time per answer
(steadier than wall times on a shared machine) and its peak memory; once more at
10 000 with every answer carrying a field session (checked against the stored ones)
and a poster code, and once through the JSON API the tablets' offline queue uses;
beside a floor measured in the same run: a bare Flask app on waitress whose
handler appends a JSON line and fsyncs.

    python benchmarks/submit.py [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
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

from survey import create_app  # noqa: E402
from survey.services.demo import load_demo  # noqa: E402
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
    from survey.services.fieldwork.sessions import COLLECTION, Session

    records = create_app({"DATA_DIR": str(data_dir)}).extensions["survey"].records
    for i in range(count):
        session = Session(id=f"s2026{i:04d}-bench", campaign=CAMPAIGN, place=f"Marché {i}", day="2026-11-21")
        records.put(COLLECTION, session.to_record())
    return session.id


def server_cpu_s(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read())
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", f"/c/{CAMPAIGN}/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


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
        result = measure(
            lambda port: [
                sys.executable,
                "-m",
                "survey",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data",
                str(data),
            ],
            per_client,
            extra,
            api,
        )
        stored = [
            a for p in (data / "answers" / CAMPAIGN).glob("*.json") for a in json.loads(p.read_text())[TABLE].values()
        ]
        result["stored_ok"] = len(stored) == preloaded + result["n"] - len(result["errors"])
        if extra:  # the session and poster were kept, not dropped as unknown
            result["stored_ok"] &= sum(
                a["session"] == extra["session"] and a["poster"] == "A-q1" for a in stored
            ) == result["n"] - len(result["errors"])
        return result


def run_floor(per_client: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return measure(
            lambda port: [sys.executable, "-c", FLOOR_APP, str(port), str(Path(tmp) / "answers.jsonl")], per_client
        )


def measure(command, per_client: int, extra: dict | None = None, api: bool = False) -> dict:
    """Start the server ``command(port)`` makes, load it, and read its CPU time and peak memory."""
    port = free_port()
    server = subprocess.Popen(command(port), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_ready(port, server)
        cpu = server_cpu_s(server.pid)
        result = load(port, per_client, extra, api)
        result["cpu_ms"] = (server_cpu_s(server.pid) - cpu) * 1000 / max(result["n"], 1)
        result["rss"] = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer requests, no report written")
    args = parser.parse_args()
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
