"""Benchmark: the SROI engine on a generated 20-outcome impact map.

Times the Monte Carlo of 100,000 draws (every outcome's seven estimates drawn at once from
triangular distributions, then one closed-form present value per draw), and for context
the deterministic calculation, the tornado (every estimate at its low and high) and the
switching values. Prints the median and 95th percentile over the repeats.

    .venv/bin/python -m bench.bench_sroi [--outcomes 20] [--draws 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from models import sroi


def generated_scenario(outcomes: int, seed: int = 1) -> sroi.Scenario:
    """A fictional impact map: quantities, proxies and adjustments at random, with ranges
    on the proxies so the Monte Carlo has the outcome's own ranges to use as well."""
    rng = np.random.default_rng(seed)
    body = {"name": "Benchmark (fictional)", "investment": 250_000, "outcomes": []}
    for index in range(outcomes):
        proxy = float(rng.integers(200, 5_000))
        body["outcomes"].append({
            "name": f"Outcome {index + 1}", "stakeholder": f"Group {index % 5 + 1}",
            "quantity": float(rng.integers(5, 200)), "proxy_value": proxy, "proxy_source": "generated",
            "deadweight": round(float(rng.uniform(0.05, 0.5)), 2), "attribution": round(float(rng.uniform(0.05, 0.4)), 2),
            "displacement": round(float(rng.uniform(0, 0.2)), 2), "drop_off": round(float(rng.uniform(0, 0.4)), 2),
            "duration_years": int(rng.integers(1, 6)), "ranges": {"proxy_value": [proxy * 0.7, proxy * 1.3]},
        })
    return sroi.parse_scenario(body)


def timed(function, repeat: int) -> tuple[float, float, float]:
    """Median and 95th percentile wall time, and median processor time, in milliseconds
    (processor time leaves out the time spent waiting for a busy machine's processors)."""
    wall, processor = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        processor.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[min(len(wall) - 1, int(round(0.95 * (len(wall) - 1))))], statistics.median(processor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=20)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    scenario = generated_scenario(args.outcomes)
    sroi.monte_carlo(scenario, 1_000)   # warm up numpy
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"Impact map: {args.outcomes} outcomes (fictional, generated); ratio {sroi.ratio_text(sroi.calculate(scenario).sroi_ratio)}")
    uncertainty = sroi.monte_carlo(scenario, args.draws)
    print(f"Monte Carlo result: P10 {uncertainty.p10:.4f}, P50 {uncertainty.p50:.4f}, P90 {uncertainty.p90:.4f}, "
          f"P(ratio < 1) {uncertainty.probability_below_one:.4f}")
    rows = [
        (f"Monte Carlo, {args.draws:,} draws", lambda: sroi.monte_carlo(scenario, args.draws), args.repeat),
        ("Deterministic calculation", lambda: sroi.calculate(scenario), args.repeat * 10),
        ("Tornado (every estimate low and high)", lambda: sroi.tornado(scenario), args.repeat),
        ("Switching values", lambda: sroi.switching_values(scenario), args.repeat),
    ]
    print(f"{'What':<40} {'median ms':>10} {'p95 ms':>10} {'CPU ms':>10}")
    for label, function, repeat in rows:
        median, p95, processor = timed(function, repeat)
        print(f"{label:<40} {median:>10.1f} {p95:>10.1f} {processor:>10.1f}")


if __name__ == "__main__":
    main()
