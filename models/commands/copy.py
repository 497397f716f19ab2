"""python -m models copy: move the whole database between a SQLite file and PostgreSQL
(either way, or to another database of the same engine), checked and all-or-nothing."""

from __future__ import annotations

import click

from ._common import format_option, print_json


@click.command("copy")
@click.option("--from", "source", required=True, metavar="PATH_OR_URL",
              help="the database to copy: a SQLite file or a postgresql:// URL (read only)")
@click.option("--to", "target", required=True, metavar="PATH_OR_URL",
              help="where to copy it: a SQLite file (made if absent) or an existing PostgreSQL database's URL")
@click.option("--replace", is_flag=True,
              help="replace the target's rows when it already holds data (without it such a target is refused)")
@format_option()
def copy(source: str, target: str, replace: bool, output_format: str) -> None:
    """Copy every row from one database to another (SQLite <-> PostgreSQL), checked.

    The target gets the same schema (migrations), then the rows, table by table in one
    transaction; search indexes and spend summaries are rebuilt there. Row counts and money
    totals (every *_pence column) are compared on both sides before committing: any
    difference, or any error, leaves the target as it was. Passwords in URLs are never shown."""
    from .. import transfer
    from ..formatting import count_of, money

    def done(table: str, rows: int) -> None:
        if output_format == "table" and rows:
            click.echo(f"  {table}: {count_of(rows, 'row')}")

    if output_format == "table":
        from .. import store

        click.echo(f"Copying {store.describe(source)} -> {store.describe(target)}")
    report = transfer.copy_database(source, target, replace=replace, progress=done)
    if output_format == "json":
        print_json({"from": report.source, "to": report.target, "replaced": report.replaced, "checked": True,
                    "rows": report.rows, "pence": report.pence,
                    "tables": [{"table": t.table, "rows": t.rows, "pence": t.pence} for t in report.tables]})
        return
    for check in report.tables:
        for column, pence in check.pence.items():
            if pence:
                click.echo(f"  {check.table}.{column}: {money(pence)}")
    replaced = " (its previous rows replaced)" if report.replaced else ""
    click.echo(f"Checked: row counts and money totals are equal on both sides ({count_of(len(report.tables), 'table')}, "
               f"{count_of(report.rows, 'row')}, {money(report.pence)} in *_pence columns). "
               f"Copied to {report.target}{replaced}.")
