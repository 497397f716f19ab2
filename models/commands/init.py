"""python -m models init: create or upgrade the database and load the seed."""

from __future__ import annotations

import click

from ._common import db_option


@click.command()
@db_option
def init(db: str | None) -> None:
    """Create or upgrade the database and load the seed data (safe to run twice)."""
    from .. import store
    from ..database import init_database

    path = init_database(db)
    with store.opened(path) as database:
        spend_rows = database["spend"].count
        migrations = database["schema_migrations"].count
    click.echo(f"Database ready: {store.describe(path)} ({migrations} schema migrations, {spend_rows} spend rows)")
