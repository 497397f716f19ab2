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
import random
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "dashboard.db"
SQL_DIR = Path(__file__).resolve().parent / "sql"
DB_ENV_VAR = "DASHBOARD_DB"
# How long a write waits for another connection's write transaction before trying again
# (SQLite's busy handler), and how many times it tries. Writers hold the lock for
# milliseconds (imports publish in one short step), so a wait this long means something
# is wrong; the person is told so instead of waiting on.
BUSY_WAIT_SECONDS = 2.5
BUSY_ATTEMPTS = 2
BUSY_MESSAGE = ("The database is busy with another change (for example the last step of a large import). "
                "Nothing was saved and your input is kept: try again in a moment.")


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
    conn = sqlite3.connect(str(db_path), timeout=BUSY_WAIT_SECONDS, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return sqlite_utils.Database(conn)


@contextlib.contextmanager
def opened(path: str | os.PathLike | None = None) -> Iterator[sqlite_utils.Database]:
    """``with opened(path) as db:`` — a connection closed on exit. A "database is locked"
    from anything done with it becomes ``errors.Busy`` (a DomainError pages and the
    command line show as a message)."""
    db = connect(path)
    try:
        with friendly_busy():
            yield db
    finally:
        db.conn.close()


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All-or-nothing: everything written inside commits together or not at all.

    Starts with BEGIN IMMEDIATE, so the write lock is taken before the first read and
    every read inside sees the data the write will change (no lost update). If another
    connection holds the lock, SQLite waits (BUSY_WAIT_SECONDS) and the start is tried
    again (BUSY_ATTEMPTS); after that ``errors.Busy`` (a DomainError with a friendly
    message) is raised instead of sqlite's "database is locked"."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction through a savepoint.
        conn.execute("SAVEPOINT nested")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO nested")
                conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    _begin_immediate(conn)
    try:
        yield db
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_busy(error):
            raise _busy() from error
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_busy(error):
            raise _busy() from error
        raise


def _begin_immediate(conn: sqlite3.Connection) -> None:
    for attempt in range(BUSY_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            if attempt == BUSY_ATTEMPTS - 1:
                raise _busy() from error
            time.sleep(0.05 * (1 + random.random()))


def is_busy(error: BaseException) -> bool:
    """Is this sqlite's SQLITE_BUSY / SQLITE_LOCKED ("database is locked")?"""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _busy():
    from .errors import Busy

    return Busy(BUSY_MESSAGE)


@contextlib.contextmanager
def friendly_busy() -> Iterator[None]:
    """Turn a "database is locked" raised by a write outside ``transaction`` (one
    statement in autocommit) into ``errors.Busy``."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise _busy() from error
        raise


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def migration_files() -> list[Path]:
    """The schema scripts, in the order they apply."""
    return sorted(SQL_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration script not yet applied; return the names applied now.

    Each script runs statement by statement (``sql_statements``) inside one
    ``transaction`` (BEGIN IMMEDIATE) together with its row in ``schema_migrations``, and
    whether it is applied is read inside that same transaction. So a script is applied
    whole or not at all, and when several processes start at once (app workers, the
    command line) each script is applied exactly once: the others wait for the lock, then
    see it done. (Not ``executescript``: it commits whatever is open and runs outside
    any transaction it did not start itself.)"""
    with transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = []
    for script in migration_files():
        statements = sql_statements(script.read_text(encoding="utf-8"))
        with transaction(db):
            if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", [script.name]).fetchone():
                continue
            for statement in statements:
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", [script.name, now_iso()])
        applied.append(script.name)
    return applied


def sql_statements(script: str) -> list[str]:
    """A script split into complete SQL statements (a trigger's body, a ';' inside a
    string or a comment, stay whole: ``sqlite3.complete_statement`` decides)."""
    statements, buffer = [], ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _strip_comments(buffer).strip(" \t\n;"):
                statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer).strip(" \t\n;"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer.strip()[:80]}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


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
    expected_version: int | None,
    changes: dict[str, Any],
    *,
    entity: str,
    who: str,
    reason: str | None = None,
    action: str = "edit",
    entity_id: Any = None,
    **options: Any,
) -> dict:
    """Optimistic concurrency for a record a person edits: apply ``changes`` to the row
    of ``table`` found by ``key`` only if its ``version`` is still ``expected_version``
    (the version the person opened), then bump the version and audit the change with the
    "before" values read in the same transaction. Returns the row as saved.

    Must run inside ``transaction(db)``. A stale save raises ``StaleEdit`` naming the
    fields that changed and who changed them when; nothing is written. ``entity_id`` is
    the audit log's id for the record (default: the key's values joined by "/");
    ``options`` are ``save_versioned``'s (label, changed_by, stamp, audit_view)."""
    from .errors import DomainError

    row = _locked_row(db, table, key)
    entity_id = _entity_id(key, entity_id)
    if row is None:
        label = options.get("label") or f"{entity} {entity_id}"
        raise DomainError(f"{label} no longer exists: someone may have removed it. Reload the page.")
    return save_versioned(db, table, key, expected_version, changes, entity=entity, entity_id=entity_id, who=who,
                          reason=reason, action=action, _row=row, **options)


_MISSING = object()


def save_versioned(
    db: sqlite_utils.Database,
    table: str,
    key: dict[str, Any],
    expected_version: int | None,
    values: dict[str, Any],
    *,
    entity: str,
    who: str,
    entity_id: Any = None,
    reason: str | None = None,
    action: str = "edit",
    added_action: str = "added",
    stamp: dict[str, Any] | None = None,
    changed_by: tuple[str, str] | None = None,
    audit_view: Callable[[dict | None], Any] | None = None,
    label: str | None = None,
    _row: Any = _MISSING,
) -> dict:
    """Insert or update one versioned record, refusing a stale save: the general form of
    ``update_versioned`` for records that may not exist yet (a bid, a score, an agreed
    score). Must run inside ``transaction(db)``; every read happens in it.

    ``expected_version`` is the version the person opened: 0 when they saw no record
    (they are adding one), None for a deliberate overwrite that checks nothing (loading a
    whole scenario file), still atomic and audited. ``values`` are the columns the person
    set; ``stamp`` columns (who/when) are written with them but not compared. When
    ``values`` equal what is stored nothing is written and the version stays. The audit
    entry holds the changed columns before and after, or ``audit_view(row)`` of the row
    before and after when given. ``changed_by`` names the row's (who, when) columns for
    the stale-save message (default: the record's last audit entry), and ``label`` what
    the message calls the record (default: entity and id). Returns the row as stored now."""
    from .errors import StaleEdit

    if not db.conn.in_transaction:
        raise RuntimeError("save_versioned needs an open transaction (use store.transaction)")
    row = _locked_row(db, table, key) if _row is _MISSING else _row
    entity_id = _entity_id(key, entity_id)
    seen = 0 if row is None else row["version"]
    if expected_version is not None and expected_version != seen:
        raise StaleEdit(_stale_message(db, entity, entity_id, expected_version, row, values, changed_by, label),
                        current=row)
    stamp = stamp or {}
    if row is None:
        db[table].insert({**key, **values, **stamp})
        saved = _locked_row(db, table, key)
        after = audit_view(saved) if audit_view else values
        record_audit(db, entity=entity, entity_id=entity_id, action=added_action, who=who, after=after, reason=reason)
        return saved
    changed = {c: values[c] for c in values if row.get(c) != values[c]}
    if not changed:
        return row
    columns = {**changed, **stamp}
    assignments = ", ".join(f"{_identifier(c)} = ?" for c in columns)
    where = " AND ".join(f"{_identifier(c)} = ?" for c in key)
    db.execute(
        f"UPDATE {_identifier(table)} SET {assignments}, version = version + 1 WHERE {where} AND version = ?",
        [*columns.values(), *key.values(), row["version"]],
    )
    saved = _locked_row(db, table, key)
    if audit_view:
        before, after = audit_view(row), audit_view(saved)
    else:
        before, after = {c: row[c] for c in changed}, changed
    record_audit(db, entity=entity, entity_id=entity_id, action=action, who=who, before=before, after=after, reason=reason)
    return saved


def check_version(db: sqlite_utils.Database, table: str, key: dict[str, Any], expected_version: int | None,
                  values: dict[str, Any], *, entity: str, entity_id: Any = None,
                  changed_by: tuple[str, str] | None = None, label: str | None = None) -> dict | None:
    """The row of ``table`` at ``key`` (None if absent), read inside the caller's
    transaction; ``StaleEdit`` if its version is not ``expected_version`` (0 = the
    person saw no record; None = no check). For writes that build the new row
    themselves (a tender's set-up document) before ``UPDATE ... version = version + 1``."""
    from .errors import StaleEdit

    if not db.conn.in_transaction:
        raise RuntimeError("check_version needs an open transaction (use store.transaction)")
    row = _locked_row(db, table, key)
    seen = 0 if row is None else row["version"]
    if expected_version is not None and expected_version != seen:
        raise StaleEdit(_stale_message(db, entity, _entity_id(key, entity_id), expected_version, row, values,
                                       changed_by, label), current=row)
    return row


def _entity_id(key: dict[str, Any], entity_id: Any) -> str:
    return str(entity_id) if entity_id is not None else "/".join(str(v) for v in key.values())


def _locked_row(db: sqlite_utils.Database, table: str, key: dict[str, Any]) -> dict | None:
    where = " AND ".join(f"{_identifier(column)} = ?" for column in key)
    return _fetch_one(db, f"SELECT * FROM {_identifier(table)} WHERE {where}", list(key.values()))


def _stale_message(db, entity: str, entity_id: str, expected: int, row: dict | None, values: dict,
                   changed_by: tuple[str, str] | None, label: str | None = None) -> str:
    """What a person whose save was refused needs to know: what changed, by whom, when."""
    from .formatting import uk_datetime

    label = label or f"{entity} {entity_id}"
    if row is None:
        return (f"{label} was removed after you opened it. Nothing was saved; your input is kept. "
                "Reload the page to see what is there now.")
    who = at = None
    if changed_by and row.get(changed_by[0]):
        who, at = row.get(changed_by[0]), row.get(changed_by[1])
    else:
        last = _fetch_one(db, "SELECT who, at FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
                          [entity, entity_id])
        if last:
            who, at = last["who"], last["at"]
    by = (f" by {who}" if who else "") + (f" at {uk_datetime(at)} (London time)" if at else "")
    if expected == 0:
        opening = f"{label} was saved{by} while you were entering yours"
    else:
        opening = f"{label} was changed{by} after you opened it (your version {expected}, now version {row['version']})"
    now = "; ".join(f"{c} is now {_short(row.get(c))}" for c in values if c in row and row.get(c) != values[c])
    return (f"{opening}. Nothing was saved. Your input is kept: {now or 'the values you set are the same as now'}. "
            "Check the current values and save again if your change still applies.")


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fetch_one(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    cursor = db.execute(sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values))
