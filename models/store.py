"""The SQLite database, through sqlite-utils: where it lives, its schema, transactions
and the audit log.

This is the only module that runs SQL DDL. The schema is a numbered series of migration
scripts in ``models/sql/`` (``001_core.sql``, ``010_...``); each is applied once, in
order, inside a transaction, and recorded in ``schema_migrations``. Concept modules add
their own tables by adding a new numbered file, never by editing an applied one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "dashboard.db"
SQL_DIR = Path(__file__).resolve().parent / "sql"
DB_ENV_VAR = "DASHBOARD_DB"


def default_db_path() -> Path:
    """The database the app and the command line use unless told otherwise:
    ``$DASHBOARD_DB`` if set, else ``data/dashboard.db`` in the project."""
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH)


def connect(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` with WAL and foreign keys on.

    A new connection per call: callers open, use and close; never share one
    connection between Streamlit sessions."""
    db_path = Path(path) if path is not None else default_db_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db_path), timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return sqlite_utils.Database(conn)


@contextlib.contextmanager
def opened(path: str | os.PathLike | None = None) -> Iterator[sqlite_utils.Database]:
    """``with opened(path) as db:`` — a connection closed on exit."""
    db = connect(path)
    try:
        yield db
    finally:
        db.conn.close()


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All-or-nothing: everything written inside commits together or not at all."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction through a savepoint.
        conn.execute("SAVEPOINT nested")
        try:
            yield db
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextlib.contextmanager
def without_secondary_indexes(db: sqlite_utils.Database, table: str) -> Iterator[list[str]]:
    """Drop ``table``'s secondary indexes for the block and build them again from their
    stored SQL (``sqlite_master``) when it ends: for bulk loads much larger than the table,
    where one sort per index at the end is far cheaper than keeping every index in order
    row by row. Yields the names of the indexes dropped.

    Must run inside a transaction (``transaction(db)``), so readers never see the table
    without its indexes. UNIQUE indexes (declared in the table or created UNIQUE) are kept:
    upserts and uniqueness checks need them. The block is a savepoint: if it raises, the
    savepoint is rolled back (rows written in it and the dropped indexes alike) before the
    exception goes on, so the database is as it was whatever the caller then does."""
    conn = db.conn
    if not conn.in_transaction:
        raise RuntimeError("without_secondary_indexes needs an open transaction (use store.transaction)")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        [table],
    ).fetchall()
    conn.execute("SAVEPOINT without_indexes")
    try:
        for name, _sql in indexes:
            conn.execute(f"DROP INDEX {_identifier(name)}")
        yield [name for name, _sql in indexes]
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled everything back itself (disk full)
            conn.execute("ROLLBACK TO without_indexes")
            conn.execute("RELEASE without_indexes")
        raise
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("RELEASE without_indexes")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def migration_files() -> list[Path]:
    """The schema scripts, in the order they apply."""
    return sorted(SQL_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration script not yet applied; return the names applied now."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for script in migration_files():
        if script.name in done:
            continue
        sql = script.read_text(encoding="utf-8")
        stamp = now_iso()
        # executescript commits on its own, so the script and its record go in one
        # explicit transaction written into the script itself.
        try:
            db.conn.executescript(
                "BEGIN;\n" + sql + "\n;INSERT INTO schema_migrations(name, applied_at) VALUES ("
                + _quote(script.name) + ", " + _quote(stamp) + ");\nCOMMIT;"
            )
        except sqlite3.Error:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        applied.append(script.name)
    return applied


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def now_iso() -> str:
    """The current time in UTC as ISO 8601, to the second (how times are stored)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def table_exists(db: sqlite_utils.Database, name: str) -> bool:
    return db[name].exists()


def record_audit(
    db: sqlite_utils.Database,
    *,
    entity: str,
    entity_id: Any,
    action: str,
    who: str,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    actor: Any = None,
) -> None:
    """Append one entry to the audit log: who changed what, when, from what to what.

    ``who`` is the label shown. Pass ``who=actor.label`` (or ``actor=actor``): the label
    carries the identity behind it, so the entry also records the signed-in subject and
    email (``local:<name>`` and no email when sign-in is off)."""
    if actor is not None:
        who = actor.label
    db["audit_log"].insert(
        {
            "at": now_iso(),
            "who": str(who or "unknown"),
            "subject": getattr(who, "subject", None),
            "email": getattr(who, "email", None),
            "entity": entity,
            "entity_id": str(entity_id),
            "action": action,
            "before_json": None if before is None else json.dumps(before, default=str, sort_keys=True),
            "after_json": None if after is None else json.dumps(after, default=str, sort_keys=True),
            "reason": reason,
        }
    )


def audit_entries(db: sqlite_utils.Database, entity: str | None = None, entity_id: Any = None) -> list[dict]:
    """The audit log, newest first, optionally for one entity (and one record of it)."""
    where, params = [], []
    if entity is not None:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(str(entity_id))
    sql = "SELECT * FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    return list(db.query(sql, params))


def update_versioned(
    db: sqlite_utils.Database,
    table: str,
    key: dict[str, Any],
    expected_version: int,
    changes: dict[str, Any],
    *,
    entity: str,
    who: str,
    reason: str | None = None,
    action: str = "edit",
) -> dict:
    """Optimistic concurrency for a record a person edits: apply ``changes`` to the row
    of ``table`` found by ``key`` only if its ``version`` is still ``expected_version``
    (the version the person opened), then bump the version and audit the change with the
    "before" values read in the same transaction. Returns the row as saved.

    Must run inside ``transaction(db)``. A stale save raises ``StaleEdit`` naming the
    fields that changed and who changed them when; nothing is written."""
    from .errors import DomainError, StaleEdit
    from .formatting import uk_datetime

    if not db.conn.in_transaction:
        raise RuntimeError("update_versioned needs an open transaction (use store.transaction)")
    where = " AND ".join(f"{_identifier(column)} = ?" for column in key)
    row = _fetch_one(db, f"SELECT * FROM {_identifier(table)} WHERE {where}", list(key.values()))
    entity_id = "/".join(str(v) for v in key.values())
    if row is None:
        raise DomainError(f"{entity} {entity_id} no longer exists: someone may have removed it. Reload the page.")
    if row["version"] != expected_version:
        last = _fetch_one(
            db, "SELECT who, at FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
            [entity, entity_id])
        by = f" by {last['who']} at {uk_datetime(last['at'])} (London time)" if last else ""
        differ = [c for c in changes if c in row]
        raise StaleEdit(
            f"{entity} {entity_id} was changed{by} after you opened it (your version {expected_version}, "
            f"now version {row['version']}). Nothing was saved. Your input is kept: check the current "
            f"values ({', '.join(differ) or 'see below'}) and save again if your change still applies.",
            current=row,
        )
    before = {column: row[column] for column in changes if column in row and row[column] != changes[column]}
    after = {column: changes[column] for column in before}
    assignments = ", ".join(f"{_identifier(column)} = ?" for column in changes)
    db.execute(
        f"UPDATE {_identifier(table)} SET {assignments}, version = version + 1 WHERE {where} AND version = ?",
        [*changes.values(), *key.values(), expected_version],
    )
    if before:
        record_audit(db, entity=entity, entity_id=entity_id, action=action, who=who,
                     before=before, after=after, reason=reason)
    return _fetch_one(db, f"SELECT * FROM {_identifier(table)} WHERE {where}", list(key.values()))


def _fetch_one(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    cursor = db.execute(sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values))
