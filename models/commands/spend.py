"""python -m models spend: spend grouped by chosen fields, as in the spend explorer."""

from __future__ import annotations

import click

from ._common import db_option, format_option, print_json, print_table

# The keys of ``models.spend.GROUP_FIELDS`` (a test keeps them equal), written here so that
# --help does not load pandas.
GROUP_FIELD_NAMES = ("authority", "body_type", "district", "department", "funding_type", "year", "recipient")


@click.command()
@db_option
@click.option(
    "--by", "by", metavar="FIELDS", default="authority,funding_type", show_default=True,
    help="comma-separated fields to group by, from: " + ", ".join(GROUP_FIELD_NAMES),
)
@click.option("--year", "years", metavar="Y", multiple=True, help="financial year, e.g. 2008/09 (repeatable)")
@click.option(
    "--body-type", type=click.Choice(["local_government", "health", "other_funder", "all"]),
    default="local_government", show_default=True,
    help="which bodies' spend (local_government is the framework's main table)",
)
@click.option("--all-suppliers", is_flag=True, help="include imported spend with suppliers not recognised as third-sector")
@format_option("table", "csv", "json")
def spend(db, by, years, body_type, all_suppliers, output_format) -> None:
    """Spend grouped by authority, department, funding type, ..."""
    from .. import store
    from ..database import init_database
    from ..formatting import money, pence_to_pounds
    from ..spend import SpendFilter, spend_by

    fields = [f.strip() for f in by.split(",") if f.strip()]
    spend_filter = SpendFilter(
        years=tuple(years),
        body_types=() if body_type == "all" else (body_type,),
        third_sector_only=not all_suppliers,
    )
    with store.opened(init_database(db)) as database:
        frame = spend_by(database, fields, spend_filter)
    frame = frame.drop(columns=["rows"])
    if output_format == "json":
        records = []
        for record in frame.to_dict(orient="records"):
            pence = int(record.pop("amount_pence"))
            record["amount"] = float(pence_to_pounds(pence))
            records.append(record)
        print_json(records)
    elif output_format == "csv":
        frame["amount"] = [str(pence_to_pounds(p)) for p in frame.pop("amount_pence")]
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        total = int(frame["amount_pence"].sum())
        frame["amount"] = [money(p) for p in frame.pop("amount_pence")]
        print_table(frame)
        click.echo(f"\nTotal: {money(total)}")
