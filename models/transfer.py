"""Moving a whole database: ``copy`` between engines (a SQLite file and a PostgreSQL URL,
either way, or the same engine), and ``backup`` of a SQLite file while the app runs.

A copy makes the target's schema by the same migration history (``migrations.migrate``), then
copies the rows table by table, parents before children, each in primary-key order and in
batches (``BATCH_ROWS`` at a time, so a million-row spend table is never held in memory),
all inside ONE write transaction on the target: a failure leaves the target as it was. The
source is read inside one read transaction (a consistent snapshot, even while app servers
keep writing to it).

What the target derives itself is not copied but rebuilt there, as migrations and imports
build it: the directory's search index (SQLite's ``organisations_fts`` tables, PostgreSQL's
generated ``organisations.search_document`` column and ``organisation_facet_keys``) and its
district and theme lists are filled by the triggers on ``organisations``; the spend summaries (``spend_totals*``) by one
GROUP BY after the spend rows are in (``spend.summarise_rows``, the bulk writer's pause).
PostgreSQL's identity sequences are moved past the ids copied (``setval``).

Before committing, the copy compares both sides: every table's row count and the sum of
every ``*_pence`` column (money, in pence). Any difference rolls everything back and names
the table. A target holding any rows of its own is refused unless ``replace`` is given;
then its rows are replaced within the same transaction."""

from __future__ import annotations

import contextlib
import dataclasses
import graphlib
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

from . import migrations, store
from .store import quoted
from .errors import DomainError

BATCH_ROWS = 5_000
# Tables the target fills itself (triggers, the summaries' GROUP BY, the FTS5 index and its
# shadow tables) and the two bookkeeping tables the copy writes its own way.
DERIVED_TABLES = frozenset({
    "organisation_districts", "organisation_themes", "organisation_facet_keys",
    "spend_totals", "spend_totals_by_funder", "spend_totals_by_place", "spend_totals_pause",
})
DERIVED_PREFIXES = ("organisations_fts",)
MIGRATIONS_TABLE = "schema_migrations"
VERSION_TABLE = "directory_version"
# Below every id: while the copy writes spend, the summaries' per-row triggers skip every row
# (spend_totals_pause holds this), and one GROUP BY adds them all at the end.
PAUSE_ALL = -(2 ** 62)


@dataclasses.dataclass(frozen=True)
class TableCheck:
    """One table as the copy checked it: its rows and the sum of each money column, in pence."""

    table: str
    rows: int
    pence: dict[str, int]


@dataclasses.dataclass(frozen=True)
class CopyReport:
    source: str  # described: a file path, or a URL without its password
    target: str
    tables: list[TableCheck]
    replaced: bool

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def pence(self) -> int:
        return sum(sum(t.pence.values()) for t in self.tables)


class CopyMismatch(DomainError):
    """The target's rows or money totals differ from the source's after copying: rolled back."""


def is_derived(table: str) -> bool:
    return table in DERIVED_TABLES or table.startswith(DERIVED_PREFIXES)


@dataclasses.dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]  # copied columns: generated ones left out
    key: tuple[str, ...]  # primary key (empty: ordered by every column)
    parents: frozenset[str]

    @property
    def order(self) -> tuple[str, ...]:
        return self.key or self.columns

    @property
    def money(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c.endswith("_pence"))


def _schema(db: store.Database) -> dict[str, _Table]:
    """Every table of ``db`` with its copied columns, primary key and parent tables."""
    import sqlalchemy as sa

    inspector = sa.inspect(db.engine)
    tables = {}
    for name in inspector.get_table_names():
        columns = tuple(c["name"] for c in inspector.get_columns(name) if not c.get("computed"))
        key = tuple(inspector.get_pk_constraint(name)["constrained_columns"] or ())
        parents = frozenset(fk["referred_table"] for fk in inspector.get_foreign_keys(name)) - {name}
        tables[name] = _Table(name, columns, key, parents)
    return tables


def _same_place(source: str | Path, target: str | Path) -> bool:
    if isinstance(source, Path) and isinstance(target, Path):
        return source.resolve() == target.resolve()
    if isinstance(source, Path) or isinstance(target, Path):
        return False
    import sqlalchemy as sa

    def where(url: str):
        parsed = sa.engine.make_url(url.replace("postgres://", "postgresql://", 1))
        return parsed.host or "", parsed.port or 5432, parsed.database

    return where(source) == where(target)


def _open_target(target: str | Path) -> store.Database:
    try:
        return store.connect(target)
    except DomainError as error:
        if store.is_url(str(target)):
            raise DomainError(f"{error} Create the database first, e.g. CREATE DATABASE dashboard "
                              "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' (see README, Deploying).") from None
        raise


def user_rows(db: store.Database, tables: dict[str, _Table]) -> dict[str, int]:
    """{table: rows} of every non-empty table a copy would write (not derived, not bookkeeping)."""
    held = {}
    for name in sorted(tables):
        if is_derived(name) or name in (MIGRATIONS_TABLE, VERSION_TABLE):
            continue
        count = db.execute(f"SELECT COUNT(*) FROM {quoted(name)}").fetchone()[0]
        if count:
            held[name] = count
    return held


def _not_empty(held: dict[str, int], target: str) -> DomainError:
    listed = ", ".join(f"{t} ({n:,} rows)" for t, n in sorted(held.items(), key=lambda item: -item[1])[:5])
    more = f" and {len(held) - 5} more tables" if len(held) > 5 else ""
    return DomainError(f"The target {target} already holds data: {listed}{more}. Nothing was copied. "
                       "Copy into an empty database, or add --replace to replace everything in it with the source's rows.")


def copy_database(source: str | os.PathLike, target: str | os.PathLike, *, replace: bool = False,
                  progress: Callable[[str, int], None] | None = None,
                  batch_rows: int = BATCH_ROWS) -> CopyReport:
    """Copy every row of the database at ``source`` into the one at ``target`` (each a SQLite
    file path or a ``postgresql://`` URL), checked and all-or-nothing (see the module's
    docstring). ``progress(table, rows)`` is called as each table is done."""
    source, target = store.location(source), store.location(target)
    shown_source, shown_target = store.describe(source), store.describe(target)
    if isinstance(source, Path) and not source.is_file():
        raise DomainError(f"There is no database file at {source}: check the --from path.")
    if _same_place(source, target):
        raise DomainError(f"The source and the target are the same database ({shown_source}): nothing to copy.")
    created = isinstance(target, Path) and not target.exists()
    try:
        with store.opened(source) as reader, contextlib.closing(_open_target(target)) as writer:
            report = _copy(reader, writer, shown_source, shown_target, replace, progress or (lambda *_: None),
                           batch_rows)
    except BaseException:
        if created:
            store.dispose(target)
            for path in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                path.unlink(missing_ok=True)
        raise
    return report


def _copy(reader: store.Database, writer: store.Database, shown_source: str, shown_target: str, replace: bool,
          progress: Callable[[str, int], None], batch_rows: int) -> CopyReport:
    from . import spend

    known = [p.name for p in store.migration_files(reader.dialect)]
    applied = {r[0]: r[1] for r in reader.execute(f"SELECT name, applied_at FROM {MIGRATIONS_TABLE}")} \
        if store.table_exists(reader, MIGRATIONS_TABLE) else {}
    missing = [name for name in known if name not in applied]
    if missing:
        raise DomainError(f"The source {shown_source} is not at this version's schema (missing {', '.join(missing[:3])}"
                          f"{' ...' if len(missing) > 3 else ''}): run `python -m models init --db SOURCE` on it first.")
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise DomainError(f"The source {shown_source} was made by a newer version of this program (it has "
                          f"{', '.join(unknown[:3])}): copy it with that version.")

    held = user_rows(writer, _schema(writer))
    if held and not replace:
        raise _not_empty(held, shown_target)
    migrations.migrate(writer)
    tables = _schema(writer)
    source_tables = _schema(reader)
    copied = [t for name, t in tables.items()
              if not is_derived(name) and name not in (MIGRATIONS_TABLE, VERSION_TABLE)]
    for table in copied:
        theirs = source_tables.get(table.name)
        lacking = [c for c in table.columns if theirs is None or c not in theirs.columns]
        if lacking:
            raise DomainError(f"The source {shown_source} has no {table.name}.{lacking[0]}: its schema differs from "
                              "this version's although its migrations match. Nothing was copied.")
    order = _parents_first(copied)

    with _snapshot(reader), store.transaction(writer):
        held = user_rows(writer, tables)  # again, inside the write lock: nobody wrote since
        if held and not replace:
            raise _not_empty(held, shown_target)
        writer.execute("INSERT INTO spend_totals_pause (since) VALUES (:since)", {"since": PAUSE_ALL})
        if held:
            for table in reversed(order):
                writer.execute(f"DELETE FROM {quoted(table.name)}")
            for summary, _ in spend.SUMMARIES:
                writer.execute(f"DELETE FROM {quoted(summary)}")
        with _indexes_built_after(writer, order):
            for table in order:
                rows = _copy_rows(reader, writer, table, batch_rows)
                progress(table.name, rows)
        spend.summarise_rows(writer, "spend", "", PAUSE_ALL, None)
        writer.execute("DELETE FROM spend_totals_pause")
        _copy_bookkeeping(reader, writer, applied)
        if writer.dialect == "postgresql":
            _restart_identities(writer, order)
        checks = _check(reader, writer, order)
    return CopyReport(shown_source, shown_target, checks, replaced=bool(held))


def _parents_first(tables: list[_Table]) -> list[_Table]:
    by_name = {t.name: t for t in tables}
    sorter = graphlib.TopologicalSorter({t.name: sorted(t.parents & set(by_name)) for t in sorted(tables, key=lambda t: t.name)})
    return [by_name[name] for name in sorter.static_order()]


@contextlib.contextmanager
def _snapshot(db: store.Database) -> Iterator[None]:
    """A read transaction on the source: every batch sees the same committed state, while
    writers carry on (WAL on SQLite; REPEATABLE READ on PostgreSQL)."""
    if db.dialect == "postgresql":
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("ROLLBACK")


def _batches(db: store.Database, table: _Table, batch_rows: int) -> Iterator[list[tuple]]:
    """The rows of ``table`` in primary-key order, ``batch_rows`` at a time: each batch starts
    after the last key of the one before (keyset), so a batch costs the same wherever it is.
    A table without a primary key is ordered by every column and read by offset."""
    columns = ", ".join(quoted(c) for c in table.columns)
    ordering = ", ".join(quoted(c) for c in table.order)
    base = f"SELECT {columns} FROM {quoted(table.name)}"
    positions = [table.columns.index(c) for c in table.key]
    last, offset = None, 0
    while True:
        params: dict = {"limit": batch_rows}
        if not table.key:
            sql = f"{base} ORDER BY {ordering} LIMIT :limit OFFSET :offset"
            params["offset"] = offset
        elif last is None:
            sql = f"{base} ORDER BY {ordering} LIMIT :limit"
        else:
            keys = ", ".join(f":k{i}" for i in range(len(table.key)))
            sql = f"{base} WHERE ({ordering}) > ({keys}) ORDER BY {ordering} LIMIT :limit"
            params.update({f"k{i}": value for i, value in enumerate(last)})
        rows = db.execute(sql, params).fetchall()
        if not rows:
            return
        yield rows
        if len(rows) < batch_rows:
            return
        last = tuple(rows[-1][p] for p in positions)
        offset += len(rows)


def _copy_rows(reader: store.Database, writer: store.Database, table: _Table, batch_rows: int) -> int:
    """Copy one table's rows; PostgreSQL targets take them by COPY, SQLite by executemany."""
    count = 0
    if writer.dialect == "postgresql":
        columns = ", ".join(quoted(c) for c in table.columns)
        from psycopg.copy import LibpqWriter

        with writer.driver_connection.cursor() as cursor:
            # written as it goes (psycopg's default writer queues up to 1,024 buffers in a
            # thread: over 100 MB when the server is slower than the reading)
            with cursor.copy(f"COPY {quoted(table.name)} ({columns}) FROM STDIN", writer=LibpqWriter(cursor)) as stream:
                for rows in _batches(reader, table, batch_rows):
                    for row in rows:
                        stream.write_row(row)
                    count += len(rows)
        return count
    # SQLite: the driver's own executemany with positional rows (the facade's named-parameter
    # executemany builds a dict a row), inside the copy's one transaction.
    sql = (f"INSERT INTO {quoted(table.name)} ({', '.join(quoted(c) for c in table.columns)}) "
           f"VALUES ({', '.join('?' * len(table.columns))})")
    raw = writer.driver_connection
    for rows in _batches(reader, table, batch_rows):
        raw.executemany(sql, map(tuple, rows))
        count += len(rows)
    return count


@contextlib.contextmanager
def _indexes_built_after(writer: store.Database, tables: list[_Table]) -> Iterator[None]:
    """A SQLite target's secondary indexes on the copied tables are dropped before their rows
    go in and built again after, one sort each, instead of being kept up row by row (the copy
    is one transaction, so nobody sees the target without them). PostgreSQL's COPY needs no
    such step."""
    if writer.dialect != "sqlite":
        yield
        return
    indexes = writer.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN :tables "
        "ORDER BY name", {"tables": [t.name for t in tables]}).fetchall()
    for name, _ in indexes:
        writer.execute(f"DROP INDEX {quoted(name)}")
    yield
    for _, sql in indexes:
        writer.execute(sql)


def _copy_bookkeeping(reader: store.Database, writer: store.Database, applied: dict[str, str]) -> None:
    """The migration history's dates and the directory's version counter, as in the source
    (the target applied the same migrations itself, just now)."""
    for name, at in applied.items():
        writer.execute(f"UPDATE {MIGRATIONS_TABLE} SET applied_at = :at WHERE name = :name", {"name": name, "at": at})
    version = reader.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1").fetchone()
    if version is not None:
        writer.execute(f"UPDATE {VERSION_TABLE} SET version = :version WHERE id = 1", {"version": version[0]})


def _restart_identities(writer: store.Database, tables: list[_Table]) -> None:
    """PostgreSQL: each identity column's next value after the largest id copied (the rows
    came with their ids, which do not move the sequence)."""
    for table in tables:
        if len(table.key) != 1:
            continue
        column = table.key[0]
        sequence = writer.execute("SELECT pg_get_serial_sequence(:table, :column)",
                                  {"table": quoted(table.name), "column": column}).fetchone()[0]
        if sequence:  # only identity (integer) keys have one
            writer.execute(f"SELECT setval(CAST(:sequence AS regclass), "
                           f"COALESCE((SELECT MAX({quoted(column)}) FROM {quoted(table.name)}), 0) + 1, false)",
                           {"sequence": sequence})


def _measure(db: store.Database, table: _Table) -> TableCheck:
    sums = "".join(f", COALESCE(SUM({quoted(c)}), 0)" for c in table.money)
    values = db.execute(f"SELECT COUNT(*){sums} FROM {quoted(table.name)}").fetchone()
    return TableCheck(table.name, int(values[0]), {c: int(v) for c, v in zip(table.money, values[1:])})


def _check(reader: store.Database, writer: store.Database, tables: list[_Table]) -> list[TableCheck]:
    """Row counts and money totals, source against target; and the target's rebuilt spend
    summaries against its spend table. Raises ``CopyMismatch`` (the caller's transaction
    then rolls back) naming each table that differs."""
    from .formatting import money

    checks, problems = [], []
    for table in sorted(tables, key=lambda t: t.name):
        theirs, ours = _measure(reader, table), _measure(writer, table)
        if theirs.rows != ours.rows:
            problems.append(f"{table.name}: {theirs.rows:,} rows in the source, {ours.rows:,} in the target")
        for column in table.money:
            if theirs.pence[column] != ours.pence[column]:
                problems.append(f"{table.name}.{column}: {money(theirs.pence[column])} in the source, "
                                f"{money(ours.pence[column])} in the target")
        checks.append(ours)
    spent = writer.execute("SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) FROM spend").fetchone()
    from . import spend

    for summary, _ in spend.SUMMARIES:
        summed = writer.execute(f"SELECT COALESCE(SUM(amount_pence), 0), COALESCE(SUM(records), 0) FROM {summary}").fetchone()
        if tuple(summed) != tuple(spent):
            problems.append(f"{summary}: the rebuilt summary holds {money(summed[0])} in {summed[1]:,} records, "
                            f"the spend table {money(spent[0])} in {spent[1]:,}")
    if problems:
        raise CopyMismatch(f"The copy did not check out, so nothing was written to the target: {problems[0]}.",
                           problems=problems)
    return checks


def backup(source: str | os.PathLike | None, target: str | os.PathLike) -> Path:
    """A consistent copy of the SQLite database file at ``source`` (None: the default) in the
    new file ``target``, taken with SQLite's online backup API while the app keeps running
    (writers carry on; the copy is of one committed state). PostgreSQL is backed up with its
    own tools (``pg_dump -Fc``), so a URL is refused saying so."""
    where = store.location(source)
    if not isinstance(where, Path):
        raise DomainError(f"{store.describe(where)} is a PostgreSQL database: back it up with PostgreSQL's own tools, "
                          "e.g. pg_dump -Fc --dbname=URL --file=dashboard.dump (restore with pg_restore). "
                          "See README, Deploying.")
    target = Path(target)
    if not where.is_file():
        raise DomainError(f"There is no database file at {where}: check --db.")
    if target.exists():
        raise DomainError(f"{target} already exists: choose a new file name (a backup never overwrites a file).")
    if target.resolve() == where.resolve():
        raise DomainError("The backup must go to another file than the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API needs the two sqlite3 connections themselves (the store's connections
    # serve SQL); it copies page by page and restarts if a writer changes a page meanwhile.
    source_connection = sqlite3.connect(where)
    try:
        target_connection = sqlite3.connect(target)
        try:
            source_connection.backup(target_connection, pages=1024)
        finally:
            target_connection.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        source_connection.close()
    return target
