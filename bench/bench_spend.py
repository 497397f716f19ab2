"""Benchmark: the spend explorer's queries on 1,000,000 generated spend rows.

Runs exactly the models.spend calls the page makes for one view (filter options, headline,
by authority, by department, the document-layout table) under several filter sets, and
reports p50 and p95 per whole page view and the slowest call.

    .venv/bin/python -m bench.bench_spend [--rows 1000000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.generate import AUTHORITIES, DEPARTMENTS, spend_rows
from models import spend, store
from models.database import init_database

FILTERS = {
    "default view (local government, third sector)": spend.SpendFilter(),
    "one year": spend.SpendFilter(years=("2015/16",)),
    "one authority, grants": spend.SpendFilter(authorities=(AUTHORITIES[7],), funding_types=("grant",)),
    "two departments, all bodies": spend.SpendFilter(body_types=(), departments=tuple(DEPARTMENTS[:2])),
    "everything, all suppliers": spend.SpendFilter(body_types=(), third_sector_only=False),
}


def page_view(db, spend_filter) -> dict[str, float]:
    """One page view's queries; returns seconds per call. The page derives its headline,
    charts and table from the cube in pandas (included in the timing below)."""
    timings = {}
    for name, call in (
        ("filter_options", lambda: spend.filter_options(db, spend_filter.third_sector_only)),
        ("cube (the page's one aggregate query)", lambda: spend.cube(db, spend_filter)),
    ):
        start = time.perf_counter()
        result = call()
        timings[name] = time.perf_counter() - start
    start = time.perf_counter()
    spend.headline_of(result)
    spend.rollup(result, ["authority", "district", "funding_type"])
    spend.rollup(result, ["department", "funding_type"])
    spend.document_table_of(result)
    timings["roll-ups in pandas"] = time.perf_counter() - start
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        init_database(path)
        start = time.perf_counter()
        with store.opened(path) as db:
            with store.transaction(db):
                db["spend"].insert_all(spend_rows(args.rows), batch_size=10_000)
            db.execute("ANALYZE")
        load_seconds = time.perf_counter() - start
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"SQLite {sqlite3.sqlite_version}")
        print(f"Loaded {args.rows:,} rows in {load_seconds:.1f} s; database {path.stat().st_size / 1e6:,.0f} MB\n")
        print("| filter set | whole page p50 | whole page p95 | slowest call (its p95) |")
        print("|---|---|---|---|")
        with store.opened(path) as db:
            for label, spend_filter in FILTERS.items():
                page_view(db, spend_filter)  # warm SQLite's page cache, as in a running app
                runs = [page_view(db, spend_filter) for _ in range(args.repeat)]
                totals = [sum(r.values()) * 1000 for r in runs]
                slowest = max(runs[0], key=lambda name: percentile([r[name] for r in runs], 0.95))
                slowest_p95 = percentile([r[slowest] for r in runs], 0.95) * 1000
                print(f"| {label} | {statistics.median(totals):,.0f} ms | {percentile(totals, 0.95):,.0f} ms "
                      f"| {slowest} {slowest_p95:,.0f} ms |")


if __name__ == "__main__":
    main()
