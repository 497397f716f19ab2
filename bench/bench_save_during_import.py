"""Benchmark: how long an evaluator's save waits while a 1,000,000-row import runs.

Generates a fictional 360Giving CSV (not timed), then imports it into a fresh database
in a child process, the way the command line does, while this process saves a tender
score every 0.2 s through the same call the Tender page uses (each save on a connection of
its own, as each browser session has). Reports how long each save took from start to
"saved" and, of that, how long it waited for the write lock (the longest, the 95th
percentile and the median), how many were refused as busy, how long the import took and
the machine's load.

    .venv/bin/python -m bench.bench_save_during_import [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_import import drop_database, engine_line, fresh_database, write_grants_csv

SAVE_EVERY_SECONDS = 0.2
LOCK_WAITS: list[float] = []  # how long each save waited for the write lock (BEGIN IMMEDIATE)


def _timing_lock_waits() -> None:
    """Note how long each save's BEGIN IMMEDIATE takes: the wait for the write lock, apart
    from the save's own work (which a busy machine also slows)."""
    from models import store

    begin = store._begin_write

    def timed(db):
        started = time.perf_counter()
        try:
            begin(db)
        finally:
            LOCK_WAITS.append(time.perf_counter() - started)

    store._begin_write = timed


def run_import(csv_path: str, db_path: str) -> None:
    """The child: one import of the whole file, as the command line runs it."""
    from models import store
    from models.importers import ImportOptions, Source, import_sources

    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(Path(csv_path))], ImportOptions(imported_by="bench"))
    print(result.headline(), flush=True)


def prepare(db_path: str) -> int:
    """A fresh database with one tender and two bids to score; returns the tender's id."""
    from models import policy, tender, tender_records
    from models.database import init_database
    from models import store

    init_database(db_path)
    with store.opened(db_path) as db:
        setup = {"name": "Benchmark tender", "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"),
                 "bids": [{"bidder": b, "price": 100_000, "scores": {"insurance": "pass", "safeguarding": "pass"}}
                          for b in ("Alpha Trust", "Beta CIC")]}
        return tender_records.create_tender(db, setup, actor=policy.local_actor("Bench"))


def save_score(db_path: str, tender_id: int, count: int) -> tuple[float, str]:
    """One score save as the page makes it; (seconds taken, 'saved' or the error's class)."""
    from models import policy, store, tender_records
    from models.errors import DomainError

    started = time.perf_counter()
    try:
        with store.opened(db_path) as db:
            tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=count % 6,
                                        reason=f"Save number {count}", actor=policy.local_actor("Ann"))
        outcome = "saved"
    except DomainError as error:
        outcome = type(error).__name__
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", metavar="POSTGRESQL_URL",
                        help="import into a new database on this PostgreSQL server (default: a new SQLite file)")
    parser.add_argument("--csv", type=Path, help="import this CSV (made by write_grants_csv) instead of generating one")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_import(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        csv_path = args.csv or Path(folder) / "grants.csv"
        if args.csv is None:
            write_grants_csv(csv_path, args.rows)
        db_path = fresh_database(args.db, folder, "saves")
        try:
            measure(args, csv_path, db_path)
        finally:
            from models import store

            store.dispose()
            drop_database(args.db, db_path)


def measure(args, csv_path: Path, db_path: str) -> None:
    """Import in a child process while this one saves every SAVE_EVERY_SECONDS; print the figures."""
    tender_id = prepare(db_path)
    _timing_lock_waits()
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_save_during_import", "--child", str(csv_path), str(db_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    waits, outcomes, count = [], {}, 0
    while child.poll() is None:
        count += 1
        seconds, outcome = save_score(db_path, tender_id, count)
        waits.append(seconds)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        time.sleep(SAVE_EVERY_SECONDS)
    import_seconds = time.perf_counter() - began
    out, err = child.communicate()
    if child.returncode != 0:
        sys.exit(err)
    load = os.getloadavg()[0]
    waits_ms = sorted(w * 1000 for w in waits)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{engine_line(args.db)}; load average at the end {load:.1f}")
    print(f"Import: {out.strip().splitlines()[-1]} in {import_seconds:.1f} s")
    print(f"Saves during the import: {len(waits):,} ({', '.join(f'{n} {k}' for k, n in sorted(outcomes.items()))})")
    print(f"Time a save took: longest {waits_ms[-1]:,.0f} ms, 95th percentile "
          f"{waits_ms[int(0.95 * (len(waits_ms) - 1))]:,.0f} ms, median {statistics.median(waits_ms):,.0f} ms")
    locks_ms = sorted(w * 1000 for w in LOCK_WAITS)
    print(f"Of which waiting for the write lock: longest {locks_ms[-1]:,.0f} ms, 95th percentile "
          f"{locks_ms[int(0.95 * (len(locks_ms) - 1))]:,.0f} ms, median {statistics.median(locks_ms):,.1f} ms")


if __name__ == "__main__":
    main()
