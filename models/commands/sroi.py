"""python -m models sroi: the social return on investment of a scenario file, headless."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .. import sroi
from ..errors import DomainError
from ..formatting import money_from_pounds
from ..scenarios import parse_json
from ._common import add_format_argument, fail, print_json, print_table

NAME = "sroi"
HELP = "social return on investment (SROI) of a scenario file (JSON)"


def add_arguments(parser) -> None:
    add_format_argument(parser)
    parser.add_argument(
        "--simulations",
        metavar="N",
        type=int,
        default=0,
        help="also run a Monte Carlo of N draws (fixed seed) and report the ratio's P10/P50/P90 (default: 0, none)",
    )
    parser.add_argument("scenario", metavar="SCENARIO.json", help="the scenario file (see data/examples/sroi_example.json)")


def run(args) -> int:
    path = Path(args.scenario)
    if args.simulations < 0:
        return fail(f"--simulations must be 0 or more; got {args.simulations}")
    try:
        body = parse_json(path.read_bytes(), source=path.name)
        scenario = sroi.parse_scenario(body)
    except OSError as error:
        return fail(f"cannot read {path}: {error.strerror}")
    except DomainError as error:
        details = "".join(f"\n  - {p}" for p in error.problems) if len(error.problems) > 1 else ""
        return fail(f"{path.name}: {error}{details}")
    result = sroi.calculate(scenario)
    uncertainty = sroi.monte_carlo(scenario, args.simulations) if args.simulations else None
    if args.format == "json":
        print_json(sroi.results_json(result, uncertainty))
        return 0
    _print_report(result, uncertainty)
    return 0


def _print_report(result: sroi.Result, uncertainty: sroi.Uncertainty | None) -> None:
    """The results as text tables, with the convention and the honesty warnings."""
    scenario = result.scenario
    figures = sroi.penny_figures(result)
    print(f"{scenario.name}{' (FICTIONAL DEMONSTRATION DATA)' if scenario.fictional else ''}")
    print(result.convention.describe() + f"; discount rate {scenario.discount_rate:.2%}")
    print()
    summary = [
        ("Investment", money_from_pounds(figures.investment)),
        ("Present value", money_from_pounds(figures.present_value)),
        ("Net present value", money_from_pounds(figures.net_present_value)),
        ("SROI ratio", sroi.ratio_text(result.sroi_ratio)),
        ("Net SROI ratio", sroi.ratio_text(result.net_sroi_ratio)),
        ("Payback", sroi.payback_text(result.payback_months)),
    ]
    print_table(pd.DataFrame(summary, columns=["Measure", "Value"]))
    print()
    print_table(pd.DataFrame(
        [(o.name, o.stakeholder, money_from_pounds(o.gross_value), money_from_pounds(o.impact), money_from_pounds(pv))
         for o, pv in zip(result.outcomes, figures.outcome_present_values)],
        columns=["Outcome", "Stakeholder", "Gross value a year", "Impact a year", "Present value"],
    ))
    print()
    print_table(pd.DataFrame(
        [(y.year, money_from_pounds(v), money_from_pounds(pv))
         for y, v, pv in zip(result.years, figures.year_values, figures.year_present_values)],
        columns=["Year", "Value", "Present value"],
    ))
    if uncertainty is not None:
        print()
        print(
            f"Monte Carlo ({uncertainty.simulations:,} draws, seed {uncertainty.seed}): ratio P10 {sroi.ratio_text(uncertainty.p10)}, "
            f"P50 {sroi.ratio_text(uncertainty.p50)}, P90 {sroi.ratio_text(uncertainty.p90)}; "
            f"chance below £1 : £1 {uncertainty.probability_below_one:.1%}"
        )
    warnings = sroi.honesty_warnings(scenario, result)
    if warnings:
        print("\nWarnings:")
        for warning in warnings:
            print(f"  - {warning}")
    if not math.isfinite(result.sroi_ratio):
        print("\nThe ratio could not be calculated.")
