"""python -m models backup: a consistent copy of the SQLite database file while the app runs."""

from __future__ import annotations

import click

from ._common import db_option


@click.command()
@db_option
@click.option("--to", "target", required=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="the new backup file (never overwritten)")
def backup(db, target: str) -> None:
    """Back up the SQLite database to a new file, safely while the app is running.

    Uses SQLite's online backup API: the copy is of one committed state even while people
    save. On PostgreSQL it refuses and points to pg_dump (README, Deploying)."""
    from .. import store, transfer

    written = transfer.backup(db, target)
    click.echo(f"Backed up {store.describe(store.location(db))} to {written} ({written.stat().st_size:,} bytes).")
