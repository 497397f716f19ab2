"""Create or upgrade the database and load what every installation starts with.

``init_database`` is idempotent: running it twice changes nothing. The app calls it once
per process on start-up, so a fresh checkout seeds itself on first run."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from . import store

# Concept modules with a ``seed(db)`` function, in the order they load. Each seed is
# idempotent (an upsert on its own identifiers) and runs in its own transaction.
SEEDED_CONCEPTS = [
    "models.spend",
    "models.outcomes",
    "models.action_plan",
    "models.self_assessment",
    "models.organisations",
]


def init_database(path: str | os.PathLike | None = None) -> str | Path:
    """Migrate the schema and load the seeds; returns where the database is (a SQLite file
    path, or the PostgreSQL URL as given)."""
    db_path = store.location(path)
    with store.opened(db_path) as db:
        store.migrate(db)
        for name in SEEDED_CONCEPTS:
            importlib.import_module(name).seed(db)
    return db_path
