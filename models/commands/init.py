"""python -m models init: create or upgrade the database and load the seed."""

from __future__ import annotations

from .. import store
from ..database import init_database
from ._common import add_db_argument

NAME = "init"
HELP = "create or upgrade the database and load the seed data (safe to run twice)"


def add_arguments(parser) -> None:
    add_db_argument(parser)


def run(args) -> int:
    path = init_database(args.db)
    with store.opened(path) as db:
        spend_rows = db["spend"].count
        migrations = db["schema_migrations"].count
    print(f"Database ready: {path} ({migrations} schema migrations, {spend_rows} spend rows)")
    return 0
