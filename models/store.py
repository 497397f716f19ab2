"""The database — SQLite by default, PostgreSQL when configured — through SQLAlchemy Core:
where it lives, connections, transactions and the write lock.

``DASHBOARD_DB`` (or ``--db``) is a file path (SQLite, the embedded default) or a
``postgresql://`` URL. Everything above this module talks to a ``Database``: named-parameter
SQL (``:name``) that runs unchanged on both engines, plus the few table helpers the code uses
(``db["t"].insert``, ``insert_all``, ``upsert``), built from SQLAlchemy's insert constructs.
Work that only reads may use ``reading(where)``: on a SQLite file a ``Reader`` over plain
sqlite3 answers the same SQL without loading SQLAlchemy (a command line's report).

Two modules build on this one: ``migrations`` applies the schema's numbered scripts
(``models/sql/`` and their PostgreSQL twins, whose files ``migration_files`` lists), and
``versioned`` saves what people edit, refusing a stale version, with its audit entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import random
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping


class _SQLAlchemy:
    """``sa``: the sqlalchemy package, imported on first use (about 0.2 s), so that a command
    line read of a SQLite file through ``reading`` (plain sqlite3) never pays for it. The first
    use puts the package itself in ``sa``'s place."""

    def __getattr__(self, name: str) -> Any:
        import sqlalchemy

        globals()["sa"] = sqlalchemy
        return getattr(sqlalchemy, name)


sa = _SQLAlchemy()

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "dashboard.db"
SQL_DIR = Path(__file__).resolve().parent / "sql"
POSTGRESQL_SQL_DIR = SQL_DIR / "postgresql"
DB_ENV_VAR = "DASHBOARD_DB"
# How long a write waits for another connection's write transaction before trying again
# (SQLite's busy handler; PostgreSQL's lock_timeout on the write lock), and how many times
# it tries. Writers hold the lock for milliseconds (imports publish in one short step), but
# SQLite's busy handler polls rather than queues, so when many people save at the same moment
# on a loaded machine the last of them can wait several seconds; 4 x 2.5 s lets twenty saves at
# once all go through. A wait past that means something is wrong; the person is told so
# instead of waiting on.
BUSY_WAIT_SECONDS = 2.5
BUSY_ATTEMPTS = 4
BUSY_MESSAGE = ("The database is busy with another change (for example the last step of a large import). "
                "Nothing was saved and your input is kept: try again in a moment.")
# PostgreSQL: every write transaction takes this transaction-scoped advisory lock first, the
# counterpart of SQLite's BEGIN IMMEDIATE, so writers are serialised on both engines and every
# read a write depends on sees the data the write will change (no lost update).
WRITE_LOCK_KEY = 2008
POSTGRESQL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(location: str | os.PathLike | None) -> bool:
    """Is ``location`` a PostgreSQL URL (rather than a SQLite file path)?"""
    return isinstance(location, str) and location.startswith(POSTGRESQL_SCHEMES)


def location(where: str | os.PathLike | None = None) -> str | Path:
    """Where the database is: a ``postgresql://`` URL as given, or a SQLite file ``Path``.
    ``None`` means the default (``$DASHBOARD_DB``, else ``data/dashboard.db``)."""
    if where is None:
        where = os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH
    return where if is_url(where) else Path(where)


def default_db_path() -> str | Path:
    """The database the app and the command line use unless told otherwise:
    ``$DASHBOARD_DB`` if set (a file path or a ``postgresql://`` URL), else
    ``data/dashboard.db`` in the project."""
    return location(None)


def describe(where: str | os.PathLike) -> str:
    """A location fit to show or log: a URL without its password."""
    if is_url(where):
        return sa.engine.make_url(str(where)).render_as_string(hide_password=True)
    return str(where)


def _sqlalchemy_url(url: str) -> str:
    # psycopg 3 is the driver: postgresql://... and postgres://... mean postgresql+psycopg://...
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def _engine(where: str | Path) -> sa.Engine:
    """One engine per database, made on first use. SQLite opens a new connection per
    ``connect`` (NullPool: a file opened and closed as before); PostgreSQL keeps a small pool."""
    key = str(where)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _postgresql_engine(key) if is_url(key) else _sqlite_engine(Path(key))
        return engine


def _sqlite_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool,
                              connect_args={"timeout": BUSY_WAIT_SECONDS, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return engine


POOL_ENV_VAR = "DASHBOARD_DB_POOL"


def _pool_size() -> int:
    """Connections each process keeps open to PostgreSQL (``$DASHBOARD_DB_POOL``, default 5);
    up to twice as many more are opened for a burst and closed after it."""
    try:
        return max(1, int(os.environ.get(POOL_ENV_VAR) or 5))
    except ValueError:
        return 5


def _postgresql_engine(url: str) -> sa.Engine:
    size = _pool_size()
    engine = sa.create_engine(_sqlalchemy_url(url), pool_size=size, max_overflow=2 * size, pool_pre_ping=True,
                              pool_recycle=1800)

    @sa.event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record):
        _register_numeric_loader(dbapi_connection)
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{int(BUSY_WAIT_SECONDS * 1000)}ms'")
        dbapi_connection.commit()

    return engine


def _register_numeric_loader(dbapi_connection) -> None:
    """PostgreSQL's NUMERIC (what SUM of a BIGINT column returns) arrives as a Python ``int``
    when whole and a ``float`` otherwise — what SQLite gives for the same query — so money in
    pence stays an integer on both engines."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        def load(self, data):
            text = bytes(data)
            try:
                return int(text)
            except ValueError:
                return float(text)

    dbapi_connection.adapters.register_loader("numeric", NumericLoader)


def _forget_engines_in_child() -> None:
    """After ``fork``: the child must neither use nor close the parent's pooled connections,
    so each engine drops them without closing (SQLAlchemy's recipe: ``dispose(close=False)``)
    and opens its own. The engines themselves, their compiled statements and the primary-key
    maps are kept: a child that had to rebuild them would do so inside its first write lock."""
    global _engines_lock
    _engines_lock = threading.Lock()
    for engine in _engines.values():
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_engines_in_child)


def dispose(where: str | os.PathLike | None = None) -> None:
    """Close every pooled connection to ``where`` (all databases when None) and forget its
    engine: before a database is dropped, copied or replaced."""
    with _engines_lock:
        keys = list(_engines) if where is None else [str(location(where))]
        for key in keys:
            engine = _engines.pop(key, None)
            if engine is not None:
                _primary_key_maps.pop(id(engine), None)
                engine.dispose()


class Result:
    """What ``Database.execute`` returns: rows as tuples, as sqlite3's cursor gives them."""

    def __init__(self, result: sa.CursorResult):
        self._result = result

    @property
    def rowcount(self) -> int:
        return self._result.rowcount

    @property
    def description(self) -> list[tuple]:
        return [(name,) for name in self._result.keys()] if self._result.returns_rows else []

    def keys(self) -> list[str]:
        return list(self._result.keys())

    def fetchone(self) -> tuple | None:
        row = self._result.fetchone()
        return None if row is None else tuple(row)

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self._result.fetchall()]

    def __iter__(self) -> Iterator[tuple]:
        return (tuple(row) for row in self._result)


def _empty_lists_as_arrays(sql: str, params: dict, expanding: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """PostgreSQL: an empty IN-list becomes a comparison with an empty array literal,
    ``x = ANY('{}')`` (never true) and ``x <> ALL('{}')`` for NOT IN (always true), whose
    element type PostgreSQL takes from ``x``. SQLAlchemy's own empty list is a subquery of
    NULL cast to INTEGER, which a TEXT column cannot be compared with."""
    for name in [n for n in expanding if not params[n]]:
        del params[name]
        sql = re.sub(rf"\bNOT\s+IN\s+:{name}\b", "<> ALL('{}')", sql, flags=re.IGNORECASE)
        sql = re.sub(rf"\bIN\s+:{name}\b", "= ANY('{}')", sql, flags=re.IGNORECASE)
    return sql, tuple(n for n in expanding if n in params)


@functools.lru_cache(maxsize=2048)
def _text(sql: str, expanding: tuple[str, ...]) -> sa.TextClause:
    clause = sa.text(sql)
    if expanding:
        clause = clause.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return clause


class Database:
    """One connection to the database, in autocommit: each statement outside
    ``transaction(db)`` stands alone, as with sqlite3 before; ``transaction(db)`` groups writes."""

    def __init__(self, where: str | Path):
        self.location = where
        self.engine = _engine(where)
        self.dialect = self.engine.dialect.name  # "sqlite" | "postgresql"
        self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    # -- statements ---------------------------------------------------------------------
    def execute(self, sql: str, params: Mapping[str, Any] | Iterable[Any] | None = None) -> Result:
        """Run one statement. ``params`` is a dict for ``:name`` parameters; a list or tuple
        value becomes an IN-list (``WHERE id IN :ids``). Positional ``?`` parameters (a list)
        are SQLite-only, kept for code not yet ported; PostgreSQL refuses them."""
        if params is not None and not isinstance(params, Mapping):
            if self.dialect != "sqlite":
                raise TypeError("positional (?) parameters are SQLite-only: use :name parameters with a dict")
            return Result(self.connection.exec_driver_sql(sql, tuple(params)))
        params = dict(params or {})
        expanding = tuple(sorted(k for k, v in params.items() if isinstance(v, (list, tuple, set, frozenset))))
        for name in expanding:
            params[name] = list(params[name])
        if self.dialect == "postgresql" and any(not params[name] for name in expanding):
            sql, expanding = _empty_lists_as_arrays(sql, params, expanding)
        return Result(self.connection.execute(_text(sql, expanding), params))

    def executemany(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> Result | None:
        """Run one statement for each parameter dict in ``rows`` (a DB-API executemany)."""
        rows = [dict(row) for row in rows]
        if not rows:
            return None
        return Result(self.connection.execute(_text(sql, ()), rows))

    def query(self, sql: str, params: Mapping[str, Any] | Iterable[Any] | None = None) -> Iterator[dict]:
        """The rows of a SELECT as dicts."""
        result = self.execute(sql, params)
        keys = result.keys()
        for row in result:
            yield dict(zip(keys, row))

    def script(self, sql: str) -> None:
        """Run a whole DDL script (no parameters): a migration."""
        raw = self.driver_connection
        if self.dialect == "sqlite":
            for statement in sql_statements(sql):
                raw.execute(statement)
        else:
            with raw.cursor() as cursor:
                cursor.execute(sql)

    # -- tables -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> "Table":
        return Table(self, name)

    def table_names(self) -> list[str]:
        return sorted(sa.inspect(self.connection).get_table_names())

    @property
    def driver_connection(self):
        """The DB-API connection underneath (sqlite3 or psycopg): for an engine's own fast
        path, such as PostgreSQL's COPY. Use only inside this module and the import writer."""
        return self.connection.connection.driver_connection

    @property
    def conn(self):
        """SQLite only, for code not yet ported to the engine-neutral API: the sqlite3
        connection. PostgreSQL has no such thing; new code must not use it."""
        if self.dialect != "sqlite":
            raise AttributeError("db.conn is SQLite-only: use db.execute / store.transaction / store.in_transaction")
        return self.driver_connection

    def in_transaction(self) -> bool:
        raw = self.driver_connection
        if self.dialect == "sqlite":
            return raw.in_transaction
        from psycopg.pq import TransactionStatus

        return raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.connection.close()

    @functools.cached_property
    def waiting_file(self) -> str | None:
        """See ``store.waiting_file``."""
        if self.dialect != "sqlite":
            return None
        main = next((file for _seq, name, file in self.execute("PRAGMA database_list").fetchall() if name == "main"), "")
        return main + WAITING_SUFFIX if main else None


class Table:
    """``db["name"]``: the sqlite-utils table methods this code uses, on both engines."""

    def __init__(self, db: Database, name: str):
        self.db, self.name = db, name
        self.last_pk: Any = None

    def _table(self, columns: Iterable[str]) -> sa.TableClause:
        return sa.table(self.name, *(sa.column(c) for c in columns))

    def insert(self, record: Mapping[str, Any], **_ignored: Any) -> "Table":
        """Insert one row; ``last_pk`` is its primary key (the new id when the table
        numbers its rows)."""
        record = dict(record)
        keys = _primary_key(self.db, self.name)
        statement = sa.insert(self._table(record)).values(record)
        if len(keys) == 1 and keys[0] not in record:
            statement = statement.returning(sa.column(keys[0]))
            self.last_pk = self.db.connection.execute(statement).scalar_one()
        else:
            self.db.connection.execute(statement)
            self.last_pk = tuple(record.get(k) for k in keys) if len(keys) > 1 else record.get(keys[0]) if keys else None
        return self

    def insert_all(self, records: Iterable[Mapping[str, Any]], **_ignored: Any) -> "Table":
        """Insert many rows, in executemany batches of rows with the same columns."""
        batches: dict[tuple[str, ...], list[dict]] = {}
        for record in records:
            record = dict(record)
            batches.setdefault(tuple(record), []).append(record)
        for columns, rows in batches.items():
            self.db.connection.execute(sa.insert(self._table(columns)), rows)
        return self

    def upsert(self, record: Mapping[str, Any], pk: str | Iterable[str], **_ignored: Any) -> "Table":
        """Insert the row, or update the columns given when a row with the same ``pk`` exists."""
        record = dict(record)
        keys = [pk] if isinstance(pk, str) else list(pk)
        if self.db.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(self._table(record)).values(record)
        updates = {c: statement.excluded[c] for c in record if c not in keys}
        statement = (statement.on_conflict_do_update(index_elements=keys, set_=updates) if updates
                     else statement.on_conflict_do_nothing(index_elements=keys))
        self.db.connection.execute(statement)
        self.last_pk = record[keys[0]] if len(keys) == 1 else tuple(record[k] for k in keys)
        return self

    def get(self, pk_value: Any) -> dict:
        """The row whose primary key is ``pk_value`` (a tuple for a compound key)."""
        keys = _primary_key(self.db, self.name)
        values = pk_value if isinstance(pk_value, tuple) else (pk_value,)
        where, params = key_clause(dict(zip(keys, values)))
        row = fetch_one(self.db, f"SELECT * FROM {quoted(self.name)} WHERE {where}", params)
        if row is None:
            raise KeyError(f"no row in {self.name} with key {pk_value!r}")
        return row

    def exists(self) -> bool:
        return table_exists(self.db, self.name)

    @property
    def count(self) -> int:
        return self.db.execute(f"SELECT count(*) FROM {quoted(self.name)}").fetchone()[0]


_primary_key_maps: dict[int, dict[str, tuple[str, ...]]] = {}


def schema_changed(db: Database) -> None:
    """Forget what was read of the schema (primary keys), after a migration changed it."""
    _primary_key_maps.pop(id(db.engine), None)


def _primary_key(db: Database, table: str) -> tuple[str, ...]:
    """The primary-key columns of ``table``. Read for every table at once with SQLAlchemy's
    multi-table reflection, once per engine (one catalogue query on PostgreSQL rather than
    a slow reflection per table inside someone's write transaction), and again only for a
    table made since."""
    keys = _primary_key_maps.get(id(db.engine))
    if keys is None or table not in keys:
        reflected = sa.inspect(db.connection).get_multi_pk_constraint()
        keys = {name: tuple(pk["constrained_columns"]) for (_schema, name), pk in reflected.items()}
        _primary_key_maps[id(db.engine)] = keys
    return keys.get(table, ())


def table_exists(db: Database | Reader, name: str) -> bool:
    """Is there a table (or view) called ``name``?"""
    if isinstance(db, Reader):
        return db.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = :name",
                          {"name": name}).fetchone() is not None
    inspector = sa.inspect(db.connection)
    return inspector.has_table(name) or name in inspector.get_view_names()


def connect(where: str | os.PathLike | None = None) -> Database:
    """Open the database at ``where`` (a SQLite file, created if needed, or a PostgreSQL URL;
    None: the default). SQLite runs with WAL and foreign keys on.

    A new connection per call: callers open, use and close; never share one
    connection between Streamlit sessions."""
    where = location(where)
    if isinstance(where, Path):
        where.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Database(where)
    except sa.exc.OperationalError as error:
        from .errors import DomainError

        raise DomainError(f"Cannot open the database at {describe(where)}: {error.orig}. "
                          f"Check {DB_ENV_VAR} (or --db) and that the database server is running.") from None


@contextlib.contextmanager
def opened(where: str | os.PathLike | None = None) -> Iterator[Database]:
    """``with opened(where) as db:`` — a connection closed on exit. A "database is locked"
    from anything done with it becomes ``errors.Busy`` (a DomainError pages and the
    command line show as a message)."""
    db = connect(where)
    try:
        with friendly_busy():
            yield db
    finally:
        db.close()


class Reader:
    """A SQLite file opened only to read, through the standard library's sqlite3 alone: the
    reading half of ``Database`` (``execute`` and ``query`` with the same named parameters and
    IN-lists, ``dialect``, ``location``) without importing SQLAlchemy (about 0.2 s of a command
    line's start). Writes are refused (``PRAGMA query_only``). Get one from ``reading``."""

    dialect = "sqlite"

    def __init__(self, path: Path):
        self.location = path
        # mode=rw: an absent file is an error here, never an empty database made by reading.
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                                           timeout=BUSY_WAIT_SECONDS, check_same_thread=False)
        try:
            self._connection.execute("PRAGMA query_only = ON")
            self._connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # a file that is no database fails here
        except sqlite3.DatabaseError:
            self._connection.close()
            raise

    def execute(self, sql: str, params: Mapping[str, Any] | Iterable[Any] | None = None) -> sqlite3.Cursor:
        """As ``Database.execute``: ``:name`` parameters from a dict, a list or tuple value an
        IN-list (``WHERE id IN :ids``; an empty one matches nothing). Rows are tuples."""
        if params is not None and not isinstance(params, Mapping):
            return self._connection.execute(sql, tuple(params))
        params = dict(params or {})
        for name, value in list(params.items()):
            if isinstance(value, (list, tuple, set, frozenset)):
                del params[name]
                names = [f"{name}__{i}" for i in range(len(value))]
                params.update(zip(names, value))
                listed = ", ".join(":" + n for n in names) or "SELECT NULL WHERE 0"
                sql = re.sub(rf":{name}\b", lambda _match: f"({listed})", sql)
        return self._connection.execute(sql, params)

    def query(self, sql: str, params: Mapping[str, Any] | Iterable[Any] | None = None) -> Iterator[dict]:
        """The rows of a SELECT as dicts."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row))

    def close(self) -> None:
        self._connection.close()


@contextlib.contextmanager
def reading(where: str | os.PathLike | None = None) -> Iterator[Database | Reader]:
    """``with reading(where) as db:`` for work that only reads, such as a command line's
    report: a SQLite file through a ``Reader`` (plain sqlite3, no SQLAlchemy to load), a
    PostgreSQL database as ``opened`` gives it. Either answers the same SQL with the same rows.
    The database must exist (``schema_current`` says whether ``migrate`` has work to do)."""
    where = location(where)
    if not isinstance(where, Path):
        with opened(where) as db:
            yield db
        return
    try:
        db = Reader(where)
    except sqlite3.DatabaseError as error:
        from .errors import DomainError

        raise DomainError(f"Cannot open the database at {where}: {error}. Check {DB_ENV_VAR} (or --db).") from None
    try:
        with friendly_busy():
            yield db
    finally:
        db.close()


def schema_current(db: Database | Reader) -> bool:
    """Has every migration script been applied to ``db`` (so ``migrate`` has nothing to do)?"""
    try:
        applied = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
    except (sqlite3.OperationalError, *_dbapi_errors()):  # no such table: a new database
        return False
    return {script.name for script in migration_files(db.dialect)} <= applied


def in_transaction(db: Database) -> bool:
    """Is a transaction open on ``db``'s connection?"""
    return db.in_transaction()


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """All-or-nothing: everything written inside commits together or not at all.

    Takes the write lock before the first read — BEGIN IMMEDIATE on SQLite, BEGIN and a
    transaction-scoped advisory lock on PostgreSQL — so writers are serialised and every
    read inside sees the data the write will change (no lost update). If another
    connection holds the lock, the start waits (BUSY_WAIT_SECONDS) and is tried again
    (BUSY_ATTEMPTS); after that ``errors.Busy`` (a DomainError with a friendly message) is
    raised instead of the engine's own error."""
    if db.in_transaction():
        # Nested use joins the outer transaction through a savepoint.
        db.execute("SAVEPOINT nested")
        try:
            yield db
        except BaseException:
            if db.in_transaction():
                db.execute("ROLLBACK TO SAVEPOINT nested")
                db.execute("RELEASE SAVEPOINT nested")
            raise
        db.execute("RELEASE SAVEPOINT nested")
        return
    _begin_write(db)
    try:
        yield db
    except BaseException as error:
        _rollback(db)
        if is_busy(error):
            raise _busy() from error
        raise
    try:
        db.execute("COMMIT")
    except Exception as error:
        _rollback(db)
        if is_busy(error):
            raise _busy() from error
        raise


def _rollback(db: Database) -> None:
    if db.in_transaction():
        db.execute("ROLLBACK")


def _begin_write(db: Database) -> None:
    for attempt in range(BUSY_ATTEMPTS):
        try:
            if db.dialect == "sqlite":
                _begin_immediate(db)
            else:
                db.execute("BEGIN")
                db.execute("SELECT pg_advisory_xact_lock(:key)", {"key": WRITE_LOCK_KEY})
            return
        except Exception as error:
            _rollback(db)
            if not is_busy(error):
                raise
            if attempt == BUSY_ATTEMPTS - 1:
                raise _busy() from error
            time.sleep(0.05 * (1 + random.random()))


# Beside a SQLite database file: a connection waiting for the write lock holds a shared lock
# on this file while it waits, so a long job that writes in many short transactions (an
# import publishing, models.importers.staging) can tell that someone is waiting and step
# aside for them between two of its transactions, and otherwise go straight on. SQLite's
# busy handler polls rather than queues, so without it a waiting save could miss every gap.
WAITING_SUFFIX = "-waiting"


def waiting_file(db: Database) -> str | None:
    """The file whose shared locks mark writers waiting for ``db``'s write lock (None for
    PostgreSQL, whose advisory lock queues, or a database in memory)."""
    return db.waiting_file


def _open_waiting_file(db: Database) -> int | None:
    """A read-only handle on ``waiting_file(db)`` (made if missing, readable by whoever can
    read the database: the app and the command line may run as different users), or None
    if there is none or it cannot be opened (then nobody is told, and nothing else changes)."""
    path = waiting_file(db)
    if path is None:
        return None
    try:
        return os.open(path, os.O_CREAT | os.O_RDONLY, 0o644)
    except OSError:
        return None


@contextlib.contextmanager
def _waiting(db: Database) -> Iterator[None]:
    """Hold a shared lock on ``waiting_file(db)`` for the block (see WAITING_SUFFIX)."""
    import fcntl

    handle = _open_waiting_file(db)
    if handle is None:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def writer_waiting(db: Database) -> bool:
    """Is another connection waiting for ``db``'s write lock just now?"""
    import fcntl

    handle = _open_waiting_file(db)
    if handle is None:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def _begin_immediate(db: Database) -> None:
    """SQLite's BEGIN IMMEDIATE: tried at once; if another connection holds the write lock,
    tried again waiting (the busy handler, BUSY_WAIT_SECONDS) while marked as waiting."""
    raw = db.driver_connection
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN IMMEDIATE")
        return
    except Exception as error:
        _rollback(db)
        if not is_busy(error):
            raise
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(BUSY_WAIT_SECONDS * 1000)}")
    with _waiting(db):
        db.execute("BEGIN IMMEDIATE")


def is_busy(error: BaseException) -> bool:
    """Is this the engine saying another connection holds the lock? (SQLite's SQLITE_BUSY /
    SQLITE_LOCKED, "database is locked"; PostgreSQL's lock_not_available, a lock_timeout.)"""
    if isinstance(error, _dbapi_errors()):
        error = error.orig
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        text = str(error).lower()
        return "locked" in text or "busy" in text
    return getattr(error, "sqlstate", None) == "55P03"


def _dbapi_errors() -> tuple[type, ...]:
    """SQLAlchemy's DBAPIError, if SQLAlchemy is loaded (if it is not, nothing raised one)."""
    errors = sys.modules.get("sqlalchemy.exc")
    return (errors.DBAPIError,) if errors is not None else ()


def _busy():
    from .errors import Busy

    return Busy(BUSY_MESSAGE)


@contextlib.contextmanager
def friendly_busy() -> Iterator[None]:
    """Turn a "database is locked" raised by a write outside ``transaction`` (one
    statement in autocommit) into ``errors.Busy``."""
    try:
        yield
    except (sqlite3.OperationalError, *_dbapi_errors()) as error:
        if is_busy(error):
            raise _busy() from error
        raise


def quoted(name: str) -> str:
    """A table or column name as an SQL identifier, in double quotes (both engines)."""
    return '"' + name.replace('"', '""') + '"'


def key_clause(key: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``"a" = :key_0 AND "b" = :key_1`` and its parameters, for a record's key columns."""
    where = " AND ".join(f"{quoted(column)} = :key_{i}" for i, column in enumerate(key))
    return where, {f"key_{i}": value for i, value in enumerate(key.values())}


def fetch_one(db: Database, sql: str, params: dict) -> dict | None:
    """The first row of a query as a dict, or None."""
    cursor = db.execute(sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values))


def migration_files(dialect: str = "sqlite") -> list[Path]:
    """The schema scripts for an engine (``"sqlite"`` or ``"postgresql"``), in the order
    they apply. Both engines have the same names: one history."""
    folder = POSTGRESQL_SQL_DIR if dialect == "postgresql" else SQL_DIR
    return sorted(folder.glob("[0-9][0-9][0-9]_*.sql"))


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
