"""Benchmark: importing 1,000,000 generated 360Giving grants (flat CSV) end to end.

Generates a national-shaped fictional CSV (bench.generate) in the publishers' column layout
(not timed), then imports it in a fresh child process through the same call the command
line and the Data page use (detect, validate every cell column by column against the
schema's rules and the quality checks, check identifiers are unique, stage, publish, write
the import log), into a new SQLite file or, with ``--db URL``, a new PostgreSQL database.
Reports the dry run (every cell checked, nothing written) and the whole import in rows per
second and per CPU-second (a large file is read and checked in a process of its own while
the import stages it: both processes' CPU is counted, and on PostgreSQL the server
process's too), the peak memory (maximum resident set size) of the writer plus that of
the reader, and how long each step of publishing took; then how long removing the import
again takes (not in the import's figures); then the peers in the same run.

    .venv/bin/python -m bench.bench_import [--rows 1000000] [--db postgresql://...] [--no-peers]
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
PROGRAMMES = [("CG", "Community Grants"), ("VSG", "Voluntary Sector Grants"), ("HAF", "Holiday Activities Fund")]


def write_grants_csv(path: Path, rows: int, seed: int = 360) -> None:
    """``rows`` fictional grants, unique ids, national-shaped (bench.generate: about 300
    funders with Zipf-skewed volumes, every English district as a beneficiary place by
    population, Zipf-skewed recipients, log-normal amounts)."""
    from bench.generate import YEARS, districts, funders, grants

    columns = grants(rows, seed)
    funder_list, _ = funders()
    names, codes, _ = districts()
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            funder = funder_list[columns["funder"][index]]
            district = int(columns["district"][index])
            place, code = (names[district], codes[district]) if district >= 0 else ("", "")
            programme_code, programme = PROGRAMMES[rng.randrange(len(PROGRAMMES))]
            year = int(YEARS[columns["year"][index]][:4])
            award = dt.date(year, 4, 1) + dt.timedelta(days=int(columns["day"][index]))
            org = int(columns["recipient"][index])
            kind = org % 3
            charity = str(1_000_000 + org) if kind == 0 else ""
            company = f"{org:08d}" if kind == 1 else ""
            recipient = f"GB-CHC-{charity}" if kind == 0 else f"GB-COH-{company}" if kind == 1 else f"360G-bench-org{org}"
            amount = f"{int(columns['amount_pence'][index]) / 100:.2f}"
            writer.writerow([
                f"360G-bench-{index:07d}", f"Grant {index} (fictional)", "Support for a community project (fictional)",
                "GBP", amount, amount, "", award.isoformat(), "", award.isoformat(),
                (award + dt.timedelta(days=365)).isoformat(), "12", recipient, f"Fictional Organisation {org}",
                charity, company, "CW1 2BJ", place, "GB" if place else "", code, "LAD" if place else "",
                funder.org_id, funder.name, funder.departments[index % len(funder.departments)],
                programme_code, programme, "Yes", "2024-05-01T09:30:00Z", "https://example.org/grants.csv",
            ])


def run_import(csv_path: str, db_path: str, dry_run: bool, removal_peer: bool = False) -> None:
    """In a child process of its own (so its peak memory is its own): a dry run (every
    cell checked, staged, nothing written) or the whole import; prints timings as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from models import store
    from models.database import init_database
    from models.importers import ImportOptions, Source, import_sources, remove_import, table_swap

    init_database(db_path)
    before, start = os.times(), time.perf_counter()
    with store.opened(db_path) as db:
        server = server_cpu(db)
        (result,) = import_sources(db, [Source.from_path(csv_path)], ImportOptions(imported_by="benchmark", dry_run=dry_run))
        server = server_cpu(db) - server
        server_mb = server_peak_mb(db)
        after, finished = os.times(), time.perf_counter()
        removal = per_row = None
        if not dry_run:  # then taken out again, as an officer undoes a wrong import (not in the import's figures)
            remove_import(db, result.import_id, who="benchmark")
            removal = time.perf_counter() - finished
            if removal_peer and db.dialect == "postgresql":
                # Its peer, same run: imported again and removed with the summaries' per-row
                # delete trigger left on (as for a role that does not own the table).
                from models.importers import staging

                (again,) = import_sources(db, [Source.from_path(csv_path)], ImportOptions(imported_by="benchmark"))
                staging.owns_table = lambda db, table: False
                began = time.perf_counter()
                remove_import(db, again.import_id, who="benchmark")
                per_row = time.perf_counter() - began
    writer_cpu = after.user + after.system - before.user - before.system + server
    reader_cpu = after.children_user + after.children_system - before.children_user - before.children_system
    peaks = [resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print(json.dumps({"status": result.status, "added": result.rows_added, "errors": result.report.error_count,
                      "warnings": result.report.warning_count, "seconds": finished - start, "remove_seconds": removal,
                      "remove_per_row_seconds": per_row,
                      "cpu_seconds": writer_cpu + reader_cpu, "writer_cpu": writer_cpu, "reader_cpu": reader_cpu,
                      "peak_mb": sum(peaks), "writer_mb": peaks[0], "reader_mb": peaks[1], "server_mb": server_mb,
                      "steps": {k: [round(w, 2), round(c, 2)] for k, (w, c) in table_swap.TIMINGS.items()},
                      "load": os.getloadavg()[0]}))


def fresh_database(server: str | None, folder: str, name: str) -> str:
    """Where one import of the benchmark writes: a new SQLite file in ``folder``, or with
    ``server`` (a PostgreSQL URL) a new database on that server."""
    if not server:
        return str(Path(folder) / f"{name}.db")
    import uuid

    import psycopg

    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    return server.rsplit("/", 1)[0] + "/" + database


def drop_database(server: str | None, where: str) -> None:
    """Remove a database ``fresh_database`` made on a PostgreSQL server."""
    if not server:
        return
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{where.rsplit("/", 1)[1]}" WITH (FORCE)')


def engine_line(server: str | None) -> str:
    """The engine a run writes to, in words."""
    if not server:
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(server) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version} (psycopg {psycopg.__version__})"


def server_cpu(db) -> float:
    """CPU seconds so far of the PostgreSQL server process serving ``db`` (on this machine),
    counted as the writer's: on SQLite the writing happens in the writer itself."""
    if db.dialect != "postgresql":
        return 0.0
    pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_peak_mb(db) -> float | None:
    """Peak resident memory (MB) of the PostgreSQL server process serving ``db`` (on this
    machine; the shared buffers it touched included), reported apart from the import's
    own processes; None on SQLite."""
    if db.dialect != "postgresql":
        return None
    pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.bench_import", "--child", *args],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def peer_sqlite_utils(peer: Path, csv_path: Path, db_path: Path) -> float:
    """Seconds of ``sqlite-utils insert DB grants FILE --csv`` (no validation, every value
    stored as text), from its own virtual environment."""
    tool = peer / "bin" / "sqlite-utils"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(peer)], check=True)
        subprocess.run([str(peer / "bin" / "pip"), "install", "-q", "datasette==0.65.1", "sqlite-utils==3.38"], check=True)
    start = time.perf_counter()
    subprocess.run([str(tool), "insert", str(db_path), "grants", str(csv_path), "--csv"], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peer_jsonschema(csv_path: Path, sample: int) -> float:
    """Grants per second validated one by one with jsonschema (Draft 2020-12, formats
    checked) against the 360Giving 1.4.3 grant schema, on the file's first ``sample``
    grants turned into the standard's JSON shape."""
    import jsonschema

    root = Path(__file__).resolve().parents[1]
    schema = json.loads((root / "models" / "importers" / "schemas" / "360-giving-schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    grants = []
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            grants.append({
                "id": row["Identifier"], "title": row["Title"], "description": row["Description"],
                "currency": row["Currency"], "amountAwarded": float(row["Amount Awarded"]), "awardDate": row["Award Date"],
                "recipientOrganization": [{"id": row["Recipient Org:Identifier"], "name": row["Recipient Org:Name"]}],
                "fundingOrganization": [{"id": row["Funding Org:Identifier"], "name": row["Funding Org:Name"]}],
            })
            if len(grants) == sample:
                break
    start = time.perf_counter()
    errors = sum(1 for grant in grants for _ in validator.iter_errors(grant))
    if errors:
        sys.exit(f"jsonschema found {errors} errors in the benchmark grants")
    return len(grants) / (time.perf_counter() - start)


def report(rows: int, dry: dict, whole: dict) -> None:
    """The project's own lines of the table."""
    print(f"Import status: {whole['status']}, {whole['added']:,} rows added, {whole['errors']:,} errors, "
          f"{whole['warnings']:,} warnings; dry run: {dry['status']}")
    print("\n| work | seconds | rows per second | CPU rows/s (reader + writer CPU s) | peak memory (reader + writer) |")
    print("|---|---|---|---|---|")
    for label, r in (("dry run (every cell checked, nothing written)", dry), ("validated import, written", whole)):
        print(f"| {label} | {r['seconds']:.1f} | {rows / r['seconds']:,.0f} | {rows / r['cpu_seconds']:,.0f} "
              f"({r['reader_cpu']:.1f} + {r['writer_cpu']:.1f}) | {r['peak_mb']:,.0f} MB "
              f"({r['reader_mb']:,.0f} + {r['writer_mb']:,.0f}) |")


def readme_row(rows: int, dry: dict, whole: dict, start_load: float, peers: tuple[float, float] | None = None) -> None:
    """The README's "National scale" import row, in its own words, from this run."""
    rate, cpu = rows / whole["seconds"], rows / whole["cpu_seconds"]
    project = (f"**{rate:,.0f} rows/s** ({whole['seconds']:.0f} s); CPU {cpu:,.0f} rows/s (reader {whole['reader_cpu']:.1f} s "
               f"+ writer {whole['writer_cpu']:.1f} s); peak {whole['peak_mb']:,.0f} MB (reader {whole['reader_mb']:,.0f} + "
               f"writer {whole['writer_mb']:,.0f}, shared pages counted twice); dry run **{rows / dry['seconds']:,.0f} rows/s** "
               f"({dry['seconds']:.0f} s), CPU {rows / dry['cpu_seconds']:,.0f} rows/s, {dry['peak_mb']:,.0f} MB")
    load = f"load {start_load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores"
    if peers is None:
        print(f"\nREADME row: | validated import, {rows:,} grants ({load}) | {project} | (--no-peers) | | 50,000 rows/s, < 500 MB |")
        return
    peer_seconds, per_grant = peers
    print(f"\nREADME row: | validated import, {rows:,} grants ({load}) | {project} | `sqlite-utils insert --csv`: "
          f"{rows / peer_seconds:,.0f} rows/s ({peer_seconds:.0f} s); jsonschema per grant: {per_grant:,.0f} grants/s | "
          f"{rate / (rows / peer_seconds):.2f}x sqlite-utils; {rate / per_grant:.1f}x jsonschema (dry run: "
          f"{(rows / dry['seconds']) / (rows / peer_seconds):.2f}x sqlite-utils, {(rows / dry['seconds']) / per_grant:.1f}x "
          f"jsonschema) | 50,000 rows/s, < 500 MB |")


def steps(whole: dict) -> None:
    print("\nPublishing, step by step (wall / writer CPU seconds): "
          + "; ".join(f"{k} {w:.1f} / {c:.1f}" for k, (w, c) in whole["steps"].items()))
    if whole.get("server_mb") is not None:
        print(f"PostgreSQL server process (not counted above): peak {whole['server_mb']:,.0f} MB resident, "
              "the shared buffers it touched included; its CPU is counted in the writer's.")
    if whole.get("remove_seconds") is not None:
        print(f"Removing the import again (the Data page's Remove): {whole['remove_seconds']:.1f} s.")
    if whole.get("remove_per_row_seconds") is not None:
        print(f"Peer, same run: imported again and removed with the summaries' per-row delete trigger on: "
              f"{whole['remove_per_row_seconds']:.1f} s ({whole['remove_per_row_seconds'] / whole['remove_seconds']:.1f}x as long).")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peer", type=Path, default=Path(__file__).resolve().parent / "out" / "peer",
                        help="virtual environment for sqlite-utils (made on first use)")
    parser.add_argument("--jsonschema-sample", type=int, default=20_000)
    parser.add_argument("--db", metavar="POSTGRESQL_URL",
                        help="import into new databases on this PostgreSQL server (default: new SQLite files)")
    parser.add_argument("--csv", type=Path, help="import this CSV (made by write_grants_csv) instead of generating one")
    parser.add_argument("--no-peers", action="store_true", help="time the project only")
    parser.add_argument("--child", nargs=3, metavar=("CSV", "DB", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_import(args.child[0], args.child[1], args.child[2] == "dry-run", args.child[2] == "import-and-peer")
        return
    with tempfile.TemporaryDirectory() as folder:
        csv_path = args.csv or Path(folder) / "grants.csv"
        if args.csv is None:
            began = time.perf_counter()
            write_grants_csv(csv_path, args.rows)
            print(f"Generated {args.rows:,} national-shaped grants ({csv_path.stat().st_size / 1e6:,.0f} MB CSV) "
                  f"in {time.perf_counter() - began:.1f} s")
        load = os.getloadavg()
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{engine_line(args.db)}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
        targets = [fresh_database(args.db, folder, name) for name in ("dry", "import")]
        try:
            dry = child(str(csv_path), targets[0], "dry-run")
            whole = child(str(csv_path), targets[1], "import" if args.no_peers else "import-and-peer")
        finally:
            for target in targets:
                drop_database(args.db, target)
        rows = args.rows
        if args.no_peers:
            report(rows, dry, whole)
            steps(whole)
            readme_row(rows, dry, whole, load[0])
            return
        peer_seconds = peer_sqlite_utils(args.peer, csv_path, Path(folder) / "peer.db")
        per_grant = peer_jsonschema(csv_path, args.jsonschema_sample)
        report(rows, dry, whole)
        print(f"| peer: sqlite-utils insert --csv (no validation) | {peer_seconds:.1f} | {rows / peer_seconds:,.0f} | | not measured |")
        print(f"| peer: jsonschema per grant (first {args.jsonschema_sample:,}, validation only) | "
              f"{rows / per_grant:.0f} (projected) | {per_grant:,.0f} | | |")
        steps(whole)
        print(f"\nRatios: validated import {(rows / whole['seconds']) / (rows / peer_seconds):.2f}x sqlite-utils' rate; "
              f"{(rows / whole['seconds']) / per_grant:.1f}x per-grant jsonschema's rate. "
              f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
        readme_row(rows, dry, whole, load[0], (peer_seconds, per_grant))


if __name__ == "__main__":
    main()
