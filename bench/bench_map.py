"""Benchmark: what the spend map computes on a first visit (nothing cached), at 1,000,000
national-shaped spend rows with place codes (bench.generate, shape 2): spend by area, placed
where the benefit lands and where the recipient is based, and the differences between the
two (the page's last table), for each level.

    .venv/bin/python -m bench.bench_map [--rows 1000000] [--repeat 3] [--code DIR] [--levels ...]

Each measurement is a new process that opens the database (bench.bench_pages' file, built
once if absent) and times one call (wall and CPU, the imports and the place names excluded).
``--code DIR`` also runs every case from another checkout (``git worktree add DIR COMMIT``),
taking turns with this one: before and after in one run. Prints medians."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.bench_pages import ROOT, database, machine

CALL = """
import json, sys, time
from models import geography, store
from models.spend import SpendFilter
level, case = sys.argv[1], sys.argv[2]
with store.opened(sys.argv[3]) as db:
    geography.Gazetteer.load(db)  # the reference tables read once, as a running app has them
    wall, cpu = time.perf_counter(), time.process_time()
    if case == "differences":
        result = len(geography.differences(db, level, SpendFilter())[0])
    else:
        result = len(geography.spend_by_area(db, level, SpendFilter(), case))
    print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu, result]))
"""
CASES = ("benefit", "recipient", "differences")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", default="/tmp/bench_pages")
    parser.add_argument("--levels", default="ward,former_borough,local_authority")
    parser.add_argument("--code", type=Path, metavar="DIR", help="also run every case from this checkout")
    args = parser.parse_args(argv)
    path = database(Path(args.folder), args.rows)
    trees = [("now", ROOT)] + ([(f"before ({args.code.name})", args.code.resolve())] if args.code else [])
    cases = [(level, case) for level in args.levels.split(",") for case in CASES]
    results: dict[tuple, list] = {}
    print(f"Machine: {machine()}; {path.name}")
    for _ in range(args.repeat):
        for level, case in cases:
            for name, tree in trees:
                out = subprocess.run([sys.executable, "-c", CALL, level, case, str(path)], cwd=tree, check=True,
                                     capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
                results.setdefault((level, case, name), []).append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"load average at the end {os.getloadavg()[0]:.1f}; medians of {args.repeat}, wall / CPU (rows of the answer)")
    for level, case in cases:
        line = []
        for name, _ in trees:
            runs = results[(level, case, name)]
            line.append(f"{name}: {statistics.median(r[0] for r in runs):.2f} / {statistics.median(r[1] for r in runs):.2f} s "
                        f"({runs[0][2]:,} rows)")
        print(f"  {level:16} {case:12} " + "; ".join(line))


if __name__ == "__main__":
    main()
