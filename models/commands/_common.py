"""What the subcommands share: the --db option, output formats and printing tables."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from .. import store


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help=f"SQLite database (default: ${store.DB_ENV_VAR} or data/dashboard.db)",
    )


def add_format_argument(parser: argparse.ArgumentParser, choices=("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default="table", help="output format (default: table)")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(frame: pd.DataFrame) -> None:
    """A plain-text table for the terminal (all columns, no truncation)."""
    if frame.empty:
        print("(no rows)")
        return
    print(frame.to_string(index=False))


def fail(message: str) -> int:
    """Print a user-facing error to stderr; return the exit code for errors."""
    print(f"error: {message}", file=sys.stderr)
    return 1
