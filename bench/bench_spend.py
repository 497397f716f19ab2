"""Benchmark: the spend explorer at 1,000,000 national-shaped spend rows, and the same spend
questions answered by Datasette on the same database, side by side in one run.

    .venv/bin/python -m bench.bench_spend [--rows 1000000] [--repeat 30] [--peer /tmp/peer-venv] [--db postgresql://...]

1. Builds (once; kept in bench/out/) a database with the seed and ``--rows`` rows from
   bench.generate (about 300 funders, 460 districts and area-wide lines, Zipf-skewed).
2. **The page**: runs app.py's spend page in Streamlit's AppTest (the server-side script
   run a browser waits for): first render with a cold cache, then reruns with the cache
   warm (p50/p95), then first renders of new filter sets (a district, a year, everything).
3. **The queries, against Datasette**: installs Datasette into a separate virtual
   environment (``--peer``, default bench/out/peer; never the project's requirements),
   serves the same file, and alternates, question by question: models.spend in process
   against Datasette's own reported SQL time (``query_ms``, so HTTP is not counted against
   it) and its whole HTTP answer. Questions: spend by authority, by department, one year
   by authority and funding type, and facet counts (authority, year, funding type).
Prints the machine, its load before and after, and medians with ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)")


def build(rows: int) -> Path:
    """The benchmark database (reused if already built for this size)."""
    from bench.generate import SHAPE, spend_database

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"spend-{rows}-shape{SHAPE}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seconds = spend_database(partial, rows)
        partial.rename(path)
        print(f"Built {path.name}: {rows:,} rows in {seconds:.0f} s ({path.stat().st_size / 1e6:,.0f} MB)")
    return path


def build_postgresql(url: str, rows: int) -> str:
    """The same benchmark data in a PostgreSQL database (migrated and seeded by the app's
    own init_database; the rows loaded with COPY in one transaction, the summary tables'
    per-row triggers paused by ``spend.bulk_totals`` and the sums added once by GROUP BY),
    if it does not hold them yet."""
    from bench.generate import spend_rows
    from models import spend, store
    from models.database import init_database

    init_database(url)
    with store.opened(url) as db:
        if db.execute("SELECT COUNT(*) FROM spend").fetchone()[0] >= rows:
            return url
        start = time.perf_counter()
        generated = spend_rows(rows)
        first = next(generated)
        with store.transaction(db), spend.bulk_totals(db):  # the sums added once, by GROUP BY
            with db.driver_connection.cursor() as cursor:
                with cursor.copy(f"COPY spend ({', '.join(first)}) FROM STDIN") as copy:
                    copy.write_row(tuple(first.values()))
                    for row in generated:
                        copy.write_row(tuple(row.values()))
        db.execute("ANALYZE")
        print(f"Loaded {rows:,} rows into PostgreSQL in {time.perf_counter() - start:.0f} s")
    return url


def page_timings(path: Path | str, repeat: int) -> dict[str, tuple[list[float], list[float]]]:
    """Milliseconds per AppTest run of the spend page on the big database and, alternating
    with it run for run, on a database holding only the seed (21 rows): the same page, the
    same machine, the same moment, so the ratio says what the rows cost."""
    import tempfile

    from streamlit.testing.v1 import AppTest

    from models import store
    from models.database import init_database

    seed_path = init_database(Path(tempfile.mkdtemp(prefix="bench_spend_")) / "seed.db")

    databases: dict[int, Path] = {}

    def opened(db: Path) -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        databases[id(app)] = db
        os.environ["DASHBOARD_DB"] = str(db)
        app.run()
        app.switch_page("app_pages/spend.py")
        return app

    def timed_run(app: AppTest) -> float:
        """Wall milliseconds of one run; its CPU milliseconds (every thread: AppTest runs the
        script in a thread of its own) go to CPU[label of the app]."""
        os.environ["DASHBOARD_DB"] = str(databases[id(app)])  # the app reads it on every run
        start, cpu = time.perf_counter(), time.process_time()
        app.run()
        if app.exception:
            raise SystemExit(f"the page failed: {app.exception}")
        CPU.setdefault(id(app), []).append((time.process_time() - cpu) * 1000)
        return (time.perf_counter() - start) * 1000

    with store.opened(path) as db:
        district = db.execute(
            "SELECT district FROM spend_totals_by_place WHERE district NOT LIKE '%-wide' GROUP BY district "
            "ORDER BY SUM(amount_pence) DESC LIMIT 1").fetchone()[0]
    results: dict[str, tuple[list[float], list[float]]] = {}
    big, small = opened(path), opened(seed_path)
    results["first render, cold cache (default view)"] = ([timed_run(big)], [timed_run(small)])
    # Filters are chosen as a person does, through the widgets (a query parameter changed
    # after the first run is not read again).
    for label, chosen in (("default view", None), ("one district", district)):
        for app in (big, small):
            if chosen:
                app.multiselect(key="spend.district").set_value([chosen if app is big else "Macclesfield"])
            timed_run(app)
        CPU.clear()
        pairs = [(timed_run(big), timed_run(small)) for _ in range(repeat)]
        results[f"rerun, cache warm ({label})"] = ([b for b, _ in pairs], [s for _, s in pairs])
        WARM_CPU[label] = (list(CPU[id(big)]), list(CPU[id(small)]))  # these runs only
    firsts = []
    for key, value in (("spend.year", ["2008/09"]), ("spend.body", ["health"]), ("spend.funding", ["contract"])):
        for app in (big, small):
            app.multiselect(key="spend.district").set_value([])
            app.multiselect(key=key).set_value(value)
        firsts.append((timed_run(big), timed_run(small)))
    results["first render of a new filter (a year, Health, contracts)"] = ([b for b, _ in firsts], [s for _, s in firsts])
    return results


CPU: dict[int, list[float]] = {}
WARM_CPU: dict[str, tuple[list[float], list[float]]] = {}  # label -> (1,000,000 rows, seed) CPU ms

QUESTIONS = {
    "spend by authority (local government, third sector)": (
        lambda spend, db: spend.spend_by(db, ["authority"], spend.SpendFilter()),
        ["select authority, sum(amount_pence) as amount_pence, count(*) as records from spend "
         "where third_sector = 1 and body_type = 'local_government' group by authority order by authority"],
    ),
    "spend by department": (
        lambda spend, db: spend.spend_by(db, ["department"], spend.SpendFilter()),
        ["select department, sum(amount_pence) as amount_pence, count(*) as records from spend "
         "where third_sector = 1 and body_type = 'local_government' group by department order by department"],
    ),
    "one year, by authority and funding type": (
        lambda spend, db: spend.spend_by(db, ["authority", "funding_type"], spend.SpendFilter(years=("2015/16",))),
        ["select authority, funding_type, sum(amount_pence) as amount_pence, count(*) as records from spend "
         "where third_sector = 1 and body_type = 'local_government' and financial_year = '2015/16' "
         "group by authority, funding_type order by authority, funding_type"],
    ),
    "facet counts (authority, year, funding type; all rows)": (
        lambda spend, db: [spend.spend_by(db, [f], spend.SpendFilter(body_types=(), third_sector_only=False))
                           for f in ("authority", "year", "funding_type")],
        [f"select {c}, count(*) as n from spend group by {c} order by n desc" for c in
         ("authority", "financial_year", "funding_type")],
    ),
}


def peer_python(peer: Path) -> Path:
    """Datasette in a virtual environment of its own (made on first use)."""
    executable = peer / "bin" / "datasette"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(peer)], check=True)
        subprocess.run([str(peer / "bin" / "pip"), "install", "-q", "datasette==0.65.1", "sqlite-utils==3.38"], check=True)
    return executable


def query_timings(path: Path, peer: Path, repeat: int, also: str | None = None) -> list[tuple]:
    """(question, ours ms, Datasette SQL ms, Datasette HTTP ms[, ours on ``also`` ms]),
    medians, alternating. ``also``: a PostgreSQL URL holding the same data, timed too."""
    from models import spend, store

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(peer_python(peer)), "serve", str(path), "--port", str(port), "--host", "127.0.0.1",
         "--setting", "sql_time_limit_ms", "60000", "--setting", "max_returned_rows", "100000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/{path.stem}.json"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.5)

        def datasette(sqls: list[str]) -> tuple[float, float]:
            sql_ms, start = 0.0, time.perf_counter()
            for sql in sqls:
                with urllib.request.urlopen(base + "?" + urllib.parse.urlencode({"sql": sql, "_shape": "objects"})) as r:
                    sql_ms += json.loads(r.read())["query_ms"]
            return sql_ms, (time.perf_counter() - start) * 1000

        def ours_ms(function, db) -> float:
            start = time.perf_counter()
            function(spend, db)
            return (time.perf_counter() - start) * 1000

        results = []
        with store.opened(path) as db, store.opened(also or path) as other:
            for question, (ours, sqls) in QUESTIONS.items():
                ours(spend, db), ours(spend, other), datasette(sqls)  # warm the caches
                mine, theirs, theirs_http, others = [], [], [], []
                for _ in range(repeat):
                    mine.append(ours_ms(ours, db))
                    sql_ms, http_ms = datasette(sqls)
                    theirs.append(sql_ms)
                    theirs_http.append(http_ms)
                    if also:
                        others.append(ours_ms(ours, other))
                results.append((question, statistics.median(mine), statistics.median(theirs), statistics.median(theirs_http))
                               + ((statistics.median(others),) if also else ()))
        return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--peer", type=Path, default=OUT / "peer", help="virtual environment for Datasette")
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--skip-queries", action="store_true", help="the page only (no Datasette)")
    parser.add_argument("--db", default=None, help="a postgresql:// URL: the page and the questions on PostgreSQL too "
                        "(the same rows, loaded once); Datasette still reads the SQLite file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    path = build(args.rows)
    postgres = build_postgresql(args.db, args.rows) if args.db else None
    print(f"Machine: {machine()}")
    print(f"Data: {args.rows:,} national-shaped spend rows + the seed ({path.stat().st_size / 1e6:,.0f} MB file"
          + (", and the same in PostgreSQL" if postgres else "") + ")\n")
    if not args.skip_page:
        if postgres:
            print("On PostgreSQL:")
        print("| spend page (AppTest script run) | 1,000,000 rows p50 / p95 | seed only (21 rows) p50 / p95 | ratio of p95 | runs |")
        print("|---|---|---|---|---|")
        for label, (big, small) in page_timings(postgres or path, args.repeat).items():
            print(f"| {label} | {statistics.median(big):,.0f} / {percentile(big, 0.95):,.0f} ms "
                  f"| {statistics.median(small):,.0f} / {percentile(small, 0.95):,.0f} ms "
                  f"| {percentile(big, 0.95) / percentile(small, 0.95):,.2f} | {len(big)} |")
        for label, (big, small) in WARM_CPU.items():
            print(f"| rerun, cache warm ({label}): CPU | {statistics.median(big):,.0f} / {percentile(big, 0.95):,.0f} ms "
                  f"| {statistics.median(small):,.0f} / {percentile(small, 0.95):,.0f} ms "
                  f"| {percentile(big, 0.95) / percentile(small, 0.95):,.2f} | {len(big)} |")
        print()
    if args.skip_queries:
        print(f"Load at the end: {machine()}")
        return
    extra = " this project on PostgreSQL | ratio |" if postgres else ""
    print(f"| question | this project (median) | Datasette SQL time (median) | ratio | Datasette over HTTP |{extra}")
    print("|---|---|---|---|---|" + ("---|---|" if postgres else ""))
    for question, mine, theirs, http, *other in query_timings(path, args.peer, args.repeat, postgres):
        more = f" {other[0]:,.1f} ms | {theirs / other[0]:,.1f}× faster |" if other else ""
        print(f"| {question} | {mine:,.1f} ms | {theirs:,.1f} ms | {theirs / mine:,.1f}× faster | {http:,.0f} ms |{more}")
    print(f"\nLoad at the end: {machine()}")


if __name__ == "__main__":
    main()
