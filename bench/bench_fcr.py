"""Benchmark: full cost recovery for a large organisation (default 1,000 projects x 20
overhead pools over a 5-year plan), checking that every pool reconciles to the penny.

    .venv/bin/python bench/bench_fcr.py [--projects N] [--pools M] [--years Y]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import cost_recovery as fcr  # noqa: E402
from models.export import xlsx_bytes  # noqa: E402

DRIVERS = ["headcount", "staff_time", "floor_area", "volunteers", "direct_costs"]


def scenario(projects: int, pools: int, years: int, seed: int = 2008) -> dict:
    """A random but valid costing (fictional), amounts with pence."""
    rng = random.Random(seed)
    return {
        "name": f"Benchmark: {projects} projects x {pools} pools (fictional)",
        "fictional": True,
        "projects": [
            {
                "name": f"Project {i:05d}",
                "direct_costs": [
                    {"category": "Salaries with on-costs", "amount": round(rng.uniform(10_000, 400_000), 2), "kind": "pay"},
                    {"category": "Materials", "amount": round(rng.uniform(0, 40_000), 2), "kind": "non_pay"},
                    {"category": "Travel", "amount": round(rng.uniform(0, 9_000), 2), "kind": "non_pay"},
                ],
                "drivers": {"headcount": rng.randint(1, 30), "staff_time": round(rng.uniform(0.5, 100), 1),
                            "floor_area": round(rng.uniform(5, 500), 1), "volunteers": rng.randint(0, 80)},
                "activity_change": round(rng.uniform(-0.1, 0.2), 3),
            }
            for i in range(projects)
        ],
        "overheads": [
            {"name": f"Pool {j:02d}", "amount": round(rng.uniform(5_000, 900_000), 2),
             "driver": DRIVERS[j % len(DRIVERS)], "kind": "pay" if j % 2 else "non_pay"}
            for j in range(pools)
        ],
        "plan": {"years": years, "pay_inflation": 0.035, "non_pay_inflation": 0.021},
        "funding": {"basis": "cap", "cap": 0.12},
    }


def timed(label: str, func, repeat: int = 3):
    """Best of ``repeat`` runs, printed in milliseconds."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<52} {best * 1000:10.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--pools", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}")
    body = scenario(args.projects, args.pools, args.years)
    print(f"Scenario: {args.projects:,} projects x {args.pools} pools, {args.years}-year plan")
    timed("check the scenario (parse_costing)", lambda: fcr.parse_costing(body))
    costing = fcr.parse_costing(body)
    timed("year 1 allocation (cost_year)", lambda: fcr.cost_year(costing, 1))
    result = timed(f"whole plan + funding gap (calculate, {args.years} years)", lambda: fcr.calculate(body))
    timed("year-1 JSON (command line output)", lambda: fcr.to_json(result))
    sheets, money = fcr.workbook_sheets(result)
    timed("workbook tables (workbook_sheets)", lambda: fcr.workbook_sheets(result), repeat=1)
    data = timed("costing workbook XLSX (xlsx_bytes)", lambda: xlsx_bytes(sheets, notes=fcr.workbook_notes(result), money_columns=money), repeat=1)
    print(f"Workbook size: {len(data) / 1_000_000:.1f} MB")
    for year in result.years:
        for pool, pence in year.pools.items():
            assert sum(p.overheads_by_pool[pool] for p in year.projects) == pence, (year.year, pool)
        assert year.total_full_cost_pence == year.total_direct_pence + sum(year.pools.values())
    print(f"Reconciled to the penny: {args.pools * args.years} pool-years, "
          f"year-1 full cost {fcr.money(result.first_year.total_full_cost_pence)}")


if __name__ == "__main__":
    main()
