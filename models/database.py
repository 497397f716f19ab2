"""Create or upgrade the database and load what every installation starts with.

``init_database`` is idempotent: running it twice changes nothing. The app calls it once
per process on start-up, so a fresh checkout seeds itself on first run. It works the same
on a SQLite file and on a ``postgresql://`` URL: the seeds write through the store's
``insert``/``insert_all``, each inside ``store.transaction`` (which serialises writers on
both engines), reading what is already there after taking the write lock. So several
processes starting at once (app servers, the command line) seed a new database exactly
once between them, and each finds it seeded."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from . import store

# Concept modules with a ``seed(db)`` function, in the order they load. Each seed is
# idempotent (it inserts only the rows whose identifiers are missing, so officers' edits
# since are kept) and runs in its own transaction.
SEEDED_CONCEPTS = [
    "models.spend",
    "models.outcomes",
    "models.action_plan",
    "models.self_assessment",
    "models.organisations",
]


def location(path: str | os.PathLike | None = None) -> str | Path:
    """Where the database is: a ``postgresql://`` URL as given (a URL is not a file path),
    a file as a ``Path``; the default (``$DASHBOARD_DB`` or ``data/dashboard.db``) when
    None."""
    if path is None:
        path = store.default_db_path()
    text = os.fspath(path)
    return text if "://" in text else Path(text)


def init_database(path: str | os.PathLike | None = None) -> str | Path:
    """Migrate the schema and load the seeds; returns where the database is (a ``Path``
    for a SQLite file, the URL for PostgreSQL)."""
    where = location(path)
    with store.opened(where) as db:
        store.migrate(db)
        for name in SEEDED_CONCEPTS:
            importlib.import_module(name).seed(db)
    return where
