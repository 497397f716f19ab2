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
   - More (a big spend file): a new copy of the table, ``spend__next``, is built inside
     the database in *chunks*, each its own short transaction sized to hold the lock for
     about ``CHUNK_SECONDS``, with a pause between chunks so a waiting save gets the
     lock: first the stored rows, then the staged ones; a copy of up to
     ``INDEXES_AFTER_MAX_ROWS`` rows is filled bare (bulk mode) and its indexes are then
     built, each by one sort in a transaction of its own (SQLite may sort on
     ``SORT_THREADS`` threads); a bigger one has its indexes from the start, so that no
     step holds the lock for long; then the summaries' copies. Nobody reads ``spend__next``.
     Then one short transaction swaps the tables by renaming them (O(1), whatever the
     size) and marks the import done; the old copy is emptied afterwards, again in
     chunks. Readers see the old table until that commit and the whole import after it.
     Row ids are copied, so links to rows (``agreement_spend``) still hold; the swap runs
     with ``legacy_alter_table`` on and foreign keys off for that one transaction so
     other tables' references keep naming ``spend``.
   Summary tables kept by triggers on the table (the spend explorer's ``spend_totals*``,
   models.spend.SUMMARIES) are swapped with it: the widest one's copy is summed from the
   new copy in chunks once its rows are in (INSERT ... SELECT ... GROUP BY, no trigger
   fires), the narrower ones' from it, the few rows added meanwhile in the swap's own
   transaction, and the triggers are made again on the table swapped in.
3. **Crash.** A half-built ``__next`` (or not yet emptied ``__old``) copy is removed by
   the next publish; the live table was never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import operator
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy

from .. import store

STAMP_COLUMNS = {"loaded_at", "updated_at", "import_id", "source_file"}
SWAP_TABLES = ("spend",)
SWAP_MIN_ROWS = 20_000  # rows to write from which publishing builds a new copy of the table
CHUNK_SECONDS = 0.25  # how long one chunk of publishing aims to hold the write lock
PAUSE_SECONDS = 0.12  # between chunks: longer than SQLite's longest wait between tries (0.1 s)
FIRST_CHUNK_ROWS = 2_000
PUBLISH_LOCK_WAIT_SECONDS = 3600.0  # how long an import waits for another one to finish publishing
REMOVE_LOCK_WAIT_SECONDS = 5.0
PUBLISH_LOCK_KEY = 2011  # PostgreSQL advisory lock key of the publish lock (issue 11); the write lock is store's
PUBLISH_CACHE_KB = 64 * 1024  # page cache (and sorting memory) for the publishing connection
# Copies of up to this many rows are filled bare and indexed afterwards (each index one sort,
# one transaction: about 0.1 s a 100,000 rows on an idle machine); bigger ones keep their
# indexes up as they fill, chunk by chunk, since one sort of a million rows would hold the
# write lock for seconds on a busy machine (measured: saves waited up to 7 s at load 17).
INDEXES_AFTER_MAX_ROWS = 100_000
SORT_THREADS = 2  # helper threads SQLite may use to sort when it builds an index
STORED_BATCH = 5_000  # identifiers looked up in one query when staging (SQLite allows 32,766 parameters)


class Stage:
    """``with Stage(db, table, key) as stage:`` a staging file for one import into
    ``table`` (identifier column ``key``); ``stage.add(columns, keys, rows)`` stages a
    chunk, ``stage.publish(...)`` writes it to the database. The file is deleted on exit."""

    def __init__(self, main: store.Database, table: str, key: str):
        self.main, self.table, self.key = main, table, key
        self.columns: list[str] | None = None
        self.compared: list[str] = []
        self._pick: Callable[[tuple], tuple] | None = None
        self.rows = 0
        self.path: str | None = None
        self.db: sqlite3.Connection | None = None
        self._scratch: contextlib.ExitStack | None = None

    def __enter__(self) -> "Stage":
        self._scratch = contextlib.ExitStack()
        self.path, self.db = self._scratch.enter_context(scratch_file(_folder(self.main), "stage"))
        return self

    def __exit__(self, *exc) -> None:
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
            self.db.execute(f"CREATE TABLE rows (seq INTEGER PRIMARY KEY, {', '.join(map(_quoted, self.columns))})")
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
        if staged and write:
            self.db.execute("BEGIN")
            self.db.executemany(
                f"INSERT INTO rows ({', '.join(map(_quoted, self.columns))}) VALUES ({', '.join('?' * len(self.columns))})",
                staged)
            self.db.execute("COMMIT")
            self.rows += len(staged)
        return added, changed, len(rows) - added - changed

    def _stored(self, keys: list[str]) -> dict[str, tuple]:
        """{identifier: compared values} of the rows stored now with these identifiers
        (a read: no lock). An empty table is not searched, nor (on SQLite, whose text order
        is the identifiers' code points) one with no identifier between the chunk's least
        and greatest: a new file's chunks cost one look into the key's index each."""
        table, key = _quoted(self.table), _quoted(self.key)
        if self.main.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            return {}
        if _dialect(self.main) == "sqlite" and self.main.execute(
                f"SELECT 1 FROM {table} WHERE {key} >= :least AND {key} <= :greatest LIMIT 1",
                {"least": min(keys), "greatest": max(keys)}).fetchone() is None:
            return {}
        stored: dict[str, tuple] = {}
        selected = ", ".join(map(_quoted, [self.key, *self.compared]))
        for start in range(0, len(keys), STORED_BATCH):
            for row in self.main.execute(f"SELECT {selected} FROM {table} WHERE {key} IN :keys",
                                         {"keys": keys[start : start + STORED_BATCH]}).fetchall():
                stored[row[0]] = tuple(row[1:])
        return stored

    def publish(self, log: dict, audit: dict, *, who: str) -> int:
        """Write the staged rows, the import log entry and the audit row; all or nothing,
        visible together. Returns the import's id."""
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
                store.record_audit(self.main, entity="import", entity_id=import_id, action="import", who=who, after=audit)
            return import_id

    def _publish_by_copy(self, log: dict, audit: dict, who: str) -> int:
        """PostgreSQL: one transaction that COPYs the staged rows into a temporary table
        and upserts them into the table from there (the summaries added by one GROUP BY,
        models.spend.bulk_totals). PostgreSQL shows none of it to anyone until it
        commits, and it takes the write lock (store.transaction's advisory lock) only for
        its last step, the log entry and the audit row: people's saves, which take that
        lock, never wait for the rows."""
        db = self.main
        with transaction_locked_at_end(db):
            import_id = db["import_log"].insert({**log, "status": "imported"}).last_pk
            if self.rows:
                with timed("copy staged rows"):
                    self._copy_to_temporary(db)
                with timed("add staged rows"), _summaries_in_bulk(db, self.table):
                    db.execute(self._upsert_sql(self.table, "import_stage"), {"import_id": import_id, "first": 0, "last": self.rows})
                db.execute("DROP TABLE import_stage")
            store.record_audit(db, entity="import", entity_id=import_id, action="import", who=who, after=audit)
        return import_id

    def _copy_to_temporary(self, db) -> None:
        """The staged rows into a temporary table ``import_stage`` (the table's own column
        types, no index), with psycopg's COPY: the engine's bulk path."""
        columns = ", ".join(map(_quoted, self.columns))
        db.execute(f"CREATE TEMPORARY TABLE import_stage AS SELECT CAST(0 AS BIGINT) AS seq, {columns} "
                   f"FROM {_quoted(self.table)} WITH NO DATA")
        rows = self.db.execute(f"SELECT seq, {columns} FROM rows ORDER BY seq")
        with db.driver_connection.cursor() as cursor, cursor.copy(f"COPY import_stage (seq, {columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _publish_by_swap(self, log: dict, audit: dict, who: str) -> int:
        with store.transaction(self.main):
            import_id = self.main["import_log"].insert({**log, "status": "publishing"}).last_pk
        upsert = self._upsert_sql(_next(self.table), "stage.rows")

        def stage_rows(first: int, count: int) -> int:
            self.main.execute(upsert, {"import_id": import_id, "first": first, "last": first + count})
            return min(count, max(self.rows - first, 0))

        def finish() -> None:
            self.main.execute("UPDATE import_log SET status = 'imported' WHERE id = :id", {"id": import_id})
            store.record_audit(self.main, entity="import", entity_id=import_id, action="import", who=who, after=audit)

        try:
            swap_table(self.main, self.table, extra=stage_rows, extra_rows=self.rows, finish=finish)
        except BaseException:
            with store.transaction(self.main):
                self.main.execute("DELETE FROM import_log WHERE id = :id AND status = 'publishing'", {"id": import_id})
            raise
        return import_id

    def _upsert_sql(self, target: str, source: str) -> str:
        """Staged rows (``seq`` in (:first, :last]) from ``source`` into ``target``, in
        order: insert the new, update the changed (they move to this import, :import_id; a
        person-edited record's version goes up), and leave a row that is the same by now
        alone. The same SQL on both engines."""
        columns = ", ".join(map(_quoted, self.columns))
        into = _quoted(target)
        updates = [f"{_quoted(c)} = excluded.{_quoted(c)}" for c in self.columns if c != self.key]
        updates.append("import_id = excluded.import_id")
        if "version" in _columns(self.main, self.table):
            updates.append(f"version = {into}.version + 1")
        differs = " OR ".join(f"{into}.{_quoted(c)} IS DISTINCT FROM excluded.{_quoted(c)}" for c in self.compared) or "1 = 0"
        return (
            f"INSERT INTO {into} ({columns}, import_id) SELECT {columns}, :import_id FROM {source} "
            f"WHERE seq > :first AND seq <= :last ORDER BY seq ON CONFLICT ({_quoted(self.key)}) "
            f"DO UPDATE SET {', '.join(updates)} WHERE {differs}"
        )


def swap_table(db: store.Database, table: str, *, keep: str = "1 = 1", keep_params: dict | None = None,
               extra: Callable[[int, int], int] | None = None, extra_rows: int = 0,
               finish: Callable[[], None] | None = None) -> None:
    """Replace ``table`` by a new copy built in chunks (see the module's docstring): the
    stored rows matching ``keep`` (SQL on the stored row), then ``extra(first, count)``
    for ``extra_rows`` more (staged rows), then one short transaction that renames the
    copy into place and runs ``finish``. The caller holds ``publish_lock``."""
    new, old = _next(table), _old(table)
    keep_params = keep_params or {}
    summaries = _summaries(db, table)
    indexes = _indexes(db, table)
    # Bulk mode (indexes built once the rows are in) while one index build is short
    # enough to hold the write lock; a bigger copy keeps its indexes up chunk by chunk.
    built_after = db.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0] + extra_rows <= INDEXES_AFTER_MAX_ROWS
    with store.transaction(db):
        db.execute(_renamed_table_sql(_schema_sql(db, "table", table), new))
        if not built_after:
            for name, sql in indexes:
                db.execute(_renamed_index_sql(sql, _other_name(name), new))
        for summary in summaries:
            db.execute(_renamed_table_sql(_schema_sql(db, "table", summary), _next(summary)))
    summed = {"last": 0}

    def summarise(_first: int, count: int) -> int:
        """Add the copy's next ``count`` rows (by id) to the summaries' copies."""
        upto = db.execute(f"SELECT MAX(id) FROM (SELECT id FROM {_quoted(new)} WHERE id > :last ORDER BY id LIMIT :count)",
                          {"last": summed["last"], "count": count}).fetchone()[0]
        if upto is None:
            return 0
        from ..spend import summarise_rows

        summarise_rows(db, new, "__next", summed["last"], upto, tables=widest)
        summed["last"] = upto
        return 1

    def summarise_the_rest() -> None:
        """The narrower summaries' copies, summed from the widest one's (thousands of
        rows, not millions)."""
        for summary, columns in narrower:
            held = ", ".join(sorted(columns))
            db.execute(f"INSERT INTO {_quoted(_next(summary))} ({held}, amount_pence, records) "
                       f"SELECT {held}, SUM(amount_pence), SUM(records) FROM {_quoted(_next(widest[0]))} GROUP BY {held}")

    widest, narrower = _widest_summary(summaries)
    narrower_and_widest = _summary_fields(summaries)

    def tail_and_summaries() -> None:
        """In the swap's transaction: rows added to the table meanwhile, into the copy and
        into every summary's copy."""
        last = summed["last"]
        copy(0, -1)
        if summaries:
            from ..spend import summarise_rows

            summarise_rows(db, new, "__next", last, None)

    try:
        copied = {"last": 0}
        columns = ", ".join(map(_quoted, _columns(db, table)))

        def copy(first: int, count: int) -> int:
            done = db.execute(
                f"INSERT INTO {_quoted(new)} ({columns}) SELECT {columns} FROM {_quoted(table)} "
                f"WHERE id > :last AND ({keep}) ORDER BY id LIMIT :count",
                {**keep_params, "last": copied["last"], "count": count}).rowcount
            if done:
                copied["last"] = db.execute(f"SELECT MAX(id) FROM {_quoted(new)}").fetchone()[0]
            return done

        with timed("copy stored rows"):
            in_chunks(db, copy)
        if extra is not None:
            with timed("add staged rows"):
                in_chunks(db, extra, total=extra_rows)
        # The copy's own indexes, each built once its rows are in (a sort, many times
        # cheaper than keeping it up row by row), each in a transaction of its own.
        with timed("indexes"):
            for name, sql in indexes if built_after else ():
                with store.transaction(db):
                    db.execute(_renamed_index_sql(sql, _other_name(name), new))
                _pause(db)
        if summaries:
            with timed("summaries"):
                order = _grouping_index(db, new, dict(narrower_and_widest)[widest[0]]) if len(widest) == 1 else None
                if order:  # read in the index's order: no sort, each group written once
                    summed["last"] = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quoted(new)}").fetchone()[0]
                    in_chunks(db, _summarise_in_index_order(db, new, _next(widest[0]), order))
                else:
                    in_chunks(db, summarise)
                with store.transaction(db):
                    summarise_the_rest()
        with timed("swap"):
            _rename_into_place(db, table, new, old, tail=tail_and_summaries, finish=finish, summaries=summaries)
    except BaseException:
        for leftover in (new, *map(_next, summaries)):
            drop_in_chunks(db, leftover)
        raise
    with timed("empty the old copy"):
        for leftover in (old, *map(_old, summaries)):
            drop_in_chunks(db, leftover)


# Seconds (wall, this process's CPU) of each step of the last publish in this process, for
# the benchmarks (bench/bench_import.py prints them).
TIMINGS: dict[str, tuple[float, float]] = {}


@contextlib.contextmanager
def timed(step: str) -> Iterator[None]:
    """Note how long ``step`` takes in TIMINGS."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        TIMINGS[step] = (time.perf_counter() - wall, time.process_time() - cpu)


def _rename_into_place(db, table: str, new: str, old: str, *, tail: Callable[[], object],
                       finish: Callable[[], None] | None, summaries: tuple[str, ...] = ()) -> None:
    """The one short transaction that publishes: rows added meanwhile (the seed) copied
    too, ``table`` renamed to ``old`` and ``new`` to ``table``, and so for each summary
    table; the table's triggers are made again on the table swapped in (those on the old
    copy are dropped first, so emptying it later touches no live summary). Foreign keys
    off and legacy renaming on for it, so other tables' references keep naming ``table``."""
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")
    try:
        with store.transaction(db):
            tail()
            triggers = _triggers(db, table)
            for name, _sql in triggers:
                db.execute(f"DROP TRIGGER {_quoted(name)}")
            for live in (table, *summaries):
                db.execute(f"ALTER TABLE {_quoted(live)} RENAME TO {_quoted(_old(live))}")
                db.execute(f"ALTER TABLE {_quoted(_next(live))} RENAME TO {_quoted(live)}")
            for _name, sql in triggers:
                db.execute(sql)
            if finish is not None:
                finish()
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")
        db.execute("PRAGMA foreign_keys = ON")


def in_chunks(db: store.Database, step: Callable[[int, int], int], *, total: int | None = None) -> None:
    """Run ``step(first, count)`` in short transactions until it is done: with
    ``total``, over ``first`` = 0, count, 2 x count ... below total; without, until a
    step returns 0. Each chunk is sized to hold the write lock about CHUNK_SECONDS, and a
    pause follows it so that saves waiting for the lock get it in between."""
    rows, first = FIRST_CHUNK_ROWS, 0
    while total is None or first < total:
        started = time.perf_counter()
        with store.transaction(db):
            done = step(first, rows)
        if total is None and not done:
            return
        first += rows
        elapsed = time.perf_counter() - started
        rows = max(200, min(200_000, int(rows * CHUNK_SECONDS / max(elapsed, 1e-3))))
        _pause(db)


def _pause(db) -> None:
    """Between two steps of publishing: time for saves waiting for the write lock to
    take it. The write-ahead log is copied into the database file meanwhile, without
    the write lock (saves go on), so that a save's own commit never has a large
    checkpoint to do."""
    paused = time.perf_counter()
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    time.sleep(max(0.0, PAUSE_SECONDS - (time.perf_counter() - paused)))


def drop_in_chunks(db: store.Database, table: str) -> None:
    """Remove ``table`` (a copy nobody reads) without holding the lock long: its indexes
    one at a time, its rows in chunks, then the empty table."""
    if not _exists(db, table):
        return
    for name, _sql in _indexes(db, table):
        with store.transaction(db):
            db.execute(f"DROP INDEX IF EXISTS {_quoted(name)}")

    def delete(_first: int, count: int) -> int:
        return db.execute(
            f"DELETE FROM {_quoted(table)} WHERE rowid IN (SELECT rowid FROM {_quoted(table)} LIMIT :count)",
            {"count": count}).rowcount

    if _has_rowid(db, table):  # a summary (WITHOUT ROWID) is small: dropped at once
        in_chunks(db, delete)
    with store.transaction(db):
        db.execute(f"DROP TABLE IF EXISTS {_quoted(table)}")


def clear_leftovers(db: store.Database) -> None:
    """Copies left by a publish that stopped midway (a crash): removed. Called with the
    publish lock held, so no publish is running."""
    for table in SWAP_TABLES:
        for swapped in (table, *_summaries(db, table)):
            for leftover in (_next(swapped), _old(swapped)):
                drop_in_chunks(db, leftover)
    if db.execute("SELECT 1 FROM import_log WHERE status = 'publishing' LIMIT 1").fetchone():
        with store.transaction(db):
            db.execute("DELETE FROM import_log WHERE status = 'publishing'")


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


def _next(table: str) -> str:
    return f"{table}__next"


def _old(table: str) -> str:
    return f"{table}__old"


def _other_name(index: str) -> str:
    """The copy's name for an index: indexes of the live table and of its copy alternate
    between ``name`` and ``name__n`` (SQLite cannot rename an index)."""
    return index[: -len("__n")] if index.endswith("__n") else index + "__n"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exists(db, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": table}).fetchone() is not None


def _columns(db, table: str) -> list[str]:
    return [column[0] for column in db.execute(f"SELECT * FROM {_quoted(table)} LIMIT 0").description]


def _schema_sql(db, kind: str, name: str) -> str:
    return db.execute("SELECT sql FROM sqlite_master WHERE type = :kind AND name = :name", {"kind": kind, "name": name}).fetchone()[0]


def _indexes(db, table: str) -> list[tuple[str, str]]:
    """The table's own indexes (not those SQLite makes for UNIQUE and PRIMARY KEY)."""
    return db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL ORDER BY name",
        {"table": table}).fetchall()


def _has_rowid(db, table: str) -> bool:
    try:
        db.execute(f"SELECT rowid FROM {_quoted(table)} LIMIT 0")
    except (sqlite3.OperationalError, sqlalchemy.exc.OperationalError):
        return False
    return True


def _triggers(db, table: str) -> list[tuple[str, str]]:
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table ORDER BY name",
                      {"table": table}).fetchall()


def _summary_fields(summaries: tuple[str, ...]) -> list[tuple[str, set]]:
    """[(summary, the fields it holds)] for these summaries."""
    if not summaries:
        return []
    from ..spend import SUMMARIES

    return [(name, columns) for name, columns in SUMMARIES if name in summaries]


def _grouping_index(db, table: str, held: set[str]) -> list[str] | None:
    """The columns, in the index's order, of an index on ``table`` that begins with exactly
    the ``held`` columns (a GROUP BY of them then reads the index in order: no sort), or
    None."""
    for name, _sql in _indexes(db, table):
        columns = [row[2] for row in sorted(db.execute(f"PRAGMA index_info({_quoted(name)})").fetchall())]
        if set(columns[: len(held)]) == held and None not in columns:
            return columns[: len(held)]
    return None


def _summarise_in_index_order(db, table: str, summary: str, order: list[str]) -> Callable[[int, int], int]:
    """A step for ``in_chunks`` that sums ``table`` into the (empty) ``summary`` by the
    columns ``order``, a range of the index's first three columns' values at a time (the
    more the longer the chunk may be: ``count`` // 1,000 of them)."""
    lead = order[:3]
    listed = ", ".join(map(_quoted, lead))
    keys = db.execute(f"SELECT DISTINCT {listed} FROM {_quoted(table)} ORDER BY {listed}").fetchall()
    grouped = ", ".join(map(_quoted, order))
    sql = (f"INSERT INTO {_quoted(summary)} ({grouped}, amount_pence, records) "
           f"SELECT {grouped}, SUM(amount_pence), COUNT(*) FROM {_quoted(table)} "
           f"WHERE ({listed}) >= (:a0, :a1, :a2) AND ({listed}) <= (:b0, :b1, :b2) GROUP BY {grouped}")
    position = {"next": 0}

    def step(_first: int, count: int) -> int:
        start = position["next"]
        if start >= len(keys):
            return 0
        end = min(len(keys), start + max(1, count // 1_000)) - 1
        db.execute(sql, {**{f"a{i}": v for i, v in enumerate(keys[start])}, **{f"b{i}": v for i, v in enumerate(keys[end])}})
        position["next"] = end + 1
        return 1

    return step


def _widest_summary(summaries: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[str, set]]]:
    """((the summary holding every field the others hold,), [(each other, its fields)]):
    only the widest is summed from the table's rows, the rest from it. With no such
    summary, every one is summed from the rows."""
    if not summaries:
        return (), []
    from ..spend import SUMMARIES

    held = {name: columns for name, columns in SUMMARIES if name in summaries}
    for name, columns in held.items():
        if all(other <= columns for other in held.values()):
            return (name,), [(other, held[other]) for other in summaries if other != name]
    return tuple(summaries), []


def _summaries(db, table: str) -> tuple[str, ...]:
    """The summary tables kept by triggers on ``table`` that exist in this database."""
    if table != "spend":
        return ()
    from ..spend import SUMMARIES

    return tuple(name for name, _ in SUMMARIES if store.table_exists(db, name))


@contextlib.contextmanager
def _summaries_in_bulk(db, table: str) -> Iterator[None]:
    """Many rows into ``table`` in one transaction: summaries added up once at the end."""
    if not _summaries(db, table):
        yield
        return
    from ..spend import bulk_totals

    with bulk_totals(db):
        yield


_CREATE_TABLE = re.compile(r'(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|\S+?)\s*\((.*)$')
_CREATE_INDEX = re.compile(
    r'(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|\S+?)\s+ON\s+'
    r'(?:"(?:[^"]|"")+"|[^\s(]+)\s*\((.*)$')


def _renamed_table_sql(sql: str, new: str) -> str:
    match = _CREATE_TABLE.match(sql)
    if match is None:
        raise RuntimeError(f"cannot read the table definition to copy: {sql[:80]}")
    return f"CREATE TABLE {_quoted(new)} ({match.group(1)}"


def _renamed_index_sql(sql: str, name: str, table: str) -> str:
    match = _CREATE_INDEX.match(sql)
    if match is None:
        raise RuntimeError(f"cannot read the index definition to copy: {sql[:80]}")
    return f"CREATE {match.group(1) or ''}INDEX {_quoted(name)} ON {_quoted(table)} ({match.group(2)}"
