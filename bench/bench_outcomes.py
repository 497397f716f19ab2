"""Benchmark: outcome statuses, trends and the gap table at a scale far beyond the seed.

Builds a fresh database with the seeded six outcomes plus ``--indicators`` generated
(fictional, illustrative) indicators of ``--points`` observations each, then times:
one trend fit with its interval, assessing every indicator (what the page and the command
line do), the gap table, adding one observation (validated, audited), and the action plan
and self-assessment reads. Prints the median and 95th percentile over the repeats.

    .venv/bin/python -m bench.bench_outcomes [--indicators 600] [--points 40] [--repeat 20] [--db URL]

``--db postgresql://...`` builds in that (new, empty) PostgreSQL database instead of a
temporary SQLite file, so the same figures can be read for both engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_tender import report, timed  # the same timing and percentile report
from models import action_plan, outcomes, self_assessment, store
from models.database import init_database


def build(path: str | Path, indicators: int, points: int, seed: int = 1) -> None:
    """Seed the database, then add generated indicators spread over the six outcomes."""
    init_database(path)
    rng = np.random.default_rng(seed)
    with store.opened(path) as db, store.transaction(db):
        rows, observations = [], []
        for n in range(indicators):
            start = float(rng.uniform(20, 60))
            slope = float(rng.normal(1.0, 1.5))
            rows.append({
                "indicator_id": f"B{n}", "outcome_id": f"O{n % 6 + 1}", "position": 100 + n,
                "name": f"Benchmark indicator {n} (fictional)", "definition": "", "unit": "%", "direction": "higher",
                "baseline_value": round(start, 2), "baseline_date": "2008-03-31", "target_value": min(100.0, start + 15),
                "target_date": "2030-03-31", "target_illustrative": 1, "target_note": "", "owner": "", "comparator": "",
                "note": "", "source": "Generated for the benchmark (illustrative)",
            })
            for p in range(points):
                day = dt.date(2008, 3, 31) + dt.timedelta(days=91 * p)
                value = min(100.0, max(0.0, start + slope * p / 4 + float(rng.normal(0, 2))))
                observations.append({
                    "indicator_id": f"B{n}", "observed_on": day.isoformat(), "value": round(value, 2),
                    "illustrative": 1, "source": "Generated", "note": "", "added_at": store.now_iso(),
                })
        db["indicators"].insert_all(rows)
        db["observations"].insert_all(observations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=600)
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, {platform.platform()}")
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        if args.db:
            with store.opened(path) as db:
                if db["indicators"].exists() and db["indicators"].count:
                    raise SystemExit(f"{store.describe(path)} is not empty: give the benchmark a new database.")
        print(f"engine: {'postgresql' if args.db else 'sqlite'}")
        start = time.perf_counter()
        build(path, args.indicators, args.points)
        print(f"built {args.indicators + 7} indicators, {args.indicators * args.points + 13:,} observations "
              f"in {time.perf_counter() - start:.1f} s")
        points = [(dt.date(2008, 3, 31) + dt.timedelta(days=91 * p), 30 + p * 0.5) for p in range(args.points)]
        report(f"one trend fit with interval ({args.points} points)", timed(lambda: outcomes.project(points), args.repeat * 10))
        with store.opened(path) as db:
            report("assess every indicator (page, CLI)", timed(lambda: outcomes.assess_all(db), args.repeat))
            report("outcome summaries (six outcomes)", timed(lambda: outcomes.outcome_summaries(db), args.repeat))
            statuses = outcomes.assess_all(db)
            report("gap table", timed(lambda: outcomes.gap_table(statuses), args.repeat))
            counter = iter(range(10**6))

            def add_one():
                day = dt.date(1990, 1, 1) + dt.timedelta(days=next(counter))
                outcomes.add_observation(db, "B0", observed_on=day.isoformat(), value="50", source="bench", who="bench",
                                         illustrative=True)

            report("add one observation (validated, audited)", timed(add_one, args.repeat))
            report("action plan list and progress", timed(
                lambda: (action_plan.list_actions(db), action_plan.progress_by_stream(db)), args.repeat))
            report("self-assessment items", timed(lambda: self_assessment.list_items(db), args.repeat))
            print("status counts:", outcomes.status_counts(db))


if __name__ == "__main__":
    main()
