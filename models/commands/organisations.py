"""python -m models organisations search|match: the directory's search and provider
matching, headless."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import db_option, format_option, print_json, print_table, reading_database


@click.group()
def organisations() -> None:
    """Search the organisation directory, or match providers to a service specification."""


def _demo_note(flags) -> None:
    if any(flags):
        click.echo("\nNote: rows marked * are fictional demonstration organisations, not real ones.")


@organisations.command()
@db_option
@click.option("--district", "districts", metavar="D", multiple=True, help="district served (repeatable), e.g. 'Crewe and Nantwich'")
@click.option("--theme", "themes", metavar="T", multiple=True, help="theme (repeatable), e.g. 'Environment'")
@click.option("--type", "org_types", metavar="TYPE", multiple=True, help="organisation type (repeatable), e.g. CIO")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="most rows to show")
@format_option()
@click.argument("query", metavar="QUERY", required=False, default="")
def search(db, districts, themes, org_types, limit, output_format, query) -> None:
    """Search names, descriptions and themes (every word of QUERY must appear)."""
    from .. import directory_search
    from ..formatting import money

    directory_filter = directory_search.DirectoryFilter(
        query=query, districts=tuple(districts), themes=tuple(themes), org_types=tuple(org_types)
    )
    with reading_database(db) as database:
        result = directory_search.search(database, directory_filter, limit=limit)
    rows = result.rows
    if output_format == "json":
        records = []
        for record in rows.drop(columns=["description"]).to_dict(orient="records"):
            pence = record.pop("latest_income_pence")
            record["latest_income"] = None if pence is None or pence != pence else int(pence) / 100
            records.append(record)
        print_json({"total": result.total, "shown": len(records), "organisations": records})
        return
    table = rows[["org_id", "name", "org_type", "districts", "size_band"]].copy()
    table["name"] = [("* " if demo else "") + name for name, demo in zip(rows["name"], rows["is_demo"])]
    table["districts"] = [", ".join(d) for d in table["districts"]]
    table["latest_income"] = [money(v) if v == v and v is not None else "" for v in rows["latest_income_pence"]]
    print_table(table)
    click.echo(f"\n{result.total:,} organisations match; {len(table):,} shown.")
    _demo_note(rows["is_demo"])


@organisations.command()
@db_option
@click.option("--district", metavar="D", default=None, help="only organisations serving this district")
@click.option("--theme", metavar="T", default=None, help="only organisations with this theme")
@click.option("--top", metavar="N", type=click.IntRange(min=1), default=10, show_default=True, help="how many providers")
@format_option()
@click.option("--spec-file", metavar="FILE", type=click.Path(path_type=Path), default=None,
              help="a text file holding the service specification (instead of TEXT)")
@click.argument("text", metavar="TEXT", required=False, default=None)
def match(db, district, theme, top, output_format, spec_file, text) -> None:
    """Rank the organisations most likely able to deliver a service: give the
    specification as TEXT or with --spec-file."""
    from .. import matching

    if (spec_file is None) == (text is None):
        raise click.UsageError("give the service specification either as TEXT or with --spec-file, not both")
    if spec_file is not None:
        if not spec_file.is_file():
            raise click.ClickException(f"{spec_file}: no such file (give --spec-file a text file holding the specification)")
        try:
            text = spec_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise click.ClickException(f"{spec_file}: not a UTF-8 text file; save the specification as plain text") from None
    with reading_database(db) as database:
        model = matching.model_for(database)
    result = matching.match(model, text, district=district, theme=theme, top=top)
    if output_format == "json":
        print_json({"version": model.version, "matches": result.to_dict(orient="records")})
        return
    table = result.copy()
    table["name"] = [("* " if demo else "") + name for name, demo in zip(result["name"], result["is_demo"])]
    table["districts"] = [", ".join(d) for d in table["districts"]]
    table["matched_terms"] = [", ".join(t) for t in table["matched_terms"]]
    print_table(table.drop(columns=["is_demo", "org_type"]))
    _demo_note(result["is_demo"])
