"""The schema's history: the numbered migration scripts in ``models/sql/`` (SQLite) and their
twins of the same name in ``models/sql/postgresql/`` (PostgreSQL), and applying those not yet
applied, each once, whole, in order, recorded in ``schema_migrations`` on both engines.
Concept modules add their own tables by adding a new numbered pair, never by editing an
applied one."""

from __future__ import annotations

from . import store


def migrate(db: store.Database) -> list[str]:
    """Apply every migration script not yet applied; return the names applied now.

    Each script runs statement by statement (``store.sql_statements``) inside one
    ``transaction`` (BEGIN IMMEDIATE) together with its row in ``schema_migrations``, and
    whether it is applied is read inside that same transaction. So a script is applied
    whole or not at all, and when several processes start at once (app workers, the
    command line) each script is applied exactly once: the others wait for the lock, then
    see it done. (Not ``executescript``: it commits whatever is open and runs outside
    any transaction it did not start itself.) On PostgreSQL the script's twin in
    ``models/sql/postgresql/`` runs instead, also inside one transaction (DDL is
    transactional there too)."""
    with store.transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = []
    for script in store.migration_files(db.dialect):
        text = script.read_text(encoding="utf-8")
        with store.transaction(db):
            if db.execute("SELECT 1 FROM schema_migrations WHERE name = :name", {"name": script.name}).fetchone():
                continue
            db.script(text)
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :at)",
                       {"name": script.name, "at": store.now_iso()})
        applied.append(script.name)
    store.schema_changed(db)
    return applied
