"""python -m models monitoring ...: each agreement's KPIs and commitments period by period,
returns due or late, recording a return, promised against delivered in pounds with a
realised SROI, and a provider's delivery record."""

from __future__ import annotations

import click

from ._common import actor_named, db_option, format_option, open_database, print_json, print_table, reading_database, who_option


def _records(frame) -> list[dict]:
    """Rows as JSON-ready dicts (missing numbers as null)."""
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


@click.group()
def monitoring() -> None:
    """Monitoring: status per period, returns due, record a return, add a KPI, promised
    against delivered, a provider's delivery record."""


@monitoring.command()
@db_option
@format_option("table", "json")
@click.argument("reference")
def status(db, output_format, reference) -> None:
    """Every measure of one agreement in every period: target, delivered, status, evidence."""
    from .. import agreements, monitoring as model

    with reading_database(db) as database:
        agreement_id = agreements.by_reference(database, reference)
        frame = model.status_frame(database, agreement_id)
        rule = model.kpi_rule(agreements.get(database, agreement_id))
    if output_format == "json":
        print_json({"reference": reference, "status_rule": model.STATUS_RULE, "kpi_rule": rule,
                    "counts": model.status_counts(frame), "periods": _records(frame)})
        return
    print_table(frame[["measure", "period", "end_date", "due_date", "target", "delivered", "status"]])
    click.echo(f"\n{rule['message']}")


@monitoring.command()
@db_option
@format_option("table", "json")
def due(db, output_format) -> None:
    """Returns due or late, across every agreement."""
    from .. import monitoring as model

    with reading_database(db) as database:
        frame = model.returns_due(database)
    if output_format == "json":
        print_json({"returns": _records(frame)})
    else:
        print_table(frame[["reference", "provider_name", "period", "end_date", "due_date", "outstanding", "status"]])


@monitoring.command()
@db_option
@who_option
@click.option("--measure", required=True, help="the measure's name, as in 'status'")
@click.option("--period", required=True, type=click.IntRange(min=1), help="the period's number")
@click.option("--delivered", required=True, help="quantity delivered in the period")
@click.option("--evidence", required=True, help="what shows it (report, register, link); no personal data")
@click.option("--version", "expected_version", type=int, default=None,
              help="to correct a return: the version you read ('status --format json', return_version)")
@click.argument("reference")
def record(db, who, measure, period, delivered, evidence, expected_version, reference) -> None:
    """Record what was delivered against one measure in one ended period."""
    from .. import agreements, monitoring as model
    from ..errors import DomainError

    with open_database(db) as database:
        agreement = agreements.get(database, agreements.by_reference(database, reference))
        measure_id = next((m["id"] for m in agreement["measures"] if m["name"] == measure), None)
        period_id = next((p["id"] for p in agreement["periods"] if p["number"] == period), None)
        if measure_id is None:
            raise DomainError(f"{reference} has no measure '{measure}' (measures: "
                              f"{', '.join(m['name'] for m in agreement['measures']) or 'none'})")
        if period_id is None:
            raise DomainError(f"{reference} has periods 1 to {len(agreement['periods'])}, not {period}")
        saved = model.record_return(database, measure_id, period_id, delivered=delivered, evidence=evidence,
                                    actor=actor_named(who), expected_version=expected_version)
    click.echo(f"Recorded {saved['delivered']:g} for '{measure}', period {period} (version {saved['version']})")


@monitoring.command("add-measure")
@db_option
@who_option
@click.option("--kind", type=click.Choice(["kpi", "social_value"]), default="kpi", show_default=True)
@click.option("--name", required=True)
@click.option("--target", "target_per_period", required=True, help="target per period")
@click.option("--unit", default="")
@click.option("--direction", type=click.Choice(["higher", "lower"]), default="higher", show_default=True,
              help="which is better")
@click.option("--proxy", default=None, help="social value: pounds per unit")
@click.option("--proxy-source", default="", help="where the proxy comes from")
@click.argument("reference")
def add_measure(db, who, kind, name, target_per_period, unit, direction, proxy, proxy_source, reference) -> None:
    """Add a KPI or social-value commitment to an agreement."""
    from .. import agreements

    with open_database(db) as database:
        agreements.add_measure(database, agreements.by_reference(database, reference), {
            "kind": kind, "name": name, "target_per_period": target_per_period, "unit": unit, "direction": direction,
            "proxy": proxy, "proxy_source": proxy_source}, actor=actor_named(who))
    click.echo(f"Added '{name}' to {reference}")


@monitoring.command()
@db_option
@format_option("table", "json")
@click.argument("reference")
def value(db, output_format, reference) -> None:
    """Social value promised at tender against delivered (£, the tender's proxies) and the realised SROI."""
    from .. import agreements, monitoring as model

    with reading_database(db) as database:
        agreement_id = agreements.by_reference(database, reference)
        frame = model.promised_against_delivered(database, agreement_id)
        result = model.sroi_json(model.realised_sroi(database, agreement_id))
    for column in [c for c in frame.columns if c.endswith("_pence")]:
        frame[column.removesuffix("_pence")] = frame.pop(column) / 100
    totals = {c: round(float(frame[c].sum()), 2) for c in ("promised", "promised_to_date", "delivered", "difference")}
    if output_format == "json":
        print_json({"reference": reference, "commitments": _records(frame), "totals": totals, "realised_sroi": result})
        return
    print_table(frame[["measure", "proxy", "promised_quantity", "promised", "promised_to_date", "delivered_quantity",
                       "delivered", "difference"]])
    click.echo(f"\nTotals: {totals}")
    if result:
        click.echo(f"Realised SROI {result['realised_ratio']:.2f} : 1 against {result['promised_ratio']:.2f} : 1 promised "
                   f"for periods {result['periods_reported']} ({result['convention']})")


@monitoring.command("record-of")
@db_option
@format_option("table", "json")
@click.argument("provider")
def record_of(db, output_format, provider) -> None:
    """A provider's delivery record (its org-id, or a name as a bidder gave it)."""
    from .. import monitoring as model

    with reading_database(db) as database:
        ids = model.provider_ids_for(database, provider)
        found = {org_id: model.delivery_record(database, org_id) for org_id in ids}
    if output_format == "json":
        print_json({"rules": model.ACT_RULES, "providers": {
            org_id: {"agreements": _records(r["agreements"]), "shortfalls": _records(r["shortfalls"])}
            for org_id, r in found.items()}})
        return
    if not found:
        click.echo("No agreements for that provider.")
    for org_id, result in found.items():
        click.echo(org_id)
        print_table(result["agreements"])
        print_table(result["shortfalls"])
    click.echo(f"\n{model.ACT_RULES}")
