"""What every command of ``python -m models`` shares: the ``--db`` and ``--format`` options,
reading a scenario file, and printing JSON or a plain-text table.

This module imports only click, so ``python -m models --help`` starts fast: each command
imports pandas, scikit-learn and the engines inside its own function body.
A ``DomainError`` raised inside a command becomes a ``click.ClickException`` (one message,
exit code 1) in ``models.__main__``, so commands let them rise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import click

# The environment variable ``models.store.DB_ENV_VAR`` names (a test keeps the two equal);
# written here rather than imported so that --help does not load sqlite-utils and pandas.
DB_ENV_VAR = "DASHBOARD_DB"


def db_option(command: Callable) -> Callable:
    """``--db PATH``: the database (a SQLite file or a ``postgresql://`` URL), passed to the
    command as ``db`` (None: the default)."""
    return click.option(
        "--db",
        "db",
        metavar="PATH",
        default=None,
        help=f"database: a SQLite file or a postgresql:// URL (default: ${DB_ENV_VAR} or data/dashboard.db)",
    )(command)


who_option = click.option("--who", required=True, metavar="NAME", help="your name, for the audit log")


def open_database(db):
    """The database at ``db`` (None: the default), made and migrated if need be, opened:
    ``with open_database(db) as database:``."""
    from .. import store
    from ..database import init_database

    return store.opened(init_database(db))


def actor_named(who: str):
    """The actor for a ``--who NAME`` (local mode: the name is the identity)."""
    from ..policy import local_actor

    if not (who or "").strip():
        raise click.ClickException("say who you are with --who NAME: every change is recorded with who made it")
    return local_actor(who)


def format_option(*choices: str) -> Callable[[Callable], Callable]:
    """``--format``: how to print the result, passed as ``output_format``; the first choice
    is the default (``table, json`` when no choices are given)."""
    choices = choices or ("table", "json")
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="output format",
    )


# The ``SCENARIO.json`` argument, passed as ``scenario`` (a Path; read it with ``read_scenario``).
# click arguments carry no help: the command's docstring says what the file holds.
scenario_argument = click.argument("scenario", metavar="SCENARIO.json", type=click.Path(dir_okay=False, path_type=Path))


def read_scenario(path: Path) -> dict:
    """The JSON object in ``path``; a file that cannot be read is a user error (exit code 1)."""
    from ..scenarios import parse_json

    try:
        data = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    return parse_json(data, source=path.name)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def print_table(frame) -> None:
    """A pandas DataFrame as a plain-text table for the terminal (all columns, no truncation)."""
    click.echo("(no rows)" if frame.empty else frame.to_string(index=False))
