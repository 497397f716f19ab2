"""python -m models sroi: the social return on investment of a scenario file, headless."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ._common import format_option, print_json, print_table, read_scenario, scenario_argument


@click.command()
@format_option()
@click.option(
    "--simulations", metavar="N", type=click.IntRange(min=0), default=0, show_default=True,
    help="also run a Monte Carlo of N draws (fixed seed) and report the ratio's P10/P50/P90 (0: none)",
)
@scenario_argument
def sroi(output_format: str, simulations: int, scenario: Path) -> None:
    """Social return on investment (SROI) of a scenario file (JSON).

    See data/examples/sroi_example.json and docs/sroi.md."""
    from .. import sroi as engine

    parsed = engine.parse_scenario(read_scenario(scenario))
    result = engine.calculate(parsed)
    uncertainty = engine.monte_carlo(parsed, simulations) if simulations else None
    if output_format == "json":
        print_json(engine.results_json(result, uncertainty))
    else:
        _print_report(result, uncertainty)


def _print_report(result, uncertainty) -> None:
    """The results as text tables, with the convention and the honesty warnings."""
    import pandas as pd

    from .. import sroi as engine
    from ..formatting import money_from_pounds

    scenario = result.scenario
    figures = engine.penny_figures(result)
    click.echo(f"{scenario.name}{' (FICTIONAL DEMONSTRATION DATA)' if scenario.fictional else ''}")
    click.echo(result.convention.describe() + f"; discount rate {scenario.discount_rate:.2%}")
    click.echo()
    summary = [
        ("Investment", money_from_pounds(figures.investment)),
        ("Present value", money_from_pounds(figures.present_value)),
        ("Net present value", money_from_pounds(figures.net_present_value)),
        ("SROI ratio", engine.ratio_text(result.sroi_ratio)),
        ("Net SROI ratio", engine.ratio_text(result.net_sroi_ratio)),
        ("Payback", engine.payback_text(result.payback_months)),
    ]
    print_table(pd.DataFrame(summary, columns=["Measure", "Value"]))
    click.echo()
    print_table(pd.DataFrame(
        [(o.name, o.stakeholder, money_from_pounds(o.gross_value), money_from_pounds(o.impact), money_from_pounds(pv))
         for o, pv in zip(result.outcomes, figures.outcome_present_values)],
        columns=["Outcome", "Stakeholder", "Gross value a year", "Impact a year", "Present value"],
    ))
    click.echo()
    print_table(pd.DataFrame(
        [(y.year, money_from_pounds(v), money_from_pounds(pv))
         for y, v, pv in zip(result.years, figures.year_values, figures.year_present_values)],
        columns=["Year", "Value", "Present value"],
    ))
    if uncertainty is not None:
        click.echo()
        click.echo(
            f"Monte Carlo ({uncertainty.simulations:,} draws, seed {uncertainty.seed}): ratio P10 {engine.ratio_text(uncertainty.p10)}, "
            f"P50 {engine.ratio_text(uncertainty.p50)}, P90 {engine.ratio_text(uncertainty.p90)}; "
            f"chance below £1 : £1 {uncertainty.probability_below_one:.1%}"
        )
    warnings = engine.honesty_warnings(scenario, result)
    if warnings:
        click.echo("\nWarnings:")
        for warning in warnings:
            click.echo(f"  - {warning}")
    if not math.isfinite(result.sroi_ratio):
        click.echo("\nThe ratio could not be calculated.")
