"""Imports that never hold up people's saves: stage outside the write lock, publish in
short steps, all or nothing, invisible until published (issue 11).

SQLite lets one connection write at a time, so an import that wrote a million rows in
one transaction made every evaluator's save wait for it. Instead:

1. **Stage.** The importer's rows are checked (for a large file in a process of its own,
   see ``runner._read_elsewhere``) and compared with what is stored (reads only: they
   never wait and never block) and written to a *staging file* of their own beside the
   database: new rows and changed rows. Nothing in the database changes, so
   a rejected file, a dry run or a crash leaves it exactly as it was.
2. **Publish.** Only one import publishes at a time (a lock file beside the database).
   - Fewer than ``SWAP_MIN_ROWS`` rows to write: one short transaction writes them all
     (an upsert from the attached staging file), with the import log entry and the
     audit row.
   - More (a big spend file, SQLite): a new copy of the table, ``spend__next``, built
     in short steps and swapped in by one rename (``table_swap.TableSwap``, which also
     says how its indexes and summaries are made and how it steps aside for waiting
     saves). Readers see the old table until that commit and the whole import after it.
   A big import into a swapped table streams (``Stage(stream_log=...)``, SQLite): once
   SWAP_MIN_ROWS rows are staged it takes the publish lock and starts the copy, and from
   then on moves the staged rows into it a batch at a time *while the file is still being
   read*, summing each batch into the widest summary's copy in the same transaction;
   publishing is then only the rest (the narrower summaries, the swap). A file rejected on
   the way removes the copy: what is stored is unchanged, row for row.
   On PostgreSQL, publishing is ONE transaction instead (``CopyStream``): invisible
   until it commits, it takes the write lock only for its last step, so no save waits
   for its rows; a big spend import begins it while the file is still read (the rows of
   each chunk go in by COPY as they arrive, on the server's core while the reader reads).
3. **Crash.** A half-built ``__next`` (or not yet emptied ``__old``) copy is removed by
   the next publish; the live table was never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import operator
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from .. import store, versioned
from ..store import quoted
from . import table_swap
from .table_swap import (
    SWAP_TABLES, TableSwap, clear_leftovers, next_name, summaries_of, summary_fields, swap_table, table_columns,
    timed,
)

STAMP_COLUMNS = {"loaded_at", "updated_at", "import_id", "source_file"}
SWAP_MIN_ROWS = 20_000  # rows to write from which publishing builds a new copy of the table
PUBLISH_LOCK_WAIT_SECONDS = 3600.0  # how long an import waits for another one to finish publishing
REMOVE_LOCK_WAIT_SECONDS = 5.0
PUBLISH_LOCK_KEY = 2011  # PostgreSQL advisory lock key of the publish lock (issue 11); the write lock is store's
# Page cache (and sorting memory) for the publishing connection. A streamed import fills the
# copy while the reader process is alive, so this counts towards the import's peak memory:
# 32 MB (64 MB cost 37 MB more at 1,000,000 rows for about 10% less writer CPU).
PUBLISH_CACHE_KB = 32 * 1024
SORT_THREADS = 2  # helper threads SQLite may use to sort when it builds an index
STORED_BATCH = 5_000  # identifiers looked up in one query when staging (SQLite allows 32,766 parameters)


class Stage:
    """``with Stage(db, table, key) as stage:`` a staging file for one import into
    ``table`` (identifier column ``key``); ``stage.add(columns, keys, rows)`` stages a
    chunk, ``stage.publish(...)`` writes it to the database. The file is deleted on exit.

    ``stream_log`` (the import log entry's fields known before reading: file, checksum,
    format, when, by whom) lets a big import into a swapped table (SWAP_TABLES, on
    SQLite) write while it reads: once SWAP_MIN_ROWS rows are staged it takes the publish
    lock, starts the table's new copy (``TableSwap``), and moves the staged rows into it
    a batch at a time as more arrive (each batch one transaction of about CHUNK_SECONDS),
    summing them into the summaries' copies as it goes. Nobody reads the copy, so
    the database shows nothing of the import until ``publish`` swaps it in; a file
    rejected on the way, or any failure, removes the copy (``__exit__``)."""

    def __init__(self, main: store.Database, table: str, key: str, *, stream_log: dict | None = None):
        self.main, self.table, self.key = main, table, key
        self.columns: list[str] | None = None
        self.compared: list[str] = []
        self._pick: Callable[[tuple], tuple] | None = None
        self.rows = 0  # rows staged (or, once streaming, written into the copy)
        self.changed = 0  # of them, rows that change a stored row
        self.path: str | None = None
        self.db: sqlite3.Connection | None = None
        self._scratch: contextlib.ExitStack | None = None
        self.stream_log = stream_log if table in SWAP_TABLES and _dialect(main) == "sqlite" else None
        self._swap: TableSwap | None = None
        self._upsert = ""
        self.moved = 0  # staged rows (by seq) moved into the table's new copy, once streaming
        self._batch = table_swap.FIRST_CHUNK_ROWS  # staged rows to gather before moving them
        self.import_id: int | None = None
        self._published = False
        # PostgreSQL: a big spend import's transaction begins while the file is read (CopyStream)
        self.copy_log = stream_log if table in SWAP_TABLES and _dialect(main) == "postgresql" else None
        self._copying: CopyStream | None = None
        self._code_points: bool | None = None  # PostgreSQL: does the database order text by code points?

    def __enter__(self) -> "Stage":
        self._scratch = contextlib.ExitStack()
        self.path, self.db = self._scratch.enter_context(scratch_file(_folder(self.main), "stage"))
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._swap is not None and not self._published:
                self._swap.abandon()
                with store.transaction(self.main):
                    self.main.execute("DELETE FROM import_log WHERE id = :id AND status = 'publishing'", {"id": self.import_id})
        finally:
            if self._scratch is not None:
                self._scratch.close()

    def add(self, columns: list[str], keys: list[str], rows: list[tuple], *, write: bool = True) -> tuple[int, int, int]:
        """Stage the rows (value tuples in ``columns`` order, identifiers ``keys``) that are
        new or change a stored row; returns (added, changed, unchanged) as things stand
        now (publishing re-checks inside its write). ``write=False`` (a dry run) only
        counts them: nothing is staged."""
        if not rows:
            return 0, 0, 0
        if self.columns is None:
            self.columns = list(columns)
            self.compared = [c for c in self.columns if c not in STAMP_COLUMNS and c != self.key]
            self._pick = _picker([self.columns.index(c) for c in self.compared])
            self.db.execute(f"CREATE TABLE rows (seq INTEGER PRIMARY KEY, {', '.join(map(quoted, self.columns))})")
        stored = self._stored(keys)
        if not stored:
            staged, added, changed = rows, len(rows), 0
        else:
            staged, added, changed, pick = [], 0, 0, self._pick
            for key, row in zip(keys, rows):
                now = stored.get(key)
                if now is None:
                    added += 1
                elif pick(row) != now:
                    changed += 1
                else:
                    continue
                staged.append(row)
        if staged and write and self._copying is not None:  # PostgreSQL, once copying: straight in
            with timed("add rows as they are read", accumulate=True):
                self._copying.write(staged, changed)
            self.rows += len(staged)
            self.changed += changed
            return added, changed, len(rows) - added - changed
        if staged and write:
            self.db.execute("BEGIN")
            self.db.executemany(
                f"INSERT INTO rows ({', '.join(map(quoted, self.columns))}) VALUES ({', '.join('?' * len(self.columns))})",
                staged)
            self.db.execute("COMMIT")
            self.rows += len(staged)
            self.changed += changed
            if self._swap is None and self.stream_log is not None and self.rows >= SWAP_MIN_ROWS:
                self._start_streaming()
            elif self._copying is None and self.copy_log is not None and self.rows >= SWAP_MIN_ROWS:
                self._start_copying()
            if self._swap is not None and self.rows - self.moved >= self._batch:
                with timed("add rows as they are read", accumulate=True):
                    self._move(self.rows)
        return added, changed, len(rows) - added - changed

    def _start_streaming(self) -> None:
        """Take the publish lock and start the table's new copy (see the class's
        docstring); the staged rows are then moved into it a batch at a time."""
        main = self.main
        self._scratch.enter_context(publish_lock(main))
        self._scratch.enter_context(attached(main, self.path))
        self._scratch.enter_context(big_cache(main))
        clear_leftovers(main)
        with store.transaction(main):
            self.import_id = main["import_log"].insert({**self.stream_log, "status": "publishing"}).last_pk
        self._swap = TableSwap(main, self.table, expected_rows=None, sum_as_added=True)
        self._swap.start()
        self._upsert = self._upsert_sql(self._swap.new, "stage.rows")

    def _move(self, upto: int) -> int:
        """The staged rows not yet in the table's new copy, up to ``upto`` (by ``seq``),
        into it in one short transaction; the next batch is sized to hold the write lock
        about CHUNK_SECONDS. Returns how many rows were moved."""
        first, started = self.moved, time.perf_counter()

        def write() -> bool:
            self.main.execute(self._upsert, {"import_id": self.import_id, "first": first, "last": upto})
            return self.changed > 0  # some staged row changes a copied one: sum afresh at the end

        self._swap.add(write)
        self.moved = upto
        elapsed = time.perf_counter() - started
        self._batch = max(table_swap.FIRST_CHUNK_ROWS,
                          min(200_000, int((upto - first) * table_swap.CHUNK_SECONDS / max(elapsed, 1e-3))))
        return upto - first

    def _start_copying(self) -> None:
        """PostgreSQL: take the publish lock and begin the import's one transaction
        (``CopyStream``) while the file is still being read; the rows staged so far go in
        now, every later chunk as it arrives (``add``); ``publish`` commits."""
        self._scratch.enter_context(publish_lock(self.main))
        self._copying = CopyStream(self.main, self.table, self.key, self.columns, self.compared,
                                   self._upsert_sql(self.table, "import_stage"))
        self._scratch.callback(self._copying.abandon)  # before the publish lock is let go
        self._copying.begin(self.copy_log)
        with timed("copy staged rows"):
            self._copying.upsert(self._copy_to_temporary)

    def _stored(self, keys: list[str]) -> dict[str, tuple]:
        """{identifier: compared values} of the rows stored now with these identifiers
        (a read: no lock). An empty table is not searched, nor (on SQLite, whose text order
        is the identifiers' code points) one with no identifier between the chunk's least
        and greatest: a new file's chunks cost one look into the key's index each."""
        table, key = quoted(self.table), quoted(self.key)
        if self.main.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            return {}
        if _dialect(self.main) == "postgresql":
            if self._code_points is None:
                self._code_points = _code_point_order(self.main)
            return _stored_postgresql(self.main, table, key, [self.key, *self.compared], keys, self._code_points)
        if _dialect(self.main) == "sqlite" and self.main.execute(
                f"SELECT 1 FROM {table} WHERE {key} >= :least AND {key} <= :greatest LIMIT 1",
                {"least": min(keys), "greatest": max(keys)}).fetchone() is None:
            return {}
        stored: dict[str, tuple] = {}
        selected = ", ".join(map(quoted, [self.key, *self.compared]))
        for start in range(0, len(keys), STORED_BATCH):
            for row in self.main.execute(f"SELECT {selected} FROM {table} WHERE {key} IN :keys",
                                         {"keys": keys[start : start + STORED_BATCH]}).fetchall():
                stored[row[0]] = tuple(row[1:])
        return stored

    def publish(self, log: dict, audit: dict, *, who: str) -> int:
        """Write the staged rows, the import log entry and the audit row; all or nothing,
        visible together. Returns the import's id."""
        if self._swap is not None:
            return self._publish_streamed(log, audit, who)
        if self._copying is not None:
            import_id = self._copying.finish(log, audit, who)
            self._published = True
            return import_id
        if _dialect(self.main) == "postgresql":
            with publish_lock(self.main):
                return self._publish_by_copy(log, audit, who)
        with publish_lock(self.main), attached(self.main, self.path), big_cache(self.main):
            clear_leftovers(self.main)
            if self.table in SWAP_TABLES and self.rows >= SWAP_MIN_ROWS:
                return self._publish_by_swap(log, audit, who)
            with store.transaction(self.main):
                import_id = self.main["import_log"].insert({**log, "status": "imported"}).last_pk
                if self.rows:
                    with _summaries_in_bulk(self.main, self.table):
                        self.main.execute(self._upsert_sql(self.table, "stage.rows"),
                                          {"import_id": import_id, "first": 0, "last": self.rows})
                versioned.record_audit(self.main, entity="import", entity_id=import_id, action="import", who=who, after=audit)
            return import_id

    def _publish_by_copy(self, log: dict, audit: dict, who: str) -> int:
        """PostgreSQL, an import not begun while reading: one transaction (``CopyStream``)
        that COPYs the staged rows straight into the table if they were all new when
        staged, else into a temporary table and upserts them from there; the write lock
        only for its last step. A row staged as new that another import stored meanwhile
        makes the straight COPY fail: it is then all done again by the upsert."""
        db = self.main
        straight = self.changed == 0
        while True:
            copying = CopyStream(db, self.table, self.key, self.columns or [], self.compared,
                                 self._upsert_sql(self.table, "import_stage") if self.columns else "")
            try:
                copying.begin(log)
                if self.rows:
                    with timed("copy staged rows"):
                        if straight:
                            listed = ", ".join(map(quoted, self.columns))
                            copying.copy(self.db.execute(f"SELECT {listed} FROM rows ORDER BY seq"))
                        else:
                            copying.upsert(self._copy_to_temporary)
                return copying.finish(log, audit, who)
            except BaseException as error:
                copying.abandon()
                if not (straight and _unique_violation(error)):
                    raise
                straight = False

    def _copy_to_temporary(self, db) -> int:
        """The staged rows into the temporary table ``import_stage`` with psycopg's COPY
        (the engine's bulk path); returns how many."""
        columns = ", ".join(map(quoted, self.columns))
        make_staging_table(db, self.table, self.columns)
        rows = self.db.execute(f"SELECT seq, {columns} FROM rows ORDER BY seq")
        with db.driver_connection.cursor() as cursor, cursor.copy(f"COPY import_stage (seq, {columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        return self.rows

    def _publish_by_swap(self, log: dict, audit: dict, who: str) -> int:
        with store.transaction(self.main):
            import_id = self.main["import_log"].insert({**log, "status": "publishing"}).last_pk
        upsert = self._upsert_sql(next_name(self.table), "stage.rows")

        def stage_rows(first: int, count: int) -> int:
            self.main.execute(upsert, {"import_id": import_id, "first": first, "last": first + count})
            return min(count, max(self.rows - first, 0))

        def finish() -> None:
            self.main.execute("UPDATE import_log SET status = 'imported' WHERE id = :id", {"id": import_id})
            versioned.record_audit(self.main, entity="import", entity_id=import_id, action="import", who=who, after=audit)

        try:
            swap_table(self.main, self.table, extra=stage_rows, extra_rows=self.rows, finish=finish)
        except BaseException:
            with store.transaction(self.main):
                self.main.execute("DELETE FROM import_log WHERE id = :id AND status = 'publishing'", {"id": import_id})
            raise
        return import_id

    def _publish_streamed(self, log: dict, audit: dict, who: str) -> int:
        """The rest of a streamed import (``_start_streaming``): summaries, the swap, and
        in the swap's transaction the import log entry completed and the audit row."""
        with timed("add staged rows"):
            while self.moved < self.rows:
                self._move(min(self.moved + self._batch, self.rows))

        def finish() -> None:
            fields = {**log, "status": "imported"}
            self.main.execute(f"UPDATE import_log SET {', '.join(f'{quoted(f)} = :{f}' for f in fields)} WHERE id = :id",
                              {**fields, "id": self.import_id})
            versioned.record_audit(self.main, entity="import", entity_id=self.import_id, action="import", who=who, after=audit)

        self._swap.finish(finish)
        self._published = True
        return self.import_id

    def _upsert_sql(self, target: str, source: str) -> str:
        """Staged rows (``seq`` in (:first, :last]) from ``source`` into ``target``, in
        order: insert the new, update the changed (they move to this import, :import_id; a
        person-edited record's version goes up), and leave a row that is the same by now
        alone. The same SQL on both engines."""
        columns = ", ".join(map(quoted, self.columns))
        into = quoted(target)
        updates = [f"{quoted(c)} = excluded.{quoted(c)}" for c in self.columns if c != self.key]
        updates.append("import_id = excluded.import_id")
        if "version" in table_columns(self.main, self.table):
            updates.append(f"version = {into}.version + 1")
        differs = " OR ".join(f"{into}.{quoted(c)} IS DISTINCT FROM excluded.{quoted(c)}" for c in self.compared) or "1 = 0"
        return (f"INSERT INTO {into} ({columns}, import_id) SELECT {columns}, :import_id FROM {source} "
                f"WHERE seq > :first AND seq <= :last ORDER BY seq ON CONFLICT ({quoted(self.key)}) "
                f"DO UPDATE SET {', '.join(updates)} WHERE {differs}")


def _stored_postgresql(db, table: str, key: str, selected: list[str], keys: list[str], code_points: bool) -> dict[str, tuple]:
    """PostgreSQL's ``Stage._stored``: one query a chunk with the identifiers as one array
    parameter (an IN-list of 5,000 parameters cost more to build than to run); none when,
    in a database whose text order is the code points' (collation C), no stored identifier
    lies between the chunk's least and greatest (``code_points``: ``_code_point_order``)."""
    if code_points and db.execute(
            f"SELECT 1 FROM {table} WHERE {key} >= :least AND {key} <= :greatest LIMIT 1",
            {"least": min(keys), "greatest": max(keys)}).fetchone() is None:
        return {}
    with db.driver_connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(quoted, selected))} FROM {table} WHERE {key} = ANY(%s)", (keys,))
        return {row[0]: tuple(row[1:]) for row in cursor}


def _unique_violation(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, psycopg.errors.UniqueViolation) or isinstance(
        getattr(error, "orig", None), psycopg.errors.UniqueViolation)


def _code_point_order(db) -> bool:
    """Whether this PostgreSQL database orders text by its bytes (collation C or POSIX),
    that is by code points, as Python's ``min`` and ``max`` do."""
    return db.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()").fetchone()[0] in ("C", "POSIX")


class CopyStream:
    """PostgreSQL: one import into ``table`` as ONE transaction, all or nothing and
    invisible to everyone until it commits, which takes the write lock (store's advisory
    lock, the one people's saves take) only for its last step: the rows never make a save
    wait. The caller holds ``publish_lock``.

    ``begin(log)`` opens it (the import log entry first: the rows refer to it);
    ``write(rows, changed)`` adds a chunk of staged rows (``changed``: how many of them
    change a stored row): a chunk of new rows by COPY straight into the table, in file
    order, so ids follow the file; a chunk with changed rows through a temporary table
    and the upsert (``upsert_sql``: new inserted, changed updated and moved to this
    import, the same left alone); ``finish`` brings the summaries up to date, takes the
    write lock, completes the log, writes the audit row and commits; ``abandon`` rolls
    back. A big import begins while its file is still being read (``Stage._start_copying``),
    so the server writes while the reader reads.

    The summaries (models.spend.SUMMARIES): their per-row insert and update triggers are
    off inside the transaction (``ALTER TABLE ... DISABLE TRIGGER``: a SHARE ROW EXCLUSIVE
    lock, which readers' ACCESS SHARE does not conflict with; only other writers of the
    table wait, and they are imports, which the publish lock serialises anyway; the
    triggers are on again before it commits). Instead, before each upsert the rows it will
    change are taken out of them, by one GROUP BY of their stored values, and at the end
    every row now of this import (inserted or changed) is added, by one GROUP BY; groups
    left with no rows are removed, as the triggers do. A database role that does not own
    the table may not switch its triggers: then the summaries' pause (models.spend's
    ``spend_totals_pause``, as ``bulk_totals``) skips the inserted rows, summed at the end,
    and changed rows keep their per-row upkeep (slower for many changed rows)."""

    TRIGGERS = ("spend_totals_insert", "spend_totals_update")

    def __init__(self, db, table: str, key: str, columns: list[str], compared: list[str], upsert_sql: str):
        self.db, self.table, self.key, self.columns, self.compared = db, table, key, columns, compared
        self.upsert_sql = upsert_sql
        self.summaries = summaries_of(db, table)
        self.held = _held(self.summaries)
        self.import_id: int | None = None
        self._open = False
        self._subtracted = False
        self._triggers_off = False  # the summaries' triggers switched off (else paused: ``since``)
        self.since = 0
        listed = ", ".join(map(quoted, columns))
        self._copy_in = f"COPY {quoted(table)} ({listed}, import_id) FROM STDIN"

    def begin(self, log: dict) -> None:
        db = self.db
        db.execute("BEGIN")
        self._open = True
        db.execute("SET LOCAL work_mem = '64MB'")  # the summaries' GROUP BYs hash in memory
        self.import_id = db["import_log"].insert({**log, "status": "imported"}).last_pk
        if self.summaries and owns_table(db, self.table):
            for trigger in self.TRIGGERS:
                db.execute(f"ALTER TABLE {quoted(self.table)} DISABLE TRIGGER {quoted(trigger)}")
            self._triggers_off = True
            _make_totals_table(db, self.table, self.held)
        elif self.summaries:
            self.since = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted(self.table)}").fetchone()[0]
            db.execute("INSERT INTO spend_totals_pause (since) VALUES (:since)", {"since": self.since})

    def write(self, rows: list[tuple], changed: int) -> None:
        if changed:
            self.upsert(lambda db: self._to_staging_table(rows))
        else:
            self.copy(rows)

    def copy(self, rows) -> None:
        """New rows (value tuples in ``columns`` order) straight into the table, in order."""
        extra = (self.import_id,)
        with self.db.driver_connection.cursor() as cursor, cursor.copy(self._copy_in) as copy:
            write = copy.write_row
            for row in rows:
                write(row + extra)

    def upsert(self, fill: Callable[[store.Database], int]) -> None:
        """``fill(db)`` puts rows into the temporary table ``import_stage`` (returning how
        many); the stored rows they will change are taken out of the summaries, then they
        are upserted in ``seq`` order and the temporary table emptied."""
        rows = fill(self.db)
        if self._triggers_off:
            self._subtract_changed()
        self.db.execute(self.upsert_sql, {"import_id": self.import_id, "first": 0, "last": rows})
        self.db.execute("TRUNCATE import_stage")

    def _subtract_changed(self) -> None:
        """The stored rows that ``import_stage``'s rows will change (any compared field
        differs: the upsert's own test), taken out of the summaries' totals to come."""
        held = ", ".join(f"t.{c}" for c in self.held)
        differs = " OR ".join(f"t.{quoted(c)} IS DISTINCT FROM s.{quoted(c)}" for c in self.compared) or "1 = 0"
        key = quoted(self.key)
        done = self.db.execute(
            f"INSERT INTO import_totals ({', '.join(self.held)}, amount_pence, records) "
            f"SELECT {held}, -SUM(t.amount_pence), -COUNT(*) FROM {quoted(self.table)} t JOIN import_stage s "
            f"ON t.{key} = s.{key} WHERE {differs} GROUP BY {held}").rowcount
        self._subtracted = self._subtracted or done > 0

    def _to_staging_table(self, rows: list[tuple]) -> int:
        make_staging_table(self.db, self.table, self.columns)
        with self.db.driver_connection.cursor() as cursor, cursor.copy(
                f"COPY import_stage (seq, {', '.join(map(quoted, self.columns))}) FROM STDIN") as copy:
            for seq, row in enumerate(rows, 1):
                copy.write_row((seq, *row))
        return len(rows)

    def finish(self, log: dict, audit: dict, who: str) -> int:
        db = self.db
        try:
            if self._triggers_off:
                with timed("summaries"):
                    for trigger in self.TRIGGERS:
                        db.execute(f"ALTER TABLE {quoted(self.table)} ENABLE TRIGGER {quoted(trigger)}")
                    self._summarise()
            elif self.summaries:
                from ..spend import summarise_rows

                with timed("summaries"):
                    summarise_rows(db, self.table, "", self.since, None)
                    db.execute("DELETE FROM spend_totals_pause")
            with timed("write lock and commit"):
                db.execute("SELECT pg_advisory_xact_lock(:key)", {"key": store.WRITE_LOCK_KEY})
                fields = {**log, "status": "imported"}
                db.execute(f"UPDATE import_log SET {', '.join(f'{quoted(f)} = :{f}' for f in fields)} WHERE id = :id",
                           {**fields, "id": self.import_id})
                versioned.record_audit(db, entity="import", entity_id=self.import_id, action="import", who=who, after=audit)
                db.execute("COMMIT")
                self._open = False
        except BaseException:
            self.abandon()
            raise
        return self.import_id

    def _summarise(self) -> None:
        """Every row now of this import (inserted, or changed and moved to it) added to the
        totals by one GROUP BY, the totals (less what the changed rows held before) added to
        each summary, and groups left with no rows removed."""
        _total_import(self.db, self.table, self.held, self.import_id, sign="")
        _add_totals(self.db, self.summaries, remove_empty=self._subtracted)

    def abandon(self) -> None:
        """Roll the transaction back (nothing of the import was ever visible)."""
        if self._open:
            self._open = False
            self.db.execute("ROLLBACK")


def owns_table(db, table: str) -> bool:
    """Whether this PostgreSQL role owns ``table`` (directly or through a role it is in),
    as switching its triggers needs."""
    return bool(db.execute("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = CAST(:table AS regclass)",
                           {"table": table}).fetchone()[0])


def _held(summaries: tuple[str, ...]) -> list[str]:
    """Every column any of ``summaries`` holds, sorted."""
    return sorted(set().union(*(fields for _name, fields in summary_fields(summaries))))


def _make_totals_table(db, table: str, held: list[str]) -> None:
    """``import_totals``: a temporary table of ``held`` columns, amount_pence and records,
    dropped at commit (PostgreSQL)."""
    columns = ", ".join(held)
    db.execute(f"CREATE TEMPORARY TABLE import_totals ON COMMIT DROP AS SELECT {columns}, amount_pence, "
               f"CAST(0 AS BIGINT) AS records FROM {quoted(table)} WITH NO DATA")


def _total_import(db, table: str, held: list[str], import_id: int, sign: str) -> None:
    """One import's rows of ``table`` summed by ``held`` into ``import_totals``, each sum
    with ``sign`` ('' to add them, '-' to take them away)."""
    columns = ", ".join(held)
    db.execute(f"INSERT INTO import_totals ({columns}, amount_pence, records) SELECT {columns}, {sign}SUM(amount_pence), "
               f"{sign}COUNT(*) FROM {quoted(table)} WHERE import_id = :id GROUP BY {columns}", {"id": import_id})


def _add_totals(db, summaries: tuple[str, ...], *, remove_empty: bool) -> None:
    """``import_totals`` added to each summary (a group new to it inserted), groups left
    with no rows removed if ``remove_empty`` (as the per-row triggers do); then dropped."""
    for summary, fields in summary_fields(summaries):
        columns = ", ".join(sorted(fields))
        target = quoted(summary)
        db.execute(f"INSERT INTO {target} ({columns}, amount_pence, records) SELECT {columns}, SUM(amount_pence), "
                   f"SUM(records) FROM import_totals GROUP BY {columns} ON CONFLICT ({columns}) DO UPDATE SET "
                   f"amount_pence = {target}.amount_pence + excluded.amount_pence, records = {target}.records + excluded.records")
        if remove_empty:
            db.execute(f"DELETE FROM {target} WHERE records = 0")
    db.execute("DROP TABLE import_totals")


def delete_import_postgresql(db, table: str, import_id: int) -> int:
    """Delete one import's rows from ``table`` inside the caller's PostgreSQL transaction;
    returns how many. With summaries kept by triggers, and a role that owns the table, the
    per-row delete trigger is off for the statement (the lock is the import's: readers go
    on) and the rows' totals are taken out of each summary by one GROUP BY: 1,000,000 rows
    in seconds rather than minutes. Otherwise the trigger takes each row out."""
    summaries = summaries_of(db, table)
    if not summaries or not owns_table(db, table):
        return db.execute(f"DELETE FROM {quoted(table)} WHERE import_id = :id", {"id": import_id}).rowcount
    held = _held(summaries)
    _make_totals_table(db, table, held)
    _total_import(db, table, held, import_id, sign="-")
    trigger = f"TRIGGER {quoted('spend_totals_delete')}"
    db.execute(f"ALTER TABLE {quoted(table)} DISABLE {trigger}")
    removed = db.execute(f"DELETE FROM {quoted(table)} WHERE import_id = :id", {"id": import_id}).rowcount
    db.execute(f"ALTER TABLE {quoted(table)} ENABLE {trigger}")
    _add_totals(db, summaries, remove_empty=True)
    return removed


def make_staging_table(db, table: str, columns: list[str]) -> None:
    """The temporary table ``import_stage`` (``seq`` and ``table``'s own column types, no
    index, dropped at the transaction's end), unless it is there already."""
    db.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS import_stage ON COMMIT DROP AS SELECT CAST(0 AS BIGINT) AS seq, "
               f"{', '.join(map(quoted, columns))} FROM {quoted(table)} WITH NO DATA")


@contextlib.contextmanager
def publish_lock(db: store.Database, wait_seconds: float = PUBLISH_LOCK_WAIT_SECONDS) -> Iterator[None]:
    """One publisher at a time (imports and removals of imports), across processes: an
    exclusive lock on a file beside the database (on PostgreSQL, a session advisory lock,
    across servers). Raises ``errors.Busy`` after ``wait_seconds``."""
    if _dialect(db) == "postgresql":
        with _advisory_publish_lock(db, wait_seconds):
            yield
        return
    path = _main_file(db)
    if not path:
        yield
        return
    handle = os.open(path + ".import-lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _publishing_elsewhere() from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _publishing_elsewhere():
    from ..errors import Busy

    return Busy("Another import is being written to the database just now. Nothing was changed: "
                "try again when it has finished (the Data page's log shows it).")


@contextlib.contextmanager
def _advisory_publish_lock(db, wait_seconds: float) -> Iterator[None]:
    """PostgreSQL's publish lock: a session-level advisory lock (not the write lock that
    saves take), tried until ``wait_seconds`` have passed."""
    deadline = time.monotonic() + wait_seconds
    while not db.execute("SELECT pg_try_advisory_lock(:key)", {"key": PUBLISH_LOCK_KEY}).fetchone()[0]:
        if time.monotonic() > deadline:
            raise _publishing_elsewhere()
        time.sleep(0.2)
    try:
        yield
    finally:
        db.execute("SELECT pg_advisory_unlock(:key)", {"key": PUBLISH_LOCK_KEY})


@contextlib.contextmanager
def transaction_locked_at_end(db) -> Iterator[None]:
    """PostgreSQL: one transaction for a whole import, all or nothing and invisible until
    it commits, that takes the write lock (store.transaction's advisory lock) only at its
    end, for the writes people's saves must not interleave with (the log, the audit)."""
    db.execute("BEGIN")
    try:
        yield
        db.execute("SELECT pg_advisory_xact_lock(:key)", {"key": store.WRITE_LOCK_KEY})
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _dialect(db) -> str:
    return getattr(db, "dialect", "sqlite")


@contextlib.contextmanager
def big_cache(db: store.Database) -> Iterator[None]:
    """A bigger page cache on this connection for the block: filling a large copy of a
    table otherwise spills index pages to the write-ahead log again and again."""
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    threads = db.execute("PRAGMA threads").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-PUBLISH_CACHE_KB}")
    db.execute(f"PRAGMA threads = {SORT_THREADS}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")
        db.execute(f"PRAGMA threads = {threads}")


@contextlib.contextmanager
def attached(db: store.Database, path: str) -> Iterator[None]:
    """The staging file attached to the database's connection as ``stage``."""
    db.execute("ATTACH DATABASE :path AS stage", {"path": path})
    try:
        yield
    finally:
        db.execute("DETACH DATABASE stage")


@contextlib.contextmanager
def scratch_file(folder: str | None, kind: str) -> Iterator[tuple[str, sqlite3.Connection]]:
    """(path, connection) of a private SQLite file beside the database for one import's
    working tables (no journal, no syncing: it is thrown away), deleted on exit."""
    handle, path = tempfile.mkstemp(prefix=f".import-{kind}-", suffix=".db", dir=folder)
    os.close(handle)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        # 16 MB of cache: staged rows are appended and read in order, identifiers mostly
        # arrive in order (64 MB cost peak memory and no time, measured at 1,000,000 rows)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16384", "temp_store = MEMORY"):
            connection.execute(f"PRAGMA {pragma}")
        yield path, connection
    finally:
        connection.close()
        for suffix in ("", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + suffix)


def insert_new(connection: sqlite3.Connection, table: str, columns: list[str], rows: list[tuple], key: str) -> int:
    """Insert ``rows`` (values in ``columns`` order) into a scratch file's table in one
    transaction, skipping any whose ``key`` is already there; returns how many were
    inserted."""
    connection.execute("BEGIN")
    cursor = connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) ON CONFLICT({key}) DO NOTHING",
        rows,
    )
    connection.execute("COMMIT")
    return cursor.rowcount


def _picker(positions: list[int]) -> Callable[[tuple], tuple]:
    """A function from a row tuple to the tuple of its values at ``positions``."""
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*positions)


def _folder(db: store.Database) -> str | None:
    """Where an import's scratch files go: beside a database file; the system's temporary
    folder for PostgreSQL (or a database in memory)."""
    path = _main_file(db)
    return str(Path(path).parent) if path else None


def _main_file(db: store.Database) -> str:
    if _dialect(db) != "sqlite":
        return ""
    for _seq, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or ""
    return ""


@contextlib.contextmanager
def _summaries_in_bulk(db, table: str) -> Iterator[None]:
    """Many rows into ``table`` in one transaction: summaries added up once at the end."""
    if not summaries_of(db, table):
        yield
        return
    from ..spend import bulk_totals

    with bulk_totals(db):
        yield


