"""python -m models outcomes: each indicator's latest value, target, gap and status."""

from __future__ import annotations

import click

from ._common import db_option, format_option, print_json, print_table, reading_database


@click.command()
@db_option
@format_option()
def outcomes(db, output_format) -> None:
    """The framework's outcome indicators: latest value, target, gap and status."""
    from .. import outcomes as engine

    with reading_database(db) as database:
        statuses = engine.assess_all(database)
        summaries = engine.outcome_summaries(database)
    if output_format == "json":
        print_json({
            "status_rule": engine.STATUS_RULE,
            "as_of": engine.today_in_england().isoformat(),
            "outcomes": [{"outcome_id": s.outcome.outcome_id, "title": s.outcome.title, "status": s.status,
                          "illustrative": s.illustrative, "reason": s.reason} for s in summaries],
            "indicators": engine.as_json(statuses),
        })
        return
    table = engine.indicator_table(statuses)
    shown = table[["Outcome", "Indicator", "Latest value", "Latest date", "Target", "Target date", "Gap (unit)",
                   "Gap (% of target)", "Status", "Illustrative"]].copy()
    units = table["Unit"]
    for column in ("Latest value", "Target"):
        shown[column] = [engine.format_value(v, u) for v, u in zip(table[column], units)]
    shown["Gap (unit)"] = [engine.format_difference(v, u) for v, u in zip(table["Gap (unit)"], units)]
    shown["Gap (% of target)"] = [engine.format_value(v, "%") for v in table["Gap (% of target)"]]
    shown["Indicator"] = shown["Indicator"].str.slice(0, 60)
    print_table(shown)
    click.echo()
    for summary in summaries:
        label = " (illustrative figures)" if summary.illustrative else ""
        click.echo(f"{summary.outcome.outcome_id} {summary.outcome.title}: {summary.status}{label}")
    click.echo(f"\nStatus rule: {engine.STATUS_RULE}")
    if (table["Illustrative"] != "").any():
        click.echo("Rows marked 'illustrative' rest on illustrative (demonstration) values or targets, not real figures.")
