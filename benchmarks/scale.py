"""Pages at 1 000, 100 000 and 1 000 000 answers: what a coordinator waits for as a campaign grows.

Run: python benchmarks/scale.py [--sizes 1000,100000,1000000] [--keep DIR] [--runs 5]

For each size, one campaign of ``besoins-numeriques-habitants`` is built in the stored format
(``build_campaign``: chunk files written directly, as ``ChunkedAnswerStore`` writes them, with
the campaign, its field sessions and tags made through the services). Then a real
``survey serve`` is started on it (start-up: process start to the first 200, and its memory),
a coordinator signs in through the login page, and every page of issue 14 is timed warm
(median of ``--runs``) over HTTP on loopback, with the server's peak memory during the page
(``VmHWM``, reset before each page through ``/proc/<pid>/clear_refs``). The table gives each
page's time at each size and its ratio to the same page at 1 000 answers, measured in the
same run; the figures are written into docs/BENCHMARKS.md.

``--keep DIR`` keeps the built data folders in DIR (one per size) and reuses them on the next
run: building 1 000 000 answers takes minutes, measuring the pages again should not.
``build_campaign(data_dir, campaign_id, n, seed=...)`` is importable (benchmarks/submit.py uses it).
"""

from __future__ import annotations

import argparse
import calendar
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from random import Random
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from report import write_section  # noqa: E402

from survey.config import DEFAULTS, build  # noqa: E402
from survey.model.answer_record import new_answer  # noqa: E402
from survey.model.campaign import CHANNELS, Campaign  # noqa: E402
from survey.model.fieldwork import Session  # noqa: E402
from survey.model.questionnaire import OTHER_VALUE  # noqa: E402
from survey.model.respondent import AGE_BANDS  # noqa: E402
from survey.services import Services  # noqa: E402
from survey.services.accounts import create_coordinator  # noqa: E402
from survey.services.reading import PER_PAGE  # noqa: E402
from survey.services.snapshots import remember_version  # noqa: E402
from survey.services.tags import add_tag  # noqa: E402
from survey.storage.answers import TABLE, fingerprint  # noqa: E402
from survey.storage.atomic import dumps  # noqa: E402

QUESTIONNAIRE = "besoins-numeriques-habitants"  # every closed type, « autre » texts and a long text
CAMPAIGN = "grande-campagne"
SEED = 14
SESSIONS = 40  # field sessions of the campaign: about a year of outings
TAGS = ("démarches CAF", "besoin d'atelier", "isolement", "matériel", "à rappeler", "hors sujet")
COLLECTORS = ("Inès", "Yanis", "Awa", "Bruno", "Chloé", "Mehdi", "Lucie", "Karim", "Sofia", "Paul", "Nadia", "Théo")
FIRST_NAMES = ("Fatou", "Jean", "Mireille", "Ali", "Rose", "Gérard", "Leïla", "Marc")
QUARTIERS = ("Tunnel", "Clos du Roy", "Centre", "Colombier")
COMMON_WORD = "caf"  # in about a third of the free texts
RARE_WORD = "trottinette"  # in one answer of every RARE_EVERY
RARE_EVERY = 5_000
WORDS = (
    "je voudrais apprendre à faire mes démarches en ligne mais le téléphone est trop petit pour moi "
    "et mes enfants n'ont pas le temps de m'aider avec les mots de passe ameli impôts pôle emploi "
    "la mairie le centre social un atelier le samedi matin près de chez moi une imprimante "
    "ordinateur internet tablette courriel dossier rendez-vous retraite logement école collège "
    "cantine inscription papiers scanner photo compte banque médecin ordonnance voisine quartier "
    "gratuit payant aide accompagnement formation bénévole patience difficile compliqué facile"
).split()
# An answer's channel, and its share of the campaign (sums to 1000 per thousand).
CHANNEL_SHARES = (
    ("qr", 400),
    ("porte-a-porte", 250),
    ("tablette", 200),
    ("papier", 80),
    ("post-it", 65),
    ("porteur-de-parole", 5),
)
MARKER = "scale-campaign.json"  # beside answers/ and records/: what was built, for --keep


@dataclass
class Built:
    """What ``build_campaign`` made: enough for a benchmark to find its way in the campaign."""

    campaign: str
    questionnaire: str
    n: int
    seed: int
    answer_ids: list[str]  # the first, the middle and the last answer stored
    sessions: list[str]
    common_word: str = COMMON_WORD
    rare_word: str = RARE_WORD
    counts: dict = field(default_factory=dict)  # answers per channel; hidden, tagged; quote cards to print
    seconds: float = 0.0

    @property
    def middle_answer(self) -> str:
        return self.answer_ids[len(self.answer_ids) // 2]


def _text(rng: Random, i: int, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    if rng.random() < 0.35:
        chosen.insert(rng.randrange(len(chosen) + 1), "CAF")
    if i % RARE_EVERY == 17:
        chosen.insert(rng.randrange(len(chosen) + 1), RARE_WORD)
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


class _Maker:
    """Realistic answers of the questionnaire, one per index, in stored order (oldest first)."""

    def __init__(self, campaign: Campaign, questionnaire, n: int, seed: int, sessions: list[str]):
        self.campaign, self.questionnaire, self.n = campaign, questionnaire, n
        self.rng = Random(seed)
        self.sessions = sessions
        self.channels = [name for name, share in CHANNEL_SHARES for _ in range(share)]
        self.closed = [q for q in questionnaire.answerable if q.is_choice or q.is_yes_no or q.is_scale or q.is_number]
        self.options = {q.id: [c.value for c in q.options] for q in self.closed if q.is_choice or q.is_yes_no}
        self.text_question = next(q.id for q in questionnaire.answerable if q.type == "long_text")
        self.start = calendar.timegm((2025, 12, 1, 9, 0, 0))
        self.step = 365 * 86400 / max(n, 1)  # a year of answers, whatever their number

    def stamp(self, seconds: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))

    def closed_answers(self, rng: Random) -> dict:
        answers: dict = {}
        for q in self.closed:
            if rng.random() < 0.1 or not q.is_shown(answers):
                continue
            if q.is_scale:
                answers[q.id] = rng.randint(1, len(q.options))
            elif q.is_number:
                answers[q.id] = rng.randint(0, 12)
            elif q.is_multiple:
                values = list(dict.fromkeys(rng.choices(self.options[q.id], k=rng.randint(1, 3))))
                alone = [v for v in values if v in q.exclusive_values]
                answers[q.id] = alone[:1] or values
            else:
                answers[q.id] = rng.choice(self.options[q.id])
            chosen = answers[q.id]
            if q.other and (chosen == OTHER_VALUE or (isinstance(chosen, list) and OTHER_VALUE in chosen)):
                answers[f"{q.id}__autre"] = " ".join(rng.choices(WORDS, k=rng.randint(2, 6)))
        return answers

    def answer(self, i: int) -> dict:
        rng = self.rng
        channel = self.channels[rng.randrange(len(self.channels))]
        submitted = self.start + i * self.step
        extra: dict = {}
        session = poster = None
        collector = "" if channel == "qr" else rng.choice(COLLECTORS)
        if channel == "porteur-de-parole":
            answers = {self.text_question: _text(rng, i, rng.randint(8, 40))}
            session = rng.choice(self.sessions)
            extra = {
                "consent_display": rng.random() < 0.6,
                "consent_report": rng.random() < 0.7,
                "first_name": rng.choice(FIRST_NAMES) if rng.random() < 0.4 else None,
                "age_band": rng.choice(AGE_BANDS) if rng.random() < 0.5 else None,
                "quartier": rng.choice(QUARTIERS) if rng.random() < 0.5 else None,
            }
        elif channel == "post-it":
            answers = {self.text_question: _text(rng, i, rng.randint(3, 14))}
            session = rng.choice(self.sessions) if rng.random() < 0.7 else None
        else:
            answers = self.closed_answers(rng)
            if rng.random() < 0.55 or i % RARE_EVERY == 17:
                answers[self.text_question] = _text(rng, i, rng.randint(5, 60))
            if channel == "qr" and rng.random() < 0.3:
                poster = rng.choice(("A-equipement", "A-autre", "P-grande-v1"))
        record = new_answer(
            self.campaign,
            self.questionnaire,
            answer_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            answers=answers,
            channel=channel,
            collector=collector,
            session=session,
            poster=poster,
            started_at=self.stamp(submitted - rng.randint(40, 900)),
            submitted_at=self.stamp(submitted),
            **extra,
        )
        # What coordinators did afterwards (tags, hiding, quotes, the wall): not in the fingerprint.
        if rng.random() < 0.04:
            record["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 2)))
        if rng.random() < 0.02:
            record["hidden"] = True
        if self.text_question in answers and rng.random() < 0.005:
            record["quotes"] = [self.text_question]
        if channel == "porteur-de-parole" and rng.random() < 0.05:
            record["wall_hidden"] = True
        record["fingerprint"] = fingerprint(record)
        return record


def open_services(data_dir: Path) -> Services:
    """The services on a data folder, as the app opens them (no web app needed to build data)."""
    return Services.open(build({"DATA_DIR": str(data_dir)}))


def _write_chunk(path: Path, docs: dict) -> None:
    """One chunk as the store writes it (same bytes as ``AtomicJSONStorage``, mode 600), no fsync:
    a benchmark's data need not survive a power cut, and a million fsyncs take an hour."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(dumps({TABLE: docs}))


def _records(svc, campaign_id: str, seed: int) -> tuple[Campaign, object, list[str]]:
    """The campaign, its field sessions and tags, through the services, as the app makes them."""
    questionnaire = svc.library.get(QUESTIONNAIRE)
    campaign = Campaign(
        id=campaign_id,
        title="Grande campagne : vos besoins numériques",
        questionnaire=QUESTIONNAIRE,
        quartier="Quartier du Tunnel, Vierzon",
        structure="AJCV",
        channels=list(CHANNELS),
        description="Campagne de mesure (benchmarks/scale.py).",
    )
    svc.campaigns.save(campaign)
    remember_version(svc, questionnaire)
    rng = Random(seed + 1)
    sessions = []
    for k in range(SESSIONS):
        day = time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm((2025, 12, 1, 12, 0, 0)) + k * 9 * 86400))
        session = Session(
            id=f"s{day.replace('-', '')}-{k:04x}",
            campaign=campaign_id,
            place=f"Marché {rng.choice(QUARTIERS)}",
            day=day,
            starts="09:30",
            ends="12:00",
            team=[{"pseudonym": rng.choice(COLLECTORS), "role": "scribe"}],
            questions=["autre"],
            stopped=rng.randint(5, 40),
        )
        svc.sessions.save(session)
        sessions.append(session.id)
    for tag in TAGS:
        add_tag(svc, campaign_id, tag)
    return campaign, questionnaire, sessions


def build_campaign(
    data_dir: Path | str,
    campaign_id: str = CAMPAIGN,
    n: int = 1000,
    seed: int = SEED,
    progress: Callable[[int, int], None] | None = None,
) -> Built:
    """A campaign of ``n`` answers in ``data_dir``, in the stored format, in one process.

    The campaign record, its sessions and tags go through the services; the answers are written
    straight into chunk files of ``ANSWER_CHUNK_SIZE`` answers (TinyDB JSON, doc ids from 1,
    each answer with its fingerprint), then the folder's ``.lock``. The same seed gives the
    same answers. Refuses a campaign that already has answers."""
    began = time.perf_counter()
    data_dir = Path(data_dir)
    svc = open_services(data_dir)
    folder = data_dir / "answers" / campaign_id
    if folder.is_dir() and any(folder.glob("*.json")):
        raise FileExistsError(f"{folder} holds answers already")
    campaign, questionnaire, sessions = _records(svc, campaign_id, seed)
    folder.mkdir(parents=True, exist_ok=True)
    maker = _Maker(campaign, questionnaire, n, seed, sessions)
    size = DEFAULTS["ANSWER_CHUNK_SIZE"]
    ids: list[str] = []
    counts: dict[str, int] = {}
    for start in range(0, n, size):
        docs = {}
        for k in range(min(size, n - start)):
            answer = maker.answer(start + k)
            docs[str(k + 1)] = answer
            counts[answer["channel"]] = counts.get(answer["channel"], 0) + 1
            counts["hidden"] = counts.get("hidden", 0) + answer["hidden"]
            counts["tagged"] = counts.get("tagged", 0) + bool(answer["tags"])
            counts["quote cards"] = counts.get("quote cards", 0) + bool(
                answer.get("consent_display")
                and answer.get("consent_report")
                and not answer["hidden"]
                and not answer.get("wall_hidden")
            )
            counts["rare word"] = counts.get("rare word", 0) + (
                not answer["hidden"] and any(RARE_WORD in str(v).lower() for v in answer["answers"].values())
            )
            if start + k in (0, n // 2, n - 1):
                ids.append(answer["id"])
        _write_chunk(folder / f"{start // size + 1:06d}.json", docs)
        if progress:
            progress(min(start + size, n), n)
    (folder / ".lock").touch(mode=0o600)
    return Built(campaign_id, QUESTIONNAIRE, n, seed, ids, sessions, counts=counts, seconds=time.perf_counter() - began)


# -- measuring over HTTP -----------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int, key: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of a process, in MB."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: int) -> None:
    """Start counting the peak memory again (Linux: writing 5 to clear_refs resets VmHWM)."""
    with open(f"/proc/{pid}/clear_refs", "w") as handle:
        handle.write("5")


class Browser:
    """One keep-alive connection with a cookie jar: a coordinator's browser, minus the rendering."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method: str, path: str, form: dict | None = None, accept: str = "text/html"):
        headers = {"Accept": accept}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed the kept-alive connection
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, data, response

    def get(self, path: str, accept: str = "text/html") -> tuple[int, bytes]:
        status, data, _ = self.request("GET", path, accept=accept)
        return status, data

    def post_then_follow(self, path: str, form: dict, accept: str = "text/html") -> tuple[int, bytes]:
        """A form sent, then the page it redirects to (what the person waits for)."""
        status, data, response = self.request("POST", path, form, accept)
        if status in (302, 303):
            location = urllib.parse.urlsplit(response.getheader("Location"))
            return self.get(location.path + (f"?{location.query}" if location.query else ""))
        return status, data


def csrf_token(page: bytes) -> str:
    """The form's CSRF token, whatever the order of the input's attributes."""
    for tag in re.findall(rb"<input[^>]*>", page):
        if b'name="csrf_token"' in tag:
            found = re.search(rb'value="([^"]+)"', tag)
            return found.group(1).decode() if found else ""
    return ""


class Server:
    """``survey serve`` in its own process, on loopback; output to a log file."""

    def __init__(self, data_dir: Path, log: Path):
        self.data_dir, self.log = data_dir, log
        self.process: subprocess.Popen | None = None

    def start(self) -> tuple[float, float]:
        """Start and wait for the first 200; (seconds from process start, RSS then in MB)."""
        self.port = free_port()
        command = [sys.executable, "-m", "survey", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        began = time.perf_counter()
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [*command, "--data", str(self.data_dir)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("survey serve stopped:\n" + self.log.read_text()[-3000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                status = conn.getresponse().status
                if status == 200:
                    took = time.perf_counter() - began
                    conn.close()
                    return took, memory_mb(self.process.pid, "VmRSS")
                raise RuntimeError(f"survey serve answered {status}:\n" + self.log.read_text()[-3000:])
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("survey serve did not answer")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


COORDINATOR = ("mesure", "un-mot-de-passe-de-mesure")


def sign_in(port: int) -> Browser:
    """Through the real login page (CSRF token, session record on the server, cookie)."""
    browser = Browser(port)
    _, page = browser.get("/connexion")
    name, password = COORDINATOR
    status, _ = browser.post_then_follow(
        "/connexion", {"nom": name, "mot_de_passe": password, "csrf_token": csrf_token(page)}
    )
    if status != 200:
        raise RuntimeError(f"sign-in failed: {status}")
    return browser


@dataclass
class Figure:
    seconds: float
    peak_mb: float
    note: str = ""


def timed(server: Server, runs: int, action: Callable[[], tuple[int, bytes]], expect: int = 200) -> Figure:
    """One untimed call (warm), then ``runs`` timed ones: the median, and the peak memory."""
    status, data = action()
    if status != expect:
        raise RuntimeError(f"got {status}, expected {expect}: {data[:300]!r}")
    reset_peak(server.pid)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        status, data = action()
        times.append(time.perf_counter() - began)
        if status != expect:
            raise RuntimeError(f"got {status}, expected {expect}: {data[:300]!r}")
    return Figure(statistics.median(times), memory_mb(server.pid, "VmHWM"))


# (key, label, target at 1 000 000 in seconds or None)
PAGES = (
    ("start", "start-up: process start to the first 200", 2.0),
    ("home", "coordinator home (`/coordination/`)", None),
    ("dashboard", "results dashboard (`…/resultats`)", 0.5),
    ("page1", "answers, page 1", 0.15),
    ("page100", "answers, page 100", 0.15),
    ("search_common", f"search, a common word (« {COMMON_WORD} », about a third of the texts)", 1.0),
    ("search_rare", f"search, a rare word (« {RARE_WORD} », 1 answer in {RARE_EVERY // 1000} 000)", 1.0),
    ("answer", "one answer (the middle of the campaign)", 0.02),
    ("wall", "wall refresh (`/mur/…/cartes.json`, what the wall polls)", 0.05),
    ("scribe", "scribe card saved, with the page it returns", 0.05),
    ("postit", "post-it saved without JavaScript, with the page it returns", 0.05),
    ("postit_json", "post-it saved by `postit.js` (JSON)", 0.05),
    ("quotes", "quote cards PDF (`cartes-paroles.pdf`), warm", None),
)
MEMORY_TARGETS = {"start": 150, "quotes": 200}  # MB at 1 000 000


def linked_copy(source: Path, target: Path) -> None:
    """A data folder to measure on, leaving ``source`` as built: answer chunks hard-linked (the
    store replaces a chunk by renaming a new file into place, never writes into one), the
    rest copied. Instant even at 1 000 000 answers."""

    def copy(src: str, dst: str) -> None:
        if Path(src).suffix == ".json" and Path(src).parent.parent.name == "answers":
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


def check_count(page: bytes, words: str, expected: int, what: str) -> str:
    """What the page counts, said beside what was built (a page that shows a wrong figure fast
    is no benchmark); a warning when they differ. ``words`` follow the figure on the page; a
    figure after « Au moins » (a search that stopped early) may be smaller."""
    found = re.search(r"(Au moins )?<strong>([\d\s]+)</strong> " + words, page.decode("utf-8", "replace"))
    shown = int(re.sub(r"\D", "", found.group(2))) if found else None
    at_least = bool(found and found.group(1))
    if shown is None or shown > expected or (shown < expected and not at_least):
        print(f"  WARNING: {what} shows {shown}, {expected} expected", flush=True)
    return f"{'at least ' if at_least else ''}{spaced(shown or 0)} of {spaced(expected)}"


def measure(source: Path, built: Built, runs: int, starts: int, log: Path) -> dict[str, Figure]:
    """Every page of the table against a real server on a copy of ``source`` (saves add answers)."""
    work = Path(tempfile.mkdtemp(prefix="bench-scale-run-"))
    linked_copy(source, work / "data")
    server = Server(work / "data", log)
    figures: dict[str, Figure] = {}
    try:
        began = []
        for k in range(starts):
            if k:
                server.stop()
            began.append(server.start())
        start = sorted(began)[len(began) // 2]
        figures["start"] = Figure(start[0], start[1], "RSS at the first 200")
        browser = sign_in(server.port)
        base = f"/coordination/campagnes/{built.campaign}"
        pages = {
            "home": "/coordination/",
            "dashboard": f"{base}/resultats",
            "page1": f"{base}/reponses",
            "page100": f"{base}/reponses?page=100",
            "search_common": f"{base}/reponses?q={built.common_word}",
            "search_rare": f"{base}/reponses?q={built.rare_word}",
            "answer": f"{base}/reponses/{built.middle_answer}",
            "wall": f"/mur/{built.campaign}/cartes.json",
        }
        visible = built.n - built.counts.get("hidden", 0)
        check_count(browser.get(pages["dashboard"])[1], "réponses? comptées?", visible, "the dashboard")
        notes = {}
        rare_url = pages.pop("search_rare")  # measured below, once the page holds a full page of answers
        for key, url in pages.items():
            accept = "application/json" if key == "wall" else "text/html"
            figures[key] = timed(server, runs, lambda url=url, accept=accept: browser.get(url, accept))
            figures[key].note = notes.get(key, "")
            print(f"  {key:14s} {figures[key].seconds * 1000:9.1f} ms  peak {figures[key].peak_mb:6.0f} MB", flush=True)

        session = built.sessions[-1]
        scribe = f"/terrain/{built.campaign}/sessions/{session}/scribe?question=autre"
        _, page = browser.get(scribe)
        token = csrf_token(page)

        def card() -> tuple[int, bytes]:
            form = {
                "csrf_token": token,
                "answer_id": str(uuid.uuid4()),
                "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "paroles": "Je voudrais qu'on m'explique les démarches CAF sans me presser.",
                "affiche": "oui",
                "compte_rendu": "oui",
                "prenom": "Rose",
            }
            return browser.post_then_follow(scribe, form)

        transcription = f"/terrain/{built.campaign}/transcription?question=autre&session={session}"

        def postit(accept: str, text: str = "Trop de mots de passe") -> Callable[[], tuple[int, bytes]]:
            def send() -> tuple[int, bytes]:
                form = {
                    "csrf_token": token,
                    "answer_id": str(uuid.uuid4()),
                    "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "texte": text,
                }
                return browser.post_then_follow(transcription, form, accept)

            return send

        # Like for like: the rare word's page shows PER_PAGE answers at a million (198 hold the word)
        # and 1 at 1 000. Post-its holding it are saved until every size fills its first page, so the
        # ratio measures finding them, not drawing 20 answers instead of one.
        rare = built.counts.get("rare word", 0)
        for _ in range(max(0, PER_PAGE - rare)):
            assert postit("text/html", f"Une {RARE_WORD} pour aller au marché")()[0] == 200
        notes["search_rare"] = check_count(
            browser.get(rare_url)[1], "réponses? trouvées?", max(rare, PER_PAGE), "search"
        )
        figures["search_rare"] = timed(server, runs, lambda: browser.get(rare_url, "text/html"))
        figures["search_rare"].note = notes["search_rare"]
        print(f"  search_rare    {figures['search_rare'].seconds * 1000:9.1f} ms", flush=True)
        figures["scribe"] = timed(server, runs, card)
        figures["postit"] = timed(server, runs, postit("text/html"))
        figures["postit_json"] = timed(server, runs, postit("application/json"), expect=201)
        # Like for like: the PDF holds the newest QUOTE_CARDS_MAX quotes, and a campaign of 1 000 answers
        # holds 2. Scribe cards (each a quote) are saved until every size holds as many as a PDF prints.
        limit = DEFAULTS["QUOTE_CARDS_MAX"]
        cards = built.counts.get("quote cards", 0) + runs + 1  # the scribe cards saved above, warm-up included
        for _ in range(max(0, limit - cards)):
            card()
        quotes = f"{base}/imprimer/cartes-paroles.pdf"
        figures["quotes"] = timed(server, max(1, runs // 2), lambda: browser.get(quotes, "application/pdf"))
        figures["quotes"].note = f"{limit} cards in the PDF"
        for key in ("scribe", "postit", "postit_json", "quotes"):
            print(f"  {key:14s} {figures[key].seconds * 1000:9.1f} ms  peak {figures[key].peak_mb:6.0f} MB", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return figures


def prepare(folder: Path, n: int, seed: int) -> Built:
    """The data folder of one size: reused when ``--keep`` already built it with this seed."""
    marker = folder / MARKER
    if marker.exists():
        built = Built(**json.loads(marker.read_text(encoding="utf-8")))
        if built.n == n and built.seed == seed:
            print(f"{n:>9,} answers: reusing {folder} (built in {built.seconds:.0f} s)".replace(",", " "), flush=True)
            return built
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 5 or done == total:
            last[0] = time.monotonic()
            print(f"  building: {done:>9,} / {total:,} answers".replace(",", " "), flush=True)

    built = build_campaign(folder / "data", CAMPAIGN, n, seed, progress)
    svc = open_services(folder / "data")
    create_coordinator(svc, *COORDINATOR)
    marker.write_text(json.dumps(asdict(built), ensure_ascii=False), encoding="utf-8")
    size = sum(p.stat().st_size for p in (folder / "data" / "answers" / CAMPAIGN).iterdir())
    print(
        f"{n:>9,} answers built in {built.seconds:.1f} s ({size / 1e6:.0f} MB of chunks)".replace(",", " "), flush=True
    )
    return built


def spaced(n: float) -> str:
    return f"{n:,}".replace(",", " ")


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def report(sizes: list[int], results: dict[int, dict[str, Figure]], built: dict[int, Built], runs: int) -> str:
    head = "| page | " + " | ".join(f"{spaced(n)} answers" for n in sizes) + " | target at 1 000 000 |"
    lines = [head, "|---|" + "---:|" * len(sizes) + "---|"]
    checks = []
    for key, label, target in PAGES:
        cells = []
        for n in sizes:
            figure = results[n][key]
            cell = duration(figure.seconds)
            if 1000 in results and n != 1000:
                ratio = figure.seconds / results[1000][key].seconds
                cell += f" ({ratio:.1f}×)"
                if n == 1_000_000:
                    checks.append((f"{label}: within 3× of 1 000 answers", ratio <= 3, f"{ratio:.1f}×"))
            cells.append(cell)
        goal = "≤ " + duration(target) if target else "—"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")
        if target and 1_000_000 in results:
            got = results[1_000_000][key].seconds
            checks.append((f"{label} ≤ {duration(target)}", got <= target, duration(got)))
    memory = ["| server memory | " + " | ".join(f"{spaced(n)} answers" for n in sizes) + " | target at 1 000 000 |"]
    memory.append("|---|" + "---:|" * len(sizes) + "---|")
    for key, label, _ in PAGES:
        note = {"start": "RSS at the first 200", "quotes": "peak during the PDF"}.get(key, "peak during the page")
        cells = [f"{results[n][key].peak_mb:.0f} MB" for n in sizes]
        goal = f"≤ {MEMORY_TARGETS[key]} MB" if key in MEMORY_TARGETS else "—"
        memory.append(f"| {label}: {note} | " + " | ".join(cells) + f" | {goal} |")
        if key in MEMORY_TARGETS and 1_000_000 in results:
            got = results[1_000_000][key].peak_mb
            checks.append((f"{label}: memory ≤ {MEMORY_TARGETS[key]} MB", got <= MEMORY_TARGETS[key], f"{got:.0f} MB"))
    builds = ", ".join(
        f"{spaced(n)} in {built[n].seconds:.1f} s ({spaced(built[n].counts.get('quote cards', 0))} quote cards)"
        for n in sizes
    )
    body = (
        f"`python benchmarks/scale.py --sizes {','.join(str(n) for n in sizes)}` — one campaign of "
        f"`{QUESTIONNAIRE}` per size, built in the stored format by `build_campaign` (channels "
        + ", ".join(f"{name} {share / 10:g} %" for name, share in CHANNEL_SHARES)
        + "; texts on about half the forms, every post-it and card; 4 % tagged, 2 % hidden; "
        f"{SESSIONS} field sessions). Built: {builds}. A real `survey serve` (waitress, 8 threads) on each, "
        f"a coordinator signed in through the login page, one keep-alive connection on loopback; each "
        f"page warm, median of {runs} (the PDF: of {max(1, runs // 2)}); start-up: median of 3 starts. "
        "In brackets: the ratio to the same page at 1 000 answers in this run. At 1 000 answers "
        "« page 100 » is past the end: the app shows the last page. Building 1 000 000 answers takes about "
        "1.5 min and 740 MB of disk: `--keep DIR` keeps the data and the next run reuses it "
        "(`benchmarks/submit.py --keep DIR` too); the pages are measured on a hard-linked copy, so saves "
        "do not change the kept campaign. The quote cards PDF holds the newest "
        f"{DEFAULTS['QUOTE_CARDS_MAX']} quotes at every size: where the campaign holds fewer (2 at 1 000 "
        "answers), scribe cards, each a quote, are saved through the page before it is measured; likewise "
        f"post-its holding « {RARE_WORD} » are saved where fewer than {PER_PAGE} answers hold it, so that its "
        "search page shows a full page at every size.\n\n"
        + "\n".join(lines)
        + "\n\nServer memory (`VmRSS` at start; otherwise `VmHWM`, reset before each page through "
        "`/proc/<pid>/clear_refs`):\n\n" + "\n".join(memory)
    )
    found = [f"{results[n]['search_rare'].note} at {spaced(n)}" for n in sizes if results[n]["search_rare"].note]
    if found:
        body += (
            f"\n\nAnswers the rare word's search page counts, of the visible answers holding « {RARE_WORD} »: "
            + "; ".join(found)
            + " (« at least »: the page says « Au moins »)."
        )
    if checks:
        body += "\n\n| target at 1 000 000 answers | met | measured |\n|---|---|---|\n" + "\n".join(
            f"| {name} | {'yes' if ok else '**no**'} | {figure} |" for name, ok, figure in checks
        )
    else:
        body += "\n\nThe targets are for 1 000 000 answers, not measured in this run."
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="answers per campaign, comma-separated")
    parser.add_argument("--keep", type=Path, help="keep the built data here and reuse it next time")
    parser.add_argument("--runs", type=int, default=5, help="timed calls per page (median)")
    parser.add_argument("--starts", type=int, default=3, help="server starts (median start-up)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--build-only", action="store_true", help="build (or reuse) the data, measure nothing")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/BENCHMARKS.md")
    args = parser.parse_args()
    sizes = sorted({int(s.replace("_", "").replace(" ", "")) for s in args.sizes.split(",")})
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Figure]] = {}
    built: dict[int, Built] = {}
    try:
        for n in sizes:
            built[n] = prepare(base / str(n), n, args.seed)
            if args.build_only:
                continue
            print(f"{spaced(n)} answers: measuring (runs of {args.runs})", flush=True)
            results[n] = measure(base / str(n) / "data", built[n], args.runs, args.starts, base / f"serve-{n}.log")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.build_only:
        return
    body = report(sizes, results, built, args.runs)
    print(body)
    if not args.no_write:
        write_section("Pages at scale (issue 14)", body)


if __name__ == "__main__":
    main()
