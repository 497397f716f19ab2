"""python -m models import: load 360Giving, council spend, Charity Commission or OCDS files."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from ._common import db_option, print_json

# ``models.importers.FORMATS`` (a test keeps them equal), written here so that --help does
# not load the importers.
FILE_FORMATS = ("360giving", "spend", "charity-commission", "ocds", "boundaries")


@click.command("import")
@db_option
@click.option(
    "--format", "file_format", type=click.Choice(("auto",) + FILE_FORMATS), default="auto", show_default=True,
    help="the files' standard (auto: detected from each file's content)",
)
@click.option("--dry-run", is_flag=True, help="check the files and report; write nothing")
@click.option(
    "--skip-invalid", is_flag=True,
    help="write the valid rows of a file with problems, reporting each row skipped (default: reject the whole file)",
)
@click.option(
    "--local-authority", metavar="NAME", default="Cheshire East", show_default=True,
    help="Charity Commission import: keep charities working in this local authority ('all' for every one)",
)
@click.option("--publisher", metavar="NAME", default=None,
              help="spend files that do not say who made the payments: the council (or body) that published them")
@click.option("--encoding", default="auto", show_default=True,
              help="text encoding of CSV files (auto: UTF-8, else Windows-1252 with a note; or name one, e.g. cp1252)")
@click.option("--warnings-csv", type=click.Path(dir_okay=False, writable=True), default=None, metavar="PATH",
              help="write every warning and repair (file, row, column, before, after) to this CSV")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def import_files(db, file_format, dry_run, skip_invalid, local_authority, publisher, encoding, warnings_csv, as_json,
                 files) -> None:
    """Import 360Giving, council spend over £500, Charity Commission register or OCDS files.

    Register tables given together are one import."""
    from .. import store
    from ..database import init_database
    from ..importers import ImportOptions, Source, import_sources

    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise click.ClickException("no such file: " + ", ".join(missing))
    options = ImportOptions(
        format=file_format,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        local_authority=local_authority,
        publisher=publisher,
        encoding=encoding,
        imported_by=f"{_user()} (command line)",
    )
    with store.opened(init_database(db)) as database:
        results = import_sources(database, [Source.from_path(f) for f in files], options)
    if as_json:
        print_json([r.as_dict() for r in results])
    else:
        for result in results:
            _print_result(result)
    if warnings_csv:
        from ..export import csv_bytes
        from ..importers import warnings_frame

        Path(warnings_csv).write_bytes(csv_bytes(warnings_frame([r.report for r in results])))
        click.echo(f"warnings and repairs written to {warnings_csv}")
    rejected = [r for r in results if r.status == "rejected"]
    empty = [r for r in results if r.status == "nothing"]
    if rejected or empty:
        words = []
        if rejected:
            words.append(f"{len(rejected)} of {len(results)} imports rejected: " + ", ".join(r.file_name for r in rejected))
        if empty:
            words.append(f"nothing to import from {len(empty)}: " + ", ".join(r.file_name for r in empty))
        raise click.ClickException("; ".join(words))


def _print_result(result) -> None:
    from ..importers import SHOWN

    click.echo(result.headline())
    for note in result.report.notes:
        click.echo(f"  note: {note}")
    to_stderr = not result.ok
    for line in result.report.summary_lines():
        click.echo(f"  {line}", err=to_stderr)
    if result.ok and result.rows_skipped:
        click.echo(f"  skipped ({result.rows_skipped:,}): " + ", ".join(result.report.skipped_places()))
    if result.report.error_count > SHOWN and not result.ok:
        click.echo("  (fix these and import again, or use --skip-invalid to import only the valid rows)", err=to_stderr)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
