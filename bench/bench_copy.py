"""How long ``python -m models copy`` takes, and how much memory it needs, at scale: a seeded
SQLite database with ROWS national-shaped spend rows copied into a new PostgreSQL database
and back into a new SQLite file. Each copy runs as its own process, so its peak resident
memory is its own (the copy reads and writes in batches, so it should not grow with ROWS).

    python -m bench.bench_copy --rows 1000000 --pg postgresql://dashboard@127.0.0.1:54987/postgres
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.generate import SHAPE, spend_database


def timed_copy(source: str, target: str) -> tuple[float, float]:
    """(seconds, peak resident MB) of one copy command, run as a child process. The peak is
    the child's own high-water mark (VmHWM, read while it runs): its rusage would also count
    this parent's memory, which it inherits at fork."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "models", "copy", "--from", source, "--to", target],
                             stdout=subprocess.DEVNULL)
    peak_kb = 0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            peak_kb = max(peak_kb, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"copy {source} -> {target} failed")
    return seconds, peak_kb / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", required=True, help="a PostgreSQL server's maintenance database URL")
    parser.add_argument("--folder", default=None, help="where to keep the SQLite files (default: a temporary folder)")
    parser.add_argument("--to-postgresql-only", action="store_true", help="time only the copy into PostgreSQL")
    args = parser.parse_args(argv)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-copy-"))
    source = folder / f"spend-{args.rows}-shape{SHAPE}.db"
    if not source.exists():
        print(f"building {source} with {args.rows:,} spend rows ...", flush=True)
        spend_database(source, args.rows)
    name = f"bench_copy_{os.getpid()}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
    target = args.pg.rsplit("/", 1)[0] + "/" + name
    back = folder / f"back-{os.getpid()}.db"
    try:
        legs = [("SQLite -> PostgreSQL", str(source), target), ("PostgreSQL -> SQLite", target, str(back))]
        for label, src, dst in legs[:1] if args.to_postgresql_only else legs:
            seconds, megabytes = timed_copy(src, dst)
            print(f"{label}: {args.rows:,} spend rows (+ the seed) in {seconds:.1f} s, peak memory {megabytes:.0f} MB",
                  flush=True)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        back.unlink(missing_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
