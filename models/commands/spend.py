"""python -m models spend: spend grouped by chosen fields, as in the spend explorer."""

from __future__ import annotations

import click

from ._common import db_option, format_option, print_json, print_rows, print_table, reading_database

# The keys of ``models.spend.GROUP_FIELDS`` (a test keeps them equal), written here so that
# --help does not load pandas.
GROUP_FIELD_NAMES = ("authority", "body_type", "district", "department", "funding_type", "year", "recipient")
# ``models.spend.AREA_LEVELS``: the geographies of the spend map (a test keeps them equal).
AREA_LEVEL_NAMES = ("ward", "former_borough", "local_authority")


@click.command()
@db_option
@click.option(
    "--by", "by", metavar="FIELDS", default="authority,funding_type", show_default=True,
    help="comma-separated fields to group by, from: " + ", ".join(GROUP_FIELD_NAMES)
    + "; or one geography, as the spend map: " + "|".join(AREA_LEVEL_NAMES),
)
@click.option(
    "--place", type=click.Choice(["benefit", "recipient"]), default="benefit", show_default=True,
    help="with --by ward|former_borough|local_authority: place spend where the benefit lands or where the recipient is based",
)
@click.option(
    "--differences", is_flag=True,
    help="with --by ward|former_borough|local_authority: by recipient, the spend whose recipient is based in one "
    "area and whose benefit lands in another (the spend map's last table), and how much of the spend says both",
)
@click.option("--year", "years", metavar="Y", multiple=True, help="financial year, e.g. 2008/09 (repeatable)")
@click.option("--district", "districts", metavar="D", multiple=True,
              help="spend filed under a district, e.g. Macclesfield (repeatable); area-wide spend is not included")
@click.option(
    "--body-type", type=click.Choice(["local_government", "health", "other_funder", "all"]),
    default="local_government", show_default=True,
    help="which bodies' spend (local_government is the framework's main table)",
)
@click.option("--all-suppliers", is_flag=True, help="include imported spend with suppliers not recognised as third-sector")
@format_option("table", "csv", "json")
def spend(db, by, years, districts, body_type, all_suppliers, place, differences, output_format) -> None:
    """Spend grouped by authority, department, funding type, ..."""
    # Reads the summary tables through plain sqlite3 and prints plain rows: no pandas, no
    # SQLAlchemy (on a SQLite file), so the whole answer takes a fraction of a second.
    from ..formatting import money, pence_to_pounds
    from ..spend import SpendFilter, spend_rows

    fields = [f.strip() for f in by.split(",") if f.strip()]
    spend_filter = SpendFilter(
        years=tuple(years),
        districts=tuple(districts),
        body_types=() if body_type == "all" else (body_type,),
        third_sector_only=not all_suppliers,
    )
    area = len(fields) == 1 and fields[0] in AREA_LEVEL_NAMES
    if differences and not area:
        raise click.UsageError("--differences needs --by ward, former_borough or local_authority.")
    with reading_database(db) as database:
        if differences:
            _differences(database, fields[0], spend_filter, output_format)
            return
        if area:
            _by_area(database, fields[0], spend_filter, place, output_format)
            return
        rows = spend_rows(database, fields, spend_filter)
    groups = [row[:-2] for row in rows]
    amounts = [row[-2] for row in rows]
    if output_format == "json":
        print_json([{**dict(zip(fields, group)), "amount": float(pence_to_pounds(pence))}
                    for group, pence in zip(groups, amounts)])
    elif output_format == "csv":
        from ..export import csv_text_of_rows

        # Amounts as numbers (Decimal pounds), so a credit such as -5.00 is not taken for a formula.
        click.echo(csv_text_of_rows(fields + ["amount"], [(*group, pence_to_pounds(pence))
                                                          for group, pence in zip(groups, amounts)]), nl=False)
    else:
        print_rows(fields + ["amount"], [(*group, money(pence)) for group, pence in zip(groups, amounts)])
        click.echo(f"\nTotal: {money(sum(amounts))}")


def _by_area(database, level: str, spend_filter, place: str, output_format: str) -> None:
    """Spend by area, as the spend map shows it: each area, then county-wide and unplaced
    spend in rows of their own, so the total is the spend table's total."""
    import pandas as pd

    from ..formatting import money, pence_to_pounds
    from ..geography import KIND_LABELS
    from ..spend import spend_by_area

    frame = spend_by_area(database, level, spend_filter, place)
    total = int(frame["amount_pence"].sum())
    table = pd.DataFrame({
        "area": frame["name"], "code": frame["code"], "kind": frame["kind"],
        "amount_pence": frame["amount_pence"].astype("int64"), "records": frame["records"].astype("int64"),
        "population": pd.array([None if pd.isna(v) else int(v) for v in frame["population"]], dtype="Int64"),
        "per_head": [None if v is None or pd.isna(v) else round(v) / 100 for v in frame["per_head_pence"]],
    })
    if output_format == "json":
        records = table.drop(columns=["amount_pence"]).astype(object).where(table.notna(), None).to_dict(orient="records")
        for record, pence in zip(records, table["amount_pence"]):
            record["amount"] = float(pence_to_pounds(int(pence)))
        print_json(records)
    elif output_format == "csv":
        from ..export import csv_text

        # Area names come from boundary files: neutralised. Amounts stay numbers (a credit is no formula).
        table.insert(3, "amount", [pence_to_pounds(int(p)) for p in table.pop("amount_pence")])
        click.echo(csv_text(table), nl=False)
    else:
        table["kind"] = table["kind"].map(KIND_LABELS)
        table.insert(3, "amount", [money(int(p)) for p in table.pop("amount_pence")])
        table["population"] = ["" if pd.isna(v) else f"{int(v):,}" for v in table["population"]]
        table["per_head"] = ["" if v is None or pd.isna(v) else money(round(v * 100)) for v in table["per_head"]]
        print_table(table)
        click.echo(f"\nTotal: {money(total)}")


def _differences(database, level: str, spend_filter, output_format: str) -> None:
    """The spend map's last table: by recipient, spend based in one area and landing in
    another at ``level``, biggest first, and how many records say both places."""
    import pandas as pd

    from ..export import csv_text
    from ..formatting import count_of, money, pence_to_pounds
    from ..geography import differences

    frame, counts = differences(database, level, spend_filter)
    table = pd.DataFrame({
        "recipient": frame["recipient"], "based_in": frame["recipient_place"], "benefit_in": frame["benefit_place"],
        "amount": [pence_to_pounds(int(p)) for p in frame["amount_pence"]], "records": frame["records"].astype("int64"),
    })
    if output_format == "json":
        print_json({
            "differences": [{**record, "amount": float(record["amount"]), "records": int(record["records"])}
                            for record in table.to_dict(orient="records")],
            **{f"{part}_records": counts[f"{part}_rows"] for part in ("both", "differ", "unknown")},
            **{f"{part}_amount": float(pence_to_pounds(counts[f"{part}_pence"])) for part in ("both", "differ", "unknown")},
        })
    elif output_format == "csv":
        click.echo(csv_text(table), nl=False)  # names from files: neutralised; amounts stay numbers
    else:
        table["amount"] = [money(int(p)) for p in frame["amount_pence"]]
        print_table(table)
        click.echo(
            f"\nBoth places known: {count_of(counts['both_rows'], 'record')}, {money(counts['both_pence'])}; they differ "
            f"for {count_of(counts['differ_rows'], 'record')}, {money(counts['differ_pence'])}. Not said: "
            f"{count_of(counts['unknown_rows'], 'record')}, {money(counts['unknown_pence'])}.")
