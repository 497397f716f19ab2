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
from typing import Any

from . import migrations, store

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


def init_database(path: str | os.PathLike | None = None) -> str | Path:
    """Migrate the schema and load the seeds; returns where the database is (a ``Path``
    for a SQLite file, the URL for PostgreSQL)."""
    where = store.location(path)
    with store.opened(where) as db:
        migrations.migrate(db)
        for name in SEEDED_CONCEPTS:
            importlib.import_module(name).seed(db)
    return where


def change_marker(where: str | os.PathLike) -> Any:
    """A value that changes whenever anyone commits a write to the database at ``where``
    (this process, another app server, the command line), and not on reads: part of the
    app's cache key, so a change saved on one server shows on every other one.

    PostgreSQL: the current snapshot (``pg_current_snapshot()``, open to every user): the next
    transaction id and the ids still running. Only a transaction that writes takes an id, so
    the snapshot moves when a write starts and again when it ends, never on reads (it is the
    server's, so a write to another database on it only costs a re-read). SQLite: the size
    and time of the database file and of its write-ahead log (each commit appends to the log;
    a checkpoint writes the file; an empty log, made when a connection opens and removed when
    the last one closes, counts as none). Cheap: one small query on a pooled connection, or
    two ``stat`` calls."""
    where = store.location(where)
    if isinstance(where, Path):
        return tuple(_file_state(path) for path in (where, where.with_name(where.name + "-wal")))
    with store.opened(where) as db:
        return str(db.execute("SELECT CAST(pg_current_snapshot() AS TEXT)").fetchone()[0])


def _file_state(path: Path) -> tuple[int, int] | None:
    """(modified time in ns, size) of a file; None when it is absent or empty."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return (status.st_mtime_ns, status.st_size) if status.st_size else None
