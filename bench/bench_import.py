"""Benchmark: importing 1,000,000 generated 360Giving grants (flat CSV) end to end.

Generates a fictional CSV in the publishers' column layout (streamed to a temporary file,
not timed), then imports it in a fresh child process through the same call the command
line and the Data page use (detect, validate every cell column by column against the
schema's rules and the quality checks, check identifiers are unique, upsert in one
transaction, write the import log). Reports validation alone (no database), the whole
import (validated and written) in rows per second and per CPU-second, and the child's
peak memory (maximum resident set size).

    .venv/bin/python -m bench.bench_import [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded", "Amount Disbursed",
    "Award Date", "URL", "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number", "Recipient Org:Company Number",
    "Recipient Org:Postal Code", "Beneficiary Location:Name", "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code", "Beneficiary Location:Geographic Code Type", "Funding Org:Identifier",
    "Funding Org:Name", "Funding Org:Department", "Grant Programme:Code", "Grant Programme:Title",
    "From an open call?", "Last modified", "Data Source",
]
FUNDERS = [
    ("GB-LAE-CHE", "Cheshire East Council", "Communities"), ("GB-LAE-TRF", "Trafford Council", "Partnerships and Communities"),
    ("GB-CHC-1164883", "Cheshire Community Foundation", ""), ("GB-NHS-27D", "NHS Cheshire and Merseyside", "Commissioning"),
]
PLACES = [("Crewe", "E04011086"), ("Macclesfield", "E04011092"), ("Congleton", "E04011084"), ("Nantwich", "E04011093")]
PROGRAMMES = [("CG", "Community Grants"), ("VSG", "Voluntary Sector Grants"), ("HAF", "Holiday Activities Fund")]


def write_grants_csv(path: Path, rows: int, seed: int = 360) -> None:
    """``rows`` fictional grants, unique ids, realistic spread of funders and recipients."""
    rng = random.Random(seed)
    start = dt.date(2010, 4, 1).toordinal()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            funder_id, funder, department = FUNDERS[index % len(FUNDERS)]
            place, code = PLACES[rng.randrange(len(PLACES))]
            programme_code, programme = PROGRAMMES[rng.randrange(len(PROGRAMMES))]
            award = dt.date.fromordinal(start + rng.randrange(5000))
            kind = rng.randrange(3)
            charity = str(1_000_000 + rng.randrange(200_000)) if kind == 0 else ""
            company = f"{rng.randrange(10_000_000):08d}" if kind == 1 else ""
            recipient = f"GB-CHC-{charity}" if kind == 0 else f"GB-COH-{company}" if kind == 1 else f"360G-bench-org{index % 50_000}"
            amount = f"{rng.randrange(50_000, 5_000_000) / 100:.2f}"
            writer.writerow([
                f"360G-bench-{index:07d}", f"Grant {index} (fictional)", "Support for a community project (fictional)",
                "GBP", amount, amount, "", award.isoformat(), "", award.isoformat(),
                (award + dt.timedelta(days=365)).isoformat(), "12", recipient, f"Fictional Organisation {index % 50_000}",
                charity, company, "CW1 2BJ", place, "GB", code, "WD", funder_id, funder, department,
                programme_code, programme, "Yes", "2024-05-01T09:30:00Z", "https://example.org/grants.csv",
            ])


def run_import(csv_path: str, db_path: str) -> None:
    """In the child process: import and print the result and timings as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from models import store
    from models.database import init_database
    from models.importers import ImportOptions, Source, ValidationReport, import_sources, threesixtygiving
    from models.importers.base import Context

    # Validation alone (parse, check every cell, build the rows; no database).
    cpu_start, start = time.process_time(), time.perf_counter()
    report = ValidationReport(Path(csv_path).name)
    for _chunk in threesixtygiving.read(Source.from_path(csv_path), report, Context(file_name="bench", loaded_at="")):
        pass
    validate_seconds, validate_cpu = time.perf_counter() - start, time.process_time() - cpu_start

    init_database(db_path)
    cpu_start = time.process_time()
    start = time.perf_counter()
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(csv_path)], ImportOptions(imported_by="benchmark"))
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"status": result.status, "added": result.rows_added, "errors": result.report.error_count,
                      "warnings": result.report.warning_count, "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "validate_seconds": validate_seconds, "validate_cpu": validate_cpu,
                      "peak_mb": peak_kb / 1024, "load": os.getloadavg()[0]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_import(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        csv_path, db_path = Path(folder) / "grants.csv", Path(folder) / "bench.db"
        began = time.perf_counter()
        write_grants_csv(csv_path, args.rows)
        print(f"Generated {args.rows:,} grants ({csv_path.stat().st_size / 1e6:,.0f} MB CSV) in {time.perf_counter() - began:.1f} s")
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_import", "--child", str(csv_path), str(db_path)],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
        )
        if child.returncode != 0:
            sys.exit(child.stderr)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
        print(f"Import status: {result['status']}, {result['added']:,} rows added, {result['errors']:,} errors, {result['warnings']:,} warnings")
        print(f"Validation alone (no database): {result['validate_seconds']:.1f} s -> "
              f"{args.rows / result['validate_seconds']:,.0f} rows per second ({args.rows / result['validate_cpu']:,.0f} per CPU-second)")
        print(f"Whole import: {result['seconds']:.1f} s -> {args.rows / result['seconds']:,.0f} validated rows per second")
        print(f"CPU time: {result['cpu_seconds']:.1f} s -> {args.rows / result['cpu_seconds']:,.0f} rows per CPU-second")
        print(f"Load average at the end: {result['load']:.1f} on {os.cpu_count()} cores (other work slows the wall-clock figure)")
        print(f"Peak memory (child process, max RSS): {result['peak_mb']:,.0f} MB")


if __name__ == "__main__":
    main()
