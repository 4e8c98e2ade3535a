"""Reading on the shared instance at 1 000, 100 000 and 1 000 000 answers (PostgreSQL, issue 15).

Run: python benchmarks/postgres_read.py [--sizes 1000,100000,1000000] [--database URL]
                                        [--keep DIR] [--tinydb /tmp/scale-keep] [--runs 5] [--no-write]

For each size, one campaign of ``besoins-numeriques-habitants`` (the answers of
``benchmarks/scale.py``, same seed: the same answers) is put in a database of its own: the
campaign, sessions and tags through the services, the answers by ``COPY`` (with the part
each belongs to, as ``PostgresAnswerStore.add`` gives it). PostgreSQL is started in a
temporary folder as the tests do (``survey.local_postgres``, fsync off: the data are thrown
away; ``--keep DIR`` keeps it and the filled databases in DIR for the next run), or
``--database URL`` names a server (a database per size is created there). Then a
real ``survey serve --database`` is started, a coordinator signs in through the login page and
each page is timed warm over HTTP (median of ``--runs``), with the server's peak memory:
the coordinator home, the dashboard (its first showing after the fill, which makes and keeps
every part's summary; after a restart, from the kept summaries; then warm), the tags and the
field sessions with their counts, the answers list page 1 and 100, a search of a common and
of a rare word, one answer, the CSV export.

Floors measured in the same run on the same rows: a bare ``SELECT … count(*) … GROUP BY``
(the channels, as the dashboard counts them) and ``COPY (SELECT body …) TO STDOUT`` for the
export. With ``--tinydb DIR`` (a ``benchmarks/scale.py --keep DIR`` folder: ``DIR/<size>/data``)
the same pages are timed on the laptop's storage, on a hard-linked copy, in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import psycopg  # noqa: E402
import scale  # noqa: E402
from report import write_section  # noqa: E402

from survey import local_postgres  # noqa: E402
from survey.config import build  # noqa: E402
from survey.services import Services  # noqa: E402
from survey.services.accounts import create_coordinator  # noqa: E402
from survey.storage.postgres import migrations  # noqa: E402
from survey.storage.postgres.answers import PART_ROWS  # noqa: E402
from survey.storage.postgres.values import jsonb  # noqa: E402

TITLE = "Reading on PostgreSQL at scale (issue 15)"
# (key, label, target at 1 000 000 in seconds or None)
PAGES = (
    ("home", "coordinator home (`/coordination/`)", None),
    ("dashboard_first", "dashboard, first showing after the fill (makes every part's summary)", None),
    ("dashboard_restart", "dashboard, first showing after a restart (kept summaries)", None),
    ("dashboard", "dashboard (`…/resultats`), warm", 0.5),
    ("floor_group_by", "floor: bare `SELECT channel, count(*) … GROUP BY`", None),
    ("tags", "tags and their counts (`…/etiquettes`)", 0.5),
    ("sessions", "field sessions and their counts (`…/terrain`)", 0.5),
    ("page1", "answers, page 1", None),
    ("page100", "answers, page 100", None),
    ("search_common", f"search, a common word (« {scale.COMMON_WORD} »)", 0.3),
    ("search_rare", f"search, a rare word (« {scale.RARE_WORD} »)", 0.3),
    ("answer", "one answer", None),
    ("csv", "CSV export of the campaign", 20.0),
    ("floor_copy", "floor: `COPY (SELECT body …) TO STDOUT`", None),
)
MEMORY_TARGET = 200  # MB, the server's peak during the CSV export at 1 000 000


@dataclass
class Figure:
    seconds: float
    peak_mb: float = float("nan")
    note: str = ""


class Cluster:
    """A PostgreSQL of its own in a temporary folder (``keep/postgres`` with ``--keep``: kept
    for the next run), or the server of ``--database``."""

    def __init__(self, url: str | None, keep: Path | None) -> None:
        self.folder: Path | None = None
        self.local = None
        self.kept = keep is not None
        if url:
            self.base = url
            return
        self.folder = keep / "postgres" if keep is not None else Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.local = local_postgres.LocalPostgres(self.folder, throwaway=True)
        self.local.create()
        self.local.start()
        self.base = self.local.url("postgres")

    def database(self, name: str, fresh: bool) -> str:
        with psycopg.connect(self.base, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if fresh and exists:
                conn.execute(f"DROP DATABASE {name}".encode())
            if fresh or not exists:
                conn.execute(f"CREATE DATABASE {name}".encode())
        info = psycopg.conninfo.conninfo_to_dict(self.base)
        info["dbname"] = name
        return psycopg.conninfo.make_conninfo(**info)

    def stop(self) -> None:
        if self.local is not None:
            self.local.stop("fast" if self.kept else "immediate")
        if self.folder is not None and not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)


def fill(data_dir: Path, url: str, n: int, seed: int) -> scale.Built:
    """The campaign's records through the services (on the database), its answers by COPY."""
    began = time.perf_counter()
    svc = Services.open(build({"DATA_DIR": str(data_dir), "DATABASE_URL": url}))
    try:
        campaign, questionnaire, sessions = scale._records(svc, scale.CAMPAIGN, seed)
        create_coordinator(svc, *scale.COORDINATOR)
    finally:
        svc.answers.pool.close()  # type: ignore[attr-defined]  # the PostgreSQL store's pool
    maker = scale._Maker(campaign, questionnaire, n, seed, sessions)
    counts: dict[str, int] = {}
    ids: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        # The indexes made again after the COPY: a GIN index grown row by row costs many times more.
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'answers'"
            " AND indexname NOT IN ('answers_pkey', 'answers_once')"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}".encode())
        with conn.transaction():
            with conn.cursor().copy("COPY answers (campaign, id, fingerprint, body, part) FROM STDIN") as copy:
                for i in range(n):
                    answer = maker.answer(i)
                    copy.write_row((scale.CAMPAIGN, answer["id"], answer["fingerprint"], jsonb(answer), i // PART_ROWS))
                    counts["hidden"] = counts.get("hidden", 0) + bool(answer.get("hidden"))
                    counts["rare word"] = counts.get("rare word", 0) + (
                        not answer.get("hidden")
                        and any(scale.RARE_WORD in str(v).lower() for v in answer["answers"].values())
                    )
                    if i in (0, n // 2, n - 1):
                        ids.append(answer["id"])
            # The kept counts set to the rows there (the trigger of migration 0008 counts a COPY
            # itself, older schemas did not).
            conn.execute("DELETE FROM answer_campaigns WHERE campaign = %s", (scale.CAMPAIGN,))
            conn.execute(
                "INSERT INTO answer_campaigns (campaign, total, added) VALUES (%s, %s, %s)", (scale.CAMPAIGN, n, n)
            )
        conn.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            conn.execute(definition.encode())
        conn.execute("VACUUM ANALYZE answers")
    return scale.Built(
        scale.CAMPAIGN, scale.QUESTIONNAIRE, n, seed, ids, sessions, counts=counts, seconds=time.perf_counter() - began
    )


class PgServer(scale.Server):
    """``survey serve --database URL`` (one process, waitress), as ``scale.Server``."""

    def __init__(self, data_dir: Path, log: Path, url: str) -> None:
        super().__init__(data_dir, log)
        self.url = url

    def start(self) -> tuple[float, float]:
        import os

        os.environ["SURVEY_DATABASE_URL"] = self.url
        try:
            return super().start()
        finally:
            del os.environ["SURVEY_DATABASE_URL"]


def timed(server: scale.Server, runs: int, action) -> Figure:
    figure = scale.timed(server, runs, action)
    return Figure(figure.seconds, figure.peak_mb)


def once(server: scale.Server, action) -> Figure:
    """One call, timed, with the server's peak memory during it."""
    scale.reset_peak(server.pid)
    began = time.perf_counter()
    status, data = action()
    took = time.perf_counter() - began
    if status != 200:
        raise RuntimeError(f"got {status}: {data[:300]!r}")
    return Figure(took, scale.memory_mb(server.pid, "VmHWM"))


def export_figure(server: scale.Server, browser: scale.Browser, url: str, runs: int) -> Figure:
    """The CSV export streamed to nowhere: seconds (median) and the server's peak memory."""
    times, peaks, size = [], [], 0
    for _ in range(runs):
        scale.reset_peak(server.pid)
        began = time.perf_counter()
        status, data = browser.get(url, "text/csv")
        times.append(time.perf_counter() - began)
        peaks.append(scale.memory_mb(server.pid, "VmHWM"))
        if status != 200:
            raise RuntimeError(f"export: {status}")
        size = len(data)
    return Figure(statistics.median(times), max(peaks), f"{size / 1e6:.0f} MB")


def pages_of(built: scale.Built) -> dict[str, str]:
    base = f"/coordination/campagnes/{built.campaign}"
    return {
        "home": "/coordination/",
        "dashboard": f"{base}/resultats",
        "tags": f"{base}/etiquettes",
        "sessions": f"{base}/terrain",
        "page1": f"{base}/reponses",
        "page100": f"{base}/reponses?page=100",
        "search_common": f"{base}/reponses?q={built.common_word}",
        "search_rare": f"{base}/reponses?q={built.rare_word}",
        "answer": f"{base}/reponses/{built.middle_answer}",
        "csv": f"{base}/export.csv",
    }


def floors(url: str, runs: int) -> dict[str, Figure]:
    """The database alone, on the same rows: a GROUP BY count and a COPY of every body."""
    found: dict[str, Figure] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        group_by = (
            "SELECT body->>'channel', count(*) FROM answers WHERE campaign = %s GROUP BY 1"  # what the channels show
        )
        times = []
        for _ in range(runs + 1):
            began = time.perf_counter()
            conn.execute(group_by, (scale.CAMPAIGN,)).fetchall()
            times.append(time.perf_counter() - began)
        found["floor_group_by"] = Figure(statistics.median(times[1:]))
        times = []
        for _ in range(max(1, runs // 2)):
            began = time.perf_counter()
            size = 0
            query = "COPY (SELECT body FROM answers WHERE campaign = {} ORDER BY received) TO STDOUT"
            with conn.cursor().copy(psycopg.sql.SQL(query).format(scale.CAMPAIGN)) as copy:
                for block in copy:
                    size += len(block)
            times.append(time.perf_counter() - began)
        found["floor_copy"] = Figure(statistics.median(times), note=f"{size / 1e6:.0f} MB")
    return found


def measure(server: scale.Server, built: scale.Built, runs: int, restart=None) -> dict[str, Figure]:
    """Every page against a started server (``restart``: stop and start it, for the kept summaries)."""
    figures: dict[str, Figure] = {}
    browser = scale.sign_in(server.port)
    pages = pages_of(built)
    figures["dashboard_first"] = once(server, lambda: browser.get(pages["dashboard"]))
    if restart is not None:
        restart()
        browser = scale.sign_in(server.port)
        figures["dashboard_restart"] = once(server, lambda: browser.get(pages["dashboard"]))
    visible = built.n - built.counts.get("hidden", 0)
    scale.check_count(browser.get(pages["dashboard"])[1], "réponses? comptées?", visible, "the dashboard")
    rare = browser.get(pages["search_rare"])[1]
    note = scale.check_count(rare, "réponses? trouvées?", built.counts.get("rare word", 0), "search")
    for key, url in pages.items():
        if key == "csv":
            figures[key] = export_figure(server, browser, url, max(1, runs // 2))
        else:
            figures[key] = timed(server, runs, lambda url=url: browser.get(url))
        if key == "search_rare":
            figures[key].note = note
        print(f"  {key:18s} {figures[key].seconds * 1000:10.1f} ms  peak {figures[key].peak_mb:6.0f} MB", flush=True)
    return figures


def prepared(cluster: Cluster, n: int, seed: int, place: Path) -> tuple[str, Path, scale.Built]:
    """The database and data folder of one size: filled, or reused from ``--keep`` (its kept
    summaries emptied, so that the first dashboard is a first again)."""
    data_dir, marker = place / f"pg-{n}", place / f"pg-{n}" / "built.json"
    if cluster.kept and marker.exists():
        built = scale.Built(**json.loads(marker.read_text(encoding="utf-8")))
        if built.n == n and built.seed == seed:
            url = cluster.database(f"bench_read_{n}", fresh=False)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE answer_summaries")
            print(f"{scale.spaced(n)} answers: reusing the kept database", flush=True)
            return url, data_dir, built
    url = cluster.database(f"bench_read_{n}", fresh=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    print(f"{scale.spaced(n)} answers: filling PostgreSQL", flush=True)
    migrations.upgrade_url(url)  # the schema first (the server would make it too), then the fill
    built = fill(data_dir, url, n, seed)
    marker.write_text(json.dumps(asdict(built), ensure_ascii=False), encoding="utf-8")
    print(f"  filled in {built.seconds:.1f} s", flush=True)
    return url, data_dir, built


def measure_postgres(
    cluster: Cluster, n: int, seed: int, runs: int, work: Path, place: Path
) -> tuple[scale.Built, dict]:
    url, data_dir, built = prepared(cluster, n, seed, place)
    server = PgServer(data_dir, work / f"serve-pg-{n}.log", url)
    server.start()

    def restart() -> None:
        server.stop()
        server.start()

    try:
        figures = measure(server, built, runs, restart)
    finally:
        server.stop()
    figures.update(floors(url, runs))
    for key in ("floor_group_by", "floor_copy"):
        print(f"  {key:18s} {figures[key].seconds * 1000:10.1f} ms", flush=True)
    return built, figures


def measure_tinydb(folder: Path, n: int, runs: int, work: Path) -> dict | None:
    source = folder / str(n)
    marker = source / scale.MARKER
    if not marker.exists():
        print(f"  no TinyDB campaign of {scale.spaced(n)} in {folder}", flush=True)
        return None
    built = scale.Built(**json.loads(marker.read_text(encoding="utf-8")))
    copy = work / f"tinydb-{n}"
    scale.linked_copy(source / "data", copy)
    server = scale.Server(copy, work / f"serve-tinydb-{n}.log")
    print(f"{scale.spaced(n)} answers: TinyDB", flush=True)
    server.start()
    try:
        return measure(server, built, runs)
    finally:
        server.stop()
        shutil.rmtree(copy, ignore_errors=True)


def cell(figure: Figure | None, reference: Figure | None = None) -> str:
    if figure is None:
        return "—"
    text = scale.duration(figure.seconds)
    if reference is not None and reference.seconds:
        text += f" ({figure.seconds / reference.seconds:.1f}×)"
    return text


def report(sizes, results, tiny, built, runs, conditions: str) -> str:
    head = (
        "| page | " + " | ".join(f"{scale.spaced(n)}: PostgreSQL | TinyDB" for n in sizes) + " | target at 1 000 000 |"
    )
    lines = [head, "|---|" + "---:|---:|" * len(sizes) + "---|"]
    checks = []
    floor_of = {"dashboard": "floor_group_by", "csv": "floor_copy"}
    for key, label, target in PAGES:
        cells = []
        for n in sizes:
            figure = results[n].get(key)
            reference = results[n].get(floor_of.get(key, ""))
            cells.append(cell(figure, reference))
            cells.append(cell((tiny.get(n) or {}).get(key)))
        goal = "≤ " + scale.duration(target) if target else "—"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")
        if target and 1_000_000 in results and key in results[1_000_000]:
            got = results[1_000_000][key].seconds
            checks.append((f"{label} ≤ {scale.duration(target)}", got <= target, scale.duration(got)))
    memory = ["| server peak memory | " + " | ".join(f"{scale.spaced(n)}: PostgreSQL | TinyDB" for n in sizes) + " |"]
    memory.append("|---|" + "---:|---:|" * len(sizes))
    for key in ("dashboard_first", "dashboard", "search_common", "csv"):
        label = next(text for k, text, _ in PAGES if k == key)
        cells = []
        for n in sizes:
            cells.append(f"{results[n][key].peak_mb:.0f} MB")
            found = (tiny.get(n) or {}).get(key)
            cells.append(f"{found.peak_mb:.0f} MB" if found else "—")
        memory.append(f"| {label} | " + " | ".join(cells) + " |")
    if 1_000_000 in results:
        peak = results[1_000_000]["csv"].peak_mb
        checks.append((f"CSV export: memory ≤ {MEMORY_TARGET} MB", peak <= MEMORY_TARGET, f"{peak:.0f} MB"))
    fills = ", ".join(f"{scale.spaced(n)} in {built[n].seconds:.1f} s" for n in sizes)
    body = (
        f"`python benchmarks/postgres_read.py --sizes {','.join(str(n) for n in sizes)}` — the answers of "
        f"`benchmarks/scale.py` (same seed) in one campaign per size, put in PostgreSQL by `COPY` "
        f"(filled: {fills}); {conditions}. A real `survey serve --database` (waitress, one process), a "
        f"coordinator signed in through the login page, one keep-alive connection on loopback; each page "
        f"warm, median of {runs} (the export: of {max(1, runs // 2)}). In brackets: the ratio to the "
        "floor measured on the same rows in this run (the dashboard to a bare `GROUP BY` count, the "
        "export to `COPY … TO STDOUT`). TinyDB: the same pages on the `benchmarks/scale.py --keep` "
        "campaign of that size, in the same run.\n\n" + "\n".join(lines) + "\n\n" + "\n".join(memory)
    )
    notes = [f"{results[n]['search_rare'].note} at {scale.spaced(n)}" for n in sizes if results[n]["search_rare"].note]
    if notes:
        body += "\n\nAnswers the rare word's search page counts: " + "; ".join(notes) + "."
    exports = [f"{results[n]['csv'].note} at {scale.spaced(n)}" for n in sizes if results[n]["csv"].note]
    body += "\n\nCSV size: " + "; ".join(exports) + "."
    if checks:
        body += "\n\n| target at 1 000 000 answers | met | measured |\n|---|---|---|\n" + "\n".join(
            f"| {name} | {'yes' if ok else '**no**'} | {figure} |" for name, ok, figure in checks
        )
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="answers in the campaign, comma-separated")
    parser.add_argument("--database", help="a PostgreSQL server's URL (else one is started in a temporary folder)")
    parser.add_argument(
        "--keep", type=Path, help="keep the cluster and the filled databases here, reuse them next time"
    )
    parser.add_argument("--tinydb", type=Path, help="a benchmarks/scale.py --keep folder: the same pages on TinyDB")
    parser.add_argument("--runs", type=int, default=5, help="timed calls per page (median)")
    parser.add_argument("--seed", type=int, default=scale.SEED)
    parser.add_argument("--note", default="", help="said with the figures (e.g. « machine shared with … »)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/BENCHMARKS.md")
    args = parser.parse_args()
    sizes = sorted({int(s.replace("_", "").replace(" ", "")) for s in args.sizes.split(",")})
    work = Path(tempfile.mkdtemp(prefix="bench-pg-read-"))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(args.database, args.keep)
    place = args.keep or work
    results: dict[int, dict] = {}
    tiny: dict[int, dict | None] = {}
    built: dict[int, scale.Built] = {}
    try:
        for n in sizes:
            built[n], results[n] = measure_postgres(cluster, n, args.seed, args.runs, work, place)
            if args.tinydb:
                tiny[n] = measure_tinydb(args.tinydb, n, args.runs, work)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    where = "PostgreSQL at " + ("the given URL" if args.database else "a throw-away cluster (fsync off)")
    body = report(sizes, results, tiny, built, args.runs, where + (f"; {args.note}" if args.note else ""))
    print(body)
    if not args.no_write:
        write_section(TITLE, body)


if __name__ == "__main__":
    main()
