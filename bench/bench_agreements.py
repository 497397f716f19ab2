"""Benchmark: the Agreements and Monitoring pages' reads with many agreements.

Builds a fresh database with ``--agreements`` generated (fictional) agreements over three
financial years, each with three KPIs and two social-value commitments and returns for
the periods that have ended, then times: the list, the value chart's aggregate, the Devolve
measures, money per outcome, returns due, one agreement's status, promised against delivered
and realised SROI, and one provider's delivery record (the tender page's panel).

    .venv/bin/python -m bench.bench_agreements [--agreements 2000] [--repeat 10] [--db URL]

``--db postgresql://...`` builds in (and times) an empty PostgreSQL database instead of a
new SQLite file (issue 20: the same reads on both engines).
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

from bench.bench_tender import report, timed
from models import agreements, investment, monitoring, policy, store
from models.database import init_database

TODAY = dt.date(2027, 6, 1)


def build(path: Path | str, count: int, seed: int = 1) -> None:
    init_database(path)
    rng = np.random.default_rng(seed)
    actor = policy.local_actor("Benchmark")
    with store.opened(path) as db:
        providers = [r[0] for r in db.execute("SELECT org_id FROM organisations ORDER BY id LIMIT 300").fetchall()]
        kinds = list(agreements.TYPES)
        with store.transaction(db):
            for n in range(count):
                yearly = int(rng.integers(5_000, 400_000))
                agreement_id = agreements.create(db, {
                    "title": f"Benchmark agreement {n} (fictional)", "type": kinds[n % 3],
                    "provider": providers[n % len(providers)], "body": "Cheshire East Council",
                    "start": "2024-04-01", "end": "2027-03-31", "award_route": "direct_award",
                    "values": {"2024/25": yearly, "2025/26": yearly, "2026/27": yearly},
                    "outcomes": [f"O{n % 6 + 1}"],
                    "measures": [{"name": f"KPI {k}", "target_per_period": 100} for k in range(3)]
                    + [{"name": f"Commitment {k}", "kind": "social_value", "target_per_period": 10, "proxy": 50}
                       for k in range(2)],
                }, actor=actor)
                record = agreements.get(db, agreement_id)
                rows = [{"measure_id": m["id"], "period_id": p["id"], "delivered": float(rng.integers(40, 130)),
                         "evidence": "generated", "recorded_at": "2027-01-01T00:00:00+00:00", "recorded_by": "Benchmark"}
                        for p in record["periods"][:-1] for m in record["measures"]]
                db["monitoring_returns"].insert_all(rows)
        if db.dialect == "postgresql":
            # planner statistics for the new rows now, as autovacuum would soon after a bulk load
            db.execute("ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", help="a postgresql:// URL of an empty database (default: a new SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        started = time.perf_counter()
        build(path, args.agreements)
        print(f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
              f"{'PostgreSQL' if args.db else 'SQLite'}; "
              f"{args.agreements:,} agreements built in {time.perf_counter() - started:.1f} s")
        with store.opened(path) as db:
            first = agreements.by_reference(db, "AG-0001")
            provider = agreements.get(db, first)["provider_org_id"]
            cases = {
                "list of agreements": lambda: agreements.list_frame(db),
                "value per year and type (chart)": lambda: agreements.value_by_year_and_type(db),
                "Devolve measures": lambda: investment.devolve_shares(db),
                "money per outcome and indicator": lambda: investment.outcome_investment(db),
                "returns due or late": lambda: monitoring.returns_due(db, TODAY),
                "one agreement's status grid": lambda: monitoring.status_frame(db, first, TODAY),
                "promised against delivered + realised SROI": lambda: (
                    monitoring.promised_against_delivered(db, first), monitoring.realised_sroi(db, first)),
                "one provider's delivery record (tender panel)": lambda: monitoring.delivery_record(db, provider, TODAY),
            }
            for name, function in cases.items():
                report(name, timed(function, args.repeat))


if __name__ == "__main__":
    main()
