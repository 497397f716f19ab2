"""python -m models agreements ...: the register of grants, contracts and investments in
capacity; adding them by hand, from an awarded tender or from imported spend; editing with
a version check; the Devolve measures and the money behind each outcome."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import actor_named, db_option, format_option, open_database, print_json, print_table, read_scenario, reading_database, who_option

years_option = click.option("--year", "years", metavar="YYYY/YY", multiple=True,
                            help="financial year, e.g. 2027/28 (repeatable; default all)")


def _pounds(pence) -> float:
    return int(pence) / 100


@click.group()
def agreements() -> None:
    """Agreements: list, show, add (by hand, from a tender, from imported spend), edit, and the
    Devolve measures and money behind each outcome."""


@agreements.command("list")
@db_option
@click.option("--type", "types", type=click.Choice(["grant", "contract", "capacity"]), multiple=True,
              help="agreement type (repeatable)")
@years_option
@click.option("--outcome", default="", metavar="O1..O6", help="only agreements serving this outcome")
@click.option("--provider", default="", metavar="TEXT", help="provider org-id or part of its name")
@format_option("table", "csv", "json")
def list_agreements(db, types, years, outcome, provider, output_format) -> None:
    """Every agreement: type, provider, dates, value (in the years asked for), how awarded."""
    from .. import agreements as model
    from ..export import csv_bytes

    with reading_database(db) as database:
        frame = model.list_frame(database, model.AgreementFilter(types=tuple(types), years=tuple(years),
                                                                 outcome=outcome, provider=provider))
    frame = frame.assign(value=frame["value_pence"].map(_pounds)).drop(columns=["value_pence", "id", "version"])
    if output_format == "json":
        print_json({"years": list(years) or "all", "agreements": frame.to_dict(orient="records"),
                    "total_value": round(float(frame["value"].sum()), 2) if not frame.empty else 0.0})
    elif output_format == "csv":
        click.echo(csv_bytes(frame).decode("utf-8-sig"), nl=False)
    else:
        print_table(frame[["reference", "title", "agreement_type", "provider_name", "start_date", "end_date", "value",
                           "award_route"]])


@agreements.command()
@db_option
@format_option()
@click.argument("reference")
def show(db, output_format, reference) -> None:
    """One agreement (AG-0001, or its number): values per year, outcomes, full cost share,
    measures, reporting periods and the three-KPI rule."""
    from .. import agreements as model
    from .. import monitoring

    with reading_database(db) as database:
        record = model.get(database, model.by_reference(database, reference))
        share = model.full_cost_share(database, record)
    body = {k: record[k] for k in ("reference", "title", "agreement_type", "provider_org_id", "provider_name", "body",
                                    "department", "start_date", "end_date", "award_route", "award_detail", "tender_name",
                                    "tender_bidder", "reporting", "origin", "notes", "links", "version")}
    body.update(values={y: _pounds(p) for y, p in record["values"].items()}, total_value=_pounds(record["total_pence"]),
                outcomes=[f"{o}:{i}" if i else o for o, i in record["outcomes"]], tier=record["tier"].name,
                full_cost=None if share is None else {
                    "share": share["share"], "years": share["years"], "costing": share["costing"],
                    "value": _pounds(share["value_pence"]), "full_cost": _pounds(share["full_cost_pence"])},
                measures=[{k: m[k] for k in ("name", "kind", "unit", "direction", "target_per_period", "source")}
                          | {"proxy": None if m["proxy_pence"] is None else _pounds(m["proxy_pence"])}
                          for m in record["measures"]],
                periods=[{k: p[k] for k in ("number", "start_date", "end_date", "due_date")} for p in record["periods"]],
                kpi_rule=monitoring.kpi_rule(record))
    if output_format == "json":
        print_json(body)
        return
    for key in ("reference", "title", "agreement_type", "provider_name", "body", "department", "start_date", "end_date",
                "award_route", "reporting", "tier", "total_value", "values", "outcomes", "full_cost"):
        click.echo(f"{key}: {body[key]}")
    click.echo(f"kpi rule: {body['kpi_rule']['message']}")
    for measure in body["measures"]:
        click.echo(f"measure: {measure['name']} ({measure['kind']}), target {measure['target_per_period']:g} a period")


@agreements.command()
@db_option
@who_option
@click.argument("form", metavar="AGREEMENT.json", type=click.Path(dir_okay=False, path_type=Path))
def add(db, who, form) -> None:
    """Add an agreement by hand from a JSON form (fields in docs/agreements.md); prints its reference."""
    from .. import agreements as model

    with open_database(db) as database:
        agreement_id = model.create(database, read_scenario(form), actor=actor_named(who), origin="hand")
        click.echo(model.get(database, agreement_id)["reference"])


@agreements.command("from-tender")
@db_option
@who_option
@click.option("--provider", required=True, metavar="ORG-ID", help="the winner's organisation in the directory")
@click.option("--start", required=True, metavar="DATE", help="start date, 01/04/2027 or 2027-04-01")
@click.option("--end", required=True, metavar="DATE", help="end date")
@click.option("--bidder", default=None, help="the bidder awarded (default: the award, else the evaluation's winner)")
@click.option("--body", default="Cheshire East Council", show_default=True, help="commissioning body")
@click.option("--department", default="", help="department")
@click.option("--kpis", metavar="KPIS.json", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='the commissioner\'s KPIs: [{"name": ..., "unit": ..., "target_per_period": ...}]')
@click.argument("tender_id", type=int)
def from_tender(db, who, provider, start, end, bidder, body, department, kpis, tender_id) -> None:
    """Make the agreement for an awarded tender: the award's value, the winner's social-value
    offer as commitments with the tender's proxies, and your KPIs; prints its reference."""
    from .. import agreement_sources
    from .. import agreements as model

    kpi_list = _kpis(kpis) if kpis else []
    with open_database(db) as database:
        form = agreement_sources.form_from_tender(database, tender_id, provider=provider, body=body, start=start,
                                                  end=end, bidder=bidder, department=department, kpis=kpi_list)
        agreement_id = model.create(database, form, actor=actor_named(who), origin="tender")
        click.echo(model.get(database, agreement_id)["reference"])


def _kpis(path: Path) -> list:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot read the KPIs in {path}: {error}") from None
    if not isinstance(data, list):
        raise click.ClickException(f"{path}: the KPIs are a JSON list of objects")
    return data


@agreements.command()
@db_option
@format_option()
def suggest(db, output_format) -> None:
    """Suggested agreements from imported payments not yet in one (confirm with from-spend KEY)."""
    from .. import agreement_sources

    with reading_database(db) as database:
        frame = agreement_sources.spend_suggestions(database)
    frame = frame.assign(total=frame["total_pence"].map(_pounds)).drop(columns=["total_pence"])
    if output_format == "json":
        print_json({"suggestions": frame.to_dict(orient="records")})
    else:
        print_table(frame)


@agreements.command("from-spend")
@db_option
@who_option
@click.argument("key")
def from_spend(db, who, key) -> None:
    """Confirm a suggested grouping of imported payments (its KEY from 'suggest') as an agreement."""
    from .. import agreement_sources
    from .. import agreements as model

    with open_database(db) as database:
        form, spend_ids = agreement_sources.form_from_spend(database, key)
        agreement_id = model.create(database, form, actor=actor_named(who), origin="spend", spend_ids=spend_ids)
        click.echo(model.get(database, agreement_id)["reference"])


@agreements.command()
@db_option
@who_option
@click.option("--version", "expected_version", type=int, required=True,
              help="the version you read (from 'show'); a newer one refuses the save")
@click.option("--reason", default=None, help="why, for the audit log")
@click.argument("reference")
@click.argument("form", metavar="AGREEMENT.json", type=click.Path(dir_okay=False, path_type=Path))
def edit(db, who, expected_version, reason, reference, form) -> None:
    """Replace an agreement's fields with a JSON form, if nobody has changed it since --version."""
    from .. import agreements as model

    with open_database(db) as database:
        saved = model.update(database, model.by_reference(database, reference), expected_version, read_scenario(form),
                             actor=actor_named(who), reason=reason)
    click.echo(f"{saved['reference']} saved as version {saved['version']}")


@agreements.command()
@db_option
@years_option
@format_option()
def shares(db, years, output_format) -> None:
    """The Devolve measures computed from the agreements, each with its source."""
    from .. import investment

    with reading_database(db) as database:
        frame = investment.devolve_shares(database, investment.check_years(database, tuple(years)))
    frame = frame.assign(numerator=frame["numerator_pence"].map(_pounds), denominator=frame["denominator_pence"].map(_pounds),
                         share=frame["share"].map(lambda s: None if s is None or s != s else round(s, 6)))
    frame = frame.drop(columns=["numerator_pence", "denominator_pence"])
    if output_format == "json":
        print_json({"years": list(years) or "all", "measures": frame.to_dict(orient="records")})
    else:
        print_table(frame[["measure", "share", "numerator", "denominator"]])
        click.echo(f"\nSource: {frame['source'].iloc[0]}")


@agreements.command()
@db_option
@years_option
@format_option()
def outcomes(db, years, output_format) -> None:
    """The money behind each outcome and indicator, the gap, and indicators computed from data."""
    from .. import investment

    with reading_database(db) as database:
        per_outcome, per_indicator = investment.outcome_investment(database, investment.check_years(database, tuple(years)))
        computed = investment.computed_indicators(database)
    for frame, columns in ((per_outcome, ["agreed_pence", "paid_pence"]), (per_indicator, ["agreed_pence"]),
                           (computed, ["numerator_pence", "denominator_pence"])):
        for column in columns:
            frame[column.removesuffix("_pence")] = frame.pop(column).map(_pounds)
    if output_format == "json":
        print_json({"years": list(years) or "all", "outcomes": per_outcome.to_dict(orient="records"),
                    "indicators": per_indicator.to_dict(orient="records"),
                    "computed_indicators": computed.to_dict(orient="records")})
        return
    print_table(per_outcome)
    click.echo()
    print_table(per_indicator[["outcome_id", "indicator_id", "status", "gap", "agreements", "agreed"]])
    click.echo()
    print_table(computed[["indicator_id", "financial_year", "computed_percent", "source"]])
