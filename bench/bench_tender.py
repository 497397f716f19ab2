"""Benchmark: the tender engine on 50 bids x 20 criteria, with 10,000 Monte Carlo draws.

Times, separately and together: parsing and checking the scenario, the evaluation, the
exact tipping points for every criterion, the Monte Carlo win probabilities (one matrix
product of draws x criteria weights by criteria x bids scores) and the matrix product
alone; and, side by side, the peer: the same Monte Carlo written in bare numpy with the
same draws (it must count the same wins). Prints the median and 95th percentile of each
over the repeats, and the ratio of the medians.

    .venv/bin/python -m bench.bench_tender [--bids 50] [--criteria 20] [--draws 10000] [--repeat 50]

BLAS runs single-threaded here unless OPENBLAS_NUM_THREADS is set: a 10,000 x 20 by
20 x 50 product is too small to gain from threads, and on a busy 2-core machine their
hand-offs cost more than the arithmetic (run with OPENBLAS_NUM_THREADS=2 to compare).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from models import tender  # noqa: E402

METHODS = tender.PRICE_METHODS


def generated_scenario(bids: int, criteria: int, seed: int = 1) -> dict:
    """A fictional tender: one price criterion, one proxy-scored social value criterion,
    the rest quality, two pass/fail gates; scores, prices and quantities at random."""
    rng = np.random.default_rng(seed)
    quality = criteria - 2
    body_criteria = [
        {"id": f"q{i}", "name": f"Quality question {i + 1}", "type": "quality", "weight": float(rng.integers(1, 10)), "min_score": 1}
        for i in range(quality)
    ]
    body_criteria.append({"id": "price", "name": "Price", "type": "price", "weight": 30.0, "method": "lowest_price_ratio",
                          "floor_price": 100_000, "budget": 300_000})
    body_criteria.append({"id": "sv", "name": "Social value", "type": "social_value", "weight": 10.0,
                          "proxies": {"jobs": 25_000.0, "volunteer hours": 15.0, "apprenticeship weeks": 250.0}})
    body_criteria += [{"id": "insurance", "name": "Insurance", "type": "pass_fail"}, {"id": "safeguarding", "name": "Safeguarding", "type": "pass_fail"}]
    body_bids = []
    for b in range(bids):
        scores = {f"q{i}": int(rng.integers(1, 6)) for i in range(quality)}
        scores["sv"] = {"quantities": {"jobs": int(rng.integers(0, 6)), "volunteer hours": int(rng.integers(0, 5000)),
                                       "apprenticeship weeks": int(rng.integers(0, 104))}}
        scores["insurance"] = "pass"
        scores["safeguarding"] = "pass" if rng.random() > 0.05 else "fail"
        body_bids.append({"bidder": f"Bidder {b + 1:02d} (fictional)", "price": round(float(rng.uniform(120_000, 260_000)), 2), "scores": scores})
    return {"name": "Benchmark tender (fictional)", "fictional": True, "criteria": body_criteria, "bids": body_bids}


def numpy_win_counts(shares: np.ndarray, scores: np.ndarray, spread: float, draws: int, seed: int = 1) -> np.ndarray:
    """The peer: Monte Carlo wins written directly in numpy, with the same draws as the
    engine (each weight share times a uniform factor in [1 - spread, 1 + spread], rows
    normalised), for the ratio that shows the engine adds nothing to numpy's own cost."""
    rng = np.random.default_rng(seed)
    weights = shares * (1.0 + spread * rng.uniform(-1.0, 1.0, size=(draws, shares.size)))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.bincount(np.argmax(weights @ scores, axis=1), minlength=scores.shape[1])


def timed(function, repeat: int) -> list[float]:
    """Seconds for each of ``repeat`` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"  {name:<60} median {statistics.median(times) * 1000:8.2f} ms   p95 {p95 * 1000:8.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=50)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)

    body = generated_scenario(args.bids, args.criteria)
    scenario = tender.parse_scenario(body)
    evaluation = tender.evaluate(scenario)
    weights = tender.weight_draws(scenario.shares(), 0.2, args.draws, 1)

    print(f"Tender engine: {args.bids} bids x {args.criteria} weighted criteria (+2 pass/fail gates), "
          f"{args.draws:,} Monte Carlo draws, {args.repeat} repeats")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    report("parse and check the scenario", timed(lambda: tender.parse_scenario(body), args.repeat))
    report("evaluate (points, ranks, flags)", timed(lambda: tender.evaluate(scenario), args.repeat))
    report("exact tipping points, every criterion", timed(lambda: tender.tipping_points(evaluation), args.repeat))
    report("price-method comparison (3 methods)", timed(lambda: tender.price_method_comparison(scenario), args.repeat))
    report("matrix product alone (draws x criteria @ criteria x bids)", timed(lambda: weights @ evaluation.scores, args.repeat))
    ours = timed(lambda: tender.win_probabilities(evaluation, draws=args.draws, spread=0.2), args.repeat)
    peer = timed(lambda: numpy_win_counts(scenario.shares(), evaluation.scores, 0.2, args.draws), args.repeat)
    report(f"win probabilities ({args.draws:,} draws, incl. drawing weights)", ours)
    report("peer: bare numpy, the same draws and counting", peer)
    print(f"  win probabilities / bare numpy: {statistics.median(ours) / statistics.median(peer):.2f}x (medians)")
    ours_counts = tender.win_probabilities(evaluation, draws=args.draws, spread=0.2, seed=1)
    assert [round(v * args.draws) for v in ours_counts.values()] == numpy_win_counts(
        scenario.shares(), evaluation.scores, 0.2, args.draws).tolist(), "the peer must count the same wins"
    report("whole analysis (evaluate + tipping points + Monte Carlo)", timed(lambda: (
        tender.tipping_points(e := tender.evaluate(scenario)), tender.win_probabilities(e, draws=args.draws, spread=0.2)), args.repeat))
    print(f"Winner: {evaluation.winner}; {len(evaluation.disqualified)} bids disqualified")


if __name__ == "__main__":
    main()
