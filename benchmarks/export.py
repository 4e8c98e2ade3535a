"""Exports of a large campaign: 100 000 answers of a 15-question questionnaire.

Measures, each in its own process (time with perf_counter, peak memory with
ru_maxrss): the CSV export, beside a floor measured in the same run (Python's
csv writer over the same stored records read from the chunk files, one value
per stored field); the XLSX and JSON exports; the same at a tenth of the answers
to show that memory stays flat; and ``survey export`` end to end (start-up and
the count for the progress bar included).

Answers are written straight into chunk files in the store's format (adding
100 000 answers one by one through the store would take minutes).

    python benchmarks/export.py [--answers N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from survey.storage.answers import TABLE, fingerprint  # noqa: E402

CAMPAIGN = "grande-campagne"
QUESTIONNAIRE = "questionnaire-large"
CHUNK = 100
REPEAT = 3  # floor and CSV runs, alternated; the best of each is kept
TARGETS = {"csv_seconds": 5.0, "csv_vs_floor": 2.0, "csv_peak_mb": 200.0, "xlsx_seconds": 30.0}

QUESTIONNAIRE_YAML = """\
id: questionnaire-large
title: "Questionnaire de mesure (15 questions)"
version: 1
questions:
  - {id: prenom, type: short_text, label: "Votre prénom (facultatif)"}
  - id: quartier
    type: single_choice
    label: "Votre quartier"
    choices: [{value: tunnel, label: "Le Tunnel"}, {value: europe, label: "Europe"},
              {value: chateaubriand, label: "Chateaubriand"}, {value: centre, label: "Centre-ville"},
              {value: ailleurs, label: "Ailleurs"}]
  - {id: age, type: number, label: "Votre âge", min: 0, max: 120}
  - id: equipement
    type: multiple_choice
    label: "Quels appareils avez-vous à la maison ?"
    choices: [{value: smartphone, label: "Un smartphone"}, {value: ordinateur, label: "Un ordinateur"},
              {value: tablette, label: "Une tablette"}, {value: imprimante, label: "Une imprimante"},
              {value: aucun, label: "Aucun de ces appareils"}]
  - {id: internet, type: yes_no, label: "Avez-vous internet à la maison ?"}
  - id: internet_pourquoi
    type: multiple_choice
    label: "Pourquoi n'avez-vous pas internet ?"
    choices: [{value: cher, label: "C'est trop cher"}, {value: telephone, label: "J'utilise mon téléphone"},
              {value: interet, label: "Ça ne m'intéresse pas"}, {value: complique, label: "C'est trop compliqué"}]
    other: true
    show_if: {question: internet, equals: non}
  - {id: aisance, type: scale, label: "Êtes-vous à l'aise avec le numérique ?"}
  - id: demarches
    type: single_choice
    label: "Vos démarches en ligne, comment les faites-vous ?"
    choices: [{value: seul, label: "Seul(e)"}, {value: aide, label: "Avec de l'aide"},
              {value: place, label: "Quelqu'un les fait à ma place"}, {value: pas, label: "Je ne les fais pas"}]
    other: true
  - id: besoins
    type: multiple_choice
    label: "Pour quoi avez-vous besoin d'aide ?"
    choices: [{value: recherches, label: "Recherches sur internet"}, {value: texte, label: "Traitement de texte"},
              {value: cv, label: "Rédiger un CV"}, {value: mails, label: "Les e-mails"},
              {value: comptes, label: "Comptes des services publics"}, {value: securite, label: "La sécurité"},
              {value: impression, label: "Imprimer des documents"}, {value: rien, label: "Je n'ai pas besoin d'aide"}]
    other: true
  - id: aide_qui
    type: multiple_choice
    label: "À qui demandez-vous de l'aide ?"
    choices: [{value: famille, label: "Ma famille"}, {value: enfants, label: "Mes enfants"},
              {value: amis, label: "Des amis"}, {value: structure, label: "Une structure du quartier"},
              {value: france_services, label: "France Services"}, {value: personne, label: "Personne"}]
    other: true
  - {id: lieux, type: yes_no, label: "Savez-vous où trouver de l'aide dans le quartier ?"}
  - id: frequence
    type: single_choice
    label: "À quelle fréquence utilisez-vous internet ?"
    choices: [{value: jour, label: "Tous les jours"}, {value: semaine, label: "Chaque semaine"},
              {value: rarement, label: "Rarement"}, {value: jamais, label: "Jamais"}]
  - {id: satisfaction, type: scale, label: "Êtes-vous satisfait(e) de l'aide disponible ?"}
  - {id: idees, type: long_text, label: "Qu'est-ce qui vous aiderait ?"}
  - {id: remarque, type: long_text, label: "Avez-vous autre chose à dire ?"}
"""

WORDS = (
    "démarches CAF Ameli impôts écran téléphone trop petit enfants atelier samedi matin mot de passe "
    "oublié accueil gratuit médiathèque France Services imprimer attestation école ENT cantine "
    "rendez-vous préfecture carte grise permis Pôle emploi CV formation près de chez moi patience "
    "quelqu'un à côté peur de me tromper arnaque SMS banque sécurité"
).split()
NAMES = "Zoé Amine Fatou Jean Maëlle Karim Hélène Moussa Léa Noël Inès Théo Aïcha Loïc".split()


def text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def subset(rng: random.Random, values: list[str], low: int, high: int) -> list[str]:
    return rng.sample(values, rng.randint(low, min(high, len(values))))


def make_answer(rng: random.Random, n: int, start: datetime) -> dict:
    values: dict = {}
    if rng.random() < 0.6:
        values["prenom"] = rng.choice(NAMES)
    values["quartier"] = rng.choice(["tunnel", "europe", "chateaubriand", "centre", "ailleurs"])
    if rng.random() < 0.9:
        values["age"] = rng.randint(15, 92)
    values["equipement"] = subset(rng, ["smartphone", "ordinateur", "tablette", "imprimante", "aucun"], 1, 3)
    values["internet"] = "oui" if rng.random() < 0.75 else "non"
    if values["internet"] == "non":
        values["internet_pourquoi"] = subset(rng, ["cher", "telephone", "interet", "complique", "autre"], 1, 2)
        if "autre" in values["internet_pourquoi"]:
            values["internet_pourquoi__autre"] = text(rng, 2, 8)
    values["aisance"] = rng.randint(1, 5)
    values["demarches"] = rng.choice(["seul", "aide", "place", "pas", "autre"])
    if values["demarches"] == "autre":
        values["demarches__autre"] = text(rng, 2, 8)
    values["besoins"] = subset(
        rng, ["recherches", "texte", "cv", "mails", "comptes", "securite", "impression", "rien", "autre"], 0, 4
    )
    if not values["besoins"]:
        del values["besoins"]
    elif "autre" in values["besoins"]:
        values["besoins__autre"] = text(rng, 2, 8)
    values["aide_qui"] = subset(
        rng, ["famille", "enfants", "amis", "structure", "france_services", "personne", "autre"], 1, 2
    )
    if "autre" in values["aide_qui"]:
        values["aide_qui__autre"] = text(rng, 1, 5)
    values["lieux"] = rng.choice(["oui", "non"])
    values["frequence"] = rng.choice(["jour", "semaine", "rarement", "jamais"])
    if rng.random() < 0.8:
        values["satisfaction"] = rng.randint(1, 5)
    if rng.random() < 0.5:
        values["idees"] = text(rng, 5, 50)
    if rng.random() < 0.3:
        values["remarque"] = text(rng, 3, 30)
    when = (start + timedelta(seconds=n * 157)).isoformat(timespec="seconds").replace("+00:00", "Z")
    answer = {
        "id": f"{rng.getrandbits(128):032x}",
        "campaign": CAMPAIGN,
        "questionnaire": QUESTIONNAIRE,
        "version": 1,
        "channel": rng.choice(["tablette", "qr", "porte-a-porte", "papier"]),
        "collector": rng.choice(NAMES) if rng.random() < 0.4 else "",
        "session": f"seance-{rng.randint(1, 40)}" if rng.random() < 0.2 else None,
        "poster": None,
        "started_at": when,
        "submitted_at": when,
        "language": "fr",
        "answers": values,
        "tags": subset(rng, ["accès", "coût", "formation", "accompagnement"], 1, 2) if rng.random() < 0.2 else [],
        "hidden": rng.random() < 0.02,
    }
    answer["fingerprint"] = fingerprint(answer)
    return answer


def write_chunks(folder: Path, count: int, seed: int) -> None:
    """The store's own layout: 000001.json… TinyDB files of CHUNK answers each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    for first in range(0, count, CHUNK):
        docs = {str(i + 1): make_answer(rng, first + i, start) for i in range(min(CHUNK, count - first))}
        data = json.dumps({TABLE: docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (folder / f"{first // CHUNK + 1:06d}.json").write_bytes(data)


def setup(base: Path, count: int) -> None:
    questionnaires = base / "questionnaires"
    questionnaires.mkdir(parents=True)
    (questionnaires / f"{QUESTIONNAIRE}.yaml").write_text(QUESTIONNAIRE_YAML, encoding="utf-8")
    app = app_for(base)
    from survey.model.campaign import Campaign

    svc = app.extensions["survey"]
    for campaign_id, n, seed in ((CAMPAIGN, count, 1), (f"{CAMPAIGN}-dixieme", count // 10, 2)):
        svc.campaigns.save(
            Campaign(
                id=campaign_id,
                title="Mesure",
                questionnaire=QUESTIONNAIRE,
                quartier="Le Tunnel",
                structure="Centre social",
            )
        )
        write_chunks(base / "data" / "answers" / campaign_id, n, seed)


def app_for(base: Path):
    from survey import create_app

    return create_app(
        {"DATA_DIR": str(base / "data"), "QUESTIONNAIRES_DIR": str(base / "questionnaires"), "SECRET_KEY": "bench"}
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- measured in child processes ----------------------------------------------


def child_floor(base: Path, campaign: str, out: Path) -> dict:
    """Python's csv writer over the stored records: read each chunk, one value per stored field."""
    from survey.formats.yaml_files import load_file

    questionnaire = load_file(base / "questionnaires" / f"{QUESTIONNAIRE}.yaml")
    keys = []
    for q in questionnaire.answerable:
        keys.append(q.id)
        if q.other:
            keys.append(f"{q.id}__autre")
    folder = base / "data" / "answers" / campaign
    before = peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(keys + ["id", "submitted_at", "channel", "collector", "session", "version", "tags", "hidden"])
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            docs = json.loads((folder / name).read_bytes())[TABLE]
            for key in sorted(docs, key=int):
                a = docs[key]
                values = a["answers"]
                row = [values.get(k) for k in keys]
                row = [" | ".join(v) if isinstance(v, list) else v for v in row]
                row += [
                    a["id"],
                    a["submitted_at"],
                    a["channel"],
                    a["collector"],
                    a["session"],
                    a["version"],
                    " | ".join(a["tags"]),
                    a["hidden"],
                ]
                writer.writerow(row)
                rows += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "rows": rows,
        "before_mb": before,
    }


def child_export(base: Path, campaign: str, out: Path, fmt: str) -> dict:
    from survey.exports import Export, ExportOptions

    app = app_for(base)
    svc = app.extensions["survey"]
    job = Export(svc, svc.campaigns.get(campaign), ExportOptions(format=fmt))
    before = peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with open(out, "wb") as handle:
        job.write(handle)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "rows": job.exported,
        "before_mb": before,
        "columns": len(job.plan.columns),
    }


def run_child(kind: str, base: Path, campaign: str, fmt: str = "") -> dict:
    out = base / f"out-{kind}-{campaign}.{fmt or 'csv'}"
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--base",
            str(base),
            "--campaign",
            campaign,
            "--format",
            fmt or "csv",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["size_mb"] = out.stat().st_size / 1e6
    return figures


def run_cli(base: Path) -> float:
    env = dict(os.environ, SURVEY_QUESTIONNAIRES=str(base / "questionnaires"))
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "survey",
            "export",
            CAMPAIGN,
            "--data",
            str(base / "data"),
            "--out",
            str(base / "cli.csv"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/BENCHMARKS.md alone")
    parser.add_argument("--child")
    parser.add_argument("--base")
    parser.add_argument("--campaign")
    parser.add_argument("--format")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        base, out = Path(args.base), Path(args.out)
        figures = (
            child_floor(base, args.campaign, out)
            if args.child == "floor"
            else child_export(base, args.campaign, out, args.format)
        )
        figures["peak_mb"] = peak_mb()
        print(json.dumps(figures))
        return

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        setup(base, args.answers)
        print(f"{args.answers} answers written in {time.perf_counter() - started:.1f} s", flush=True)
        small = f"{CAMPAIGN}-dixieme"
        runs = [("floor", "floor", CAMPAIGN, ""), ("csv", "export", CAMPAIGN, "csv")] * REPEAT + [
            ("csv, 1/10", "export", small, "csv"),
            ("xlsx", "export", CAMPAIGN, "xlsx"),
            ("xlsx, 1/10", "export", small, "xlsx"),
            ("json", "export", CAMPAIGN, "json"),
        ]
        results: dict[str, dict] = {}
        for label, kind, campaign, fmt in runs:
            r = run_child(kind, base, campaign, fmt)
            print(
                f"{label:10} {r['rows']:>7} rows  {r['seconds']:6.2f} s (CPU {r['cpu']:6.2f} s)  "
                f"peak {r['peak_mb']:6.1f} MB (after start-up {r['before_mb']:.1f} MB)  file {r['size_mb']:.1f} MB",
                flush=True,
            )
            best = results.get(label)
            if best is None:
                results[label] = r
            else:  # best of the runs: the machine may be busy with something else
                best["seconds"] = min(best["seconds"], r["seconds"])
                best["cpu"] = min(best["cpu"], r["cpu"])
                best["peak_mb"] = max(best["peak_mb"], r["peak_mb"])
        cli_seconds = run_cli(base)
        print(f"survey export (whole command) {cli_seconds:.2f} s", flush=True)

    floor = results["floor"]["seconds"]
    csv_seconds = results["csv"]["seconds"]
    checks = {
        "csv_seconds": csv_seconds <= TARGETS["csv_seconds"],
        "csv_vs_floor": csv_seconds <= TARGETS["csv_vs_floor"] * floor,
        "csv_peak_mb": results["csv"]["peak_mb"] <= TARGETS["csv_peak_mb"],
        "xlsx_seconds": results["xlsx"]["seconds"] <= TARGETS["xlsx_seconds"],
    }
    load = os.getloadavg()[1]
    verdict = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    rows = results["csv"]["rows"]
    names = {
        "floor": "floor: `csv.writer` over the stored records (one value per stored field)",
        "csv": "CSV (`;`, BOM, all quoted, labels, 0/1 columns)",
        "csv, 1/10": "CSV, a tenth of the answers",
        "xlsx": "XLSX (3 sheets)",
        "xlsx, 1/10": "XLSX, a tenth of the answers",
        "json": "JSON",
    }
    lines = "\n".join(
        f"| {names[k]} | {r['rows']:,} | {r['seconds']:.2f} s | {r['cpu']:.2f} s | {r['peak_mb']:.0f} MB | "
        f"{r['size_mb']:.0f} MB |"
        for k, r in results.items()
    )
    body = f"""`python benchmarks/export.py` — {args.answers:,} answers (of which {rows:,} not hidden, exported)
of a 15-question questionnaire (every type: texts, single and multiple choices with « autre », yes/no,
scales, a number, a `show_if`), giving {results["csv"]["columns"]} columns. Answers are written straight
into chunk files in the store's format. Each figure comes from its own process; time is the export alone
(best of {REPEAT} alternated runs for CSV and its floor), peak memory is the process's `ru_maxrss` (start-up
included, about {results["csv"]["before_mb"]:.0f} MB of it before the export starts).

| export | answers | time | CPU time | peak memory | file |
|---|---:|---:|---:|---:|---:|
{lines}

`survey export {CAMPAIGN}` as a whole command (start-up, counting the answers for the progress bar,
CSV): {cli_seconds:.2f} s.

What was optimised after profiling: XLSX through openpyxl cell by cell took 31.3 s for the same
100 000 answers (95 % of it inside openpyxl); the answer rows are now written as SpreadsheetML and
spliced into the workbook openpyxl makes. CSV rows: one dictionary lookup per closed question, the
cells of each combination of choices made once, local times worked out once per hour.

Load average of the machine over the run: {load:.1f} (for {os.cpu_count()} cores; above that, wall times
stretch while CPU times hold).

Targets: CSV ≤ {TARGETS["csv_seconds"]:.0f} s — {verdict(checks["csv_seconds"])};
within {TARGETS["csv_vs_floor"]:.0f}× the floor ({csv_seconds / floor:.2f}×; in CPU time
{results["csv"]["cpu"] / results["floor"]["cpu"]:.2f}×) — {verdict(checks["csv_vs_floor"])};
peak memory ≤ {TARGETS["csv_peak_mb"]:.0f} MB — {verdict(checks["csv_peak_mb"])};
XLSX ≤ {TARGETS["xlsx_seconds"]:.0f} s — {verdict(checks["xlsx_seconds"])}.
"""
    print(body)
    if not args.no_write:
        from report import write_section

        write_section("Exports", body)


if __name__ == "__main__":
    main()
