"""python -m models fcr: full cost recovery for a costing scenario (JSON), as on the page."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import format_option, print_json, print_table, read_scenario, scenario_argument


@click.command()
@scenario_argument
@format_option()
def fcr(scenario: Path, output_format: str) -> None:
    """Full cost recovery: each project's direct costs, share of overheads and full cost.

    SCENARIO.json is a costing scenario (see docs/cost_recovery.md)."""
    from .. import cost_recovery

    result = cost_recovery.calculate(read_scenario(scenario))
    for warning in cost_recovery.costing_warnings(result):
        click.echo(f"Warning: {warning}", err=True)
    if output_format == "json":
        print_json(cost_recovery.to_json(result))
    else:
        _print_tables(result)


def _print_tables(result) -> None:
    """Year 1 by project, then the multi-year plan and any funding gap, money as '£1,234.56'."""
    from .. import cost_recovery
    from ..formatting import money_from_pounds, percent

    costing = result.costing
    if costing.fictional:
        click.echo("FICTIONAL worked example: not a real organisation.\n")
    summary = cost_recovery.summary_frame(result)
    for column in summary.columns:
        if column.endswith("(£)"):
            summary[column] = summary[column].map(money_from_pounds)
    for column in ("Overhead rate", "Share of total"):
        summary[column] = summary[column].map(lambda v: percent(v) if v is not None else "n/a")
    click.echo(f"Year 1 full costs: {costing.name or '(unnamed costing)'}")
    print_table(summary)
    if costing.years > 1:
        click.echo(f"\nPlan over {costing.years} years (pay inflation {percent(float(costing.pay_inflation))}, "
                   f"non-pay inflation {percent(float(costing.non_pay_inflation))} a year)")
        plan = cost_recovery.multi_year_frame(result)
        for column in ("Direct costs (£)", "Overheads (£)", "Full cost (£)"):
            plan[column] = plan[column].map(money_from_pounds)
        print_table(plan)
    if costing.funding_basis != "none":
        click.echo(f"\nFunding gap: {cost_recovery.funding_basis_text(costing)}")
        gap = cost_recovery.funding_gap_frame(result)
        for column in gap.columns[2:]:
            gap[column] = gap[column].map(money_from_pounds)
        print_table(gap)
        needed = cost_recovery.unrestricted_frame(result)
        needed["Unrestricted income needed (£)"] = needed["Unrestricted income needed (£)"].map(money_from_pounds)
        print_table(needed)
