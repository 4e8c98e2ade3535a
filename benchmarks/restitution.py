"""The restitution of a démarche of 100 000 answers: its public page and its static copy, each
beside a floor measured in the same run (issue 17, « Performance »).

Run: python benchmarks/restitution.py [--answers 100000] [--runs 7] [--keep DIR]

Data: two campaigns of ``besoins-numeriques-habitants`` (Tours and Vierzon, half the answers
each) built in the stored format by ``scale.build_campaign``, grouped in a démarche; its
restitution chooses every closed question's chart, ten quotes and both texts, and is
published. Then, in one process, through the app (Flask's test client: no network):

- « page, made »: ``/restitution/<slug>`` when the page is made (the first view after a
  change, then once every ``RESTITUTION_CACHE_SECONDS``): the démarche's figures, every
  chosen chart and quote counted or read again (the answers' counts come from the parts the
  store keeps: only what changed is read again);
- « page, kept »: the same address once the page is kept in memory (what phones get);
- floor: a bare Flask handler that returns the same HTML from memory;
- « static copy »: the copy written to a folder (``survey restitution copie``: the page made,
  then ``index.html`` and ``restitution.css`` written), and its floor, the same bytes written
  to a folder.

Times are medians of ``--runs``. The figures are written into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from demarche_data import median_time, ms, open_demarche, prepare  # noqa: E402
from report import write_section  # noqa: E402

from survey.exports.restitution_site import copy_files, write_folder  # noqa: E402
from survey.services import restitution as restitutions  # noqa: E402

CAMPAIGNS = ("restitution-tours", "restitution-vierzon")
DEMARCHE = "bench-restitution"
PAGE_TARGET = 0.300
COPY_TARGET = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", help="keep (and reuse) the built data folder here")
    parser.add_argument("--no-doc", action="store_true", help="print only, do not write docs/BENCHMARKS.md")
    args = parser.parse_args()

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-restitution-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        data = prepare(folder, CAMPAIGNS, args.answers, seed=17)
        app, svc, demarche = open_demarche(data, CAMPAIGNS, DEMARCHE)
        began = time.perf_counter()
        found = restitutions.gather(svc, [svc.campaigns.get(c) for c in CAMPAIGNS])
        first_count = time.perf_counter() - began  # counts every part once (kept from then on)
        chosen = restitutions.Composition(
            "Ce que vous nous avez dit du numérique",
            [c.key for c in found.charts],
            [q.key for q in found.quotes[:10]],
            "Beaucoup de démarches se font seul, le soir, sur un téléphone.\n\nLes ateliers sont peu connus.",
            "Un atelier « papiers en ligne » ouvre le samedi matin dès avril, à Tours et à Vierzon.",
        )
        saved = restitutions.save(svc, restitutions.for_demarche(svc, demarche), chosen, "bench")
        saved = restitutions.set_published(svc, saved.id, True, "bench")
        total = sum(svc.answers.count(c) for c in CAMPAIGNS)
        client = app.test_client()
        address = f"/restitution/{saved.slug}"
        cache = app.extensions["restitution_pages"]

        def made():
            cache.pages.clear()  # as after a change, or once the kept page is too old
            response = client.get(address)
            assert response.status_code == 200, response.status_code
            return response

        html = made().data
        page_made = median_time(args.runs, made)

        def kept():
            assert client.get(address).status_code == 200

        page_kept = median_time(args.runs * 5, kept)

        from flask import Flask

        bare = Flask("floor")
        bare.add_url_rule("/page", "page", lambda: html)
        bare_client = bare.test_client()
        floor = median_time(args.runs * 5, lambda: bare_client.get("/page"))

        out = folder / "copie"

        def copy():
            page = restitutions.page(svc, saved)
            write_folder(copy_files(page, svc.media), out)

        copy()
        files = copy_files(restitutions.page(svc, saved), svc.media)
        copy_time = median_time(args.runs, copy)
        floor_out = folder / "copie-plancher"
        copy_floor = median_time(args.runs, lambda: write_folder(files, floor_out))
        size = sum(len(v) for v in files.values())
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    charts, quotes = len(saved.charts), len(saved.quotes)
    rows = [
        ("restitution page, made (first view after a change)", page_made, PAGE_TARGET),
        ("restitution page, kept in memory (what phones get)", page_kept, PAGE_TARGET),
        ("floor: bare Flask handler, same HTML from memory", floor, None),
        ("static copy written to a folder", copy_time, COPY_TARGET),
        ("floor: the same bytes written to a folder", copy_floor, None),
    ]
    lines = [
        f"A démarche of two campaigns, {total:_} answers in all".replace("_", " ")
        + f"; its restitution shows {charts} charts, {quotes} quotes, the démarche's key figures and both texts "
        f"(page {len(html) / 1024:.0f} KB; the copy {size / 1024:.0f} KB in 2 files). In one process, through "
        f"Flask's test client (no network); medians of {args.runs} runs ({args.runs * 5} for the kept page "
        "and its floor). The machine is shared with other engineers' test runs: absolute times are noisy, "
        "the ratios to the floor of the same run less so.",
        "",
        "| what | time | floor | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, seconds, target in rows:
        if target is None:
            continue
        base = floor if "page" in name else copy_floor
        verdict = "met" if seconds <= target else "missed"
        lines.append(f"| {name} | {ms(seconds)} | {ms(base)} | {seconds / base:.0f}× | ≤ {ms(target)}: {verdict} |")
    lines += [
        "",
        f"The first count of the démarche after its answers were written (no part kept yet) took {ms(first_count)}: "
        "the store keeps each part's counts from then on, so later pages read only the parts that changed.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_doc:
        write_section("Restitution page and static copy (issue 17)", body)


if __name__ == "__main__":
    main()
