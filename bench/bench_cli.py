"""Benchmark: the command line's whole answer, as a person waits for it, at 1,000,000
national-shaped spend rows: ``python -m models ...`` started as a new process each time.

    .venv/bin/python -m bench.bench_cli [--rows 1000000] [--repeat 7] [--db postgresql://...]
                                        [--only TEXT] [--code DIR]

Uses the database bench.bench_spend builds (bench/out/spend-<rows>.db, made once if absent),
or a PostgreSQL URL (loaded once, as bench.bench_spend does), with the worked example's
records added once if absent (a tender, its agreement with one return, a consultation: what
the reports below need; the spend tables are not touched). Cases: --help, spend, and every
other report that only reads (``reading_database``: organisations, outcomes, consultations,
agreements, monitoring, the award pack, retention's dry run, users). Every case runs
``--repeat`` times, the cases taking turns so that the machine's load falls on all alike;
each run is timed from start to exit (wall) and by the CPU its process used (user + system).
Beside them, in the same run: the interpreter alone (``python -c pass``, the floor for any
Python command), ``init`` on the same database (SQLAlchemy, the migrations checked and the
seeds in a write transaction: what every report but spend did first before it only read)
and, on SQLite, the sqlite3 shell answering spend by authority from the same summary table.
``--code DIR`` also runs every case from another checkout (``git worktree add DIR COMMIT``:
the code before a change), taking turns with this one: before and after in one run.
Prints the machine, its load before and after, medians, and the README rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_spend import ROOT, build, build_postgresql, machine

EXAMPLE = ROOT / "data" / "examples" / "tender_example.json"

# (label, arguments after ``python -m models``; ``{db}`` is the database)
CASES = [
    ("--help", ["--help"]),
    ("spend --help", ["spend", "--help"]),
    ("import --help", ["import", "--help"]),
    ("spend --by authority", ["spend", "--db", "{db}", "--by", "authority"]),
    ("spend --by authority --format csv", ["spend", "--db", "{db}", "--by", "authority", "--format", "csv"]),
    ("spend --by authority --format json", ["spend", "--db", "{db}", "--by", "authority", "--format", "json"]),
    ("spend (default: authority,funding_type)", ["spend", "--db", "{db}"]),
    ("spend --by department --body-type all", ["spend", "--db", "{db}", "--by", "department", "--body-type", "all"]),
    ("spend --by district,year --all-suppliers", ["spend", "--db", "{db}", "--by", "district,year", "--all-suppliers"]),
    ("spend --by year --year 2015/16 --district Leeds", ["spend", "--db", "{db}", "--by", "year", "--year", "2015/16",
                                                          "--district", "Leeds"]),
    ("spend --by recipient (the spend table itself)", ["spend", "--db", "{db}", "--by", "recipient"]),
    ("spend --by local_authority (the map's table)", ["spend", "--db", "{db}", "--by", "local_authority"]),
    ("spend --by ward", ["spend", "--db", "{db}", "--by", "ward"]),
]
# The other reports that only read (``models.commands._common.reading_database``); ``{out}``
# is a scratch folder for the award pack's files.
READ_CASES = [
    ("organisations search foodbank", ["organisations", "search", "--db", "{db}", "foodbank"]),
    ("organisations match --top 5", ["organisations", "match", "--db", "{db}", "--top", "5",
                                     "Befriending for isolated older people"]),
    ("outcomes", ["outcomes", "--db", "{db}"]),
    ("consultations list", ["consultations", "list", "--db", "{db}"]),
    ("consultations show 1", ["consultations", "show", "1", "--db", "{db}"]),
    ("consultations compact", ["consultations", "compact", "--db", "{db}"]),
    ("agreements list", ["agreements", "list", "--db", "{db}"]),
    ("agreements show AG-0001", ["agreements", "show", "AG-0001", "--db", "{db}"]),
    ("agreements suggest (the spend table itself)", ["agreements", "suggest", "--db", "{db}"]),
    ("agreements shares", ["agreements", "shares", "--db", "{db}"]),
    ("agreements outcomes", ["agreements", "outcomes", "--db", "{db}"]),
    ("monitoring status AG-0001", ["monitoring", "status", "AG-0001", "--db", "{db}"]),
    ("monitoring due", ["monitoring", "due", "--db", "{db}"]),
    ("monitoring value AG-0001", ["monitoring", "value", "AG-0001", "--db", "{db}"]),
    ("monitoring record-of", ["monitoring", "record-of", "GB-CHC-1000001", "--db", "{db}"]),
    ("tender award-pack 1", ["tender", "award-pack", "1", "--db", "{db}", "--out", "{out}"]),
    ("retention (dry run)", ["retention", "--db", "{db}"]),
    ("users list", ["users", "list", "--db", "{db}"]),
]
BY_AUTHORITY_SQL = ("SELECT authority, SUM(amount_pence), SUM(records) FROM spend_totals_by_funder "
                    "WHERE third_sector = 1 AND body_type IN ('local_government') GROUP BY authority ORDER BY authority")


def worked_example(where: str) -> None:
    """The records the reports need, added once: the tender example (its low price
    explained) awarded as AG-0001 with one return, and one consultation."""
    from models import agreement_sources, agreements, consultations, monitoring, store, tender_records
    from models.policy import local_actor

    actor = local_actor("bench_cli")
    with store.opened(where) as db:
        if db.execute("SELECT COUNT(*) FROM agreements").fetchone()[0]:
            return
        if not db.execute("SELECT COUNT(*) FROM organisations WHERE org_id = 'GB-CHC-1000001'").fetchone()[0]:
            db["organisations"].insert({"org_id": "GB-CHC-1000001", "name": "Weaver Valley Community Transport",
                                        "districts": '["Crewe and Nantwich"]', "source": "bench_cli",
                                        "updated_at": "2026-01-01"})
        tender_id = tender_records.import_scenario(db, json.loads(EXAMPLE.read_text(encoding="utf-8")), who="bench_cli")
        tender_records.record_explanation(db, tender_id, "Northway Logistics Ltd (fictional)",
                                          "Two vehicles already owned outright; costed.", who="bench_cli")
        form = agreement_sources.form_from_tender(db, tender_id, provider="GB-CHC-1000001", body="Cheshire East Council",
                                                  start="01/04/2024", end="31/03/2026",
                                                  bidder="Weaver Valley Community Transport (fictional)")
        agreement = agreements.get(db, agreements.create(db, form, actor=actor, origin="tender"))
        monitoring.record_return(db, agreement["measures"][0]["id"], agreement["periods"][0]["id"], delivered="1",
                                 evidence="bench_cli", actor=actor)
        consultations.create(db, {"subject": "Libraries", "department": "Communities", "start_date": "2026-01-05",
                                  "end_date": "2026-04-10", "method": "Survey"}, actor=actor)


def timed(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process run to its end; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", help="a postgresql:// URL (default: the SQLite benchmark file)")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    parser.add_argument("--code", type=Path, metavar="DIR",
                        help="also run every case from this checkout (e.g. the commit before a change)")
    args = parser.parse_args()

    where = build_postgresql(args.db, args.rows) if args.db else str(build(args.rows))
    worked_example(where)
    out = tempfile.mkdtemp(prefix="bench_cli_")  # the award pack's files, overwritten each run
    trees = [("", ROOT)] + ([(f" [{args.code.name}]", args.code.resolve())] if args.code else [])
    # (label, command, the checkout it runs from)
    commands = [(label + suffix, [sys.executable, "-m", "models",
                                  *(a.replace("{db}", where).replace("{out}", out) for a in arguments)], tree)
                for label, arguments in CASES + READ_CASES if not args.only or args.only in label
                for suffix, tree in trees]
    peers = [("peer: the interpreter alone (python -c pass)", [sys.executable, "-c", "pass"], ROOT),
             ("peer: init on the same database (what reports did first)", [sys.executable, "-m", "models", "init",
                                                                           "--db", where], ROOT)]
    sqlite_shell = shutil.which("sqlite3")
    if not args.db and sqlite_shell:
        peers.append(("peer: sqlite3 shell, spend by authority (same summary table)",
                      [sqlite_shell, where, BY_AUTHORITY_SQL], ROOT))
    for _label, command, tree in commands + peers:  # once each, untimed: files into the page cache, database made
        subprocess.run(command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    print(f"Machine: {machine()}")
    load_before = os.getloadavg()[0]
    results: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in commands + peers}
    for _ in range(args.repeat):
        for label, command, tree in commands + peers:
            results[label].append(timed(command, tree))
    load_after = os.getloadavg()[0]
    shutil.rmtree(out, ignore_errors=True)

    print(f"\n{args.rows:,} spend rows ({'PostgreSQL' if args.db else 'SQLite'}); medians of {args.repeat} runs, "
          f"each a new process:\n")
    print(f"{'command (python -m models ...)':58} {'wall':>8} {'CPU':>8} {'wall max':>9}")
    for label, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{label:58} {statistics.median(walls):7.3f}s {statistics.median(cpus):7.3f}s {max(walls):8.3f}s")

    def median(label: str, index: int) -> float:
        return statistics.median(run[index] for run in results[label])

    load = f"load {load_before:.1f} at the start, {load_after:.1f} at the end"
    floor = median(peers[0][0], 0)
    if "spend --by authority" in results:
        answers = [label for label in results if label.startswith("spend --by authority") and "[" not in label]
        walls = [median(label, 0) for label in answers]
        cpus = [median(label, 1) for label in answers]
        print(f"\nREADME row ({load}): "
              f"| `python -m models spend --by authority` on {args.rows:,} rows (table, CSV, JSON) | "
              f"wall {min(walls):.2f}–{max(walls):.2f} s, CPU {min(cpus):.2f}–{max(cpus):.2f} s in all | "
              f"the interpreter alone {floor:.2f} s"
              + (f"; sqlite3 shell {median(peers[2][0], 0):.3f} s" if len(peers) > 2 else "")
              + " | | < 0.5 s |")
    reads = [label for label, _ in READ_CASES if label in results]
    if reads:
        each = "; ".join(f"{label} {median(label, 0):.2f} / {median(label, 1):.2f}" for label in reads)
        print(f"\nREADME row ({load}): | the other reports that only read, on the same database "
              f"(wall / CPU medians, s) | {each} | the interpreter alone {floor:.2f} s; init "
              f"{median(peers[1][0], 0):.2f} / {median(peers[1][0], 1):.2f} s"
              + (f"; spend --by authority {median('spend --by authority', 0):.2f} s" if "spend --by authority" in results
                 else "") + " | |")
    if args.code:
        suffix = trees[1][0]
        print(f"\nBefore ({args.code}) -> now, wall / CPU medians:")
        for label, _ in CASES + READ_CASES:
            if label in results and label + suffix in results:
                print(f"  {label}: {median(label + suffix, 0):.2f} / {median(label + suffix, 1):.2f} s -> "
                      f"{median(label, 0):.2f} / {median(label, 1):.2f} s")


if __name__ == "__main__":
    main()
