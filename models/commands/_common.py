"""What every command of ``python -m models`` shares: the ``--db`` and ``--format`` options,
reading a scenario file, and printing JSON or a plain-text table.

This module imports only click, so ``python -m models --help`` starts fast: each command
imports pandas, scikit-learn and the engines inside its own function body.
A ``DomainError`` raised inside a command becomes a ``click.ClickException`` (one message,
exit code 1) in ``models.__main__``, so commands let them rise."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

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


@contextlib.contextmanager
def reading_database(db) -> Iterator[Any]:
    """The database at ``db`` (None: the default) for a command that only reads:
    ``with reading_database(db) as database:``. A SQLite file is read with plain sqlite3
    (``store.reading``: no SQLAlchemy to load) and nothing is written when its schema is
    current, so a report neither waits for nor holds the write lock; a new or older database
    is made, migrated and seeded first, as ``open_database`` does."""
    from .. import store

    where = store.location(db)
    new_file = isinstance(where, Path) and not where.exists()
    if not new_file:
        with store.reading(where) as database:
            if store.schema_current(database):
                yield database
                return
    from ..database import init_database

    with store.reading(init_database(where)) as database:
        yield database


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
    """``value`` as indented JSON. A missing number (NaN, as pandas holds one) is written as
    null: NaN is not JSON, and strict readers (JavaScript's JSON.parse) refuse it."""
    click.echo(json.dumps(_without_nan(value), indent=2, ensure_ascii=False, default=str))


def _without_nan(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nan(item) for item in value]
    return value


def print_table(frame) -> None:
    """A pandas DataFrame as a plain-text table for the terminal (all columns, no truncation)."""
    click.echo("(no rows)" if frame.empty else frame.to_string(index=False))


def print_rows(columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Rows of text as ``print_table`` prints the same DataFrame, without pandas: a header
    line, each column right-aligned to its widest cell, one space between columns; tabs and
    line breaks inside a cell shown as \\t, \\r, \\n; None as 'None'."""
    if not rows:
        click.echo("(no rows)")
        return
    cells = [[str(c) for c in columns]] + [[_cell_text(v) for v in row] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    click.echo("\n".join(" ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in cells))


def _cell_text(value: Any) -> str:
    return str(value).replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
